//! `cargo xtask generate` as a maintainer runs it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .args(args)
        .output()
        .unwrap()
}

/// A fresh folder under the system temp dir, unique to the test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clover-xtask-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec_path() -> PathBuf {
    workspace().join("spec/clover-ecommerce.yaml")
}

#[test]
fn generating_elsewhere_gives_the_checked_in_files() {
    let out = scratch("elsewhere");
    let output = xtask(&[
        "--spec",
        spec_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("generated 5 files"), "{stdout}");
    for name in ["mod.rs", "api.rs", "hosts.rs", "models.rs", "client.rs"] {
        let checked_in =
            fs::read_to_string(workspace().join("clover-api/src/generated").join(name)).unwrap();
        assert_eq!(
            fs::read_to_string(out.join(name)).unwrap(),
            checked_in,
            "{name}"
        );
    }
    let again = xtask(&[
        "--spec",
        spec_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("unchanged"),
        "a second run rewrites nothing"
    );
}

#[test]
fn check_reports_drift_with_a_diff_and_fails() {
    let out = scratch("drift");
    assert!(
        xtask(&[
            "--spec",
            spec_path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    let models = out.join("models.rs");
    let edited = fs::read_to_string(&models).unwrap().replacen(
        "pub struct Charge {",
        "pub struct Charge { // edited",
        1,
    );
    fs::write(&models, edited).unwrap();
    let header = fs::read_to_string(out.join("hosts.rs"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    fs::write(out.join("stale.rs"), format!("{header}\n// left behind\n")).unwrap();
    fs::write(out.join("lib.rs"), "// hand-written, not ours\n").unwrap();

    let output = xtask(&[
        "--check",
        "--spec",
        spec_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("-pub struct Charge { // edited")
            && stdout.contains("+pub struct Charge {"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("models.rs") && stderr.contains("stale.rs (not generated any more)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("lib.rs"),
        "a file without our header is not ours: {stderr}"
    );

    let output = xtask(&[
        "--spec",
        spec_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    assert!(
        !out.join("stale.rs").exists(),
        "a stale generated file is removed"
    );
    assert_eq!(
        fs::read_to_string(out.join("lib.rs")).unwrap(),
        "// hand-written, not ours\n"
    );
}

#[test]
fn a_broken_spec_writes_nothing_and_names_the_problem() {
    let out = scratch("broken");
    fs::write(out.join("models.rs"), "// checked-in code\n").unwrap();
    let spec = out.join("broken.yaml");
    let text = fs::read_to_string(spec_path()).unwrap().replacen(
        "operationId: getCharge",
        "operationId: getCharge\n      requestBody: { $ref: '#/components/requestBodies/Nope' }",
        1,
    );
    fs::write(&spec, text).unwrap();

    let output = xtask(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("#/paths/~1v1~1charges~1{chargeId}/get/requestBody: unresolved `$ref`"),
        "{stderr}"
    );
    assert!(stderr.contains("Nothing was written."), "{stderr}");
    assert_eq!(
        fs::read_to_string(out.join("models.rs")).unwrap(),
        "// checked-in code\n"
    );
    assert!(!out.join("client.rs").exists());
}
