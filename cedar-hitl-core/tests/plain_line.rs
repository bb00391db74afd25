//! The plain-line fast path (docs/shell.md, "The plain-line fast path") against the grammar:
//! for every line, `shell::parse` (fast path first) and `shell::parse_with_grammar_only` give
//! the same `CommandLine`, field for field. Each test also counts how many of its lines the fast
//! path read, so a fast path that silently declines everything fails here rather than passing
//! vacuously. Real bash judges the same lines' words in `bash_differential.rs`, which goes
//! through the fast path too.
#![cfg(feature = "test-hooks")]

use cedar_hitl_core::shell::{parse, parse_with_grammar_only, reads_as_plain_line};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

fn assert_same(line: &str) {
    let fast = parse(line);
    let grammar = parse_with_grammar_only(line);
    if fast != grammar && grammar.opaque.as_deref() == Some(GRAMMAR_JOINED_LINES) {
        // The grammar's own lowering found a line break inside one of its commands: see
        // `separators_as_semicolons`. Bash reads the line as if each such break were `;`.
        let again = parse_with_grammar_only(&separators_as_semicolons(line));
        assert_eq!(
            fast, again,
            "the fast path and the grammar (line breaks as `;`) disagree on {line:?}"
        );
        return;
    }
    assert_eq!(fast, grammar, "the fast path and the grammar disagree on {line:?}");
}

/// What the lowering says when a command the grammar produced spans a bare line break.
const GRAMMAR_JOINED_LINES: &str = "the grammar split a word that bash reads as one";

/// tree-sitter-bash reads the first command after a line break into the last stage of a
/// pipeline of three or more when an `&&`/`||` list follows (`a|b|c⏎d&&e` as `c d`). Its
/// lowering notices the line break inside a command and turns the line opaque, while bash runs
/// `d` on its own, as the fast path reads it (`bash_differential.rs` holds that to bash). For
/// such lines the grammar is asked again with each line break outside quotes written as `;`
/// (or dropped after a `;`), which bash reads the same way. Plain lines have no quoting other
/// than `'…'`, `"…"` and backslash escapes, so this scan finds those line breaks exactly.
fn separators_as_semicolons(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\n' if !single && !double => {
                let after_semicolon = out.trim_end_matches([' ', '\t']).ends_with(';');
                out.push_str(if after_semicolon { " " } else { ";" });
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Pieces of plain lines: what the fast path must read exactly as the grammar does.
const PLAIN_PIECES: &[&str] = &[
    "a",
    "git",
    "rm",
    "ls",
    "push",
    "origin",
    "main",
    "+main",
    "HEAD:main",
    "-rf",
    "-la",
    "--force",
    "--author=me",
    "x=1",
    "A=1",
    "a,b",
    "./x",
    "/",
    "/etc/passwd",
    ".env",
    "0",
    "12",
    "-",
    "--",
    "é",
    "日本語",
    "emoji🙂",
    "'x y'",
    "''",
    "'a\"b'",
    "\"x y\"",
    "\"\"",
    "\"a\\\"b\"",
    "\"back\\slash\"",
    "back\\slash",
    "a\\b\\",
    "\\n",
    "x\\1",
    "\"it's\"",
    "\"quote\"d",
    "%s\\n'",
    "s\\n\"x\"",
    "a%b@c",
    "@",
    "%",
    "a'b'c",
    "'a'\"b\"",
    "\"line\nbreak\"",
    "export",
    "export A=1",
    "echo",
    "printf '%s\\n'",
    "cat",
    "tee out",
    "sudo",
    "bash -c",
    " ",
    " ",
    " ",
    " ",
    "\t",
    "; ",
    ";",
    "\n",
    "\n  ",
    " && ",
    " || ",
    " | ",
    " 2>&1",
    " > out.txt",
    " >> log",
    " > /dev/null",
    " 2>/dev/null",
    " >&2",
    " 1>out",
    " 9>>log",
];

/// Pieces of lines just outside the fast path (and a few more inside it), mixed with the plain
/// pieces: what it must leave to the grammar or read exactly as the grammar does.
const PIECES: &[&str] = &[
    // words
    "--format=%h",
    "_x=y",
    "1=2",
    "=x",
    "a=b=c",
    "user@host",
    "50%",
    "a^b",
    "~",
    "~/x",
    "*",
    "?",
    "[a]",
    "{a,b}",
    "#",
    "x#y",
    "!",
    "\u{a0}",
    "\u{2003}",
    "\\",
    "\\x",
    "$x",
    "${x}",
    "$(ls)",
    "`ls`",
    "$'x'",
    "(",
    ")",
    "{",
    "}",
    // quotes
    "\"a\\\\\"",
    "'line\nbreak'",
    "\"$x\"",
    "\"\\$x\"",
    "'unterminated",
    "\"unterminated",
    // keywords and builtins
    "export A='x y'",
    "declare",
    "local",
    "if",
    "then",
    "fi",
    "for",
    "do",
    "done",
    "time",
    "in",
    "!",
    "[[",
    "eval",
    "sh -c 'rm -rf /'",
    "find . -exec rm {} +",
    "xargs rm",
    // operators and redirections
    "&&",
    "||",
    "|",
    "|&",
    "&",
    ";;",
    "2>&1",
    ">",
    " > ",
    ">>",
    " >> out.txt",
    ">|",
    "&>",
    " 1>&-",
    "<",
    " < in",
    "<<<",
    "<<EOF",
    "<>",
    " >out",
    "a>b",
    " 2> err",
    " 0>/dev/null",
    " 01>f",
    " 12>f",
    "==",
    " == ",
    "=='q'",
    "unsetenv",
    "unset",
];

fn line_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(PLAIN_PIECES),
        1 => prop::sample::select(PIECES),
    ];
    prop::collection::vec(piece, 1..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_the_grammar(line in line_strategy()) {
        assert_same(&line);
    }

    #[test]
    fn fast_path_equals_the_grammar_on_plain_commands(line in plain_commands()) {
        assert_same(&line);
    }
}

/// Commands of plain words and quoted text joined by operators.
fn plain_commands() -> impl Strategy<Value = String> {
    let arg = "[a-z0-9%@][a-z0-9_./:+,=%@-]{0,8}|[a-z%]{1,3}\\\\[a-z]('[a-z %]{0,3}'|\"[a-z %]{0,3}\")|[a-z]{1,3}\\\\[a-z0-9 ;|&'\"$]{1,2}[a-z]{0,2}|'[ -&(-~é]{0,8}'|\"[ !#%-\\[\\]-_a-~é\n]{0,8}\"";
    // Program words; some have quoted text or an escape after a plain start, glued to keywords
    // and builtins the grammar reads as tokens of their own.
    let program = prop_oneof![
        6 => "[a-z][a-z0-9_./-]{0,8}",
        1 => "(export|if|do|done|time|declare|local|in|function|echo|git|rm|exporter)(\\\\[a-z]|'[a-z ]{0,3}'|\"[a-z $]{0,3}\")[a-z]{0,3}",
    ];
    let command = ("[A-Z][A-Z_]{0,2}=[a-z]{0,3} |", program, prop::collection::vec(arg, 0..4))
        .prop_map(|(assign, program, args)| format!("{assign}{program} {}", args.join(" ")));
    let op = prop::sample::select(vec![
        " && ",
        " || ",
        "; ",
        " | ",
        " 2>&1 | ",
        " > out | ",
        " >> log && ",
        "\n",
        " ;\n",
        "\n\n",
        "\n    ",
        "\n\t",
        "\n  X=1 ",
    ]);
    (prop::collection::vec(command, 1..5), prop::collection::vec(op, 4)).prop_map(
        |(commands, ops)| {
            let mut line = String::new();
            for (i, command) in commands.iter().enumerate() {
                if i > 0 {
                    line.push_str(ops[i - 1]);
                }
                line.push_str(command);
            }
            line
        },
    )
}

#[test]
fn the_generators_exercise_the_fast_path() {
    // Deterministic samples of both generators: enough of them must be plain lines that the
    // properties above compare the fast path, not just the grammar with itself.
    fn plain_share(strategy: impl Strategy<Value = String>) -> usize {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        (0..2000)
            .filter(|_| {
                reads_as_plain_line(&strategy.new_tree(&mut runner).expect("a line").current())
            })
            .count()
    }
    let mixed = plain_share(line_strategy());
    assert!(mixed >= 80, "only {mixed} of 2000 mixed lines took the fast path");
    let plain = plain_share(plain_commands());
    assert!(plain >= 500, "only {plain} of 2000 plain commands took the fast path");
}

#[test]
fn hand_written_lines_agree_and_take_the_path_they_should() {
    let plain = [
        "git status",
        "git push origin +main",
        "rm -fr /",
        "cargo test 2>&1 | tail -n 50 && git push origin main",
        "export RUST_LOG=debug; mise run build && echo 'timeout 4575'",
        "RUST_LOG=debug cargo test -- --nocapture",
        "printf '%s\\n' \"back\\slash \\\"quoted\\\" 日本語\" | grep -v x >> out.txt",
        "echo hi > .env",
        "echo 'rm -rf /' | bash",
        "sudo rm -rf --no-preserve-root /",
        "bash -c 'rm -rf /'",
        "git log --oneline --author=me -n 5",
        "ls;",
        "git status\ngit push -f origin main\n",
        // An escaped letter in a program word after a plain start.
        "g\\it push -f origin main",
        "ls\nback\\slash x",
        "g'i't push\nquote\"d x\" y",
        "printf %s\\n'x' me@host 50%",
    ];
    let grammar = [
        "echo $HOME",
        "ls *.rs",
        "for f in a b; do rm $f; done",
        "cat <<EOF\nx\nEOF",
        "a\n\nb",
        "a &&\nb",
        "rm -rf / # comment",
        "declare -a x=(1 2)",
        "cmd 2>/dev/null -rf /",
        "x=$(ls)",
        "echo {a,b}",
        "cat < in",
        "a &",
        "git checkout - 2>/dev/null",
        // Found by a 10M-line differential run outside the suite: the grammar reads these
        // differently (a test operator, descriptor 0 or a leading zero, `unsetenv`).
        "echo a ==",
        "rm == x",
        "test a == b",
        "x =='q'y",
        "rm -rf 0>/dev/null",
        "cmd 01>f",
        "cmd 00>f",
        "cmd 12>f",
        "unsetenv FOO",
        "echo x | unsetenv FOO",
        // Program words the grammar splits at a quote or reads as a keyword.
        "export'x' a",
        "\\git push",
        "do\\ne x",
        // Found by review: the grammar's subscript check reads a declared word whole, and a
        // byte-order mark is a program character to bash but skipped by the grammar.
        "export x='a[1]'",
        "export x==a'[1]'",
        "\u{feff}rm -rf /",
        "export\\x a",
    ];
    for line in plain {
        assert!(reads_as_plain_line(line), "{line:?} should take the fast path");
        assert_same(line);
    }
    for line in grammar {
        assert!(!reads_as_plain_line(line), "{line:?} should go to the grammar");
        assert_same(line);
    }
}

#[test]
fn a_line_break_the_grammar_reads_into_a_pipeline_is_a_separator() {
    // tree-sitter-bash joins `d` to `c` here; bash runs `d` on its own (see
    // `separators_as_semicolons`). The fast path reads it as bash does.
    for line in ["a | b | c\nd && e", "ls | grep x | head -n 5\ngit push -f origin main || true"] {
        assert!(reads_as_plain_line(line), "{line:?} should take the fast path");
        assert_eq!(parse_with_grammar_only(line).opaque.as_deref(), Some(GRAMMAR_JOINED_LINES));
        let fast = parse(line);
        assert_eq!(fast.opaque, None, "{line:?}");
        assert_eq!(fast.commands.len(), 5, "{line:?}");
        assert_same(line);
    }
    assert_eq!(parse("a | b | c\nrm -rf / && e").commands[3].words, ["rm", "-rf", "/"]);
}

#[test]
fn long_lines_agree() {
    // Past the caps (512 simple commands, 200 levels of nesting) the grammar's reading turns
    // opaque; the fast path must agree, or leave the line to it.
    for (piece, n) in
        [("a | ", 600), ("a; ", 600), ("a && ", 99), ("a && ", 101), ("a || b && ", 300)]
    {
        let line = format!("{}a", piece.repeat(n));
        assert_same(&line);
    }
    assert!(reads_as_plain_line(&format!("{}a", "a | ".repeat(600))));
    assert!(!reads_as_plain_line(&format!("{}a", "a && ".repeat(101))));
}

#[test]
fn every_corpus_command_agrees() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/data/corpus.jsonl");
    let text = std::fs::read_to_string(path).expect("the benchmark corpus is in the repository");
    let (mut total, mut plain) = (0, 0);
    for row in text.lines() {
        let v: serde_json::Value = serde_json::from_str(row).expect("corpus rows are JSON");
        let Some(command) = v["tool_input"]["command"].as_str() else { continue };
        total += 1;
        plain += usize::from(reads_as_plain_line(command));
        assert_same(command);
    }
    assert!(total > 700, "{total} commands in the corpus");
    assert!(plain * 2 >= total, "only {plain} of {total} corpus commands took the fast path");
}
