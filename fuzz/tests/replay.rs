//! Replays every committed corpus file through the same checks the fuzz targets run. Stable
//! Rust, no libFuzzer: `cargo test --manifest-path fuzz/Cargo.toml --release`.

use std::path::{Path, PathBuf};

const TARGETS: [(&str, fn(&[u8])); 6] = [
    ("bundle_load", cedar_hitl_fuzz::bundle_load),
    ("scope", cedar_hitl_fuzz::scope),
    ("session_evaluate", cedar_hitl_fuzz::session_evaluate),
    ("sanitize", cedar_hitl_fuzz::sanitize),
    ("canonical", cedar_hitl_fuzz::canonical),
    ("shell_parse", cedar_hitl_fuzz::shell::shell_parse),
];

fn corpus_files(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus folder {} is missing: {e}", dir.display()))
        .map(|entry| entry.expect("readable corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "corpus folder {} is empty", dir.display());
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let files = corpus_files(target);
    let mut failures = Vec::new();
    for path in &files {
        let data = std::fs::read(path).expect("readable corpus file");
        // Each file on its own thread with a generous stack, so one failure names its file and
        // the deep-nesting inputs cannot overflow the small default test-thread stack.
        let outcome = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || run(&data))
            .expect("spawn")
            .join();
        if outcome.is_err() {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: {} of {} corpus files fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!("{target}: {} corpus files pass", files.len());
}

#[test]
fn replay_bundle_load() {
    replay(TARGETS[0].0, TARGETS[0].1);
}

#[test]
fn replay_scope() {
    replay(TARGETS[1].0, TARGETS[1].1);
}

#[test]
fn replay_session_evaluate() {
    replay(TARGETS[2].0, TARGETS[2].1);
}

#[test]
fn replay_sanitize() {
    replay(TARGETS[3].0, TARGETS[3].1);
}

#[test]
fn replay_canonical() {
    replay(TARGETS[4].0, TARGETS[4].1);
}

#[test]
fn replay_shell_parse() {
    replay(TARGETS[5].0, TARGETS[5].1);
}

#[test]
fn every_corpus_folder_is_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in std::fs::read_dir(&root).expect("corpus/ exists") {
        let name = entry.expect("entry").file_name().into_string().expect("utf-8 name");
        assert!(TARGETS.iter().any(|(t, _)| *t == name), "corpus/{name} has no target");
    }
}
