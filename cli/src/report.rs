//! How the CLI reports a problem: located in the user's file (line, column, source snippet,
//! through miette's report handler) for people, one JSON object of a stable shape for programs.
//! The shape is documented in docs/cli.md ("Errors").

use cedar_hitl_core::{LoadError, LoadErrorKind, LoadWarning, PolicySource};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde_json::{Value, json};
use std::fmt;
use std::sync::Arc;

/// How serious a [`Problem`] is.
///
/// ```
/// assert_eq!(cedar_hitl_cli::report::Level::Warning.as_str(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The command cannot do what was asked (or a checked file is refused).
    Error,
    /// Worth reading; nothing is refused.
    Warning,
}

impl Level {
    /// `"error"` or `"warning"`.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_cli::report::Level::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One problem, with as much location as is known.
///
/// ```
/// use cedar_hitl_cli::report::Problem;
/// let text = "forbid (principal, action, resource);\nforbid (";
/// let p = Problem::new("parse", "unexpected end of input").in_file("p.cedar", text.into(), 46, 0, None);
/// assert_eq!((p.line, p.column), (Some(2), Some(9)));
/// assert_eq!(p.to_json()["file"], "p.cedar");
/// ```
#[derive(Debug, Clone)]
pub struct Problem {
    /// Error or warning.
    pub level: Level,
    /// Stable snake_case kind: `usage`, `io`, `input`, `scope`, `config`, or a load error kind
    /// (`parse`, `annotation`, `duplicate_rule_id`, ...).
    pub kind: String,
    /// What is wrong, naming the user's file, flag and rule (never internal positional ids).
    pub message: String,
    /// The file (as the user named it, `<stdin>`, or `--input` for inline text).
    pub file: Option<String>,
    /// 1-based line in that file.
    pub line: Option<u32>,
    /// 1-based column (in characters) in that line.
    pub column: Option<u32>,
    /// The rule the problem is about, when it has a declared `@rule_id`.
    pub rule_id: Option<String>,
    /// The command-line flag the bad value came from, e.g. `--approve`.
    pub flag: Option<String>,
    /// What to do about it, when there is a known remedy.
    pub help: Option<String>,
    label: Option<String>,
    span: Option<(usize, usize)>,
    source: Option<Arc<str>>,
}

impl Problem {
    /// An error of `kind` with no location yet.
    ///
    /// ```
    /// let p = cedar_hitl_cli::report::Problem::new("usage", "bad");
    /// assert_eq!((p.kind.as_str(), p.file.as_deref()), ("usage", None));
    /// ```
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            level: Level::Error,
            kind: kind.into(),
            message: message.into(),
            file: None,
            line: None,
            column: None,
            rule_id: None,
            flag: None,
            help: None,
            label: None,
            span: None,
            source: None,
        }
    }

    /// The same problem, as a warning.
    ///
    /// ```
    /// use cedar_hitl_cli::report::{Level, Problem};
    /// assert_eq!(Problem::new("x", "y").warning().level, Level::Warning);
    /// ```
    pub fn warning(mut self) -> Self {
        self.level = Level::Warning;
        self
    }

    /// Name the flag the value came from.
    ///
    /// ```
    /// let p = cedar_hitl_cli::report::Problem::new("scope", "too broad").flag("--approve");
    /// assert_eq!(p.flag.as_deref(), Some("--approve"));
    /// ```
    pub fn flag(mut self, flag: impl Into<String>) -> Self {
        self.flag = Some(flag.into());
        self
    }

    /// Name the rule.
    ///
    /// ```
    /// let p = cedar_hitl_cli::report::Problem::new("annotation", "m").rule(Some("r".into()));
    /// assert_eq!(p.rule_id.as_deref(), Some("r"));
    /// ```
    pub fn rule(mut self, rule_id: Option<String>) -> Self {
        self.rule_id = rule_id;
        self
    }

    /// Add a remedy.
    ///
    /// ```
    /// let p = cedar_hitl_cli::report::Problem::new("x", "m").help("do y");
    /// assert_eq!(p.help.as_deref(), Some("do y"));
    /// ```
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Name the file only (no position known).
    ///
    /// ```
    /// let p = cedar_hitl_cli::report::Problem::new("x", "m").file("a.cedar");
    /// assert_eq!((p.file.as_deref(), p.line), (Some("a.cedar"), None));
    /// ```
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Locate the problem at byte `offset` (length `len`) of `text`, the content of `file`;
    /// `label` is shown under the snippet. The line and column are computed from the offset.
    ///
    /// ```
    /// use cedar_hitl_cli::report::Problem;
    /// let p = Problem::new("x", "m").in_file("f", "é\nab".into(), 4, 1, Some("here".into()));
    /// assert_eq!((p.line, p.column), (Some(2), Some(2)));
    /// ```
    pub fn in_file(
        mut self,
        file: impl Into<String>,
        text: Arc<str>,
        offset: usize,
        len: usize,
        label: Option<String>,
    ) -> Self {
        let offset = floor_char_boundary(&text, offset.min(text.len()));
        let len = floor_char_boundary(&text, (offset + len).min(text.len())) - offset;
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        self.file = Some(file.into());
        self.line = u32::try_from(line).ok();
        self.column = u32::try_from(column).ok();
        self.span = Some((offset, len));
        self.label = label;
        // A point past the last character (Cedar's "unexpected end of input") has nothing to
        // underline, and miette drops its label: say it as help instead.
        if len == 0
            && text[offset..].trim().is_empty()
            && let Some(l) = self.label.take()
        {
            self.help = Some(match self.help.take() {
                Some(h) => format!("{l}; {h}"),
                None => l,
            });
        }
        self.source = Some(text);
        self
    }

    /// Locate the problem on 1-based `line` of `text`: the span is that line's text without
    /// its leading and trailing blanks (where a rule's first line starts).
    ///
    /// ```
    /// use cedar_hitl_cli::report::Problem;
    /// let p = Problem::new("x", "m").at_line("f", "a\n  forbid (x);\n".into(), 2, None);
    /// assert_eq!((p.line, p.column), (Some(2), Some(3)));
    /// ```
    pub fn at_line(
        self,
        file: impl Into<String>,
        text: Arc<str>,
        line: u32,
        label: Option<String>,
    ) -> Self {
        let mut start = 0;
        for _ in 1..line {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.file(file),
            }
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let content = &text[start..end];
        let lead = content.len() - content.trim_start().len();
        let len = content.trim().len();
        self.in_file(file, text, start + lead, len, label)
    }

    /// The problem as a JSON object: `level`, `kind`, `message`, `file`, `line`, `column`,
    /// `rule_id`, `flag`, `label` (what the snippet says at the position), `help` (always all
    /// present; `null` when unknown).
    ///
    /// ```
    /// let v = cedar_hitl_cli::report::Problem::new("usage", "m").to_json();
    /// assert_eq!(v.as_object().unwrap().len(), 10);
    /// assert!(v["line"].is_null());
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "level": self.level.as_str(),
            "kind": self.kind,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule_id": self.rule_id,
            "flag": self.flag,
            "label": self.label,
            "help": self.help,
        })
    }

    /// The problem for a person: a located problem is drawn by miette's graphical handler with
    /// the source snippet; one without a location is one line (`error: file: message`).
    ///
    /// ```
    /// use cedar_hitl_cli::report::Problem;
    /// let p = Problem::new("parse", "unexpected token `)`")
    ///     .in_file("p.cedar", "forbid ( ) ;".into(), 9, 1, Some("expected `principal`".into()));
    /// let text = p.render(false);
    /// assert!(text.contains("p.cedar:1:10"), "{text}");
    /// assert!(text.contains("╰── expected `principal`"), "{text}");
    /// // At the end of the text the label becomes help.
    /// let p = Problem::new("parse", "unexpected end of input")
    ///     .in_file("p.cedar", "forbid (\n".into(), 9, 0, Some("expected `principal`".into()));
    /// assert!(p.render(false).contains("help: expected `principal`"), "{}", p.render(false));
    /// assert_eq!(Problem::new("usage", "bad").flag("--x").render(false), "error: --x: bad\n");
    /// ```
    pub fn render(&self, color: bool) -> String {
        if self.source.is_some() {
            let theme =
                if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_links(false)
                .with_width(usize::from(u16::MAX));
            let mut out = String::new();
            if handler.render_report(&mut out, &Shown::new(self)).is_ok() {
                return out;
            }
        }
        let mut out = format!("{}: ", self.level.as_str());
        if let Some(f) = &self.file {
            out.push_str(f);
            if let Some(l) = self.line {
                out.push_str(&format!(":{l}"));
            }
            out.push_str(": ");
        }
        if let Some(f) = &self.flag
            && !self.message.starts_with(f.as_str())
        {
            out.push_str(&format!("{f}: "));
        }
        out.push_str(&self.message);
        out.push('\n');
        if let Some(h) = &self.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        out
    }
}

/// Several problems for a person, a blank line before each one drawn with a snippet.
///
/// ```
/// use cedar_hitl_cli::report::{render_all, Problem};
/// let ps = [Problem::new("a", "one"), Problem::new("b", "two")];
/// assert_eq!(render_all(&ps, false), "error: one\nerror: two\n");
/// ```
pub fn render_all(problems: &[Problem], color: bool) -> String {
    let mut out = String::new();
    for p in problems {
        if p.source.is_some() && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&p.render(color));
    }
    out
}

/// The largest char boundary at or below `i`.
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A [`Problem`] as miette sees it, with its file attached as the named source.
struct Shown<'a>(&'a Problem, Option<NamedSource<Arc<str>>>);

impl<'a> Shown<'a> {
    fn new(p: &'a Problem) -> Self {
        let name = p.file.clone().unwrap_or_default();
        Shown(p, p.source.clone().map(|t| NamedSource::new(name, t)))
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.rule_id {
            Some(r) if !self.0.message.contains(&format!("'{r}'")) => {
                write!(f, "rule '{r}': {}", self.0.message)
            }
            _ => f.write_str(&self.0.message),
        }
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.1.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (offset, len) = self.0.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(
            self.0.label.clone(),
            (offset, len),
        ))))
    }
}

/// A command that failed: every problem found (at least one) and the exit code.
///
/// ```
/// use cedar_hitl_cli::report::{CliError, Problem};
/// let e = CliError::usage(Problem::new("usage", "bad").flag("--tool"));
/// assert_eq!(e.exit_code, 2);
/// let v = e.to_json();
/// assert_eq!(v["error"]["flag"], "--tool");
/// assert_eq!(v["error"]["errors"].as_array().unwrap().len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct CliError {
    /// Every problem; the first is the headline.
    pub problems: Vec<Problem>,
    /// The process exit code (2: bad arguments or files that do not load).
    pub exit_code: u8,
}

impl CliError {
    /// Exit code 2: bad arguments, unreadable or refused input.
    ///
    /// ```
    /// let e = cedar_hitl_cli::report::CliError::usage(cedar_hitl_cli::report::Problem::new("io", "x"));
    /// assert_eq!(e.problems.len(), 1);
    /// ```
    pub fn usage(problem: Problem) -> Self {
        Self { problems: vec![problem], exit_code: 2 }
    }

    /// Exit code 2 with several problems (every parse error of a file).
    ///
    /// ```
    /// let e = cedar_hitl_cli::report::CliError::many(vec![]);
    /// assert_eq!(e.problems[0].kind, "internal");
    /// ```
    pub fn many(mut problems: Vec<Problem>) -> Self {
        if problems.is_empty() {
            problems.push(Problem::new("internal", "the command failed without a reason"));
        }
        Self { problems, exit_code: 2 }
    }

    /// `{"error": {<first problem>, "errors": [<every problem>]}}`: one object, the same keys
    /// whatever went wrong (docs/cli.md).
    ///
    /// ```
    /// use cedar_hitl_cli::report::{CliError, Problem};
    /// let v = CliError::many(vec![Problem::new("parse", "a"), Problem::new("parse", "b")]).to_json();
    /// assert_eq!((v["error"]["message"].as_str(), v["error"]["errors"][1]["message"].as_str()), (Some("a"), Some("b")));
    /// ```
    pub fn to_json(&self) -> Value {
        let mut head = self.problems[0].to_json();
        head["errors"] = self.problems.iter().map(Problem::to_json).collect::<Vec<_>>().into();
        json!({ "error": head })
    }

    /// Every problem for a person.
    ///
    /// ```
    /// use cedar_hitl_cli::report::{CliError, Problem};
    /// assert_eq!(CliError::usage(Problem::new("io", "gone")).render(false), "error: gone\n");
    /// ```
    pub fn render(&self, color: bool) -> String {
        render_all(&self.problems, color)
    }
}

/// The blueprint files a command was given: each as named on the command line with its text,
/// so load errors can be located in them.
///
/// ```
/// use cedar_hitl_cli::report::Files;
/// let f = Files { hard: None, soft: Some(("s.cedar".into(), "".into())) };
/// assert_eq!(f.name(cedar_hitl_core::PolicySource::BlueprintSoft), Some("s.cedar"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// `--blueprint-hard`: the path as given and the text.
    pub hard: Option<(String, Arc<str>)>,
    /// `--blueprint-soft`: the path as given and the text.
    pub soft: Option<(String, Arc<str>)>,
}

impl Files {
    fn get(&self, source: PolicySource) -> Option<&(String, Arc<str>)> {
        match source {
            PolicySource::BlueprintHard => self.hard.as_ref(),
            PolicySource::BlueprintSoft => self.soft.as_ref(),
            _ => None,
        }
    }

    /// The file name the user gave for `source`.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_cli::report::Files::default().name(cedar_hitl_core::PolicySource::BuiltIn), None);
    /// ```
    pub fn name(&self, source: PolicySource) -> Option<&str> {
        self.get(source).map(|(n, _)| n.as_str())
    }

    /// Internal input names (`blueprint_soft:`) in `message` replaced by the user's file names.
    fn rename(&self, message: &str) -> String {
        let mut m = message.to_owned();
        for source in [PolicySource::BlueprintHard, PolicySource::BlueprintSoft] {
            if let Some(name) = self.name(source) {
                m = m.replace(&format!("{source}:"), &format!("{name}:"));
            }
        }
        m
    }

    /// The problems one load error stands for: a Cedar parse error becomes every parse error in
    /// the file, each at its line and column; a rule's error is located at the rule's first
    /// line; internal input names and positional ids are replaced by the file and position.
    ///
    /// ```
    /// use cedar_hitl_cli::report::Files;
    /// let text = "forbid (\n;\npermit (principal, action, resource) when { 1 + };\n";
    /// let files = Files { hard: None, soft: Some(("p.cedar".into(), text.into())) };
    /// let err = cedar_hitl_core::PolicyBundle::builder().blueprint_soft(text).build().unwrap_err();
    /// let problems = files.load_problems(&err);
    /// assert_eq!(problems.len(), 2);
    /// assert_eq!((problems[0].line, problems[1].line), (Some(2), Some(3)));
    /// ```
    pub fn load_problems(&self, err: &LoadError) -> Vec<Problem> {
        let file = err.origin().and_then(|s| self.get(s));
        if err.kind() == LoadErrorKind::Parse
            && let Some((name, text)) = file
            && let Err(errors) = text.parse::<cedar_policy::PolicySet>()
        {
            return errors
                .iter()
                .map(|e| {
                    let label = e.labels().and_then(|mut l| l.next());
                    let p = Problem::new("parse", format!("Cedar policy parse failed: {e}"));
                    let p = match e.help() {
                        Some(h) => p.help(h.to_string()),
                        None => p,
                    };
                    match label {
                        Some(l) => p.in_file(
                            name.clone(),
                            text.clone(),
                            l.offset(),
                            l.len(),
                            l.label().map(str::to_owned),
                        ),
                        None => p.file(name.clone()),
                    }
                })
                .collect();
        }
        let mut message = strip_prefix(err.message()).to_owned();
        // A rule without @rule_id is known inside the engine by its position (`policy7`);
        // name it by where it is instead.
        let rule_id = err.rule_id().map(str::to_owned).filter(|id| {
            !is_positional(id) || file.is_some_and(|(_, text)| text.contains(&format!("\"{id}\"")))
        });
        if let (Some(id), None) = (err.rule_id(), &rule_id) {
            let at = match (file, err.line()) {
                (Some((name, _)), Some(l)) => format!("at {name}:{l}"),
                _ => "without @rule_id".to_owned(),
            };
            message = message.replace(&format!("'{id}'"), &at);
        }
        // The location is reported on its own; the engine's message starts with it.
        if let Some(source) = err.origin() {
            let prefixes =
                [err.line().map(|l| format!("{source}:{l}: ")), Some(format!("{source}: "))];
            if let Some(rest) =
                prefixes.iter().flatten().find_map(|p| message.strip_prefix(p.as_str()))
            {
                message = rest.to_owned();
            }
        }
        message = self.rename(&message);
        let p = Problem::new(err.kind().as_str(), message).rule(rule_id.clone());
        let label = Some(match &rule_id {
            Some(r) => format!("rule '{r}'"),
            None => "this rule".to_owned(),
        });
        vec![match (file, err.line()) {
            (Some((name, text)), Some(line)) => p.at_line(name.clone(), text.clone(), line, label),
            (Some((name, _)), None) => p.file(name.clone()),
            _ => p,
        }]
    }

    /// A load warning as a located problem.
    ///
    /// ```
    /// use cedar_hitl_cli::report::{Files, Level};
    /// let text = "@tier(\"soft\") @rule_id(\"p\") permit (principal, action, resource);";
    /// let r = cedar_hitl_core::PolicyBundle::builder().blueprint_soft(text).check();
    /// let files = Files { hard: None, soft: Some(("s.cedar".into(), text.into())) };
    /// let p = files.warning_problem(&r.warnings[0]);
    /// assert_eq!((p.level, p.line, p.rule_id.as_deref()), (Level::Warning, Some(1), Some("p")));
    /// ```
    pub fn warning_problem(&self, w: &LoadWarning) -> Problem {
        let mut message = w.message();
        if let Some(line) = w.line() {
            message = message.strip_prefix(&format!("{}:{line}: ", w.source())).unwrap_or(message);
        }
        let p = Problem::new(w.field(), self.rename(message))
            .rule(Some(w.rule_id().to_owned()))
            .warning();
        let label = Some(format!("rule '{}'", w.rule_id()));
        match (self.get(w.source()), w.line()) {
            (Some((name, text)), Some(line)) => p.at_line(name.clone(), text.clone(), line, label),
            (Some((name, _)), None) => p.file(name.clone()),
            _ => p,
        }
    }
}

/// The engine's message without its `soft-deny policy validation failed: ` preamble (the kind
/// and location say as much).
fn strip_prefix(message: &str) -> &str {
    ["hard-deny policy validation failed: ", "soft-deny policy validation failed: "]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .unwrap_or(message)
}

/// `policy<digits>`: the engine's positional id for a rule without `@rule_id`.
fn is_positional(id: &str) -> bool {
    id.strip_prefix("policy")
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_ids_are_recognised() {
        assert!(is_positional("policy12"));
        assert!(!is_positional("policy"));
        assert!(!is_positional("policy_x"));
        assert!(!is_positional("force_push"));
    }

    #[test]
    fn columns_count_characters_and_clamp_inside_the_text() {
        let p = Problem::new("x", "m").in_file("f", "ab\néé x".into(), 8, 1, None);
        assert_eq!((p.line, p.column), (Some(2), Some(4)));
        // An offset past the end (Cedar's end-of-input span) clamps to the end.
        let p = Problem::new("x", "m").in_file("f", "ab".into(), 9, 3, None);
        assert_eq!((p.line, p.column, p.span), (Some(1), Some(3), Some((2, 0))));
        // Inside a multi-byte character: moved back to its start.
        let p = Problem::new("x", "m").in_file("f", "é".into(), 1, 0, None);
        assert_eq!(p.column, Some(1));
    }
}
