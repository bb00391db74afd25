//! Path facts: one lexical reading of a file path shared by write tools and shell writes, so a
//! rule tests classes (`git_internal`, `dotenv`, `credential`, …) instead of string tricks.
//! See `docs/shell.md` ("Path facts").

use serde::Serialize;
use std::collections::BTreeSet;

/// Facts about one path.
///
/// ```
/// use cedar_hitl_core::shell::PathFacts;
/// let f = PathFacts::of("./src/../.GIT/hooks/pre-commit");
/// assert_eq!(f.path, ".GIT/hooks/pre-commit");
/// assert_eq!(f.basename, "pre-commit");
/// assert!(f.classes.contains("git_internal"));
/// assert!(PathFacts::of("config/.env.local").classes.contains("dotenv"));
/// assert!(!PathFacts::of(".env.example").classes.contains("dotenv"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PathFacts {
    /// Lexically normalised (`a/./b` → `a/b`, `a/x/../b` → `a/b`, no trailing `/`).
    pub path: String,
    /// `path` lower-cased (macOS and Windows file systems ignore case).
    pub path_lower: String,
    /// Last component (`""` for `/`).
    pub basename: String,
    /// `basename` lower-cased.
    pub basename_lower: String,
    /// Lower-cased text after the last `.` of the base name (`""` for none or a dotfile).
    pub extension: String,
    /// Every component, lower-cased.
    pub components: BTreeSet<String>,
    /// `root`, `system`, `home`, `temp`, `git_internal`, `dotenv`, `credential` (and, for shell
    /// words, `dynamic` and `glob`).
    pub classes: BTreeSet<String>,
}

/// Top-level directories whose recursive deletion breaks the machine.
const SYSTEM_DIRS: [&str; 27] = [
    "bin",
    "boot",
    "dev",
    "etc",
    "lib",
    "lib32",
    "lib64",
    "libx32",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "srv",
    "sys",
    "usr",
    "var",
    "home",
    "mnt",
    "media",
    "snap",
    "Users",
    "System",
    "Library",
    "Applications",
    "private",
    "Volumes",
];
const DOTENV_SAMPLES: [&str; 5] =
    [".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults"];
const CREDENTIAL_NAMES: [&str; 16] = [
    "credentials",
    "credentials.json",
    "credentials.yml",
    "credentials.yaml",
    "credentials.xml",
    ".netrc",
    "_netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".pgpass",
    ".my.cnf",
    ".htpasswd",
    "secrets.json",
    "secrets.yml",
    "secrets.yaml",
];
const CREDENTIAL_EXTENSIONS: [&str; 8] =
    ["pem", "key", "p12", "pfx", "jks", "keystore", "ppk", "asc"];
const KEY_PREFIXES: [&str; 4] = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"];
const CREDENTIAL_DIRS: [&str; 3] = [".ssh", ".gnupg", ".kube"];
/// A data file (not source code or prose) whose name says it holds secrets:
/// `gcp-credentials.json`, `db_secrets.yaml`, `passwords.txt`.
const SECRET_WORDS: [&str; 6] =
    ["credential", "secret", "password", "passwd", "private_key", "privatekey"];
const DATA_EXTENSIONS: [&str; 14] = [
    "",
    "json",
    "yaml",
    "yml",
    "toml",
    "xml",
    "ini",
    "txt",
    "conf",
    "cfg",
    "properties",
    "env",
    "csv",
    "plist",
];

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Lexical normalisation; `..` that climbs above the start is kept.
pub(crate) fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." && last != "~" => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// Windows ignores trailing dots and spaces in names (`.git.` is `.git`).
fn fold_component(c: &str) -> String {
    c.trim_end_matches(['.', ' ']).to_lowercase()
}

impl PathFacts {
    /// Facts of a literal path.
    ///
    /// ```
    /// let f = cedar_hitl_core::shell::PathFacts::of("/etc");
    /// assert!(f.classes.contains("system"));
    /// assert!(cedar_hitl_core::shell::PathFacts::of("~").classes.contains("home"));
    /// ```
    pub fn of(raw: &str) -> Self {
        let path = normalize(raw);
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let basename = if path == "/" {
            String::new()
        } else {
            parts.last().copied().unwrap_or("").to_owned()
        };
        let basename_lower = basename.to_lowercase();
        let extension = match basename_lower.rfind('.') {
            Some(i) if i > 0 => basename_lower[i + 1..].to_owned(),
            _ => String::new(),
        };
        let components: BTreeSet<String> = parts.iter().map(|p| p.to_lowercase()).collect();
        let mut classes = BTreeSet::new();
        let mut add = |c: &str| {
            classes.insert(c.to_owned());
        };
        let folded: Vec<String> = parts.iter().map(|p| fold_component(p)).collect();
        if folded.iter().any(|c| c == ".git" || c == "git~1") {
            add("git_internal");
        }
        // Location classes.
        let absolute = path.starts_with('/');
        let rest_is_glob = |from: usize| parts[from..].iter().all(|p| p.chars().all(|c| c == '*'));
        if absolute && (parts.is_empty() || rest_is_glob(0)) {
            add("root");
        } else if absolute {
            let top = parts[0];
            let top_is_system = SYSTEM_DIRS.contains(&top)
                || (is_glob(top) && SYSTEM_DIRS.iter().any(|d| crate::Glob::new(top).matches(d)));
            if top_is_system && rest_is_glob(1) {
                add("system");
            }
            if matches!(top, "home" | "Users") && parts.len() >= 2 && rest_is_glob(2) {
                add("home");
            }
            if top == "root" && rest_is_glob(1) {
                add("home");
            }
            if top == "tmp" || (top == "var" && parts.get(1) == Some(&"tmp")) {
                add("temp");
            }
        } else if parts
            .first()
            .is_some_and(|p| *p == "~" || (p.starts_with('~') && !p.contains('/')))
            && (rest_is_glob(1) || (parts.get(1) == Some(&"..") && rest_is_glob(2)))
        {
            // `~/..` climbs out of the home directory: at least as bad as the home itself.
            add("home");
        }
        // Content classes, by base name.
        let b = fold_component(&basename);
        let dotenv_sample = DOTENV_SAMPLES.contains(&b.as_str());
        if !dotenv_sample
            && (b == ".env" || b.starts_with(".env.") || (b.ends_with(".env") && b.len() > 4))
        {
            add("dotenv");
        }
        let in_cred_dir = folded
            .iter()
            .take(folded.len().saturating_sub(1))
            .any(|c| CREDENTIAL_DIRS.contains(&c.as_str()));
        let aws = folded
            .windows(2)
            .any(|w| w[0] == ".aws" && (w[1] == "credentials" || w[1] == "config"));
        let docker = folded.windows(2).any(|w| w[0] == ".docker" && w[1] == "config.json");
        let named_secret = SECRET_WORDS.iter().any(|w| b.contains(w))
            && DATA_EXTENSIONS.contains(&extension.as_str());
        if CREDENTIAL_NAMES.contains(&b.as_str())
            || named_secret
            || CREDENTIAL_EXTENSIONS.contains(&extension.as_str())
            || KEY_PREFIXES.iter().any(|k| b.starts_with(k))
            || in_cred_dir
            || aws
            || docker
        {
            add("credential");
        }
        let path_lower = path.to_lowercase();
        PathFacts { path, path_lower, basename, basename_lower, extension, components, classes }
    }

    /// Facts of a shell word: the literal facts plus `dynamic` / `glob`, and `home` for a
    /// `$HOME` prefix.
    pub(crate) fn of_word(w: &super::words::Word) -> Self {
        let mut f = Self::of(&w.text);
        if w.dynamic {
            f.classes.insert("dynamic".to_owned());
        }
        if w.glob {
            f.classes.insert("glob".to_owned());
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(p: &str) -> Vec<String> {
        PathFacts::of(p).classes.into_iter().collect()
    }

    #[test]
    fn locations() {
        for p in ["/", "/*", "/.", "//", "/./", "/..", "/**"] {
            assert_eq!(classes(p), ["root"], "{p}");
        }
        for p in ["/etc", "/usr/", "/usr/*", "/e*", "/var"] {
            assert!(classes(p).contains(&"system".to_owned()), "{p}");
        }
        for p in ["/usr/local/lib", "/tmp/build", "/opt/app/x"] {
            assert!(!classes(p).contains(&"system".to_owned()), "{p}");
        }
        for p in ["~", "~/", "~/*", "/home/alice", "/Users/bob/*", "/root", "~/..", "~/../*"] {
            assert!(classes(p).contains(&"home".to_owned()), "{p}");
        }
        assert!(!classes("~/project").contains(&"home".to_owned()));
        assert_eq!(classes("/tmp/build"), ["temp"]);
    }

    #[test]
    fn content() {
        for p in [
            ".git/config",
            "a/.GIT/HEAD",
            "./.git/hooks/x",
            ".git",
            "x/.git./config",
            "GIT~1/config",
        ] {
            assert!(classes(p).contains(&"git_internal".to_owned()), "{p}");
        }
        for p in [".github/workflows/ci.yml", ".gitignore", "src/git/x.rs", "docs/.git-notes.md"] {
            assert!(!classes(p).contains(&"git_internal".to_owned()), "{p}");
        }
        for p in
            [".env", ".ENV", ".env.local", "config/.env", "prod.env", "/abs/app/.env.production"]
        {
            assert!(classes(p).contains(&"dotenv".to_owned()), "{p}");
        }
        for p in [
            ".env.example",
            ".env.sample",
            ".env.template",
            "src/env.ts",
            ".envrc",
            "environment.md",
        ] {
            assert!(!classes(p).contains(&"dotenv".to_owned()), "{p}");
        }
        for p in [
            "config/gcp-credentials.json",
            "secrets/db_credentials.yaml",
            "passwords.txt",
            "client_secret.json",
            "credentials",
            "x/credentials.json",
            "k.pem",
            "tls.key",
            "id_rsa",
            "id_ed25519.pub",
            ".netrc",
            "~/.ssh/config",
            ".aws/credentials",
            ".docker/config.json",
        ] {
            assert!(classes(p).contains(&"credential".to_owned()), "{p}");
        }
        for p in [
            "src/credentials_helper.py",
            "docs/secrets.md",
            "src/credentials_provider.ts",
            "docs/managing-credentials.md",
            "keys.md",
            "src/key_utils.rs",
            ".ssh",
        ] {
            assert!(!classes(p).contains(&"credential".to_owned()), "{p}");
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("./src/../a//b/"), "a/b");
        assert_eq!(normalize("../x"), "../x");
        assert_eq!(normalize("/../x"), "/x");
        assert_eq!(normalize("."), ".");
        assert_eq!(normalize("~/a/../b"), "~/b");
    }
}
