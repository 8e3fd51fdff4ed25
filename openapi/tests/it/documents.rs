//! Documents that must not drift from the code: the committed OpenAPI document and the
//! permission matrix in ARCHITECTURE.md.

use std::path::Path;

fn repo_file(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let served = maxai_openapi::openapi_spec().unwrap();
    let committed = repo_file("maxai.openapi.json");
    assert!(
        served.trim() == committed.trim(),
        "openapi/maxai.openapi.json is out of date: refresh it with\n  cargo run -p maxai-openapi -- openapi > openapi/maxai.openapi.json"
    );
}

#[test]
fn the_permission_matrix_in_architecture_md_matches_the_policy() {
    let doc = repo_file("../ARCHITECTURE.md");
    let start = "<!-- permission-matrix:start -->\n";
    let table = doc.split_once(start).and_then(|(_, rest)| rest.split_once("<!-- permission-matrix:end -->"));
    let (table, _) = table.expect("ARCHITECTURE.md has the permission matrix markers");
    assert_eq!(
        table.trim(),
        maxai_core::policy::matrix_markdown().trim(),
        "update the matrix in ARCHITECTURE.md"
    );
}
