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
            "-l",
            base,
            "--",
            if rel.is_empty() { "." } else { &rel },
        ],
        &root,
    )?;
    // `-z`: names as they are, NUL-separated (without it, git quotes names
    // with non-ASCII bytes and the `.yaml` filter would drop them). Only
    // regular files are specs: links and submodules are left out, as the
    // working tree's loader refuses what leaves the directory.
    let mut wanted: Vec<(String, String)> = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        let Some((meta, path)) = entry.split_once('\t') else {
            return Err(format!("git ls-tree: unexpected line `{entry}`"));
        };
        let mut f = meta.split_ascii_whitespace();
        let (mode, kind, oid, size) = (f.next(), f.next(), f.next(), f.next());
        if !(path.ends_with(".yaml") || path.ends_with(".yml"))
            || kind != Some("blob")
            || !matches!(mode, Some("100644" | "100755"))
        {
            continue;
        }
        let size: u64 = size.and_then(|s| s.parse().ok()).unwrap_or(0);
        let max = obspec_spec::yaml::Limits::default().max_bytes as u64;
        if size > max {
            return Err(format!(
                "{base}:{path} is {size} bytes, over the limit of {max} for a spec file"
            ));
        }
        wanted.push((path.to_string(), oid.unwrap_or_default().to_string()));
    }
    if wanted.is_empty() {
        return Err(format!(
            "no spec file under `{}` at `{base}`",
            if rel.is_empty() { "." } else { &rel }
        ));
    }
    // Every blob in one `git cat-file --batch`, however many files.
    let ids: String = wanted.iter().map(|(_, oid)| format!("{oid}\n")).collect();
    let blobs = git_batch(&ids, &root)?;
    let mut rest = &blobs[..];
    let mut out = Vec::with_capacity(wanted.len());
    for (path, oid) in &wanted {
        let (text, after) = batch_entry(rest, oid)
            .ok_or_else(|| format!("git cat-file: no content for {base}:{path}"))?;
        rest = after;
        out.push((
            format!("{base}:{path}"),
            String::from_utf8_lossy(text).into_owned(),
        ));
    }
    Ok(out)
}

/// One `<oid> <type> <size>\n<content>\n` entry of `cat-file --batch`
/// output: the content and what follows the entry.
fn batch_entry<'b>(out: &'b [u8], oid: &str) -> Option<(&'b [u8], &'b [u8])> {
    let nl = out.iter().position(|b| *b == b'\n')?;
    let header = std::str::from_utf8(&out[..nl]).ok()?;
    let mut h = header.split(' ');
    if h.next()? != oid || h.next()? != "blob" {
        return None;
    }
    let size: usize = h.next()?.parse().ok()?;
    let body = out.get(nl + 1..nl + 1 + size)?;
    let after = out.get(nl + 1 + size..)?.strip_prefix(b"\n")?;
    Some((body, after))
}

/// `git cat-file --batch` with `ids` on its standard input.
fn git_batch(ids: &str, cwd: &Path) -> Result<Vec<u8>, String> {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(cwd)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    // Written from a thread: git answers while it reads, and a full pipe
    // either way would block both.
    let mut stdin = child.stdin.take().expect("piped");
    let ids = ids.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
    let o = child
        .wait_with_output()
        .map_err(|e| format!("git cat-file: {e}"))?;
    let _ = writer.join();
    if !o.status.success() {
        return Err(format!(
            "git cat-file --batch: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    Ok(o.stdout)
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
