//! Runs every shared contract fixture against the Rust core. Python and Node run the same files.

use std::path::Path;

#[test]
fn every_contract_fixture_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");
    let reports = cedar_hitl_cli::contracts::run_all(&root)
        .expect("contract folders exist and are non-empty");
    let checked: usize = reports.iter().map(|r| r.checked).sum();
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| r.failures.iter().map(move |f| format!("{}: {f}", r.path.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {checked} contract checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 80, "only {checked} contract checks ran");
}

#[test]
fn an_empty_contract_folder_fails_the_run() {
    let dir = std::env::temp_dir().join(format!("cedar-hitl-empty-{}", std::process::id()));
    for sub in ["cedar-parity", "decisions", "functions"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    assert!(cedar_hitl_cli::contracts::run_all(&dir).is_err());
    std::fs::remove_dir_all(dir).ok();
}
