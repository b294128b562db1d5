//! `generate` replaces the output tree as a whole: a real `obspec generate`
//! killed with SIGKILL at random points leaves the old tree or the new one,
//! never a mix, and the next run leaves nothing behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

/// A spec set with `n` services; `version` changes help texts, objectives and
/// which services exist, so old and new trees differ in content and file set.
fn specs(dir: &Path, n: usize, version: u32) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("obspec.yaml"), "obspec: 1\n").unwrap();
    for i in 0..n {
        // Version 2 drops every 7th service and adds new ones.
        if version == 2 && i % 7 == 0 {
            continue;
        }
        let id = if version == 2 && i % 11 == 0 {
            i + 1000
        } else {
            i
        };
        let mut s = format!(
            "obspec: 1\nservice: svc{id}\nnamespace: svc{id}\nteam: t\nlabels:\n  status: {{values: [ok, failed]}}\nmetrics:\n"
        );
        for m in 0..12 {
            s.push_str(&format!(
                "  svc{id}_op{m}_total: {{type: counter, help: Operations {m} v{version}., labels: [status]}}\n"
            ));
        }
        s.push_str(&format!(
            "  svc{id}_latency_seconds: {{type: histogram, unit: seconds, help: Latency v{version}., buckets: [0.1, 1]}}\n"
        ));
        s.push_str(&format!(
            "slos:\n  svc{id}-ops:\n    objective: {}\n    window: 30d\n    sli:\n      errors: svc{id}_op0_total{{status=\"failed\"}}\n      total: svc{id}_op0_total\n",
            if version == 1 { "99.9" } else { "99.5" },
        ));
        std::fs::write(dir.join(format!("svc{id}.yaml")), s).unwrap();
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.insert(rel + "/", Vec::new());
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn siblings(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("obspec-"))
        .collect()
}

fn generate(root: &Path, specs: &str) -> std::process::Output {
    Command::new(BIN)
        .args(["generate", specs, "--out", "out"])
        .current_dir(root)
        .output()
        .unwrap()
}

#[test]
fn killed_generate_leaves_old_or_new_tree() {
    let root: PathBuf = std::env::temp_dir().join(format!("obspec-atomic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    specs(&root.join("v1"), 30, 1);
    specs(&root.join("v2"), 30, 2);

    // The two trees, and how long one switching run takes.
    assert!(generate(&root, "v2").status.success());
    let new = snapshot(&root.join("out"));
    let o = generate(&root, "v1");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let old = snapshot(&root.join("out"));
    assert_ne!(old, new);
    assert!(old.len() > 150, "a large tree: {} entries", old.len());
    let t = Instant::now();
    assert!(generate(&root, "v2").status.success());
    let run = t.elapsed();
    assert_eq!(snapshot(&root.join("out")), new);

    // Deterministic pseudo-random kill points over the whole run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..16 {
        // Start from the old tree.
        assert!(generate(&root, "v1").status.success());
        assert_eq!(snapshot(&root.join("out")), old);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Half the kills anywhere in the run, half in its last third, where
        // the tree is written and swapped.
        let span = run.as_nanos() as u64;
        let at = if round % 2 == 0 {
            Duration::from_nanos(seed % (span * 11 / 10).max(1))
        } else {
            Duration::from_nanos(span * 2 / 3 + seed % (span / 2).max(1))
        };
        let mut child = Command::new(BIN)
            .args(["generate", "v2", "--out", "out"])
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        // SIGKILL: no destructor, no clean-up runs.
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&root.join("out"));
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            let only_old: Vec<_> = old
                .keys()
                .filter(|k| !now.contains_key(*k))
                .take(5)
                .collect();
            let only_now: Vec<_> = now
                .keys()
                .filter(|k| !old.contains_key(*k) && !new.contains_key(*k))
                .take(5)
                .collect();
            panic!("round {round}, killed after {at:?}: a mixed tree (missing {only_old:?}, foreign {only_now:?})");
        }
        // Inside the output directory there is never a temporary.
        assert!(
            now.keys().all(|k| !k.contains("obspec-")),
            "round {round}: temporaries inside the tree"
        );
        // `check` sees what the killed run left beside the tree, if anything.
        let left = siblings(&root);
        let check = Command::new(BIN)
            .args(["check", "v2", "--out", "out"])
            .current_dir(&root)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&check.stdout);
        for l in &left {
            assert!(
                report.contains(l.as_str()),
                "check does not report {l}: {report}"
            );
        }
        // The next run completes the change and removes the leftovers.
        assert!(generate(&root, "v2").status.success());
        assert_eq!(snapshot(&root.join("out")), new);
        assert_eq!(
            siblings(&root),
            Vec::<String>::new(),
            "round {round}: leftovers"
        );
    }
    eprintln!("one run: {run:?}; killed runs: {saw_old} left the old tree, {saw_new} the new one");
    assert!(saw_old > 0, "no kill landed before the swap");
    std::fs::remove_dir_all(&root).unwrap();
}
