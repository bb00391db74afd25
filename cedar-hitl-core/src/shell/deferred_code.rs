//! Builtins and variables that make bash run code the reading cannot see (docs/shell.md,
//! "Opaque commands"): a command name rebound by `hash -p` or `alias`, a completion word list
//! or callback, a `mapfile` callback, `fc` re-running history, a script `source` reads from a
//! descriptor or a computed path, a declaration whose variable name is computed, and variables
//! bash or the loader read code from (`BASH_ENV`, exported functions, `PS4`, preloaded
//! libraries, the command and alias tables). The words are all literal, so without this check
//! the line would look harmless. (Builtins that run a command given as a plain argument —
//! `trap`, `jobs -x`, `compgen -C CMD` — are read as wrappers instead, so their command is
//! seen: `wrappers.rs`.)
//!
//! Like the subscript check, the per-command check runs on each command as it runs after
//! wrappers are taken off (`sudo hash …`, `command alias …`), on the grammar's reading and the
//! fast path's alike; the variable check reads the whole line's text.

use super::SimpleCommand;
use aho_corasick::AhoCorasick;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Variables whose value bash, git or the dynamic loader runs as code, or which rebind command
/// names: a startup file, the trace prompt (expanded, so `$(…)` in it runs), options that turn
/// on tracing or aliases, the command-hash and alias tables, git configuration given through
/// the environment (the same as `git -c`), a preloaded library. `BASH_FUNC_` starts an exported
/// function. (`ENV` is left out: bash reads it only in interactive shells, and it is a common
/// application setting.)
const CODE_VARIABLES: &[&str] = &[
    "BASH_ENV",
    "PS4",
    "PROMPT_COMMAND",
    "SHELLOPTS",
    "BASHOPTS",
    "BASH_CMDS",
    "BASH_ALIASES",
    "BASH_FUNC_",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_PROXY_COMMAND",
    "GIT_EXTERNAL_DIFF",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "GIT_CONFIG",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "VIMINIT",
    "EXINIT",
    "LESSOPEN",
    "LESSCLOSE",
    "LD_PRELOAD",
    "LD_AUDIT",
];

/// Variables git and other tools run as a program (an editor, a pager). Agents set them to
/// harmless programs all the time (`GIT_EDITOR=true git rebase --continue`), so a plain
/// assignment of one of [`HARMLESS_PROGRAMS`] is read as what it is; any other value, a quoted
/// or computed one, or any other use of the name makes the line opaque.
const PROGRAM_VARIABLES: &[&str] =
    &["GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "EDITOR", "VISUAL", "GIT_PAGER", "PAGER", "MANPAGER"];

/// Values of [`PROGRAM_VARIABLES`] that run nothing else.
const HARMLESS_PROGRAMS: &[&str] = &["true", ":", "cat", "less", "more", "vi", "vim", "nano"];

/// Builtins whose arguments are assignments.
const DECLARATIONS: &[&str] = &["export", "declare", "typeset", "local", "readonly"];

/// Why the line `command` is opaque, if its text names a variable bash or the loader runs as
/// code. Bash can write a variable in too many ways to list (`read`, `printf -v`, `mapfile`, a
/// `for` loop, `${X:=…}`, `declare -n`, brace expansion, a bare assignment), so naming one
/// anywhere is enough; quotes and backslashes are ignored, so `BASH_EN''V` is seen.
pub(super) fn names_a_code_variable(command: &str) -> Option<&'static str> {
    // One automaton over every name, built once; the line is copied only when it holds quotes
    // or backslashes to drop.
    static NAMES: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(CODE_VARIABLES.iter().chain(PROGRAM_VARIABLES))
            .expect("the names are plain literals")
    });
    // The line with quotes and backslashes dropped, and where each of its bytes stands in the
    // line as given.
    let quoting = |c: char| matches!(c, '\'' | '"' | '\\');
    let (stripped, origin): (Cow<'_, str>, Option<Vec<usize>>) = if command.contains(quoting) {
        let mut text = String::with_capacity(command.len());
        let mut origin = Vec::with_capacity(command.len());
        for (at, c) in command.char_indices().filter(|&(_, c)| !quoting(c)) {
            text.push(c);
            origin.extend(at..at + c.len_utf8());
        }
        (Cow::Owned(text), Some(origin))
    } else {
        (Cow::Borrowed(command), None)
    };
    let bytes = stripped.as_bytes();
    let name_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let code = "the line names a variable that bash, git or the loader runs as code";
    let mut program_names = Vec::new();
    // Whole names only (`MY_PS4` and `PS45` are other variables); `BASH_FUNC_` is a prefix.
    for m in NAMES.find_overlapping_iter(bytes) {
        let i = m.pattern().as_usize();
        let name =
            CODE_VARIABLES.get(i).unwrap_or_else(|| &PROGRAM_VARIABLES[i - CODE_VARIABLES.len()]);
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        if before.is_some_and(name_char) || (!name.ends_with('_') && after.is_some_and(name_char)) {
            continue;
        }
        if CODE_VARIABLES.contains(name) {
            return Some(code);
        }
        program_names.push((m.start(), m.end()));
    }
    // A program variable must stand in the line as given exactly as `NAME=harmless`: no quote
    // or backslash inside, before or after the name (`a\GIT_EDITOR=true` is not a name to bash,
    // `GIT_ED\ITOR=…` is one).
    let written_plainly = |(start, end): (usize, usize)| -> bool {
        let (start, end) = match &origin {
            Some(origin) => {
                let (s, e) = (origin[start], origin[end - 1] + 1);
                if e - s != end - start {
                    return false;
                }
                (s, e)
            }
            None => (start, end),
        };
        let before = command[..start].chars().next_back();
        if before.is_some_and(quoting) {
            return false;
        }
        let Some(rest) = command[end..].strip_prefix('=') else { return false };
        let value = rest.split([' ', '\t', '\n', ';', '|', '&', ')']).next().unwrap_or_default();
        HARMLESS_PROGRAMS.contains(&value)
    };
    if program_names.into_iter().all(written_plainly) {
        return None;
    }
    Some(
        "the line names an editor or pager variable other than to set it to a known harmless program",
    )
}

/// Why `c` is opaque, if it arranges for code to run that its words do not show.
pub(super) fn deferred_code(c: &SimpleCommand) -> Option<&'static str> {
    let args = c.argv.get(1..).unwrap_or_default();
    let has_flag = |letter: char| args.iter().any(|a| short_option_holds(a, letter));
    match c.program.as_str() {
        "hash" | "alias" | "shopt" | "enable" if c.dynamic || c.glob => {
            Some("a builtin that rebinds commands has arguments only known at run time")
        }
        "hash" if has_flag('p') => Some("hash -p binds a command name to another program"),
        "enable" if has_flag('f') => Some("enable -f loads a builtin from a shared library"),
        "alias" if args.iter().any(|a| a.contains('=')) => {
            Some("an alias can make a later command name run something else")
        }
        "shopt" if has_flag('s') && args.iter().any(|a| a == "expand_aliases") => {
            Some("an alias can make a later command name run something else")
        }
        // `-W` expands its word list when completing (`$(…)` in it runs); `-C CMD` as its own
        // word is read as the script it runs (wrappers.rs), any other spelling is not read.
        "compgen" | "complete"
            if (has_flag('W') && args.iter().any(|a| a.contains(['$', '`'])))
                || (has_flag('C') && !args.iter().any(|a| a == "-C")) =>
        {
            Some("compgen and complete run or expand the code they are given")
        }
        "mapfile" | "readarray" if has_flag('C') => Some("mapfile -C runs a callback"),
        "fc" if !has_flag('l') => Some("fc runs commands from the history"),
        "source" | "." if c.dynamic || c.glob || args.iter().any(|a| names_a_descriptor(a)) => {
            Some("source reads a script the reading cannot see")
        }
        p if DECLARATIONS.contains(&p) && args.iter().any(|a| computed_name(a)) => {
            Some("a declaration's variable name is only known at run time")
        }
        p if assigned_names(p, args).iter().any(|a| computed_name(a)) => {
            Some("a builtin assigns a variable whose name is only known at run time")
        }
        _ => None,
    }
}

/// Whether `arg` is a bundle of short options (`-tp`, `-p/bin/rm`) that holds `letter` among
/// its leading letters; a value glued to its option (`-pPATH`) counts.
fn short_option_holds(arg: &str, letter: char) -> bool {
    arg.len() > 1
        && arg.starts_with('-')
        && !arg.starts_with("--")
        && arg[1..].chars().take_while(char::is_ascii_alphabetic).any(|c| c == letter)
}

/// `/dev/stdin`, `/dev/fd/N`, `/proc/…/fd/N` and their spellings (`/dev//stdin`,
/// `../../dev/stdin`, `stdin` after `cd /dev`): a path with a `dev`, `proc` or `fd` component
/// or ending in `stdin` or a number.
fn names_a_descriptor(arg: &str) -> bool {
    let last = arg.rsplit('/').next().unwrap_or(arg);
    arg.split('/').any(|seg| matches!(seg, "dev" | "proc" | "fd"))
        || last == "stdin"
        || (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
}

/// The variable names `read`, `mapfile`/`readarray`, `getopts` and `printf -v` assign (options
/// that take a value are stepped over, so `read -p "$prompt" x` names only `x`).
fn assigned_names<'a>(program: &str, args: &'a [String]) -> Vec<&'a str> {
    let valued: &[&str] = match program {
        "read" => &["-d", "-i", "-n", "-N", "-p", "-t", "-u"],
        "mapfile" | "readarray" => &["-d", "-n", "-O", "-s", "-u", "-C", "-c"],
        "getopts" => {
            return args.get(1).map(String::as_str).into_iter().collect();
        }
        "printf" => {
            let after = args.iter().position(|a| a == "-v").and_then(|i| args.get(i + 1));
            let glued = args.iter().find_map(|a| a.strip_prefix("-v").filter(|n| !n.is_empty()));
            return after.map(String::as_str).into_iter().chain(glued).collect();
        }
        _ => return Vec::new(),
    };
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if valued.contains(&a.as_str()) {
            it.next();
        } else if a == "-a" {
            names.extend(it.next().map(String::as_str));
        } else if !a.starts_with('-') {
            names.push(a.as_str());
        }
    }
    names
}

/// A declared word whose variable name (before `=` or `+=`) is computed: `$x=…`, `{A,B}=…`.
fn computed_name(arg: &str) -> bool {
    if arg.starts_with('-') {
        return false;
    }
    let name = arg.split('=').next().unwrap_or(arg);
    name.contains(['$', '`', '{'])
}
