//! Reading specs from git without a checkout, for `obspec diff --base`.

use std::path::{Path, PathBuf};

/// The spec files of `dir` at the git ref `base`: `(name, text)`, named
/// `REF:path`.
pub fn specs_at(base: &str, dir: &Path) -> Result<Vec<(String, String)>, String> {
    let abs = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let (cwd, file) = if abs.is_dir() {
        (abs.clone(), None)
    } else {
        (
            abs.parent().unwrap_or(&abs).to_path_buf(),
            Some(abs.clone()),
        )
    };
    let root = PathBuf::from(git(&["rev-parse", "--show-toplevel"], &cwd)?.trim());
    let root = root.canonicalize().unwrap_or(root);
    let rel = file
        .as_ref()
        .unwrap_or(&abs)
        .strip_prefix(&root)
        .map_err(|_| {
            format!(
                "{} is not inside the git repository {}",
                abs.display(),
                root.display()
            )
        })?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
        &root,
    )
    .map_err(|_| {
        format!(
            "`{base}` is not a commit of the repository at {}",
            root.display()
        )
    })?;
    let listing = git(
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            base,
            "--",
            if rel.is_empty() { "." } else { &rel },
        ],
        &root,
    )?;
    let mut out = Vec::new();
    // `-z`: names as they are, NUL-separated (without it, git quotes names
    // with non-ASCII bytes and the `.yaml` filter would drop them).
    for path in listing
        .split('\0')
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
    {
        let text = git(&["show", &format!("{base}:{path}")], &root)?;
        out.push((format!("{base}:{path}"), text));
    }
    if out.is_empty() {
        return Err(format!(
            "no spec file under `{}` at `{base}`",
            if rel.is_empty() { "." } else { &rel }
        ));
    }
    Ok(out)
}

/// Runs git in `cwd`: its standard output, or its error as text.
fn git(args: &[&str], cwd: &Path) -> Result<String, String> {
    let o = std::process::Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}
