//! Whole-tree atomic commit of the output directory.
//!
//! `generate` never edits the output directory in place. It builds the complete
//! next tree in a sibling staging directory, `.<out>.obspec-stage-<pid>`:
//! rendered files are written (and `fsync`ed) there, unchanged files and files
//! obspec does not own are hard-linked from the current tree, so their inode and
//! modification time stay. Then one `renameat2(RENAME_EXCHANGE)` swaps the two
//! directories, the parent directory is `fsync`ed and the old tree (now at the
//! staging name) is removed.
//!
//! A run killed at any point leaves the output directory wholly old or wholly
//! new. What it may leave is the staging directory beside it, which the next
//! run removes before it starts (runs on one parent directory are serialised by
//! an advisory `flock` on that directory) and which `check` reports (not
//! the staging tree of a run holding the lock now: that is work in progress).
//!
//! Where `RENAME_EXCHANGE` is not available (not Linux, or a file system that
//! refuses it), the swap falls back to two renames: the current tree to
//! `.<out>.obspec-old-<pid>`, then the staging tree into place. A run killed
//! between the two leaves no output directory but the old tree beside it, and
//! the next run puts it back before doing anything else.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::targets::artifact::{GenError, Rendered, MARKER};

/// What `write` changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

const STAGE: &str = "obspec-stage-";
const OLD: &str = "obspec-old-";
/// Per-file temporaries of obspec versions before the whole-tree commit.
const LEGACY_TMP: &str = ".obspec-tmp-";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> GenError + '_ {
    move |error| GenError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Where the output directory really is: its parent and its name, with a
/// symbolic link to a directory resolved (the link stays, its target is swapped).
struct Place {
    out: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Place {
    fn of(out: &Path) -> Result<Place, GenError> {
        let mut out = out.to_path_buf();
        if fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink()) {
            out = fs::canonicalize(&out).map_err(io_err(&out))?;
        }
        let abs = if out.is_absolute() {
            out.clone()
        } else {
            std::env::current_dir().map_err(io_err(&out))?.join(&out)
        };
        // `a/b/..` and `a/./b`: name the directory by its last real component.
        let abs = normalize(&abs);
        let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
            return Err(GenError::Io {
                path: out,
                error: io::Error::other("the output directory cannot be the root directory"),
            });
        };
        let place = Place {
            out: abs.clone(),
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
        };
        if let Ok(cwd) = std::env::current_dir() {
            if cwd.starts_with(&abs) {
                return Err(GenError::Io {
                    path: out,
                    error: io::Error::other(
                        "the output directory is replaced as a whole; it cannot be the current directory or one of its parents (use `--out generated`)",
                    ),
                });
            }
        }
        if abs.join(".git").exists() {
            return Err(GenError::Io {
                path: out,
                error: io::Error::other(
                    "the output directory is replaced as a whole and holds `.git`: give a directory of generated files (`--out generated`)",
                ),
            });
        }
        Ok(place)
    }

    fn sibling(&self, kind: &str) -> PathBuf {
        self.parent
            .join(format!(".{}.{kind}{}", self.name, std::process::id()))
    }

    /// Staging and old trees of earlier runs beside the output directory.
    fn leftovers(&self) -> Vec<PathBuf> {
        let prefix_stage = format!(".{}.{STAGE}", self.name);
        let prefix_old = format!(".{}.{OLD}", self.name);
        let mut found = Vec::new();
        if let Ok(entries) = fs::read_dir(&self.parent) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(&prefix_stage) || n.starts_with(&prefix_old) {
                    found.push(e.path());
                }
            }
        }
        found.sort();
        found
    }
}

fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// An advisory lock on a directory, released when dropped.
struct Lock(#[allow(dead_code)] fs::File);

impl Lock {
    fn take(dir: &Path) -> Result<Lock, GenError> {
        let f = fs::File::open(dir).map_err(io_err(dir))?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a file descriptor we own; no memory is involved.
            let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
            if r != 0 {
                return Err(io_err(dir)(io::Error::last_os_error()));
            }
        }
        Ok(Lock(f))
    }

    /// Whether another open of `dir` holds the lock now (a run in
    /// progress); never waits.
    fn held_elsewhere(dir: &Path) -> bool {
        let Ok(f) = fs::File::open(dir) else {
            return false;
        };
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a file descriptor we own; released on close.
            let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) };
            r != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::EWOULDBLOCK)
        }
        #[cfg(not(unix))]
        {
            let _ = f;
            false
        }
    }
}

/// Puts back what a killed run left: the old tree if the output directory is
/// missing (the fallback swap was cut between its two renames), then removes
/// every staging and old tree. Returns what was removed.
fn recover(place: &Place) -> Result<Vec<PathBuf>, GenError> {
    let mut left = place.leftovers();
    if fs::symlink_metadata(&place.out).is_err() {
        let old_prefix = format!(".{}.{OLD}", place.name);
        if let Some(i) = left.iter().position(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&old_prefix))
        }) {
            let old = left.remove(i);
            fs::rename(&old, &place.out).map_err(io_err(&old))?;
        }
    }
    for p in &left {
        remove_any(p)?;
    }
    Ok(left)
}

fn remove_any(p: &Path) -> Result<(), GenError> {
    let meta = match fs::symlink_metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(p)(e)),
    };
    if meta.is_dir() {
        fs::remove_dir_all(p).map_err(io_err(p))
    } else {
        fs::remove_file(p).map_err(io_err(p))
    }
}

/// Whether the file at `p` carries the generated marker.
pub fn is_generated(p: &Path) -> bool {
    use std::io::Read;
    let mut buf = vec![0u8; 1024];
    let Ok(mut f) = fs::File::open(p) else {
        return false;
    };
    let n = f.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).contains(MARKER)
}

/// Whether a file name is a temporary of an older obspec's per-file commit.
pub fn is_legacy_temp(name: &str) -> bool {
    name.starts_with('.') && name.contains(LEGACY_TMP)
}

fn rel_string(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every entry below `root`, relative, parents before children, in a stable order.
fn walk(root: &Path) -> Result<Vec<(PathBuf, fs::FileType)>, GenError> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        let mut entries = Vec::new();
        for e in fs::read_dir(&dir).map_err(io_err(&dir))? {
            let e = e.map_err(io_err(&dir))?;
            let ft = e.file_type().map_err(io_err(&e.path()))?;
            entries.push((rel.join(e.file_name()), ft));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, ft) in entries.into_iter().rev() {
            if ft.is_dir() {
                stack.push(p.clone());
            }
            out.push((p, ft));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn owned_by(rel: &str, owned: &[String]) -> bool {
    owned.iter().any(|d| {
        rel.strip_prefix(d.as_str())
            .is_some_and(|r| r.starts_with('/'))
    })
}

fn write_synced(path: &Path, content: &[u8]) -> Result<(), GenError> {
    use std::io::Write;
    let mut f = fs::File::create(path).map_err(io_err(path))?;
    f.write_all(content).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

fn sync_dir(dir: &Path) -> Result<(), GenError> {
    #[cfg(unix)]
    {
        let f = fs::File::open(dir).map_err(io_err(dir))?;
        f.sync_all().map_err(io_err(dir))?;
    }
    let _ = dir;
    Ok(())
}

/// Links `from` at `to`; copies (keeping permissions) where the file system has
/// no hard links.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), GenError> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map_err(io_err(from))?;
    let f = fs::File::open(to).map_err(io_err(to))?;
    f.sync_all().map_err(io_err(to))
}

#[cfg(unix)]
fn copy_dir_mode(from: &Path, to: &Path) -> Result<(), GenError> {
    let perm = fs::metadata(from).map_err(io_err(from))?.permissions();
    fs::set_permissions(to, perm).map_err(io_err(to))
}

#[cfg(not(unix))]
fn copy_dir_mode(_: &Path, _: &Path) -> Result<(), GenError> {
    Ok(())
}

/// Builds the next tree in `stage` from the current one and the rendered files.
fn build_stage(
    place: &Place,
    stage: &Path,
    rendered: &Rendered,
    summary: &mut WriteSummary,
) -> Result<usize, GenError> {
    let mut dropped = 0;
    fs::create_dir(stage).map_err(io_err(stage))?;
    let exists = fs::symlink_metadata(&place.out).is_ok();
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    dirs.insert(PathBuf::new());
    if exists {
        copy_dir_mode(&place.out, stage)?;
        for (rel, ft) in walk(&place.out)? {
            let rs = rel_string(&rel);
            let from = place.out.join(&rel);
            let to = stage.join(&rel);
            let name = rel
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if ft.is_dir() {
                if rendered.files.contains_key(&rs) {
                    return Err(GenError::Io {
                        path: from,
                        error: io::Error::other("exists and is not a regular file"),
                    });
                }
                fs::create_dir(&to).map_err(io_err(&to))?;
                copy_dir_mode(&from, &to)?;
                dirs.insert(rel);
            } else if ft.is_symlink() {
                if rendered.files.contains_key(&rs) {
                    return Err(GenError::Io {
                        path: from,
                        error: io::Error::other("exists and is not a regular file"),
                    });
                }
                let target = fs::read_link(&from).map_err(io_err(&from))?;
                #[cfg(unix)]
                std::os::unix::fs::symlink(&target, &to).map_err(io_err(&to))?;
                #[cfg(not(unix))]
                let _ = target;
            } else if ft.is_file() {
                if is_legacy_temp(&name) {
                    dropped += 1;
                    continue;
                }
                if let Some(content) = rendered.files.get(&rs) {
                    if fs::read(&from).is_ok_and(|old| old == content.as_bytes()) {
                        link_or_copy(&from, &to)?;
                        summary.unchanged.push(rs);
                    }
                    // Changed files are written below.
                    continue;
                }
                if owned_by(&rs, &rendered.owned) && is_generated(&from) {
                    summary.removed.push(rs);
                    continue;
                }
                link_or_copy(&from, &to)?;
            } else {
                return Err(GenError::Io {
                    path: from,
                    error: io::Error::other(
                        "the output directory holds a special file (socket, FIFO or device) obspec cannot carry over",
                    ),
                });
            }
        }
    }
    for (path, content) in &rendered.files {
        let to = stage.join(path);
        if to.exists() {
            continue; // unchanged, linked above
        }
        let rel = Path::new(path);
        let mut missing = Vec::new();
        let mut p = rel.parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            if dirs.contains(d) {
                break;
            }
            missing.push(d.to_path_buf());
            p = d.parent();
        }
        for d in missing.into_iter().rev() {
            let full = stage.join(&d);
            if fs::symlink_metadata(&full).is_ok() {
                return Err(GenError::Io {
                    path: place.out.join(&d),
                    error: io::Error::other("exists and is not a directory"),
                });
            }
            fs::create_dir(&full).map_err(io_err(&place.out.join(&d)))?;
            dirs.insert(d);
        }
        write_synced(&to, content.as_bytes()).map_err(|e| match e {
            GenError::Io { error, .. } => GenError::Io {
                path: place.out.join(path),
                error,
            },
            e => e,
        })?;
        summary.written.push(path.clone());
    }
    for d in dirs.iter().rev() {
        sync_dir(&stage.join(d))?;
    }
    Ok(dropped)
}

/// Swaps `a` and `b` atomically. `Ok(false)` when the system cannot.
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: both paths are valid NUL-terminated strings that live across the call.
        let r = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
            _ => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

#[cfg(test)]
thread_local! {
    /// Makes the next commit fail just before the swap, to test clean-up.
    pub static FAIL_BEFORE_SWAP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `Some` when the tree on disk already is the rendered one: every rendered
/// file has its content, no stale generated file and no leftover is there.
fn unchanged(place: &Place, rendered: &Rendered) -> Result<Option<WriteSummary>, GenError> {
    if !place.out.is_dir() {
        return Ok(None);
    }
    for (path, content) in &rendered.files {
        match fs::symlink_metadata(place.out.join(path)) {
            Ok(m) if m.is_file() && m.len() == content.len() as u64 => {}
            _ => return Ok(None),
        }
        if fs::read(place.out.join(path)).map_or(true, |old| old != content.as_bytes()) {
            return Ok(None);
        }
    }
    let stale = existing_generated(&place.out, &rendered.owned)?
        .iter()
        .any(|p| !rendered.files.contains_key(p));
    if stale || !all_leftovers(place)?.is_empty() {
        return Ok(None);
    }
    Ok(Some(WriteSummary {
        unchanged: rendered.files.keys().cloned().collect(),
        ..WriteSummary::default()
    }))
}

/// Writes the rendered tree under `out` as one atomic change (see the module docs).
pub fn commit(out: &Path, rendered: &Rendered) -> Result<WriteSummary, GenError> {
    let place = Place::of(out)?;
    fs::create_dir_all(&place.parent).map_err(io_err(&place.parent))?;
    let _lock = Lock::take(&place.parent)?;
    recover(&place)?;
    if let Some(summary) = unchanged(&place, rendered)? {
        // Nothing to change: the tree (and its inodes) stays as it is.
        return Ok(summary);
    }
    let mut summary = WriteSummary::default();
    let stage = place.sibling(STAGE);
    let built = build_stage(&place, &stage, rendered, &mut summary);
    #[cfg(test)]
    let built = built.and_then(|n| {
        if FAIL_BEFORE_SWAP.with(|f| f.replace(false)) {
            Err(io_err(&stage)(io::Error::other("injected failure")))
        } else {
            Ok(n)
        }
    });
    let dropped = match built {
        Ok(n) => n,
        Err(e) => {
            let _ = remove_any(&stage);
            return Err(e);
        }
    };
    summary.written.sort();
    summary.unchanged.sort();
    summary.removed.sort();
    if summary.written.is_empty() && summary.removed.is_empty() && dropped == 0 {
        // Nothing changes: keep the current tree (and its directory inodes).
        let _ = remove_any(&stage);
        return Ok(summary);
    }
    if fs::symlink_metadata(&place.out).is_err() {
        fs::rename(&stage, &place.out).map_err(io_err(&place.out))?;
        sync_dir(&place.parent)?;
        return Ok(summary);
    }
    let swapped = match exchange(&stage, &place.out) {
        Ok(s) => s,
        Err(e) => {
            let _ = remove_any(&stage);
            return Err(io_err(&place.out)(e));
        }
    };
    if swapped {
        sync_dir(&place.parent)?;
        // `stage` now holds the old tree.
        remove_any(&stage)?;
    } else {
        let old = place.sibling(OLD);
        fs::rename(&place.out, &old).map_err(io_err(&place.out))?;
        if let Err(e) = fs::rename(&stage, &place.out) {
            let _ = fs::rename(&old, &place.out);
            let _ = remove_any(&stage);
            return Err(io_err(&place.out)(e));
        }
        sync_dir(&place.parent)?;
        remove_any(&old)?;
    }
    Ok(summary)
}

/// What a killed run or an older obspec left: staging trees beside `out`, and
/// per-file temporaries inside it. Absolute paths, sorted. The staging tree
/// of a `generate` running now (it holds the lock, and its process, named
/// in the tree's name, is alive) is work in progress, not a leftover.
pub fn leftovers(out: &Path) -> Result<Vec<PathBuf>, GenError> {
    let Ok(place) = Place::of(out) else {
        return Ok(Vec::new());
    };
    let mut found = all_leftovers(&place)?;
    if Lock::held_elsewhere(&place.parent) {
        found.retain(|p| !of_a_live_run(p));
    }
    Ok(found)
}

/// Takes the output's lock as a running `generate` holds it.
#[cfg(test)]
pub(crate) fn hold_lock_for_test(dir: &Path) -> Box<dyn std::any::Any> {
    Box::new(Lock::take(dir).unwrap())
}

/// Whether the process named in a staging or old tree's name
/// (`.<out>.obspec-stage-<pid>`) runs.
fn of_a_live_run(p: &Path) -> bool {
    let Some(pid) = p
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit('-').next())
        .and_then(|n| n.parse::<i32>().ok())
    else {
        return false;
    };
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only asks whether the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

fn all_leftovers(place: &Place) -> Result<Vec<PathBuf>, GenError> {
    let mut found = place.leftovers();
    if place.out.is_dir() {
        for (rel, ft) in walk(&place.out)? {
            let name = rel
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if ft.is_file() && is_legacy_temp(&name) {
                found.push(place.out.join(rel));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Generated files (marker-bearing, hidden ones included) under the owned
/// directories of `out`, relative to `out`.
pub fn existing_generated(out: &Path, owned: &[String]) -> Result<BTreeSet<String>, GenError> {
    let mut found = BTreeSet::new();
    for dir in owned {
        let root = out.join(dir);
        if !root.is_dir() {
            continue;
        }
        for (rel, ft) in walk(&root)? {
            let name = rel
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if ft.is_file() && !is_legacy_temp(&name) && is_generated(&root.join(&rel)) {
                found.insert(format!("{dir}/{}", rel_string(&rel)));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On Linux file systems that have it, the swap is one `RENAME_EXCHANGE`.
    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_directories() {
        let base = std::env::temp_dir().join(format!("obspec-xchg-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("a")).unwrap();
        fs::create_dir_all(base.join("b")).unwrap();
        fs::write(base.join("a/x"), "a").unwrap();
        fs::write(base.join("b/x"), "b").unwrap();
        assert!(exchange(&base.join("a"), &base.join("b")).unwrap());
        assert_eq!(fs::read_to_string(base.join("a/x")).unwrap(), "b");
        assert_eq!(fs::read_to_string(base.join("b/x")).unwrap(), "a");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn output_directory_that_cannot_be_replaced_is_refused() {
        let cwd = std::env::current_dir().unwrap();
        assert!(Place::of(Path::new(".")).is_err());
        assert!(Place::of(&cwd).is_err());
        assert!(Place::of(Path::new("/")).is_err());
        let with_git = std::env::temp_dir().join(format!("obspec-git-{}", std::process::id()));
        fs::create_dir_all(with_git.join(".git")).unwrap();
        assert!(Place::of(&with_git).is_err());
        fs::remove_dir_all(&with_git).unwrap();
        let p = Place::of(Path::new("some/../generated")).unwrap();
        assert_eq!(p.name, "generated");
        assert_eq!(p.parent, cwd);
    }
}
