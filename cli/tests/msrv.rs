//! The MSRV is stated once (`rust-version` in the root Cargo.toml, inherited by every crate) and
//! must be true of the lock file: no locked crate may declare a newer `rust-version`. Without a
//! second toolchain here (`cargo +<msrv>` is unavailable), each crate's own declaration is the
//! evidence; `cargo metadata` lists every locked package for every platform.

use serde_json::Value;
use std::process::Command;

/// Our own code's floor, independent of dependencies: std `File::lock` (the hook state lock).
const OWN_CODE_FLOOR: (u64, u64) = (1, 89);

fn version(text: &str) -> (u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().expect("numeric rust-version"));
    let major = parts.next().expect("major");
    let minor = parts.next().unwrap_or(0);
    (major, minor)
}

fn metadata() -> Value {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--manifest-path", root])
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("metadata JSON")
}

#[test]
fn stated_msrv_covers_every_locked_crate_and_is_not_overstated() {
    let meta = metadata();
    let packages = meta["packages"].as_array().expect("packages");
    let members: Vec<&str> =
        meta["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();

    // One statement: every workspace crate inherits the same rust-version.
    let mut stated = None;
    for p in packages.iter().filter(|p| members.contains(&p["id"].as_str().unwrap())) {
        let name = p["name"].as_str().unwrap();
        let rv = p["rust_version"].as_str().unwrap_or_else(|| panic!("{name} has no rust-version"));
        match stated {
            None => stated = Some(rv),
            Some(s) => assert_eq!(s, rv, "{name} states a different rust-version"),
        }
    }
    let stated = version(stated.expect("workspace members"));

    let mut newest = (OWN_CODE_FLOOR, "our own code".to_string());
    let mut too_new = Vec::new();
    for p in packages.iter().filter(|p| !members.contains(&p["id"].as_str().unwrap())) {
        let Some(rv) = p["rust_version"].as_str() else { continue };
        let needed = version(rv);
        let who = format!("{} {} (rust-version {rv})", p["name"], p["version"]);
        if needed > stated {
            too_new.push(who.clone());
        }
        if needed > newest.0 {
            newest = (needed, who);
        }
    }
    assert!(
        too_new.is_empty(),
        "MSRV {stated:?} is below what these locked crates need: {too_new:?}"
    );
    assert_eq!(
        stated, newest.0,
        "MSRV {stated:?} is higher than anything requires; the newest requirement is {}",
        newest.1
    );
}

#[test]
fn version_reading_handles_two_and_three_part_versions() {
    assert_eq!(version("1.90"), (1, 90));
    assert_eq!(version("1.85.1"), (1, 85));
    assert!(version("1.90") > version("1.89.9"));
}
