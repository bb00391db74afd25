//! The shell grammar (`src/shell_grammar.rs`) judged by real Bash: every line it calls
//! well-formed must pass `bash -n` (syntax only — nothing is executed), so the facts the `scope`
//! and `shell_parse` oracles rely on are about valid Bash. Also checks the generator reaches
//! every construct it claims. Skipped with a message (not silently) where no `bash` exists.
//! `cargo test --manifest-path fuzz/Cargo.toml --release --test grammar`

use cedar_hitl_fuzz::shell_grammar::{Gen, Generated, SENTINEL_CMD, SENTINEL_PATH};
use std::io::Write;
use std::process::{Command, Stdio};

/// Deterministic pseudo-random bytes (xorshift64*), so a failure names a reproducible seed.
fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn generated(count: u64) -> Vec<(u64, Generated)> {
    (0..count).map(|seed| (seed, Gen::new(&bytes(seed, 200)).command_line())).collect()
}

/// Whether `bash -n` accepts `script` (read from stdin, as `bash -c` would run it).
fn bash_syntax_ok(script: &str) -> Result<(), String> {
    let mut child = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run bash: {e}"))?;
    child.stdin.take().expect("piped").write_all(script.as_bytes()).expect("write script");
    let out = child.wait_with_output().expect("bash -n finishes");
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into()) }
}

#[test]
fn well_formed_lines_are_valid_bash() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("SKIPPED: no bash on PATH");
        return;
    }
    let lines = generated(600);
    let good: Vec<&(u64, Generated)> = lines.iter().filter(|(_, g)| g.well_formed).collect();
    assert!(good.len() >= 150, "only {} of 600 generated lines are well formed", good.len());
    let mut failures = Vec::new();
    for (seed, g) in &good {
        if let Err(e) = bash_syntax_ok(&g.text) {
            failures.push(format!("seed {seed}: {:?}\n  {e}", g.text));
        }
    }
    assert!(failures.is_empty(), "{} lines bash rejects:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn generator_reaches_every_construct() {
    let all: String = generated(600).iter().map(|(_, g)| g.text.clone() + "\n").collect();
    for needle in [
        "'",
        "\"",
        "$'",
        "$\"",
        "\\\n",
        "<<EOF",
        "<<-'END'",
        "<<<",
        ">|",
        "&>",
        "2>&1",
        "{fd}>",
        " #",
        "$(",
        "`",
        "<(",
        ">(",
        "bash -c ",
        "eval ",
        "sudo ",
        "env ",
        " | ",
        " && ",
        " || ",
        " & ",
        "( ",
        "{ ",
        "if ",
        "for v",
        "case x",
        "f() {",
        SENTINEL_CMD,
        SENTINEL_PATH,
    ] {
        assert!(all.contains(needle), "the generator never produced {needle:?}");
    }
    let flags = generated(600);
    assert!(flags.iter().any(|(_, g)| g.well_formed && g.sentinel_cmd));
    assert!(flags.iter().any(|(_, g)| g.well_formed && g.sentinel_write));
    assert!(flags.iter().any(|(_, g)| !g.well_formed));
}

#[test]
fn running_out_of_bytes_terminates() {
    let g = Gen::new(&[]).command_line();
    assert!(g.well_formed && !g.text.is_empty(), "{g:?}");
    // Long inputs stay bounded.
    let g = Gen::new(&[7u8; 100_000]).command_line();
    assert!(g.text.len() < 64 * 1024, "{} bytes", g.text.len());
}
