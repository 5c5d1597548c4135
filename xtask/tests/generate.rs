//! `cargo xtask generate` as a maintainer, or a user with their own spec, runs it.

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

fn generate_into(out: &Path) -> Output {
    xtask(&[
        "--spec",
        spec_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Our spec into `out`, with the option clover-api is generated with.
fn generate_like_clover_api(out: &Path) -> Output {
    xtask(&[
        "--spec",
        spec_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--mirror-feature",
        "sandbox",
    ])
}

#[test]
fn generating_elsewhere_gives_the_checked_in_files_in_a_new_crate() {
    let out = scratch("elsewhere");
    let output = generate_like_clover_api(&out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("generated 6 files"), "{stdout}");
    for name in [
        "mod.rs",
        "api.rs",
        "hosts.rs",
        "schemes.rs",
        "models.rs",
        "client.rs",
    ] {
        let checked_in =
            fs::read_to_string(workspace().join("clover-api/src/generated").join(name)).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("src/generated").join(name)).unwrap(),
            checked_in,
            "{name}"
        );
    }
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let crate_name = out.file_name().unwrap().to_str().unwrap();
    assert!(
        manifest.contains(&format!("name = \"{crate_name}\"")),
        "{manifest}"
    );
    assert!(
        manifest.contains("clover-api-runtime = { path = \"../"),
        "{manifest}"
    );
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub use generated::*;"), "{lib}");

    fs::write(out.join("Cargo.toml"), "# the user's now\n").unwrap();
    let again = generate_like_clover_api(&out);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("unchanged") && !stdout.contains("wrote"),
        "a second run rewrites nothing: {stdout}"
    );
    assert_eq!(
        fs::read_to_string(out.join("Cargo.toml")).unwrap(),
        "# the user's now\n",
        "the shell is never overwritten"
    );
}

#[test]
fn a_folder_that_cannot_name_a_crate_is_refused_before_writing() {
    let out = scratch("names").join("2fast");
    let output = generate_into(&out);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`2fast` cannot name a crate (it must start with an ASCII letter)")
            && stderr.contains("Nothing was written."),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn check_reports_drift_with_a_diff_and_fails() {
    let out = scratch("drift");
    assert!(generate_into(&out).status.success());
    let generated = out.join("src/generated");
    let models = generated.join("models.rs");
    let edited = fs::read_to_string(&models).unwrap().replacen(
        "pub struct Charge {",
        "pub struct Charge { // edited",
        1,
    );
    fs::write(&models, edited).unwrap();
    let header = fs::read_to_string(generated.join("hosts.rs"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    fs::write(
        generated.join("stale.rs"),
        format!("{header}\n// left behind\n"),
    )
    .unwrap();
    fs::write(generated.join("extra.rs"), "// hand-written, not ours\n").unwrap();
    fs::remove_file(out.join("src/lib.rs")).unwrap();

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
        stderr.contains("models.rs")
            && stderr.contains("stale.rs (not generated any more)")
            && stderr.contains("lib.rs (missing: the crate shell is written when absent)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("extra.rs"),
        "a file without our header is not ours: {stderr}"
    );
    assert!(!out.join("src/lib.rs").exists(), "a check writes nothing");

    let output = generate_into(&out);
    assert!(output.status.success());
    assert!(
        !generated.join("stale.rs").exists(),
        "a stale generated file is removed"
    );
    assert_eq!(
        fs::read_to_string(generated.join("extra.rs")).unwrap(),
        "// hand-written, not ours\n"
    );
    assert!(
        out.join("src/lib.rs").exists(),
        "a missing shell file is written"
    );
    assert!(
        xtask(&[
            "--check",
            "--spec",
            spec_path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
}

#[test]
fn a_broken_spec_writes_nothing_and_names_the_problem() {
    let out = scratch("broken");
    let generated = out.join("src/generated");
    fs::create_dir_all(&generated).unwrap();
    fs::write(generated.join("models.rs"), "// checked-in code\n").unwrap();
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
        fs::read_to_string(generated.join("models.rs")).unwrap(),
        "// checked-in code\n"
    );
    assert!(!generated.join("client.rs").exists());
    assert!(!out.join("Cargo.toml").exists());
}

/// Our spec, every golden fixture, and the corpus of awkward specs
/// (`codegen/tests/corpus/`: reserved words, clashes, unicode, empty and
/// deeply nested schemas), in a stable order.
fn specs_to_compile() -> Vec<PathBuf> {
    let mut specs = vec![spec_path()];
    for folder in ["codegen/tests/fixtures", "codegen/tests/corpus"] {
        let mut found: Vec<PathBuf> = fs::read_dir(workspace().join(folder))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "json")
            })
            .collect();
        found.sort();
        specs.extend(found);
    }
    specs
}

/// What a new user does: generate a crate from a spec into an empty folder,
/// then build it and lint it there, outside this workspace; for every spec
/// of [`specs_to_compile`]. Slow (it builds the runtime's dependencies
/// once), so `.ci/run` runs it by name.
#[test]
#[ignore = "builds the runtime's dependencies; run by .ci/run"]
fn a_generated_crate_builds_by_itself_and_is_clippy_clean() {
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crates");
    let root = scratch("new-user");
    for spec in specs_to_compile() {
        let stem = spec.file_stem().unwrap().to_str().unwrap();
        let out = root.join(format!("their-{}", stem.replace('_', "-")));
        let output = xtask(&[
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // The workspace's lock file pins the versions it was tested with.
        fs::copy(workspace().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
        for command in [
            &["build"][..],
            &["clippy", "--all-targets", "--", "-D", "warnings"],
        ] {
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(command)
                .current_dir(&out)
                .env("CARGO_TARGET_DIR", &target_dir)
                .status()
                .unwrap();
            assert!(
                status.success(),
                "cargo {command:?} failed for {}",
                spec.display()
            );
        }
    }
}
