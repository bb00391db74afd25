//! **shell_parse** — `cedar_hitl_core::shell::parse` on arbitrary text.
//!
//! Input: the command line, as lossy UTF-8 (invalid bytes become U+FFFD; NUL bytes stay); or,
//! when the first byte is ≥ 0xF8, choices of the shell grammar (`crate::shell_grammar`), whose
//! generated line gets the same checks plus `check_generated` (sentinels found by the parser).
//!
//! Checks (each one implied by the API's documentation, never by how the parser happens to work):
//! - `parse` never panics, and is deterministic (a second call returns an equal `CommandLine`:
//!   the thread-local tree-sitter parser keeps no state between calls); the result serialises.
//! - Caps: at most `MAX_SIMPLE_COMMANDS` commands; a command longer than `MAX_COMMAND_BYTES` or
//!   holding a NUL byte is opaque as a whole (`opaque` is set).
//! - Opacity: an opaque line has at least one command and every command of it is opaque; every
//!   opaque command says why (a non-empty `opaque_reason`).
//! - Shape of every command: `argv` is a suffix of `words` (wrappers are removed from the front);
//!   when `words` is non-empty, `normalized` is the words joined by single spaces, `program_raw`
//!   is `argv[0]`, and a readable command's `program` is the base name of `argv[0]`.
//! - `bash -c '<input>'`: the wrapper runs the input as a script, so if the input is opaque the
//!   wrapped line is opaque too; and when neither is opaque, the wrapped line is the `bash`
//!   command followed by exactly the input's commands (same words and argvs, origin `Wrapper`).
//!
//! Not checked, because nothing sound follows from the text alone: what `$(`, backticks or `#`
//! in the input imply. Whether they start a substitution or a comment depends on the quoting
//! context (`'$('`, `\$(`, `# $(`, a quoted heredoc body), so any such rule would either restate
//! the parser or be wrong; `cedar-hitl-core/tests/bash_differential.rs` checks that against
//! bash instead.

use crate::shell_grammar::{Gen, Generated, SENTINEL_CMD, SENTINEL_PATH, is_grammar_mode};
use cedar_hitl_core::shell::{self, CommandLine, MAX_COMMAND_BYTES, MAX_SIMPLE_COMMANDS, Origin};

/// The fuzz target: see the module documentation.
pub fn shell_parse(data: &[u8]) {
    if is_grammar_mode(data) {
        let generated = Gen::new(&data[1..]).command_line();
        let line = check_text(&generated.text);
        check_generated(&generated, &line);
    } else {
        check_text(&String::from_utf8_lossy(data));
    }
}

/// Every check that holds for any text; returns the parse.
fn check_text(text: &str) -> CommandLine {
    let line = shell::parse(text);
    check_line(&text, &line);

    let again = shell::parse(text);
    // The parser stops after a CPU-time budget (`PARSE_BUDGET_MS`) and then says so. It was a
    // wall-clock budget, and under load one of the two calls ran out of time
    // (found-parse-budget-under-load); CPU time still varies a little, so a line near the
    // budget may be cut on one call only.
    // A line opaque for another reason (a NUL byte) keeps that reason when the budget cuts
    // its parse, so two opaque results may list different commands (found-nul-line-under-load).
    let both_opaque = line.is_opaque() && again.is_opaque();
    assert!(
        again == line || over_budget(&line) || over_budget(&again) || both_opaque,
        "parse is not deterministic for {text:?}:\n{line:?}\n{again:?}"
    );
    serde_json::to_string(&line).expect("a CommandLine serialises");

    if text.len() > MAX_COMMAND_BYTES {
        assert!(line.opaque.is_some(), "a {}-byte command is not opaque", text.len());
    }
    if text.contains('\0') {
        assert!(line.opaque.is_some(), "a command with a NUL byte is not opaque: {text:?}");
    }

    check_wrapped(text, &line);
    line
}

/// What the generator knows by construction: in a well-formed line, a sentinel command is one
/// of the parsed commands, and a redirection to the sentinel path one of the writes — unless the
/// parser refuses the whole line (opaque), which is always allowed.
fn check_generated(generated: &Generated, line: &CommandLine) {
    if !generated.well_formed || line.is_opaque() {
        return;
    }
    let text = &generated.text;
    if generated.sentinel_cmd {
        assert!(
            line.commands.iter().any(|c| c.argv.first().is_some_and(|a| a == SENTINEL_CMD)),
            "the parser missed the command {SENTINEL_CMD} in {text:?}:\n{line:?}"
        );
    }
    if generated.sentinel_write {
        assert!(
            line.writes.iter().any(|w| w.path.ends_with(SENTINEL_PATH)),
            "the parser missed the write to {SENTINEL_PATH} in {text:?}:\n{line:?}"
        );
    }
}

/// Whether the parser ran out of its CPU-time budget (a line near it may be cut on one call only).
fn over_budget(line: &CommandLine) -> bool {
    line.opaque.as_deref().is_some_and(|r| r.contains("gave up"))
}

/// Invariants of one parse result.
pub fn check_line(text: &str, line: &CommandLine) {
    assert!(
        line.commands.len() <= MAX_SIMPLE_COMMANDS,
        "{} commands (cap {MAX_SIMPLE_COMMANDS}) for {text:?}",
        line.commands.len()
    );
    if let Some(why) = &line.opaque {
        assert!(!why.is_empty(), "opaque line with an empty reason for {text:?}");
        assert!(!line.commands.is_empty(), "opaque line ({why}) without commands for {text:?}");
        for c in &line.commands {
            assert!(c.opaque, "opaque line ({why}) with a readable command {c:?} for {text:?}");
        }
    }
    for c in &line.commands {
        if c.opaque {
            assert!(
                c.opaque_reason.as_deref().is_some_and(|r| !r.is_empty()),
                "opaque command without a reason: {c:?} for {text:?}"
            );
        }
        assert!(
            c.argv.len() <= c.words.len() && c.words[c.words.len() - c.argv.len()..] == c.argv[..],
            "argv is not a suffix of words: {c:?} for {text:?}"
        );
        if !c.words.is_empty() {
            assert_eq!(
                c.normalized,
                c.words.join(" "),
                "normalized is not the words joined: {c:?} for {text:?}"
            );
            assert!(!c.argv.is_empty(), "words but no argv: {c:?} for {text:?}");
            assert_eq!(c.program_raw, c.argv[0], "program_raw is not argv[0]: {c:?} for {text:?}");
            if !c.opaque {
                let base = c.argv[0].rsplit('/').next().unwrap_or(&c.argv[0]);
                assert_eq!(
                    c.program, base,
                    "program is not the base name of argv[0]: {c:?} for {text:?}"
                );
            }
        }
    }
}

/// `bash -c '<text>'` against `<text>`.
fn check_wrapped(text: &str, line: &CommandLine) {
    let wrapped_text = format!("bash -c '{}'", text.replace('\'', r"'\''"));
    let wrapped = shell::parse(&wrapped_text);
    check_line(&wrapped_text, &wrapped);
    if over_budget(line) || over_budget(&wrapped) {
        return;
    }
    if line.is_opaque() {
        assert!(
            wrapped.is_opaque(),
            "{text:?} is opaque, but `bash -c` of it is not:\n{wrapped:?}"
        );
        return;
    }
    if wrapped.is_opaque() {
        // Caps (one more command, one more wrapper level, a longer text) can make it opaque.
        return;
    }
    let outer = &wrapped.commands[0];
    assert!(
        outer.program == "bash" && outer.origin == Origin::Shell,
        "`bash -c` not read as bash: {outer:?}"
    );
    let inner: Vec<(&Vec<String>, &Vec<String>)> =
        wrapped.commands[1..].iter().map(|c| (&c.words, &c.argv)).collect();
    let direct: Vec<(&Vec<String>, &Vec<String>)> =
        line.commands.iter().map(|c| (&c.words, &c.argv)).collect();
    assert!(
        inner == direct,
        "`bash -c` of {text:?} runs other commands than the text itself:\nwrapped {inner:?}\ndirect  {direct:?}"
    );
    assert!(
        wrapped.commands[1..].iter().all(|c| c.origin == Origin::Wrapper),
        "a `bash -c` command with origin Shell: {wrapped:?}"
    );
}
