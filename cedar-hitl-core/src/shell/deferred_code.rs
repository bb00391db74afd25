//! Builtins and variables that make bash run code the reading cannot see (docs/shell.md,
//! "Opaque commands"): a command name rebound by `hash -p` or `alias`, a completion word list
//! that holds an expansion, a script `source` reads from a descriptor, and variables bash or the
//! loader read code from (`BASH_ENV`, exported functions, `PS4`, preloaded libraries). The words
//! are all literal, so without this check the line would look harmless. (Builtins that run a
//! command they are given — `trap`, `jobs -x`, `compgen -C` — are read as wrappers instead,
//! so their command is seen: `wrappers.rs`.)
//!
//! Like the subscript check, it runs on each command as it runs after wrappers are taken off
//! (`sudo trap …`, `command alias …`), on the grammar's reading and the fast path's alike.

use super::SimpleCommand;

/// Variables whose value bash, or the dynamic loader, runs as code: a startup file, the trace
/// prompt (expanded, so `$(…)` in it runs), options that turn on tracing or aliases, an
/// exported function, a preloaded library.
const CODE_VARIABLES: &[&str] = &[
    "BASH_ENV",
    "ENV",
    "PS4",
    "PROMPT_COMMAND",
    "SHELLOPTS",
    "BASHOPTS",
    "LD_PRELOAD",
    "LD_AUDIT",
];

/// Builtins whose arguments are assignments.
const DECLARATIONS: &[&str] = &["export", "declare", "typeset", "local", "readonly"];

/// Why `c` is opaque, if it arranges for code to run that its words do not show.
pub(super) fn deferred_code(c: &SimpleCommand) -> Option<&'static str> {
    let args = c.argv.get(1..).unwrap_or_default();
    let has_flag = |f: &str| args.iter().any(|a| a == f || is_in_bundle(a, f));
    let why = match c.program.as_str() {
        "hash" if has_flag("-p") => Some("hash -p binds a command name to another program"),
        "alias" if args.iter().any(|a| a.contains('=')) => {
            Some("an alias can make a later command name run something else")
        }
        "shopt" if args.iter().any(|a| a == "expand_aliases") => {
            Some("an alias can make a later command name run something else")
        }
        // `-W` expands its word list when completing (`$(…)` in it runs); `-C` is read as the
        // script it runs (wrappers.rs).
        "compgen" | "complete"
            if args
                .windows(2)
                .any(|w| w[0] == "-W" && (w[1].contains('$') || w[1].contains('`'))) =>
        {
            Some("compgen expands its word list, which holds an expansion")
        }
        "source" | "." if args.iter().any(|a| reads_a_descriptor(a)) => {
            Some("source reads its script from a descriptor the reading cannot see")
        }
        _ => None,
    };
    why.or_else(|| {
        // Leading assignments, those of a declaration (`export NAME=…`), and those among a
        // wrapper's words before the program (`env NAME=… cmd`).
        let wrapper_words = &c.words[..c.words.len().saturating_sub(c.argv.len())];
        let declared = if DECLARATIONS.contains(&c.program.as_str()) { args } else { &[] };
        let assigned = c.assignments.iter().map(String::as_str).chain(
            wrapper_words
                .iter()
                .chain(declared)
                .filter_map(|w| w.split_once('=').map(|(name, _)| name)),
        );
        assigned
            .into_iter()
            .any(|name| CODE_VARIABLES.contains(&name) || name.starts_with("BASH_FUNC_"))
            .then_some("a variable that bash or the loader runs as code is set")
    })
}

/// `-x` inside a bundle of single-letter flags (`-px`), not a long option.
fn is_in_bundle(arg: &str, flag: &str) -> bool {
    let Some(letter) = flag.strip_prefix('-') else { return false };
    arg.len() > 2
        && arg.starts_with('-')
        && !arg.starts_with("--")
        && arg[1..].chars().all(|c| c.is_ascii_alphabetic())
        && arg[1..].contains(letter)
}

/// `/dev/stdin`, `/dev/fd/N`, `/proc/…/fd/N`: a script that arrives on a descriptor.
fn reads_a_descriptor(arg: &str) -> bool {
    arg == "/dev/stdin"
        || arg.starts_with("/dev/fd/")
        || (arg.starts_with("/proc/") && arg.contains("/fd/"))
}
