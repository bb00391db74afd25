//! Run one input through one target on stable, for debugging a crash file:
//! `cargo run --release --manifest-path fuzz/Cargo.toml --example replay_one -- <target> <file>`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[2]).unwrap();
    match args[1].as_str() {
        "bundle_load" => cedar_hitl_fuzz::bundle_load(&data),
        "scope" => cedar_hitl_fuzz::scope(&data),
        "session_evaluate" => cedar_hitl_fuzz::session_evaluate(&data),
        "sanitize" => cedar_hitl_fuzz::sanitize(&data),
        "canonical" => cedar_hitl_fuzz::canonical(&data),
        "shell_parse" => {
            if cedar_hitl_fuzz::shell_grammar::is_grammar_mode(&data) {
                let generated = cedar_hitl_fuzz::shell_grammar::Gen::new(&data[1..]).command_line();
                eprintln!("generated line: {:?}", generated.text);
            }
            cedar_hitl_fuzz::shell::shell_parse(&data)
        }
        t => panic!("unknown target {t}"),
    }
    println!("ok");
}
