//! Command facts: a bash-faithful reading of a shell command, shared by rules, scopes and
//! explain output.
//!
//! A plain line (words, quotes, `&&`/`||`/`;`/`|`, output redirections) is read by a
//! hand-written scanner held equal to the grammar (`plain.rs`); any other command is parsed with
//! the tree-sitter bash grammar and lowered to every simple command bash could run (pipelines,
//! lists, groups, control flow, substitutions, heredocs, `bash -c` bodies, `find -exec`, …).
//! Each word is evaluated as bash would (quotes removed, escapes decoded), wrappers such as
//! `sudo`, `env` and `timeout` are unwrapped, and a small table of command models turns the
//! words into facts (`fs.delete.recursive`, `git.push.force`, `sql.drop`, …). What the parser
//! cannot fully see is **opaque**: no approval scope ever pre-approves it, and rules can test it.
//! See `docs/shell.md` for what is understood and what is not.

mod budget;
mod deferred_code;
mod lower;
mod models;
mod paths;
mod plain;
mod scanner_guard;
mod subscripts;
mod words;
mod wrappers;

use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeSet;

pub use paths::PathFacts;

/// Commands longer than this many bytes are not parsed whole: the command is opaque, and only
/// its first and last windows of this size are read (so padding cannot hide a command from the
/// hard tier). The grammar's error recovery is quadratic on some inputs and does not honour the
/// parse budget promptly (a 60 KB pipeline ending in `|` takes 25 s), so the cap keeps the worst
/// case near one second (SECURITY.md, "Input bounds").
pub const MAX_COMMAND_BYTES: usize = 16 * 1024;
/// How deeply wrappers and nested scripts (`sudo bash -c "eval …"`) are followed.
pub const MAX_WRAPPER_DEPTH: usize = 8;
/// The most simple commands one command line may lower to; past it the line is opaque.
pub const MAX_SIMPLE_COMMANDS: usize = 512;
/// The most CPU time the grammar may spend on one command, in milliseconds of the parsing
/// thread's CPU time (wall time where the platform has no per-thread clock); past it the command
/// is opaque. CPU time, so a loaded host does not change the result (docs/shell.md, "Time
/// bound"). The size cap keeps ordinary parses far below it: about 70 ns per byte.
pub const PARSE_BUDGET_MS: u64 = 250;

/// Who runs a simple command.
///
/// ```
/// use cedar_hitl_core::shell::{parse, Origin};
/// let line = parse("find . -exec rm {} +");
/// assert_eq!(line.commands[0].origin, Origin::Shell);
/// assert_eq!(line.commands[1].origin, Origin::Wrapper);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Bash itself runs it (a command of the line, or of a substitution inside it).
    #[default]
    Shell,
    /// Another program runs it: a `bash -c` / `eval` / `watch` script, `find -exec`, `xargs`.
    Wrapper,
}

/// One simple command and its facts.
///
/// ```
/// let line = cedar_hitl_core::shell::parse("sudo r''m -fr --no-preserve-root /");
/// let rm = &line.commands[0];
/// assert_eq!(rm.program, "rm");
/// assert_eq!(rm.wrappers, ["sudo"]);
/// assert!(rm.flags.contains("-r") && rm.flags.contains("-f"));
/// assert!(rm.effects.contains("fs.delete.recursive"));
/// assert!(rm.path_classes.contains("root"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimpleCommand {
    /// The words bash passes to the outermost program (wrappers included), quotes removed.
    pub words: Vec<String>,
    /// The words of the program that finally runs, wrappers removed.
    pub argv: Vec<String>,
    /// Base name of the program that finally runs (`/usr/bin/rm` → `rm`); empty when opaque.
    pub program: String,
    /// The program word as written after quote removal (`/bin/rm`, `\rm` → `rm`).
    pub program_raw: String,
    /// For programs with subcommands (`git`): the subcommand, global options skipped.
    pub subcommand: String,
    /// Flags as the command model reads them (bundles split where the model says so, long
    /// aliases mapped to one name); for unknown programs, every `-…` word as written.
    pub flags: BTreeSet<String>,
    /// Arguments that are not flags (nor flag values the model knows).
    pub positionals: Vec<String>,
    /// Arguments the model reads as file paths (targets of `rm`, `find` start points, …).
    pub paths: Vec<String>,
    /// Classes of those paths: `root`, `system`, `home`, `temp`, `git_internal`, `dotenv`,
    /// `credential`, `dynamic`, `glob`.
    pub path_classes: BTreeSet<String>,
    /// What running it does, as far as the models know (`fs.delete.recursive`,
    /// `git.push.force`, `sql.drop`, `pipe.to_shell`, …). See `docs/shell.md`.
    pub effects: BTreeSet<String>,
    /// Branches a `git push` writes to (refspec destinations, `refs/heads/` removed).
    pub refs: BTreeSet<String>,
    /// Wrappers unwrapped to reach the program, outermost first (`sudo`, `timeout`, `bash`, …).
    pub wrappers: Vec<String>,
    /// Names of leading `NAME=value` assignments.
    pub assignments: Vec<String>,
    /// Some argument is only known at run time.
    pub dynamic: bool,
    /// Some argument holds an unquoted glob.
    pub glob: bool,
    /// The parser cannot fully see what runs (see [`CommandLine::opaque`]).
    pub opaque: bool,
    /// Why it is opaque.
    pub opaque_reason: Option<String>,
    /// The words joined by single spaces: what `bash_pattern` scopes are matched against.
    pub normalized: String,
    /// Who runs it.
    pub origin: Origin,
}

/// A file a shell command writes (redirection target, `tee`, `cp`/`mv` destination, `sed -i`, …).
///
/// ```
/// let line = cedar_hitl_core::shell::parse("echo X=1 > .env");
/// assert_eq!(line.writes[0].path, ".env");
/// assert_eq!(line.writes[0].via, ">");
/// assert!(line.writes[0].facts.classes.contains("dotenv"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShellWrite {
    /// The target as bash would see it (quotes removed).
    pub path: String,
    /// What writes it: a redirection operator (`>`, `>>`, …) or a program (`tee`, `cp`, …).
    pub via: String,
    /// Only known at run time.
    pub dynamic: bool,
    /// Path facts of the target.
    pub facts: PathFacts,
}

/// Everything the parser read from one command line.
///
/// ```
/// let line = cedar_hitl_core::shell::parse("git status && git push -fu origin HEAD:main");
/// assert_eq!(line.commands.len(), 2);
/// assert!(line.commands[1].effects.contains("git.push.force"));
/// assert!(line.commands[1].refs.contains("main"));
/// assert!(line.opaque.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CommandLine {
    /// Every simple command bash could run, in source order (a command before the commands
    /// substituted into its words).
    pub commands: Vec<SimpleCommand>,
    /// Every file the line writes.
    pub writes: Vec<ShellWrite>,
    /// Why the line as a whole cannot be fully read (parse error, a cap, an expansion that can run
    /// hidden code); every command of an opaque line is opaque too.
    pub opaque: Option<String>,
}

impl CommandLine {
    /// Whether the line or any of its commands is opaque.
    ///
    /// ```
    /// assert!(cedar_hitl_core::shell::parse("$CMD -rf /").is_opaque());
    /// assert!(!cedar_hitl_core::shell::parse("ls -la").is_opaque());
    /// ```
    pub fn is_opaque(&self) -> bool {
        self.opaque.is_some() || self.commands.iter().any(|c| c.opaque)
    }
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

/// Parse one shell command line into its simple commands, facts and writes. Never panics; any
/// input it cannot fully read comes back opaque.
///
/// ```
/// use cedar_hitl_core::shell::parse;
/// let line = parse("psql -c 'drop  /**/ TABLE users'");
/// assert!(line.commands[0].effects.contains("sql.drop"));
/// let mention = parse("grep -r 'DROP TABLE' migrations/");
/// assert!(!mention.commands[0].effects.contains("sql.drop"));
/// ```
pub fn parse(command: &str) -> CommandLine {
    parse_at(command, 0)
}

/// Parse `rewritten` (the command with some characters replaced, byte offsets kept) and mark the
/// whole line opaque for `why`. An opaque line always holds a command (a line that is only a
/// comment once rewritten would otherwise be an opaque line with nothing in it).
fn opaque_rewrite(command: &str, rewritten: &str, why: &str, depth: usize) -> CommandLine {
    let mut line = parse_at(rewritten, depth);
    line.opaque.get_or_insert_with(|| why.to_owned());
    mark_opaque(&mut line, command, why);
    line
}

/// Every command of an opaque line is opaque (with `why` unless it has a reason of its own), and
/// the line holds at least one command.
fn mark_opaque(line: &mut CommandLine, command: &str, why: &str) {
    if line.commands.is_empty() {
        line.commands.push(opaque_command(command, why));
    }
    for c in &mut line.commands {
        c.opaque = true;
        c.opaque_reason.get_or_insert_with(|| why.to_owned());
    }
}

pub(crate) fn parse_at(command: &str, depth: usize) -> CommandLine {
    if command.len() > MAX_COMMAND_BYTES {
        // Too long to read whole. It stays opaque (never pre-approved), but its first and last
        // windows are still read, so padding cannot hide `; rm -rf /` from the hard tier.
        let why = format!("the command is longer than {MAX_COMMAND_BYTES} bytes");
        let head_end = floor_boundary(command, MAX_COMMAND_BYTES);
        let tail_start = ceil_boundary(command, command.len() - MAX_COMMAND_BYTES);
        return windows(command, &[&command[..head_end], &command[tail_start..]], why, depth);
    }
    if command.contains('\r') {
        // The grammar reads a carriage return as a blank; bash keeps it in the word.
        let why = "the command holds a carriage return";
        return opaque_rewrite(command, &command.replace('\r', "\n"), why, depth);
    }
    if command.contains('\0') {
        // Read each NUL-separated part on its own: whatever a host does with the NUL, no part
        // hides from the rules; the line stays opaque.
        let parts: Vec<&str> = command.split('\0').collect();
        return windows(command, &parts, "the command holds a NUL byte".to_owned(), depth);
    }
    if let Some(defused) = scanner_guard::defuse_brace_scan(command) {
        // The grammar's scanner would read these characters out of bounds (scanner_guard.rs).
        let why = "the command holds a non-ASCII character where bash reads a brace range";
        return opaque_rewrite(command, &defused, why, depth);
    }
    let lowered = match plain_line(command) {
        Some(lowered) => lowered,
        None => match grammar_lowering(command) {
            Some(lowered) => lowered,
            None => {
                return opaque_line(
                    command,
                    format!(
                        "the bash parser gave up on the command (budget {PARSE_BUDGET_MS} ms of CPU time)"
                    ),
                );
            }
        },
    };
    let mut line = wrappers::finish(lowered, depth);
    if let Some(why) = deferred_code::names_a_code_variable(command) {
        line.opaque.get_or_insert_with(|| why.to_owned());
    }
    if line.commands.len() > MAX_SIMPLE_COMMANDS {
        line.commands.truncate(MAX_SIMPLE_COMMANDS);
        line.opaque
            .get_or_insert_with(|| format!("more than {MAX_SIMPLE_COMMANDS} simple commands"));
    }
    if let Some(why) = line.opaque.clone() {
        mark_opaque(&mut line, command, &why);
    }
    line
}

/// The plain-line fast path's lowering, unless tests asked for the grammar alone.
fn plain_line(command: &str) -> Option<lower::Lowered> {
    #[cfg(feature = "test-hooks")]
    if GRAMMAR_ONLY.with(std::cell::Cell::get) {
        return None;
    }
    plain::lower(command)
}

/// The grammar's parse, lowered; `None` when the parse ran out of budget.
fn grammar_lowering(command: &str) -> Option<lower::Lowered> {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
            *slot = Some(p);
        }
        let parser = slot.as_mut()?;
        parser.reset();
        let mut budget =
            budget::ParseBudget::new(std::time::Duration::from_millis(PARSE_BUDGET_MS));
        // The callback returns true to cancel the parse.
        let mut over_budget = |_: &tree_sitter::ParseState| budget.spent();
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut over_budget);
        let bytes = command.as_bytes();
        parser.parse_with_options(
            &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
            None,
            Some(options),
        )
    });
    Some(lower::lower(tree?.root_node(), command))
}

#[cfg(feature = "test-hooks")]
thread_local! {
    static GRAMMAR_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Parse as [`parse`] does, but with the grammar alone (no plain-line fast path), at every
/// depth: what the differential tests hold the fast path to. Feature `test-hooks` only.
///
/// ```
/// # #[cfg(feature = "test-hooks")] {
/// use cedar_hitl_core::shell::{parse, parse_with_grammar_only};
/// let cmd = "cargo test 2>&1 | tail -n 50 && git push origin main";
/// assert_eq!(parse(cmd), parse_with_grammar_only(cmd));
/// # }
/// ```
#[cfg(feature = "test-hooks")]
pub fn parse_with_grammar_only(command: &str) -> CommandLine {
    GRAMMAR_ONLY.with(|g| g.set(true));
    let line = std::panic::catch_unwind(|| parse(command));
    GRAMMAR_ONLY.with(|g| g.set(false));
    line.unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Whether the plain-line fast path reads `command` (at the top level) without the grammar.
/// Feature `test-hooks` only: lets tests show that a differential run exercised the fast path.
///
/// ```
/// # #[cfg(feature = "test-hooks")] {
/// assert!(cedar_hitl_core::shell::reads_as_plain_line("git status && ls -la"));
/// assert!(!cedar_hitl_core::shell::reads_as_plain_line("echo $HOME"));
/// # }
/// ```
#[cfg(feature = "test-hooks")]
pub fn reads_as_plain_line(command: &str) -> bool {
    plain::lower(command).is_some()
}

/// An opaque line made of what the parser reads in each window of it.
fn windows(command: &str, parts: &[&str], why: String, depth: usize) -> CommandLine {
    let mut line = CommandLine { opaque: Some(why.clone()), ..Default::default() };
    if depth <= MAX_WRAPPER_DEPTH {
        for part in parts {
            let sub = parse_at(part, depth + 1);
            line.commands.extend(sub.commands);
            line.writes.extend(sub.writes);
        }
    }
    if line.commands.is_empty() {
        line.commands.push(opaque_command(command, &why));
    }
    line.commands.truncate(MAX_SIMPLE_COMMANDS);
    for c in &mut line.commands {
        c.opaque = true;
        c.opaque_reason = Some(why.clone());
    }
    line
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn opaque_command(command: &str, why: &str) -> SimpleCommand {
    SimpleCommand {
        opaque: true,
        opaque_reason: Some(why.to_owned()),
        normalized: crate::text::truncate(command, 256),
        origin: Origin::Shell,
        ..Default::default()
    }
}

fn opaque_line(command: &str, why: String) -> CommandLine {
    CommandLine {
        commands: vec![opaque_command(command, &why)],
        writes: Vec::new(),
        opaque: Some(why),
    }
}

/// Base name of a program word: `/usr/bin/rm` → `rm`.
pub(crate) fn program_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}
