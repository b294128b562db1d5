//! Files are read only where they should be: a spec or a template that is a
//! link out of its directory (to `/proc/self/environ`, say), a FIFO or a
//! device is refused with a finding that shows none of its content, never
//! read, never waited on. Links that stay inside the directory still work.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

const SHOP: &str = "obspec: 1
service: shop
namespace: shop
labels:
  status: {values: [ok, failed]}
metrics:
  shop_orders_total: {type: counter, help: Orders by outcome., labels: [status]}
";

/// The secret the environment holds while obspec runs.
const SECRET: &str = "s3cr3t-token-that-must-not-leak";

/// Runs obspec in `dir` with the secret in its environment, killing it after
/// 30 s (a read that blocks would hang).
fn obspec(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("OBSPEC_TEST_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("obspec {args:?} did not finish in 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Puts a hostile file at a path.
type MakeFile = dyn Fn(&Path);

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", p.display());
}

#[test]
fn links_out_of_the_spec_directory_and_fifos_are_refused_unread() {
    let dir = obspec_test_support::scratch("files-specs");
    let specs = dir.join("specs");
    std::fs::create_dir_all(specs.join("team")).unwrap();
    std::fs::write(specs.join("shop.yaml"), SHOP).unwrap();
    // Inside the directory: followed (the target is not a spec file itself).
    std::fs::write(specs.join("team/cart.txt"), SHOP.replace("shop", "cart")).unwrap();
    symlink("team/cart.txt", specs.join("cart.yaml")).unwrap();
    // Out of it: refused.
    symlink("/proc/self/environ", specs.join("env.yaml")).unwrap();
    let outside = dir.join("outside.yaml");
    std::fs::write(&outside, format!("# {SECRET}\n{SHOP}")).unwrap();
    symlink(&outside, specs.join("elsewhere.yaml")).unwrap();
    mkfifo(&specs.join("pipe.yaml"));

    for args in [
        &["lint", "specs"][..],
        &["lint", "specs", "--format", "json"],
        &["generate", "specs", "--out", "out"],
        &["check", "specs", "--out", "out"],
    ] {
        let o = obspec(&dir, args);
        let all = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {all}");
        assert!(!all.contains(SECRET), "{args:?} printed the secret: {all}");
        let per_finding = if args.contains(&"json") {
            "\"code\": \"OBS010\""
        } else {
            "error[OBS010]"
        };
        assert_eq!(all.matches(per_finding).count(), 3, "{args:?}: {all}");
        for name in ["env.yaml", "elsewhere.yaml", "pipe.yaml"] {
            assert!(all.contains(name), "{args:?}: {name} not named: {all}");
        }
        assert!(
            !all.contains("cart.yaml"),
            "{args:?}: the inner link: {all}"
        );
    }
    assert!(
        !dir.join("out").exists(),
        "generate wrote despite the errors"
    );

    // Without the refused files, the same tree is clean, the inner link read.
    for f in ["env.yaml", "elsewhere.yaml", "pipe.yaml"] {
        std::fs::remove_file(specs.join(f)).unwrap();
    }
    let o = obspec(&dir, &["lint", "specs"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 spec files clean"), "{}", text(&o));

    // A file named on the command line: the same rules.
    symlink("/proc/self/environ", specs.join("env.yaml")).unwrap();
    let o = obspec(&dir, &["lint", "specs/env.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("OBS010") && !text(&o).contains(SECRET));
}

#[test]
fn template_overrides_out_of_their_directory_are_refused_unread() {
    let dir = obspec_test_support::scratch("files-templates");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/shop.yaml"), SHOP).unwrap();
    let tpl = dir.join("tpl/docs");
    std::fs::create_dir_all(&tpl).unwrap();
    let cases: [(&str, &MakeFile); 3] = [
        (
            "a link to a file outside the templates directory",
            &|p: &Path| symlink("/proc/self/environ", p).unwrap(),
        ),
        ("not a regular file", &|p: &Path| mkfifo(p)),
        ("larger than", &|p: &Path| {
            std::fs::write(p, "x".repeat(2 << 20)).unwrap()
        }),
    ];
    for (why, make) in cases {
        let p = tpl.join("service.md.j2");
        let _ = std::fs::remove_file(&p);
        make(&p);
        let o = obspec(
            &dir,
            &[
                "generate",
                "specs",
                "--target",
                "docs",
                "--templates",
                "tpl",
                "--out",
                "out",
            ],
        );
        let all = text(&o);
        assert_eq!(o.status.code(), Some(2), "{why}: {all}");
        assert!(all.contains(why), "{why}: {all}");
        assert!(!all.contains(SECRET), "{why}: printed the secret: {all}");
        assert!(all.len() < 4096, "{why}: {} bytes of output", all.len());
        assert!(!dir.join("out").exists(), "{why}: wrote output");
    }
    // A link inside the directory is an override like any other.
    let p = tpl.join("service.md.j2");
    std::fs::remove_file(&p).unwrap();
    std::fs::write(tpl.join("mine.j2"), "# {{ service.name }} (mine)\n").unwrap();
    symlink("mine.j2", &p).unwrap();
    let o = obspec(
        &dir,
        &[
            "generate",
            "specs",
            "--target",
            "docs",
            "--templates",
            "tpl",
            "--out",
            "out",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(dir.join("out/docs/shop.md")).unwrap();
    assert!(page.contains("# shop (mine)"), "{page}");
}

/// An override that loops without end or writes without bound stops with an
/// error naming the template and the limit, and nothing is written.
#[test]
fn template_overrides_are_bounded_in_time_and_output() {
    let dir = obspec_test_support::scratch("files-template-bounds");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/shop.yaml"), SHOP).unwrap();
    let tpl = dir.join("tpl/docs");
    std::fs::create_dir_all(&tpl).unwrap();
    for (body, want) in [
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            "runs more than 50000000 instructions",
        ),
        (
            "{% for a in range(100) %}{{ 'x' * 10000000 }}{% endfor %}",
            "writes more than 67108864 bytes",
        ),
    ] {
        std::fs::write(tpl.join("service.md.j2"), body).unwrap();
        let o = obspec(
            &dir,
            &[
                "generate",
                "specs",
                "--target",
                "docs",
                "--templates",
                "tpl",
                "--out",
                "out",
            ],
        );
        let all = text(&o);
        assert_eq!(o.status.code(), Some(2), "{all}");
        assert!(all.contains(want) && all.contains("service.md.j2"), "{all}");
        assert!(!dir.join("out").exists(), "wrote output");
    }
}
