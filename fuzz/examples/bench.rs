//! Executions per second of one target over a folder of inputs, on stable (no libFuzzer, no
//! sanitizer): `cargo run --release --manifest-path fuzz/Cargo.toml --example bench -- <target>
//! <dir> [seconds]`. Used to compare harness changes (README "Speed"); libFuzzer's own exec/s
//! additionally includes ASan and coverage instrumentation.
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let run: fn(&[u8]) = match args[1].as_str() {
        "bundle_load" => cedar_hitl_fuzz::bundle_load,
        "scope" => cedar_hitl_fuzz::scope,
        "session_evaluate" => cedar_hitl_fuzz::session_evaluate,
        "sanitize" => cedar_hitl_fuzz::sanitize,
        "canonical" => cedar_hitl_fuzz::canonical,
        "shell_parse" => cedar_hitl_fuzz::shell::shell_parse,
        t => panic!("unknown target {t}"),
    };
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(&args[2])
        .expect("input folder")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("readable input"))
        .collect();
    inputs.sort();
    let secs: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs_f64(secs) {
        for data in &inputs {
            run(data);
            n += 1;
        }
    }
    let t = start.elapsed().as_secs_f64();
    println!(
        "{}: {n} executions over {} inputs in {t:.1} s = {:.0} exec/s",
        args[1],
        inputs.len(),
        n as f64 / t
    );
}
