//! `cedar-hitl init`: write a starter `.cedar-hitl.toml` and register the hook with the host
//! (docs/hosts.md). For Claude Code the registration is merged into `.claude/settings.json`,
//! keeping what is there and a backup of the old file; `--print` only prints.

use super::config::{CONFIG_FILE_NAME, starter};
use super::hosts::Host;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `cedar-hitl init`.
///
/// ```
/// use cedar_hitl_cli::hook::{init::InitArgs, hosts::Host};
/// let a = InitArgs { host: Host::Claude, print: true, dir: None };
/// assert!(a.print);
/// ```
#[derive(clap::Args, Debug, Clone)]
pub struct InitArgs {
    /// The agent host to register with.
    #[arg(long, value_enum, default_value = "claude")]
    pub host: Host,
    /// Print the config and the hook registration instead of writing them.
    #[arg(long)]
    pub print: bool,
    /// The project folder (default: the working directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Marks the hook commands this tool owns, so `init` run twice adds nothing.
const MARK: &str = "cedar-hitl hook";

/// The hook command line for `host`.
///
/// ```
/// use cedar_hitl_cli::hook::{init::command, hosts::Host};
/// assert_eq!(command(Host::Gemini), "cedar-hitl hook --host gemini --config .cedar-hitl.toml");
/// ```
pub fn command(host: Host) -> String {
    match host {
        Host::Claude => {
            format!("{MARK} --host claude --config \"$CLAUDE_PROJECT_DIR\"/{CONFIG_FILE_NAME}")
        }
        other => format!("{MARK} --host {} --config {CONFIG_FILE_NAME}", other.as_str()),
    }
}

/// The hook registration for `host`, as that host's settings file spells it.
///
/// ```
/// use cedar_hitl_cli::hook::{init::registration, hosts::Host};
/// let r = registration(Host::Claude);
/// assert_eq!(r["hooks"]["PreToolUse"][0]["matcher"], "*");
/// assert_eq!(registration(Host::Cursor)["version"], 1);
/// ```
pub fn registration(host: Host) -> Value {
    let hook = json!({"type": "command", "command": command(host)});
    match host {
        Host::Claude | Host::Codex => json!({"hooks": {
            "PreToolUse": [{"matcher": "*", "hooks": [hook.clone()]}],
            "PostToolUse": [{"matcher": "*", "hooks": [hook]}],
        }}),
        Host::Gemini => json!({"hooks": {
            "BeforeTool": [{"matcher": ".*", "hooks": [hook.clone()]}],
            "AfterTool": [{"matcher": ".*", "hooks": [hook]}],
        }}),
        Host::Cursor => {
            let c = json!({"command": command(host)});
            json!({"version": 1, "hooks": {
                "beforeShellExecution": [c.clone()],
                "beforeMCPExecution": [c.clone()],
                "beforeReadFile": [c],
            }})
        }
    }
}

/// Where the host reads its hook settings, relative to the project (Codex: `~/.codex`).
fn settings_file(host: Host) -> &'static str {
    match host {
        Host::Claude => ".claude/settings.json",
        Host::Codex => "~/.codex/hooks.json",
        Host::Gemini => ".gemini/settings.json",
        Host::Cursor => ".cursor/hooks.json",
    }
}

/// Merge `reg` into the settings object `existing`: each event's list gains the hook group
/// unless a group there already runs `cedar-hitl hook`. Returns whether anything changed.
///
/// ```
/// use cedar_hitl_cli::hook::{init::{merge, registration}, hosts::Host};
/// let mut settings = serde_json::json!({"model": "opus", "hooks": {"Stop": []}});
/// assert!(merge(&mut settings, &registration(Host::Claude)).unwrap());
/// assert!(!merge(&mut settings, &registration(Host::Claude)).unwrap()); // once only
/// assert_eq!(settings["model"], "opus");
/// assert!(merge(&mut serde_json::json!([]), &registration(Host::Claude)).is_err());
/// ```
pub fn merge(existing: &mut Value, reg: &Value) -> Result<bool, String> {
    let root = existing.as_object_mut().ok_or("the settings file is not a JSON object")?;
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let hooks = hooks.as_object_mut().ok_or("its `hooks` is not a JSON object")?;
    let mut changed = false;
    for (event, groups) in reg["hooks"].as_object().into_iter().flatten() {
        let list = hooks.entry(event.clone()).or_insert_with(|| json!([]));
        let list =
            list.as_array_mut().ok_or_else(|| format!("its `hooks.{event}` is not a list"))?;
        if !list.iter().any(|g| g.to_string().contains(MARK)) {
            list.extend(groups.as_array().into_iter().flatten().cloned());
            changed = true;
        }
    }
    Ok(changed)
}

/// Run `cedar-hitl init`: print what was done, exit 1 on an error.
///
/// ```no_run
/// use cedar_hitl_cli::hook::{init::{main, InitArgs}, hosts::Host};
/// main(InitArgs { host: Host::Claude, print: true, dir: None });
/// ```
pub fn main(args: InitArgs) -> ExitCode {
    match run(&args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cedar-hitl init: {e}");
            ExitCode::from(1)
        }
    }
}

/// Do what `cedar-hitl init` does; returns what it prints.
///
/// ```
/// use cedar_hitl_cli::hook::{init::{run, InitArgs}, hosts::Host};
/// let out = run(&InitArgs { host: Host::Codex, print: true, dir: None }).unwrap();
/// assert!(out.contains("host = \"codex\"") && out.contains("PreToolUse"));
/// ```
pub fn run(args: &InitArgs) -> Result<String, String> {
    let reg = registration(args.host);
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    if args.print {
        return Ok(format!(
            "# {CONFIG_FILE_NAME}\n{}\n# {} (merge into the existing file)\n{}\n",
            starter(args.host),
            settings_file(args.host),
            pretty(&reg)
        ));
    }
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?,
    };
    let mut out = String::new();
    let cfg = dir.join(CONFIG_FILE_NAME);
    if cfg.exists() {
        out += &format!("kept {} (already there)\n", cfg.display());
    } else {
        std::fs::write(&cfg, starter(args.host))
            .map_err(|e| format!("cannot write {}: {e}", cfg.display()))?;
        out += &format!("wrote {}\n", cfg.display());
    }
    if args.host != Host::Claude {
        out += &format!(
            "add this to {} (merge with what is there; docs/hosts.md):\n{}\n",
            settings_file(args.host),
            pretty(&reg)
        );
        return Ok(out);
    }
    let settings = dir.join(".claude/settings.json");
    out += &merge_file(&settings, &reg)?;
    Ok(out)
}

fn merge_file(settings: &Path, reg: &Value) -> Result<String, String> {
    let (mut value, old) = match std::fs::read_to_string(settings) {
        Ok(text) => {
            let v: Value = serde_json::from_str(&text).map_err(|e| {
                format!("{} is not valid JSON ({e}); left unchanged", settings.display())
            })?;
            (v, Some(text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (json!({}), None),
        Err(e) => return Err(format!("cannot read {}: {e}", settings.display())),
    };
    if !merge(&mut value, reg)
        .map_err(|e| format!("{}: {e}; left unchanged", settings.display()))?
    {
        return Ok(format!("kept {} (the hook is already registered)\n", settings.display()));
    }
    if let Some(parent) = settings.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut out = String::new();
    if let Some(old) = old {
        let backup = settings.with_extension("json.bak");
        std::fs::write(&backup, old)
            .map_err(|e| format!("cannot write backup {}: {e}", backup.display()))?;
        out += &format!("backed up {} to {}\n", settings.display(), backup.display());
    }
    let text = serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    let tmp = settings.with_extension("json.tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, settings))
        .map_err(|e| format!("cannot write {}: {e}", settings.display()))?;
    out += &format!("registered the hook in {}\n", settings.display());
    Ok(out)
}
