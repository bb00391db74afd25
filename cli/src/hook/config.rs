//! `.cedar-hitl.toml`: the hook's settings (docs/hosts.md, "Configuration"). Every key is
//! checked by hand so an error names the file, the key, the value and what is allowed; numbers
//! use the engine's own bounds (`contracts/constants.json`).

use super::hosts::Host;
use cedar_hitl_core::{BuiltinProfile, PolicyBundle, Session, SessionConfig, constants};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file name searched for from the working directory upward.
pub const CONFIG_FILE_NAME: &str = ".cedar-hitl.toml";

/// Environment variable naming a file that holds the state HMAC key.
pub const HMAC_KEY_ENV: &str = "CEDAR_HITL_HMAC_KEY_FILE";

/// What an ALLOW prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AllowOutput {
    /// Nothing: the host's own permission rules still apply.
    #[default]
    None,
    /// An explicit allow decision (skips the host's own prompt where it has one).
    Allow,
}

/// The hook's settings, with every path made absolute against the config file's folder.
#[derive(Debug, Clone, Default)]
pub struct HookConfig {
    /// The file these settings came from (`None`: defaults, no file found).
    pub path: Option<PathBuf>,
    /// Built-in rules.
    pub builtins: BuiltinProfile,
    /// Blueprint hard-tier file.
    pub blueprint_hard: Option<PathBuf>,
    /// Blueprint soft-tier file.
    pub blueprint_soft: Option<PathBuf>,
    /// Soft rule ids disabled.
    pub disable: Vec<String>,
    /// Session settings (task type, repo, read-only, initial approvals, gate cap, timeout).
    pub session: SessionConfig,
    /// Where per-session state lives (`None`: the XDG default).
    pub state_dir: Option<PathBuf>,
    /// Audit log file (`None`: no audit log).
    pub audit_log: Option<PathBuf>,
    /// The host, when `--host` does not say.
    pub host: Option<Host>,
    /// What an ALLOW prints.
    pub allow_output: AllowOutput,
    /// File holding the state HMAC key.
    pub hmac_key_file: Option<PathBuf>,
}

const KEYS: &[&str] = &[
    "builtins",
    "blueprint_hard",
    "blueprint_soft",
    "disable",
    "principal",
    "repo",
    "read_only",
    "initial_approvals",
    "approval_gate_cap",
    "task_default_timeout_s",
    "state_dir",
    "audit_log",
    "host",
    "allow_output",
    "hmac_key_file",
];

impl HookConfig {
    /// Read the file at `path`. Every problem is an error naming the file.
    pub fn load(path: &Path) -> Result<HookConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        Self::parse(&text, path)
    }

    /// `--config` if given, else the nearest `.cedar-hitl.toml` from `start` upward, else the
    /// defaults.
    pub fn find(explicit: Option<&Path>, start: &Path) -> Result<HookConfig, String> {
        if let Some(p) = explicit {
            return Self::load(p);
        }
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Self::load(&candidate);
            }
            dir = d.parent();
        }
        Ok(HookConfig::default())
    }

    /// Parse config text read from `path` (used for messages and relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<HookConfig, String> {
        let file = path.display().to_string();
        let table: toml::Table =
            toml::from_str(text).map_err(|e| format!("{file}: not valid TOML: {e}"))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut cfg = HookConfig { path: Some(path.to_path_buf()), ..Default::default() };
        let c = constants();
        for (key, value) in &table {
            let bad = |allowed: &str| {
                format!("{file}: key `{key}` = {value} is not allowed; allowed: {allowed}")
            };
            let string = || value.as_str().map(str::to_owned).ok_or_else(|| bad("a string"));
            let path_of = || -> Result<PathBuf, String> {
                let s = value
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| bad("a non-empty path string"))?;
                Ok(base.join(s))
            };
            let strings = || -> Result<Vec<String>, String> {
                let arr = value.as_array().ok_or_else(|| bad("an array of strings"))?;
                arr.iter()
                    .map(|v| {
                        v.as_str().map(str::to_owned).ok_or_else(|| bad("an array of strings"))
                    })
                    .collect()
            };
            let int_in = |b: cedar_hitl_core::Bounds| -> Result<i64, String> {
                let allowed = format!("an integer in [{}, {}]", b.min, b.max);
                match value.as_integer() {
                    Some(n) if b.contains(n) => Ok(n),
                    _ => Err(bad(&allowed)),
                }
            };
            match key.as_str() {
                "builtins" => {
                    cfg.builtins = match value.as_str().map(str::parse) {
                        Some(Ok(profile)) => profile,
                        _ => {
                            let names: Vec<String> =
                                BuiltinProfile::VALUES.iter().map(|v| format!("{v:?}")).collect();
                            return Err(bad(&format!("one of {}", names.join(", "))));
                        }
                    }
                }
                "blueprint_hard" => cfg.blueprint_hard = Some(path_of()?),
                "blueprint_soft" => cfg.blueprint_soft = Some(path_of()?),
                "disable" => cfg.disable = strings()?,
                "principal" => {
                    cfg.session.principal = string()?;
                    if cfg.session.principal.is_empty() {
                        return Err(bad("a non-empty string"));
                    }
                }
                "repo" => cfg.session.repo = string()?,
                "read_only" => {
                    cfg.session.read_only = value.as_bool().ok_or_else(|| bad("true or false"))?
                }
                "initial_approvals" => cfg.session.initial_approvals = strings()?,
                "approval_gate_cap" => cfg.session.approval_gate_cap = int_in(c.approval_gate_cap)?,
                "task_default_timeout_s" => {
                    cfg.session.task_default_timeout_s = int_in(c.approval_timeout_s)?
                }
                "state_dir" => cfg.state_dir = Some(path_of()?),
                "audit_log" => cfg.audit_log = Some(path_of()?),
                "host" => {
                    let names: Vec<String> =
                        Host::ALL.iter().map(|h| format!("\"{}\"", h.as_str())).collect();
                    cfg.host = Some(
                        value
                            .as_str()
                            .and_then(Host::parse)
                            .ok_or_else(|| bad(&format!("one of {}", names.join(", "))))?,
                    )
                }
                "allow_output" => {
                    cfg.allow_output = match value.as_str() {
                        Some("none") => AllowOutput::None,
                        Some("allow") => AllowOutput::Allow,
                        _ => return Err(bad("one of \"none\", \"allow\"")),
                    }
                }
                "hmac_key_file" => cfg.hmac_key_file = Some(path_of()?),
                _ => {
                    return Err(format!(
                        "{file}: unknown key `{key}`; allowed keys: {}",
                        KEYS.join(", ")
                    ));
                }
            }
        }
        // Scopes and the bundle are checked by the engine itself, so the file is refused here
        // rather than on the first tool call.
        let bundle = cfg.bundle()?;
        Session::new(bundle, cfg.session.clone()).map_err(|e| format!("{file}: {e}"))?;
        Ok(cfg)
    }

    /// The policy bundle these settings describe.
    pub fn bundle(&self) -> Result<Arc<PolicyBundle>, String> {
        let where_ = self.path.as_deref().map(|p| p.display().to_string());
        let read = |p: &Option<PathBuf>| -> Result<String, String> {
            match p {
                None => Ok(String::new()),
                Some(p) => std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read blueprint {}: {e}", p.display())),
            }
        };
        PolicyBundle::builder()
            .builtins(self.builtins)
            .blueprint_hard(read(&self.blueprint_hard)?)
            .blueprint_soft(read(&self.blueprint_soft)?)
            .disable(self.disable.clone())
            .build()
            .map(Arc::new)
            .map_err(|e| match where_ {
                Some(f) => format!("{f}: the policies do not load: {e}"),
                None => format!("the policies do not load: {e}"),
            })
    }

    /// The HMAC key, from `hmac_key_file` or the file named by `CEDAR_HITL_HMAC_KEY_FILE`
    /// (the config wins). Trailing whitespace is dropped; an empty key is refused.
    pub fn hmac_key(&self) -> Result<Option<Vec<u8>>, String> {
        let path = match &self.hmac_key_file {
            Some(p) => p.clone(),
            None => match std::env::var_os(HMAC_KEY_ENV) {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => return Ok(None),
            },
        };
        let mut key = std::fs::read(&path)
            .map_err(|e| format!("cannot read HMAC key file {}: {e}", path.display()))?;
        while key.last().is_some_and(|b| b.is_ascii_whitespace()) {
            key.pop();
        }
        if key.is_empty() {
            return Err(format!("HMAC key file {} is empty", path.display()));
        }
        Ok(Some(key))
    }
}

/// The starter config `cedar-hitl init` writes.
pub fn starter(host: Host) -> String {
    let c = constants();
    format!(
        r#"# cedar-hitl hook settings (docs/hosts.md). Unknown keys are refused.
host = "{host}"
builtins = "hardened"            # or "upstream"
# blueprint_hard = "policies/hard.cedar"
# blueprint_soft = "policies/soft.cedar"
disable = []                     # soft rule ids to switch off
principal = "new_task"           # task type (Cedar principal)
repo = ""                        # owner/name
read_only = false
initial_approvals = []           # e.g. ["tool_type:Read", "rule:force_push_any"]
approval_gate_cap = {cap}           # [{cap_min}, {cap_max}]
task_default_timeout_s = {t}     # [{t_min}, {t_max}]
# state_dir = "/path/to/state"   # default: $XDG_STATE_HOME/cedar-hitl or ~/.local/state/cedar-hitl
# audit_log = ".cedar-hitl/audit.jsonl"
allow_output = "none"            # "none": the host's own rules still apply; "allow": say allow
# hmac_key_file = "/path/to/key" # or set {env}
"#,
        host = host.as_str(),
        cap = c.approval_gate_cap.default,
        cap_min = c.approval_gate_cap.min,
        cap_max = c.approval_gate_cap.max,
        t = c.approval_timeout_s.default,
        t_min = c.approval_timeout_s.min,
        t_max = c.approval_timeout_s.max,
        env = HMAC_KEY_ENV,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HookConfig, String> {
        HookConfig::parse(text, Path::new("/cfg/.cedar-hitl.toml"))
    }

    #[test]
    fn starter_config_parses_for_every_host() {
        for h in Host::ALL {
            let c = parse(&starter(h)).unwrap();
            assert_eq!(c.host, Some(h));
            assert_eq!(c.session.approval_gate_cap, 50);
        }
    }

    #[test]
    fn errors_name_file_key_value_and_range() {
        let e = parse("approval_gate_cap = 0").unwrap_err();
        assert_eq!(
            e,
            "/cfg/.cedar-hitl.toml: key `approval_gate_cap` = 0 is not allowed; allowed: an integer in [1, 500]"
        );
        let e = parse("task_default_timeout_s = 3601").unwrap_err();
        assert!(e.ends_with("key `task_default_timeout_s` = 3601 is not allowed; allowed: an integer in [30, 3600]"), "{e}");
        let e = parse("surprise = 1").unwrap_err();
        assert!(
            e.starts_with("/cfg/.cedar-hitl.toml: unknown key `surprise`; allowed keys: builtins,"),
            "{e}"
        );
        let e = parse("host = \"vim\"").unwrap_err();
        assert!(e.contains("key `host` = \"vim\" is not allowed; allowed: one of \"claude\", \"codex\", \"gemini\", \"cursor\""), "{e}");
        let e = parse("read_only = \"yes\"").unwrap_err();
        assert!(e.contains("`read_only` = \"yes\" is not allowed; allowed: true or false"), "{e}");
        let e = parse("approval_gate_cap = \"50\"").unwrap_err();
        assert!(e.contains("allowed: an integer in [1, 500]"), "{e}");
        let e = parse("initial_approvals = [\"rule:rm_slash\"]").unwrap_err();
        assert!(e.starts_with("/cfg/.cedar-hitl.toml: ") && e.contains("hard rule"), "{e}");
        assert!(parse("not toml [").unwrap_err().contains("not valid TOML"));
    }

    #[test]
    fn relative_paths_are_against_the_config_folder() {
        let c = parse("state_dir = \"st\"\naudit_log = \"a.jsonl\"").unwrap();
        assert_eq!(c.state_dir.unwrap(), Path::new("/cfg/st"));
        assert_eq!(c.audit_log.unwrap(), Path::new("/cfg/a.jsonl"));
    }
}
