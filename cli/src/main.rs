//! `cedar-hitl`: evaluate a tool call, check a blueprint, list rules, run parity fixtures.
//! The embedded built-in policies are always loaded; blueprint options add to them.
//!
//! Conventions (docs/cli.md): errors are located in the user's files and drawn with a source
//! snippet, or with `--json` are one `{"error": ...}` object on stdout; a closed stdout ends the
//! command quietly with exit 0; `hook` keeps its own protocol (exit 2 on every failure) and is
//! handed over before any of this applies.

use cedar_hitl_cli::input::{InputSource, parse_json, read_text};
use cedar_hitl_cli::report::{CliError, Files, Problem};
use cedar_hitl_core::*;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "cedar-hitl",
    version,
    about = "Decide ALLOW / DENY / REQUIRE_APPROVAL for AI agent tool calls with two Cedar tiers."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Blueprint {
    /// Blueprint hard-tier policy file (rules annotated @tier("hard")).
    #[arg(long, value_name = "FILE")]
    blueprint_hard: Option<PathBuf>,
    /// Blueprint soft-tier policy file (rules annotated @tier("soft")).
    #[arg(long, value_name = "FILE")]
    blueprint_soft: Option<PathBuf>,
    /// Disable a soft rule by id (repeatable).
    #[arg(long = "disable", value_name = "ID")]
    disable: Vec<String>,
    /// Built-in rules to start from: `hardened` (rules on command facts) or `upstream`.
    #[arg(long, value_name = "PROFILE", default_value = "hardened")]
    builtins: BuiltinProfile,
}

/// One tool call and the session it is decided in.
#[derive(Args, Clone)]
struct CallArgs {
    /// Tool name, e.g. Bash, Write, Read.
    #[arg(long = "tool", value_name = "NAME")]
    tool: String,
    /// Tool input as a JSON object: the text itself, `-` for standard input, or `@FILE`.
    #[arg(long = "input", value_name = "JSON|-|@FILE")]
    input: String,
    /// Task type (Cedar principal).
    #[arg(long, default_value = "new_task")]
    principal: String,
    /// Repository, owner/name.
    #[arg(long, default_value = "")]
    repo: String,
    /// Read-only workflow.
    #[arg(long)]
    read_only: bool,
    /// Pre-approve a scope (repeatable), e.g. tool_type:Read, rule:force_push_any.
    #[arg(long = "approve", value_name = "SCOPE")]
    approve: Vec<String>,
    #[command(flatten)]
    blueprint: Blueprint,
    /// Print exactly one JSON object (an error too, as {"error": ...}).
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate one tool call and print the decision (exit 0 whatever the outcome).
    Eval {
        #[command(flatten)]
        call: CallArgs,
    },
    /// Evaluate one tool call and print the path to the decision: how a command was read, every
    /// Cedar evaluation, scopes, caches, the disable filter and the merge (exit 0).
    Explain {
        #[command(flatten)]
        call: CallArgs,
    },
    /// Validate blueprint files; print every error and warning located in the file (exit 1 on
    /// errors).
    Check {
        #[command(flatten)]
        blueprint: Blueprint,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Lint blueprint rules: rules that can never match or never take effect (errors), likely
    /// mistakes (warnings), and rules a fact would express more robustly (hints). Exit 1 on
    /// errors, 0 otherwise.
    Lint {
        #[command(flatten)]
        blueprint: Blueprint,
        /// The task default timeout the rules run under, in seconds.
        #[arg(long, alias = "task-default-timeout", value_name = "SECONDS", default_value_t = 300)]
        task_default_timeout_s: i64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List the enforced hard and soft rules, with each soft rule's annotated timeout and the
    /// timeout it gets under the task default.
    Rules {
        #[command(flatten)]
        blueprint: Blueprint,
        /// The task default approval timeout, in seconds (a rule's @approval_timeout_s can only
        /// shorten it).
        #[arg(long, alias = "task-default-timeout", value_name = "SECONDS", default_value_t = 300)]
        task_default_timeout_s: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replay a log of tool calls (JSON lines: Claude Code hook events, the bench corpus, or
    /// {tool_name, tool_input}) and count outcomes; with --against, also through a second
    /// bundle, and list every call decided differently, grouped by the change.
    Replay {
        /// The log file (`-` for standard input).
        log: PathBuf,
        #[command(flatten)]
        blueprint: Blueprint,
        /// Replay also against this built-in profile (with the same blueprint).
        #[arg(long, value_name = "PROFILE")]
        against: Option<BuiltinProfile>,
        /// Replay also against this blueprint hard file.
        #[arg(long, value_name = "FILE")]
        against_hard: Option<PathBuf>,
        /// Replay also against this blueprint soft file.
        #[arg(long, value_name = "FILE")]
        against_soft: Option<PathBuf>,
        /// Soft rule ids the other bundle disables (repeatable; replaces --disable there).
        #[arg(long = "against-disable", value_name = "ID")]
        against_disable: Vec<String>,
        /// Task type (Cedar principal) of the replayed sessions.
        #[arg(long, default_value = "new_task")]
        principal: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Exit 1 when any call is decided differently.
        #[arg(long)]
        fail_on_diff: bool,
    },
    /// Show how the engine reads a shell command: every simple command with its facts, and every
    /// file it writes (JSON).
    Facts {
        /// The shell command, e.g. "sudo rm -fr /".
        command: String,
        /// Print one JSON object on one line (the default output is the same object, indented).
        #[arg(long)]
        json: bool,
    },
    /// Answer one agent-host hook event read from stdin (docs/hosts.md); exit 2 blocks.
    Hook(cedar_hitl_cli::hook::HookArgs),
    /// Write a starter .cedar-hitl.toml and register the hook with an agent host.
    Init(cedar_hitl_cli::hook::init::InitArgs),
    /// Run a contracts folder (cedar-parity/, decisions/, functions/) and report per file.
    Parity {
        /// The contracts folder, e.g. ./contracts.
        dir: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script, e.g. `cedar-hitl completions bash > ~/.local/share/bash-completion/completions/cedar-hitl`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `cedar-hitl man > cedar-hitl.1`; with --out-dir, write
    /// it and one page per subcommand (cedar-hitl-rules.1, ...) there.
    Man {
        /// Write every page into this folder instead of printing the main one.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

impl Command {
    /// Whether the user asked for JSON output (errors then are JSON too).
    fn json(&self) -> bool {
        match self {
            Command::Eval { call } | Command::Explain { call } => call.json,
            Command::Check { json, .. }
            | Command::Lint { json, .. }
            | Command::Rules { json, .. }
            | Command::Replay { json, .. }
            | Command::Facts { json, .. }
            | Command::Parity { json, .. } => *json,
            Command::Hook(_)
            | Command::Init(_)
            | Command::Completions { .. }
            | Command::Man { .. } => false,
        }
    }
}

/// Why a command stopped early.
enum Stop {
    /// Standard output was closed (`cedar-hitl rules --json | head -1`): nothing more to say.
    ClosedPipe,
    /// A problem to report.
    Failed(CliError),
}

impl From<CliError> for Stop {
    fn from(e: CliError) -> Self {
        Stop::Failed(e)
    }
}

type Run = Result<ExitCode, Stop>;

/// Write `text` to stdout now. A closed pipe is [`Stop::ClosedPipe`], not a panic (which is
/// what `println!` does).
fn emit(text: &str) -> Result<(), Stop> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Stop::ClosedPipe
        } else {
            Stop::Failed(CliError::usage(Problem::new("io", format!("cannot write output: {e}"))))
        }
    })
}

/// `text` and a newline.
fn emitln(text: impl std::fmt::Display) -> Result<(), Stop> {
    emit(&format!("{text}\n"))
}

fn usage(kind: &str, message: impl Into<String>) -> Stop {
    Stop::Failed(CliError::usage(Problem::new(kind, message)))
}

/// Colours only for a person at a terminal who has not asked for none.
fn color(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return argument_error(e, &args),
    };
    let json = cli.command.json();
    let command = match cli.command {
        // The hook protocol (exit 2 on every failure, its own output) is the hook's own.
        Command::Hook(args) => return cedar_hitl_cli::hook::main(args),
        Command::Init(args) => return cedar_hitl_cli::hook::init::main(args),
        other => other,
    };
    match run(command) {
        Ok(code) => code,
        Err(Stop::ClosedPipe) => ExitCode::SUCCESS,
        Err(Stop::Failed(e)) => {
            if json {
                // One object on stdout, where the result would have been; nothing on stderr.
                let _ = emitln(e.to_json());
            } else {
                let _ = std::io::stderr().write_all(e.render(color(&std::io::stderr())).as_bytes());
            }
            ExitCode::from(e.exit_code)
        }
    }
}

/// A command line clap refuses: clap's own message (exit 2), or with `--json` one error object.
/// Help and version requests print as usual. `hook` keeps clap's plain message and exit 2.
fn argument_error(e: clap::Error, args: &[OsString]) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    // Any `hook` word on the line keeps clap's plain message: a host reads stderr (it may be
    // the subcommand after a stray flag); elsewhere the cost is only a plain message.
    let is_hook = args.iter().skip(1).any(|a| a == "hook");
    let wants_json = !is_hook && args.iter().skip(1).any(|a| a == "--json");
    let display_only = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !wants_json || display_only {
        e.exit();
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    let mut problem = Problem::new("usage", message);
    if let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) {
        // "--builtins <PROFILE>" names the flag with its value placeholder.
        problem = problem.flag(arg.split_whitespace().next().unwrap_or(arg));
    }
    if let Some(tip) = text.lines().find_map(|l| l.trim().strip_prefix("tip: ")) {
        problem = problem.help(tip);
    }
    let _ = emitln(CliError::usage(problem).to_json());
    ExitCode::from(2)
}

/// Read the blueprint files named on the command line (each with its text, for locating
/// errors) and the builder for them.
fn files(b: &Blueprint) -> Result<(Files, PolicyBundleBuilder), Stop> {
    let read = |p: &Option<PathBuf>, flag: &str| -> Result<Option<(String, Arc<str>)>, Stop> {
        let Some(p) = p else { return Ok(None) };
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p).map_err(|e| {
            Stop::Failed(CliError::usage(
                Problem::new("io", format!("cannot read {name}: {e}")).flag(flag).file(&name),
            ))
        })?;
        Ok(Some((name, text.into())))
    };
    let files = Files {
        hard: read(&b.blueprint_hard, "--blueprint-hard")?,
        soft: read(&b.blueprint_soft, "--blueprint-soft")?,
    };
    let builder = builder(&files, b);
    Ok((files, builder))
}

/// A builder for the blueprint options, with the files' texts as read.
fn builder(files: &Files, b: &Blueprint) -> PolicyBundleBuilder {
    let text =
        |f: &Option<(String, Arc<str>)>| f.as_ref().map_or(String::new(), |(_, t)| t.to_string());
    PolicyBundle::builder()
        .builtins(b.builtins)
        .blueprint_hard(text(&files.hard))
        .blueprint_soft(text(&files.soft))
        .disable(b.disable.clone())
}

/// The problems a load error stands for, with flags named (`--disable`) and every problem the
/// files have listed (a build stops at the first).
fn load_failure(files: &Files, b: &Blueprint, first: &LoadError) -> CliError {
    let report = builder(files, b).check();
    let errors = if report.errors.is_empty() { vec![first.clone()] } else { report.errors };
    CliError::many(errors.iter().flat_map(|e| load_problems(files, e)).collect())
}

fn load_problems(files: &Files, e: &LoadError) -> Vec<Problem> {
    let problems = files.load_problems(e);
    if e.kind() == LoadErrorKind::SizeCap {
        // The engine's field is the host's `cedar_policies`; here it is the two files.
        return problems
            .into_iter()
            .map(|mut p| {
                p.message = p.message.replace(
                    "cedar_policies exceeds",
                    "--blueprint-hard and --blueprint-soft together exceed",
                );
                p
            })
            .collect();
    }
    if e.kind() != LoadErrorKind::Disable {
        return problems;
    }
    problems
        .into_iter()
        .map(|mut p| {
            if let Some(id) = e.rule_id() {
                p.message = p
                    .message
                    .replace(&format!("blueprint disable['{id}']"), &format!("--disable {id}"));
            }
            p.flag("--disable")
        })
        .collect()
}

/// Build the bundle the blueprint options describe.
fn load(b: &Blueprint) -> Result<(Files, PolicyBundle), Stop> {
    let (files, builder) = files(b)?;
    match builder.build() {
        Ok(bundle) => Ok((files, bundle)),
        Err(e) => Err(Stop::Failed(load_failure(&files, b, &e))),
    }
}

/// The `--input` value parsed into the engine's JSON value (big integers and key order kept).
fn tool_input(arg: &str) -> Result<JsonValue, Stop> {
    let source = InputSource::of(arg);
    let text = read_text(arg)
        .map_err(|m| Stop::Failed(CliError::usage(Problem::new("input", m).flag("--input"))))?;
    let value = parse_json(&text).map_err(|e| {
        Stop::Failed(CliError::usage(
            Problem::new("input", format!("--input is not valid JSON: {}", e.message))
                .flag("--input")
                .in_file(source.name(), text.as_str().into(), e.offset, 1, Some(e.message.clone())),
        ))
    })?;
    match &value {
        JsonValue::Object(_) | JsonValue::Unsupported(_) => Ok(value),
        other => Err(Stop::Failed(CliError::usage(
            Problem::new("input", format!("--input must be a JSON object, got {}", other.kind()))
                .flag("--input"),
        ))),
    }
}

/// A session refused: the setting's flag named instead of the engine's field.
fn session_error(e: Error) -> CliError {
    let problem = match e {
        Error::Scope(s) => {
            let field = s.field().unwrap_or_default();
            let detail = s.message().strip_prefix(&format!("{field}: ")).unwrap_or(s.message());
            let message = if s.scope().is_empty() {
                format!("--approve: {detail}")
            } else {
                format!("--approve {}: {detail}", s.scope())
            };
            Problem::new("scope", message).flag("--approve")
        }
        Error::Config(c) => {
            let flag = format!("--{}", c.field().replace('_', "-"));
            Problem::new("config", c.message().replacen(c.field(), &flag, 1)).flag(flag)
        }
        Error::Load(l) => Problem::new(l.kind().as_str(), l.message().to_owned()),
        // `Error` is non-exhaustive: a kind added later still reports its message.
        other => Problem::new("error", other.to_string()),
    };
    CliError::usage(problem)
}

/// The session and call `CallArgs` describe.
fn session_and_call(a: CallArgs) -> Result<(Session, ToolCall), Stop> {
    let input = tool_input(&a.input)?;
    let (_, bundle) = load(&a.blueprint)?;
    let cfg = SessionConfig {
        principal: a.principal,
        repo: a.repo,
        read_only: a.read_only,
        initial_approvals: a.approve,
        ..Default::default()
    };
    let session = Session::new(Arc::new(bundle), cfg).map_err(session_error)?;
    Ok((session, ToolCall::new(a.tool, input)))
}

/// A `PolicySource` as the user knows it: their file name, or `builtin`.
fn source_name(files: &Files, b: &Blueprint, source: PolicySource) -> String {
    let named = |p: &Option<PathBuf>| p.as_deref().map(Path::display).map(|d| d.to_string());
    match source {
        PolicySource::BlueprintHard => named(&b.blueprint_hard),
        PolicySource::BlueprintSoft => named(&b.blueprint_soft),
        _ => None,
    }
    .or_else(|| files.name(source).map(str::to_owned))
    .unwrap_or_else(|| source.to_string())
}

/// `file:line` for a lint finding, naming the file the user passed.
fn location(b: &Blueprint, source: PolicySource, line: Option<u32>) -> String {
    let file = match source {
        PolicySource::BlueprintHard => b.blueprint_hard.as_deref().map(|p| p.display().to_string()),
        PolicySource::BlueprintSoft => b.blueprint_soft.as_deref().map(|p| p.display().to_string()),
        other => Some(other.to_string()),
    };
    match (file, line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f,
        (None, _) => "blueprint".into(),
    }
}

/// The task default flag checked against the engine's range, naming the flag.
fn task_default(seconds: i64) -> Result<i64, Stop> {
    let range = constants().approval_timeout_s;
    if (range.min..=range.max).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Stop::Failed(CliError::usage(
            Problem::new(
                "config",
                format!(
                    "--task-default-timeout-s must be an integer in [{}, {}], got {seconds}",
                    range.min, range.max
                ),
            )
            .flag("--task-default-timeout-s"),
        )))
    }
}

/// A soft rule's effective approval timeout under `task_default`, and why it differs from the
/// annotation (the same merge the engine applies: the shortest of the annotations and the task
/// default, never below the floor; docs/rules.md).
fn effective_timeout(annotated: Option<u32>, task_default: i64) -> (i64, Option<String>) {
    let floor = constants().approval_timeout_s.min;
    match annotated.map(i64::from) {
        None => (
            task_default,
            Some(format!("no @approval_timeout_s: the task default ({task_default} s)")),
        ),
        Some(t) if t > task_default => (
            task_default,
            Some(format!(
                "@approval_timeout_s(\"{t}\") is longer than the task default ({task_default} s): a rule can only shorten it"
            )),
        ),
        Some(t) => (t.max(floor), None),
    }
}

fn run(command: Command) -> Run {
    match command {
        Command::Explain { call } => {
            let json = call.json;
            let (session, call) = session_and_call(call)?;
            let e = session.explain(&call);
            if json {
                emitln(e.to_json())?
            } else {
                emit(&e.render())?
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { call } => {
            let json = call.json;
            let (session, call) = session_and_call(call)?;
            let d = session.evaluate(&call);
            if json {
                // Every decision field, and the input's hash (the same as Python's
                // `tool_input_sha256` of `json.loads` of the same text).
                let mut j = d.to_json();
                j["tool_input_sha256"] = tool_input_sha256(call.input()).ok().into();
                emitln(j)?;
            } else {
                let mut out = format!("{}: {}\n", d.outcome().as_str().to_uppercase(), d.reason());
                if !d.matching_rule_ids().is_empty() {
                    out.push_str(&format!("  rules:    {}\n", d.matching_rule_ids().join(", ")));
                }
                if let Some(t) = d.tier() {
                    out.push_str(&format!("  tier:     {t}\n"));
                }
                if let (Some(t), Some(s)) = (d.timeout_s(), d.severity()) {
                    out.push_str(&format!("  timeout:  {t}s\n  severity: {s}\n"));
                }
                if let Some(f) = d.fail_closed() {
                    out.push_str(&format!("  fail-closed: {} ({})\n", f.cause, f.detail));
                }
                emit(&out)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { blueprint, json } => {
            let (files, builder) = files(&blueprint)?;
            let report = builder.check();
            let errors: Vec<Problem> =
                report.errors.iter().flat_map(|e| load_problems(&files, e)).collect();
            let warnings: Vec<Problem> =
                report.warnings.iter().map(|w| files.warning_problem(w)).collect();
            if json {
                emitln(serde_json::json!({
                    "ok": errors.is_empty(),
                    "errors": errors.iter().map(Problem::to_json).collect::<Vec<_>>(),
                    "warnings": warnings.iter().map(Problem::to_json).collect::<Vec<_>>(),
                }))?;
            } else {
                let c = color(&std::io::stdout());
                let all: Vec<Problem> = errors.iter().chain(&warnings).cloned().collect();
                let mut out = cedar_hitl_cli::report::render_all(&all, c);
                out.push_str(&format!(
                    "{} error(s), {} warning(s)\n",
                    errors.len(),
                    warnings.len()
                ));
                emit(&out)?;
            }
            Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Lint { blueprint, task_default_timeout_s, json } => {
            let task_default_timeout_s = task_default(task_default_timeout_s)?;
            let (files, bundle) = load(&blueprint)?;
            let findings = bundle.lint_with(task_default_timeout_s);
            let errors = findings.iter().filter(|f| f.level == LintLevel::Error).count();
            if json {
                let list: Vec<serde_json::Value> = findings
                    .iter()
                    .map(|f| {
                        let mut v = serde_json::to_value(f).unwrap_or_default();
                        v["location"] = location(&blueprint, f.source, f.line).into();
                        v["source"] = source_name(&files, &blueprint, f.source).into();
                        v
                    })
                    .collect();
                emitln(serde_json::json!({"findings": list, "errors": errors}))?;
            } else {
                let mut out = String::new();
                for f in &findings {
                    out.push_str(&format!(
                        "{}: {}: rule '{}' [{}] {}\n",
                        f.level.as_str(),
                        location(&blueprint, f.source, f.line),
                        f.rule_id,
                        f.kind,
                        f.message
                    ));
                }
                out.push_str(&format!("{} finding(s), {errors} error(s)\n", findings.len()));
                emit(&out)?;
            }
            Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Rules { blueprint, task_default_timeout_s, json } => {
            let task_default = task_default(task_default_timeout_s)?;
            let (files, bundle) = load(&blueprint)?;
            rules(&files, &blueprint, &bundle, task_default, json)
        }
        Command::Replay {
            log,
            blueprint,
            against,
            against_hard,
            against_soft,
            against_disable,
            principal,
            json,
            fail_on_diff,
        } => {
            let (_, base) = load(&blueprint)?;
            let base = Arc::new(base);
            let wants_other = against.is_some()
                || against_hard.is_some()
                || against_soft.is_some()
                || !against_disable.is_empty();
            let other = if wants_other {
                let other_blueprint = Blueprint {
                    blueprint_hard: against_hard.or(blueprint.blueprint_hard.clone()),
                    blueprint_soft: against_soft.or(blueprint.blueprint_soft.clone()),
                    disable: if against_disable.is_empty() {
                        blueprint.disable.clone()
                    } else {
                        against_disable
                    },
                    builtins: against.unwrap_or(blueprint.builtins),
                };
                let (_, b) = load(&other_blueprint).map_err(|stop| match stop {
                    Stop::Failed(mut e) => {
                        for p in &mut e.problems {
                            p.message = format!("--against: {}", p.message);
                        }
                        Stop::Failed(e)
                    }
                    other => other,
                })?;
                Some(Arc::new(b))
            } else {
                None
            };
            replay(&log, base, other, principal, json, fail_on_diff)
        }
        Command::Facts { command, json } => {
            let facts = shell::parse(&command);
            let text = if json {
                serde_json::to_string(&facts)
            } else {
                serde_json::to_string_pretty(&facts)
            };
            emitln(text.unwrap_or_default())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Parity { dir, json } => {
            let reports = cedar_hitl_cli::contracts::run_all(&dir).map_err(|e| {
                Stop::Failed(CliError::usage(Problem::new("io", e).file(dir.display().to_string())))
            })?;
            let failed = reports.iter().filter(|r| !r.failures.is_empty()).count();
            if json {
                let list: Vec<serde_json::Value> = reports
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "path": r.path.display().to_string(),
                            "checks": r.checked,
                            "passed": r.failures.is_empty(),
                            "failures": r.failures,
                        })
                    })
                    .collect();
                emitln(serde_json::json!({
                    "files": list,
                    "passed": reports.len() - failed,
                    "failed": failed,
                }))?;
            } else {
                let mut out = String::new();
                for r in &reports {
                    let status = if r.failures.is_empty() { "PASS" } else { "FAIL" };
                    out.push_str(&format!(
                        "{status} {} ({} checks)\n",
                        r.path.display(),
                        r.checked
                    ));
                    for f in &r.failures {
                        out.push_str(&format!("    {f}\n"));
                    }
                }
                out.push_str(&format!("{} passed, {} failed\n", reports.len() - failed, failed));
                emit(&out)?;
            }
            Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "cedar-hitl", &mut out);
            emit(&String::from_utf8_lossy(&out))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out_dir: Some(dir) } => {
            clap_mangen::generate_to(Cli::command(), &dir).map_err(|e| {
                Stop::Failed(CliError::usage(
                    Problem::new(
                        "io",
                        format!("cannot write the manual pages to {}: {e}", dir.display()),
                    )
                    .flag("--out-dir"),
                ))
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out_dir: None } => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| usage("io", format!("cannot render the manual page: {e}")))?;
            emit(&String::from_utf8_lossy(&out))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Hook(_) | Command::Init(_) => {
            unreachable!("handed to the hook module in main before run")
        }
    }
}

fn rules(
    files: &Files,
    blueprint: &Blueprint,
    bundle: &PolicyBundle,
    task_default: i64,
    json: bool,
) -> Run {
    let listing = bundle.listing();
    if json {
        let mut v = serde_json::to_value(&listing).unwrap_or_default();
        v["policy_fingerprint"] = bundle.fingerprint().into();
        v["task_default_timeout_s"] = task_default.into();
        if let Some(soft) = v["soft"].as_array_mut() {
            for (r, summary) in soft.iter_mut().zip(&listing.soft) {
                let (effective, why) = effective_timeout(summary.approval_timeout_s, task_default);
                r["effective_timeout_s"] = effective.into();
                r["timeout_note"] = why.into();
            }
        }
        for (tier, summaries) in [("hard", &listing.hard), ("soft", &listing.soft)] {
            if let Some(list) = v[tier].as_array_mut() {
                for (r, summary) in list.iter_mut().zip(summaries) {
                    r["source"] = source_name(files, blueprint, summary.source).into();
                }
            }
        }
        emitln(serde_json::to_string_pretty(&v).unwrap_or_default())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "built-in profile: {}\npolicy fingerprint: {}\ntask default timeout: {task_default}s\n",
        listing.profile,
        bundle.fingerprint()
    );
    out.push_str(&format!(
        "{:<28} {:<5} {:<8} {:>8} {:>9} {:<12} source\n",
        "rule_id", "tier", "severity", "timeout", "effective", "category"
    ));
    let mut notes = Vec::new();
    for (tier, rules) in [("hard", &listing.hard), ("soft", &listing.soft)] {
        for r in rules {
            let annotated =
                r.approval_timeout_s.map(|t| format!("{t}s")).unwrap_or_else(|| "-".into());
            let effective = if tier == "soft" {
                let (t, why) = effective_timeout(r.approval_timeout_s, task_default);
                if let (Some(why), Some(_)) = (why, r.approval_timeout_s) {
                    notes.push(format!("  {}: {why}", r.rule_id));
                }
                format!("{t}s")
            } else {
                "-".into()
            };
            out.push_str(&format!(
                "{:<28} {:<5} {:<8} {:>8} {:>9} {:<12} {}\n",
                r.rule_id,
                tier,
                r.severity.map_or("-", Severity::as_str),
                annotated,
                effective,
                r.category.as_deref().unwrap_or("-"),
                source_name(files, blueprint, r.source)
            ));
        }
    }
    if !notes.is_empty() {
        out.push_str(&format!(
            "effective timeouts that differ from the annotation:\n{}\n",
            notes.join("\n")
        ));
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn replay(
    log: &Path,
    base: Arc<PolicyBundle>,
    other: Option<Arc<PolicyBundle>>,
    principal: String,
    json: bool,
    fail_on_diff: bool,
) -> Run {
    let cfg = SessionConfig { principal, ..Default::default() };
    let (reader, size): (Box<dyn std::io::BufRead>, Option<u64>) = if log.as_os_str() == "-" {
        (Box::new(std::io::BufReader::new(std::io::stdin())), None)
    } else {
        match std::fs::File::open(log) {
            Ok(f) => {
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(std::io::BufReader::new(f)), size)
            }
            Err(e) => {
                return Err(Stop::Failed(CliError::usage(
                    Problem::new("io", format!("cannot read {}: {e}", log.display()))
                        .file(log.display().to_string()),
                )));
            }
        }
    };
    // A progress bar only for a person watching (stderr is a terminal).
    let bar = (std::io::stderr().is_terminal()).then(|| {
        let b = size.map_or_else(indicatif::ProgressBar::new_spinner, indicatif::ProgressBar::new);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {bar:30} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let result = cedar_hitl_cli::replay::replay(reader, base, other, &cfg, |n| {
        if let Some(b) = &bar
            && n & 0xffff < 200
        {
            b.set_position(n);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = result.map_err(|e| usage("replay", e))?;
    if json {
        emitln(serde_json::to_string(&summary).unwrap_or_default())?;
    } else {
        emit(&cedar_hitl_cli::replay::render(&summary))?;
    }
    Ok(if fail_on_diff && summary.differences > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
