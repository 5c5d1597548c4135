//! For each construct, a tiny spec and a golden of every file it generates.
//! Review changes with `cargo insta review`, or accept with `INSTA_UPDATE=always`.

use std::path::Path;

fn check_fixture(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.yaml"));
    let spec = std::fs::read_to_string(&path).unwrap();
    let files = codegen::generate(&spec, &format!("{name}.yaml"))
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    for file in files {
        insta::assert_snapshot!(format!("{name}__{}", file.name), file.contents);
    }
}

#[test]
fn objects() {
    check_fixture("objects");
}

#[test]
fn enums() {
    check_fixture("enums");
}

#[test]
fn operations() {
    check_fixture("operations");
}

#[test]
fn compositions() {
    check_fixture("compositions");
}

#[test]
fn schemas_general() {
    check_fixture("schemas_general");
}
