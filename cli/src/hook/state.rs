//! Per-session state across hook processes (docs/hosts.md, "Session state").
//!
//! One file per session id, named by the id's SHA-256 (the id is host input: no path ever comes
//! from it). Every hook process takes an exclusive lock on the session's `.lock` file, reads the
//! state, decides, writes a temporary file, syncs it and renames it over the state, so
//! concurrent processes lose no update. A file that cannot be read or verified blocks; it is
//! never silently reset. With a key, the state carries an HMAC-SHA256 that is checked on read.

use cedar_hitl_core::{PolicyBundle, Session, SessionConfig};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const FORMAT: u32 = 1;
/// Open approval requests kept per session (oldest dropped first).
const MAX_PENDING: usize = 64;

/// An approval request the host is asking a person about (Claude Code `ask`), waiting for the
/// PostToolUse of the same `tool_use_id` that shows it was approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    /// The host's id for the call.
    pub tool_use_id: String,
    /// The engine tool name.
    pub tool: String,
    /// The gate decision's rule ids.
    pub rule_ids: Vec<String>,
    /// When the gate opened (Unix seconds).
    pub opened_at_unix_s: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: u32,
    /// The body as JSON text: the HMAC covers exactly these bytes.
    body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hmac_sha256: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    session_id_sha256: String,
    /// `Session::snapshot` text.
    snapshot: String,
    pending: Vec<Pending>,
}

/// The default state folder: `$XDG_STATE_HOME/cedar-hitl`, else `~/.local/state/cedar-hitl`.
pub fn default_dir() -> Result<PathBuf, String> {
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|x| !x.is_empty()) {
        let p = PathBuf::from(x);
        if p.is_absolute() {
            return Ok(p.join("cedar-hitl"));
        }
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(h) => Ok(PathBuf::from(h).join(".local/state/cedar-hitl")),
        None => Err("no state folder: set state_dir in the config, XDG_STATE_HOME or HOME".into()),
    }
}

/// The file-name stem for a session id: its SHA-256 in hex.
pub fn session_stem(session_id: &str) -> String {
    hex(&Sha256::digest(session_id.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One session's state, held under its lock until dropped.
pub struct Locked {
    path: PathBuf,
    dir: PathBuf,
    stem: String,
    key: Option<Vec<u8>>,
    // Held for the lock's lifetime: closing the file releases the lock.
    _lock: File,
    /// The session, restored or new.
    pub session: Session,
    /// Open approval requests.
    pub pending: Vec<Pending>,
}

/// The state file path for `session_id` under `dir`.
pub fn state_path(dir: &Path, session_id: &str) -> PathBuf {
    dir.join(format!("{}.json", session_stem(session_id)))
}

/// Lock and read the state of `session_id` under `dir` (creating `dir`, mode 0700, if needed).
/// A missing file is a new session built from `config`; an existing one is restored with the
/// current `config` settings and verified against `key` when one is given.
pub fn open(
    dir: &Path,
    session_id: &str,
    bundle: Arc<PolicyBundle>,
    config: &SessionConfig,
    key: Option<Vec<u8>>,
) -> Result<Locked, String> {
    create_dir(dir)?;
    let stem = session_stem(session_id);
    let lock_path = dir.join(format!("{stem}.lock"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open state lock {}: {e}", lock_path.display()))?;
    lock.lock().map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    let path = state_path(dir, session_id);
    let (session, pending) = match std::fs::read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let s = Session::new(bundle, config.clone()).map_err(|e| e.to_string())?;
            (s, Vec::new())
        }
        Err(e) => {
            return Err(format!("cannot read session state {}: {e}", path.display()));
        }
        Ok(bytes) => decode(&bytes, &stem, key.as_deref(), bundle, config).map_err(|why| {
            format!(
                "session state {} is unusable: {why}; it was left as it is (inspect it, or delete it to start this session afresh)",
                path.display()
            )
        })?,
    };
    Ok(Locked { path, dir: dir.to_path_buf(), stem, key, _lock: lock, session, pending })
}

fn create_dir(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| format!("cannot create state folder {}: {e}", dir.display()))
}

fn mac(key: &[u8], body: &str) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(body.as_bytes());
    m
}

fn decode(
    bytes: &[u8],
    stem: &str,
    key: Option<&[u8]>,
    bundle: Arc<PolicyBundle>,
    config: &SessionConfig,
) -> Result<(Session, Vec<Pending>), String> {
    let env: Envelope =
        serde_json::from_slice(bytes).map_err(|e| format!("not a state file ({e})"))?;
    if env.format != FORMAT {
        return Err(format!("state format {} is not supported; allowed: {FORMAT}", env.format));
    }
    match (key, &env.hmac_sha256) {
        (Some(k), Some(tag)) => {
            let tag = decode_hex(tag).ok_or("its HMAC is not hex")?;
            mac(k, &env.body)
                .verify_slice(&tag)
                .map_err(|_| "its HMAC does not match (edited, or written under another key)")?;
        }
        (Some(_), None) => return Err("it carries no HMAC but an HMAC key is configured".into()),
        (None, Some(_)) => {
            return Err("it carries an HMAC but no HMAC key is configured to verify it".into());
        }
        (None, None) => {}
    }
    let body: Body = serde_json::from_str(&env.body).map_err(|e| format!("bad body ({e})"))?;
    if body.session_id_sha256 != stem {
        return Err("it belongs to another session".into());
    }
    // Restore under the current settings (the config may have changed since); the counters,
    // scopes, caches and windows come from the snapshot.
    let mut snap: serde_json::Value =
        serde_json::from_str(&body.snapshot).map_err(|e| format!("bad snapshot ({e})"))?;
    match snap.get_mut("config") {
        Some(c) => *c = serde_json::to_value(config).map_err(|e| e.to_string())?,
        None => return Err("bad snapshot (no config)".into()),
    }
    let session = Session::restore(bundle, &snap.to_string()).map_err(|e| e.to_string())?;
    Ok((session, body.pending))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

impl Locked {
    /// The state file.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Remember an open approval request (the oldest go beyond 64).
    pub fn add_pending(&mut self, p: Pending) {
        self.pending.retain(|q| q.tool_use_id != p.tool_use_id);
        self.pending.push(p);
        while self.pending.len() > MAX_PENDING {
            self.pending.remove(0);
        }
    }

    /// Take the open request for `tool_use_id`, if any.
    pub fn take_pending(&mut self, tool_use_id: &str) -> Option<Pending> {
        let i = self.pending.iter().position(|p| p.tool_use_id == tool_use_id)?;
        Some(self.pending.remove(i))
    }

    /// Write the state: temporary file, fsync, rename over the state, fsync the folder. The
    /// lock is released when `self` drops, after the rename.
    pub fn save(self) -> Result<(), String> {
        let body = serde_json::to_string(&Body {
            session_id_sha256: self.stem.clone(),
            snapshot: self.session.snapshot(),
            pending: self.pending.clone(),
        })
        .map_err(|e| e.to_string())?;
        let hmac_sha256 = self.key.as_deref().map(|k| hex(&mac(k, &body).finalize().into_bytes()));
        let text = serde_json::to_string(&Envelope { format: FORMAT, body, hmac_sha256 })
            .map_err(|e| e.to_string())?;
        let tmp = self.dir.join(format!("{}.json.tmp.{}", self.stem, std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let mut f = o.open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            File::open(&self.dir)?.sync_all()
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write session state {}: {e}", self.path.display())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("cedar-hitl-state-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn session_ids_never_become_paths() {
        let d = dir("names");
        for id in ["../../etc/passwd", "/abs", "a/b", "..", "x\0y"] {
            let p = state_path(&d, id);
            assert_eq!(p.parent(), Some(d.as_path()));
            assert_eq!(p.file_name().unwrap().len(), 64 + 5);
        }
    }

    #[test]
    fn round_trip_with_and_without_key_and_tamper_detection() {
        let d = dir("rt");
        let b = Arc::new(PolicyBundle::builtin());
        let cfg = SessionConfig::default();
        let key = Some(b"k".to_vec());
        let s = open(&d, "s1", b.clone(), &cfg, key.clone()).unwrap();
        s.session.increment_gate_count();
        s.save().unwrap();
        let s = open(&d, "s1", b.clone(), &cfg, key.clone()).unwrap();
        assert_eq!(s.session.gate_count(), 1);
        let path = s.path().to_path_buf();
        drop(s);
        // Without the key the signed file is refused, and with another key too.
        assert!(open(&d, "s1", b.clone(), &cfg, None).err().unwrap().contains("no HMAC key"));
        let e = open(&d, "s1", b.clone(), &cfg, Some(b"other".to_vec())).err().unwrap();
        assert!(e.contains("does not match") && e.contains(&path.display().to_string()), "{e}");
        // Editing the gate count inside the body breaks the HMAC.
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace(r#"\\\"gate_count\\\":1"#, r#"\\\"gate_count\\\":0"#);
        assert_ne!(text, edited);
        std::fs::write(&path, edited).unwrap();
        assert!(open(&d, "s1", b.clone(), &cfg, key).err().unwrap().contains("does not match"));
        // The file was left as it is.
        assert!(std::fs::read_to_string(&path).unwrap().contains(r#"\\\"gate_count\\\":0"#));
    }

    #[test]
    fn a_file_copied_from_another_session_is_refused() {
        let d = dir("copy");
        let b = Arc::new(PolicyBundle::builtin());
        let cfg = SessionConfig::default();
        open(&d, "a", b.clone(), &cfg, None).unwrap().save().unwrap();
        std::fs::copy(state_path(&d, "a"), state_path(&d, "b")).unwrap();
        assert!(open(&d, "b", b, &cfg, None).err().unwrap().contains("another session"));
    }
}
