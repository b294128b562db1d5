//! The bundled example specs (`specs/` of the repository), embedded so that
//! `obspec generate` with no arguments and no `specs/` directory runs on them.

/// `(relative name, text)` of every bundled spec file.
pub static SPECS: &[(&str, &str)] = &[
    ("agent-sdk.yaml", include_str!("../specs/agent-sdk.yaml")),
    (
        "api-gateway.yaml",
        include_str!("../specs/api-gateway.yaml"),
    ),
    ("obspec.yaml", include_str!("../specs/obspec.yaml")),
    (
        "payment-gateway.yaml",
        include_str!("../specs/payment-gateway.yaml"),
    ),
    (
        "workflow-agent.yaml",
        include_str!("../specs/workflow-agent.yaml"),
    ),
    (
        "workflow-engine.yaml",
        include_str!("../specs/workflow-engine.yaml"),
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_list_matches_specs_directory() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = super::SPECS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            on_disk, embedded,
            "update SPECS to list every file of specs/"
        );
    }
}
