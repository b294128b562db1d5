//! Helpers of the unit tests.

/// The bundled example specs (the repository's `specs/`), loaded and linted.
pub fn bundled() -> obspec_spec::load::Loaded {
    let files = obspec_test_support::bundled_specs();
    crate::lint::check_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
}
