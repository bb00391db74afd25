//! Chooses where the embedded built-in rules and constants are read from.
//!
//! In the repository, the top-level `policies/` and `contracts/constants.json` are the source of
//! truth (docs/rules.md), so an edit there takes effect on the next build. A packaged crate (the
//! published crate, the Python sdist) cannot reach outside itself and reads its own copy in
//! `data/`, which the `embedded_data` test keeps byte-identical (`scripts/sync-core-data.sh`).

use std::path::{Path, PathBuf};

/// The files `include_str!` embeds, relative to the chosen root.
const FILES: [&str; 5] = [
    "policies/hard_deny.cedar",
    "policies/soft_deny.cedar",
    "policies/upstream/hard_deny.cedar",
    "policies/upstream/soft_deny.cedar",
    "contracts/constants.json",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = match repository_root(&manifest) {
        Some(repo) => repo,
        None => manifest.join("data"),
    };
    for file in FILES {
        let path = root.join(file);
        assert!(path.is_file(), "embedded file missing: {}", path.display());
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=CEDAR_HITL_DATA_DIR={}", root.display());
}

/// The repository root when this crate is the repository's `cedar-hitl-core/` and the top-level
/// sources are present; `None` in a packaged copy (registry checkout, sdist, `cargo package`).
fn repository_root(manifest: &Path) -> Option<PathBuf> {
    let parent = manifest.parent()?;
    let is_repo_member =
        parent.join("cedar-hitl-core").canonicalize().ok()? == manifest.canonicalize().ok()?;
    let has_sources = FILES.iter().all(|f| parent.join(f).is_file());
    (is_repo_member && has_sources).then(|| parent.to_path_buf())
}
