//! `cedar-hitl`: evaluate a tool call, check a blueprint, list rules, run parity fixtures.
//! The embedded built-in policies are always loaded; blueprint options add to them.

use cedar_hitl_core::*;
use clap::{Args, Parser, Subcommand};
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
    /// Tool input as a JSON object.
    #[arg(long = "input", value_name = "JSON")]
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
    /// Print exactly one JSON object.
    #[arg(long)]
    json: bool,
}

/// The session and call `CallArgs` describe, or the exit code for bad arguments.
fn session_and_call(a: CallArgs) -> Result<(Session, ToolCall), ExitCode> {
    let input: serde_json::Value = match serde_json::from_str(&a.input) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        Ok(_) => return Err(usage("--input must be a JSON object")),
        Err(e) => return Err(usage(format!("--input is not valid JSON: {e}"))),
    };
    let bundle = match builder(&a.blueprint).map(|b| b.build().map_err(|e| e.to_string())) {
        Ok(Ok(b)) => b,
        Ok(Err(e)) | Err(e) => return Err(usage(e)),
    };
    let cfg = SessionConfig {
        principal: a.principal,
        repo: a.repo,
        read_only: a.read_only,
        initial_approvals: a.approve,
        ..Default::default()
    };
    let session = Session::new(Arc::new(bundle), cfg).map_err(usage)?;
    Ok((session, ToolCall::new(a.tool, input)))
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
    /// Validate blueprint files; print every error and warning with rule id and file:line.
    Check {
        #[command(flatten)]
        blueprint: Blueprint,
    },
    /// Lint blueprint rules: rules that can never match or never take effect (errors), likely
    /// mistakes (warnings), and rules a fact would express more robustly (hints). Exit 1 on
    /// errors, 0 otherwise.
    Lint {
        #[command(flatten)]
        blueprint: Blueprint,
        /// The task default timeout the rules run under, in seconds.
        #[arg(long, default_value_t = 300)]
        task_default_timeout_s: i64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List the enforced hard and soft rules.
    Rules {
        #[command(flatten)]
        blueprint: Blueprint,
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
    },
    /// Answer one agent-host hook event read from stdin (docs/hosts.md); exit 2 blocks.
    Hook(cedar_hitl_cli::hook::HookArgs),
    /// Write a starter .cedar-hitl.toml and register the hook with an agent host.
    Init(cedar_hitl_cli::hook::init::InitArgs),
    /// Run a contracts folder (cedar-parity/, decisions/, functions/) and report per file.
    Parity {
        /// The contracts folder, e.g. ./contracts.
        dir: PathBuf,
    },
}

/// Exit code 2: bad arguments or a blueprint that fails to load.
fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("cedar-hitl: {msg}");
    ExitCode::from(2)
}

fn read(path: &Option<PathBuf>) -> Result<String, String> {
    match path {
        None => Ok(String::new()),
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        }
    }
}

fn builder(b: &Blueprint) -> Result<PolicyBundleBuilder, String> {
    Ok(PolicyBundle::builder()
        .builtins(b.builtins)
        .blueprint_hard(read(&b.blueprint_hard)?)
        .blueprint_soft(read(&b.blueprint_soft)?)
        .disable(b.disable.clone()))
}

/// `file:line` for a problem, naming the file the user passed.
fn location(b: &Blueprint, source: Option<PolicySource>, line: Option<u32>) -> String {
    let file = match source {
        Some(PolicySource::BlueprintHard) => {
            b.blueprint_hard.as_deref().map(Path::display).map(|d| d.to_string())
        }
        Some(PolicySource::BlueprintSoft) => {
            b.blueprint_soft.as_deref().map(Path::display).map(|d| d.to_string())
        }
        Some(other) => Some(other.to_string()),
        None => None,
    };
    match (file, line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f,
        (None, _) => "blueprint".into(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Explain { call } => {
            let json = call.json;
            let (session, call) = match session_and_call(call) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let e = session.explain(&call);
            if json {
                println!("{}", e.to_json());
            } else {
                print!("{}", e.render());
            }
            ExitCode::SUCCESS
        }
        Command::Eval { call } => {
            let json = call.json;
            let (session, call) = match session_and_call(call) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let d = session.evaluate(&call);
            if json {
                let mut j = d.to_json();
                if let Some(o) = j.as_object_mut() {
                    o.retain(|k, _| {
                        [
                            "outcome",
                            "reason",
                            "tier",
                            "matching_rule_ids",
                            "timeout_s",
                            "severity",
                            "fail_closed",
                            "fail_closed_cause",
                        ]
                        .contains(&k.as_str())
                    });
                }
                println!("{j}");
            } else {
                println!("{}: {}", d.outcome().as_str().to_uppercase(), d.reason());
                if !d.matching_rule_ids().is_empty() {
                    println!("  rules:    {}", d.matching_rule_ids().join(", "));
                }
                if let Some(t) = d.tier() {
                    println!("  tier:     {t}");
                }
                if let (Some(t), Some(s)) = (d.timeout_s(), d.severity()) {
                    println!("  timeout:  {t}s\n  severity: {s}");
                }
                if let Some(f) = d.fail_closed() {
                    println!("  fail-closed: {} ({})", f.cause, f.detail);
                }
            }
            ExitCode::SUCCESS
        }
        Command::Check { blueprint } => {
            let report = match builder(&blueprint) {
                Ok(b) => b.check(),
                Err(e) => return usage(e),
            };
            for e in &report.errors {
                println!(
                    "error: {}: [{}] {}{}",
                    location(&blueprint, e.origin(), e.line()),
                    e.kind().as_str(),
                    e.rule_id().map(|r| format!("rule '{r}': ")).unwrap_or_default(),
                    e.message()
                );
            }
            for w in &report.warnings {
                println!(
                    "warning: {}: rule '{}' ({}): {}",
                    location(&blueprint, Some(w.source()), w.line()),
                    w.rule_id(),
                    w.field(),
                    w.message()
                );
            }
            println!("{} error(s), {} warning(s)", report.errors.len(), report.warnings.len());
            if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Command::Lint { blueprint, task_default_timeout_s, json } => {
            let bundle = match builder(&blueprint).map(|b| b.build().map_err(|e| e.to_string())) {
                Ok(Ok(b)) => b,
                Ok(Err(e)) | Err(e) => return usage(e),
            };
            let findings = bundle.lint_with(task_default_timeout_s);
            let errors = findings.iter().filter(|f| f.level == LintLevel::Error).count();
            if json {
                let list: Vec<serde_json::Value> = findings
                    .iter()
                    .map(|f| {
                        let mut v = serde_json::to_value(f).unwrap_or_default();
                        v["location"] = location(&blueprint, Some(f.source), f.line).into();
                        v
                    })
                    .collect();
                println!("{}", serde_json::json!({"findings": list, "errors": errors}));
            } else {
                for f in &findings {
                    println!(
                        "{}: {}: rule '{}' [{}] {}",
                        f.level.as_str(),
                        location(&blueprint, Some(f.source), f.line),
                        f.rule_id,
                        f.kind,
                        f.message
                    );
                }
                println!("{} finding(s), {errors} error(s)", findings.len());
            }
            if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Command::Rules { blueprint, json } => {
            let bundle = match builder(&blueprint).map(|b| b.build().map_err(|e| e.to_string())) {
                Ok(Ok(b)) => b,
                Ok(Err(e)) | Err(e) => return usage(e),
            };
            let listing = bundle.listing();
            if !json {
                println!(
                    "built-in profile: {}\npolicy fingerprint: {}",
                    listing.profile,
                    bundle.fingerprint()
                );
            }
            if json {
                let mut v = serde_json::to_value(&listing).unwrap_or_default();
                v["policy_fingerprint"] = bundle.fingerprint().into();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                println!(
                    "{:<28} {:<5} {:<8} {:>8} {:<12} source",
                    "rule_id", "tier", "severity", "timeout", "category"
                );
                for (tier, rules) in [("hard", &listing.hard), ("soft", &listing.soft)] {
                    for r in rules {
                        let t = r
                            .approval_timeout_s
                            .map(|t| format!("{t}s"))
                            .unwrap_or_else(|| "-".into());
                        println!(
                            "{:<28} {:<5} {:<8} {:>8} {:<12} {}",
                            r.rule_id,
                            tier,
                            r.severity.as_deref().unwrap_or("-"),
                            t,
                            r.category.as_deref().unwrap_or("-"),
                            r.source
                        );
                    }
                }
            }
            ExitCode::SUCCESS
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
            let base = match builder(&blueprint).map(|b| b.build().map_err(|e| e.to_string())) {
                Ok(Ok(b)) => Arc::new(b),
                Ok(Err(e)) | Err(e) => return usage(e),
            };
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
                match builder(&other_blueprint).map(|b| b.build().map_err(|e| e.to_string())) {
                    Ok(Ok(b)) => Some(Arc::new(b)),
                    Ok(Err(e)) | Err(e) => return usage(format!("--against: {e}")),
                }
            } else {
                None
            };
            let cfg = SessionConfig { principal, ..Default::default() };
            let (reader, size): (Box<dyn std::io::BufRead>, Option<u64>) = if log.as_os_str() == "-"
            {
                (Box::new(std::io::BufReader::new(std::io::stdin())), None)
            } else {
                match std::fs::File::open(&log) {
                    Ok(f) => {
                        let size = f.metadata().ok().map(|m| m.len());
                        (Box::new(std::io::BufReader::new(f)), size)
                    }
                    Err(e) => return usage(format!("cannot read {}: {e}", log.display())),
                }
            };
            // A progress bar only for a person watching (stderr is a terminal).
            let bar = (std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
                let b = size
                    .map_or_else(indicatif::ProgressBar::new_spinner, indicatif::ProgressBar::new);
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
            let summary = match result {
                Ok(s) => s,
                Err(e) => return usage(e),
            };
            if json {
                println!("{}", serde_json::to_string(&summary).unwrap_or_default());
            } else {
                print!("{}", cedar_hitl_cli::replay::render(&summary));
            }
            if fail_on_diff && summary.differences > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Facts { command } => {
            println!(
                "{}",
                serde_json::to_string_pretty(&shell::parse(&command)).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Command::Hook(args) => cedar_hitl_cli::hook::main(args),
        Command::Init(args) => cedar_hitl_cli::hook::init::main(args),
        Command::Parity { dir } => match cedar_hitl_cli::contracts::run_all(&dir) {
            Err(e) => usage(e),
            Ok(reports) => {
                let failed = reports.iter().filter(|r| !r.failures.is_empty()).count();
                for r in &reports {
                    let status = if r.failures.is_empty() { "PASS" } else { "FAIL" };
                    println!("{status} {} ({} checks)", r.path.display(), r.checked);
                    for f in &r.failures {
                        println!("    {f}");
                    }
                }
                println!("{} passed, {} failed", reports.len() - failed, failed);
                if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
            }
        },
    }
}
