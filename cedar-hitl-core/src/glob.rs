//! The one glob dialect of approval scopes: Python `fnmatch` semantics, case-sensitive everywhere.
//!
//! The pattern is compiled once into single-character tokens and stars; matching is the greedy
//! star algorithm that backtracks only to the most recent star, so it runs in O(pattern × text)
//! time whatever the input.

/// A compiled glob pattern (Python 3.11 `fnmatch.fnmatchcase` semantics).
///
/// ```
/// use cedar_hitl_core::Glob;
/// let g = Glob::new("git status*");
/// assert!(g.matches("git status --short"));
/// assert!(!g.matches("Git status"));
/// assert_eq!(g.as_str(), "git status*");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Any run of characters, including none (consecutive stars are collapsed).
    Star,
    /// Exactly one character, any.
    AnyChar,
    /// Exactly this character.
    Literal(char),
    /// One character in (or, when negated, not in) the inclusive ranges.
    Class { negated: bool, ranges: Vec<(char, char)> },
}

impl Token {
    fn accepts(&self, c: char) -> bool {
        match self {
            Token::Star => true,
            Token::AnyChar => true,
            Token::Literal(l) => *l == c,
            Token::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

impl Glob {
    /// Compile `pattern` (never fails: an unclosed `[` is a literal).
    ///
    /// ```
    /// let g = cedar_hitl_core::Glob::new("[ab");
    /// assert!(g.matches("[ab"));
    /// ```
    pub fn new(pattern: &str) -> Self {
        Self { source: pattern.to_owned(), tokens: compile(pattern) }
    }

    /// The pattern as written.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::Glob::new("src/*").as_str(), "src/*");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whole-string, case-sensitive match.
    ///
    /// ```
    /// use cedar_hitl_core::Glob;
    /// assert!(Glob::new("src/*").matches("src/../.env"));
    /// assert!(Glob::new("file[!0-9].txt").matches("fileA.txt"));
    /// assert!(!Glob::new("file?.txt").matches("file.txt"));
    /// ```
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let tokens = &self.tokens;
        let (mut t, mut p) = (0usize, 0usize);
        // Where the last star was seen and how much text it has swallowed so far.
        let mut backtrack: Option<(usize, usize)> = None;
        while t < text.len() {
            match tokens.get(p) {
                Some(Token::Star) => {
                    backtrack = Some((p, t));
                    p += 1;
                }
                Some(tok) if tok.accepts(text[t]) => {
                    p += 1;
                    t += 1;
                }
                _ => match backtrack {
                    // Let the last star swallow one more character and retry after it. Earlier
                    // stars never need revisiting because every other token is one character wide.
                    Some((star_p, star_t)) => {
                        backtrack = Some((star_p, star_t + 1));
                        p = star_p + 1;
                        t = star_t + 1;
                    }
                    None => return false,
                },
            }
        }
        tokens[p..].iter().all(|tok| *tok == Token::Star)
    }
}

/// The index of the `]` closing a bracket expression whose members start at `start` (just
/// after the `[`), or `None` when it is not closed (then `[` is a literal).
pub(crate) fn bracket_end(pat: &[char], start: usize) -> Option<usize> {
    let n = pat.len();
    let mut j = start;
    if j < n && pat[j] == '!' {
        j += 1;
    }
    // A `]` right after `[` or `[!` is a member, not the end.
    if j < n && pat[j] == ']' {
        j += 1;
    }
    while j < n && pat[j] != ']' {
        j += 1;
    }
    (j < n).then_some(j)
}

/// Mirrors `fnmatch.translate` of Python 3.11, token for token.
fn compile(pattern: &str) -> Vec<Token> {
    let pat: Vec<char> = pattern.chars().collect();
    let n = pat.len();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < n {
        let c = pat[i];
        i += 1;
        match c {
            '*' => {
                if tokens.last() != Some(&Token::Star) {
                    tokens.push(Token::Star);
                }
            }
            '?' => tokens.push(Token::AnyChar),
            '[' => match bracket_end(&pat, i) {
                None => tokens.push(Token::Literal('[')),
                Some(j) => {
                    tokens.push(compile_class(&pat[i..j]));
                    i = j + 1;
                }
            },
            other => tokens.push(Token::Literal(other)),
        }
    }
    tokens
}

/// One bracket expression; `body` is the text between `[` and the closing `]`.
fn compile_class(body: &[char]) -> Token {
    // Split into chunks at the hyphens that form ranges, exactly as fnmatch does: a hyphen first
    // (after an optional `!`) is literal, and the character after a range hyphen cannot start
    // another range.
    let mut chunks: Vec<Vec<char>> = Vec::new();
    if !body.contains(&'-') {
        chunks.push(body.to_vec());
    } else {
        let mut start = 0;
        let mut k = if body[0] == '!' { 2 } else { 1 };
        while let Some(off) = body.get(k..).and_then(|rest| rest.iter().position(|&c| c == '-')) {
            let dash = k + off;
            chunks.push(body[start..dash].to_vec());
            start = dash + 1;
            k = dash + 3;
        }
        let last = &body[start..];
        if last.is_empty() {
            // A trailing hyphen is a literal member of the previous chunk.
            if let Some(prev) = chunks.last_mut() {
                prev.push('-');
            }
        } else {
            chunks.push(last.to_vec());
        }
        // Drop reversed ranges (`z-a`) together with both end points, as fnmatch does.
        for k in (1..chunks.len()).rev() {
            let (Some(&end), Some(&begin)) = (chunks[k - 1].last(), chunks[k].first()) else {
                continue;
            };
            if end > begin {
                let tail = chunks.remove(k);
                let prev = &mut chunks[k - 1];
                prev.pop();
                prev.extend_from_slice(&tail[1..]);
            }
        }
    }
    let total: usize = chunks.iter().map(Vec::len).sum::<usize>() + chunks.len().saturating_sub(1);
    if total == 0 {
        // Everything was a reversed range: the class matches nothing.
        return Token::Class { negated: false, ranges: Vec::new() };
    }
    let negated = chunks[0].first() == Some(&'!');
    if negated {
        chunks[0].remove(0);
    }
    // Lay the chunks out as the regex class fnmatch builds: members are literal, and a range
    // joins the last member of one chunk to the first of the next.
    enum Item {
        Member(char),
        RangeDash,
    }
    let mut items = Vec::new();
    for (n, chunk) in chunks.iter().enumerate() {
        if n > 0 {
            items.push(Item::RangeDash);
        }
        items.extend(chunk.iter().map(|&c| Item::Member(c)));
    }
    let mut ranges = Vec::new();
    let mut idx = 0;
    while idx < items.len() {
        match (&items[idx], items.get(idx + 1), items.get(idx + 2)) {
            (Item::Member(lo), Some(Item::RangeDash), Some(Item::Member(hi))) => {
                ranges.push((*lo, *hi));
                idx += 3;
            }
            (Item::Member(c), _, _) => {
                ranges.push((*c, *c));
                idx += 1;
            }
            // A dash with no member before it is a literal hyphen (regex `[-a]`).
            (Item::RangeDash, _, _) => {
                ranges.push(('-', '-'));
                idx += 1;
            }
        }
    }
    // `[!z-a]`: a negated empty class matches any single character, which `negated` with no
    // ranges already does.
    Token::Class { negated, ranges }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(pattern: &str, text: &str) -> bool {
        Glob::new(pattern).matches(text)
    }

    /// Each row was checked against `fnmatch.fnmatchcase` of CPython 3.11.
    const CASES: &[(&str, &str, bool)] = &[
        ("", "", true),
        ("", "a", false),
        ("abc", "abc", true),
        ("abc", "abcd", false),
        ("abc", "ab", false),
        ("ABC", "abc", false),
        ("*", "", true),
        ("*", "a/b\nc", true),
        ("a*", "a", true),
        ("a*b", "axxb", true),
        ("a*b", "axxbc", false),
        ("*.py", "dir/x.py", true),
        ("src/*", "src/../.env", true),
        ("git status*", "git status; rm -rf /", true),
        ("a*b*c", "abbbbcbc", true),
        ("a*b*c", "abbbbcbd", false),
        ("**a", "bba", true),
        ("?", "a", true),
        ("?", "", false),
        ("?", "ab", false),
        ("?", "é", true),
        ("?", "\n", true),
        ("a?c", "abc", true),
        ("[abc]", "b", true),
        ("[abc]", "d", false),
        ("[a-z]", "m", true),
        ("[a-z]", "M", false),
        ("[!abc]", "d", true),
        ("[!abc]", "a", false),
        ("[!a-c]x", "dx", true),
        ("[!a-c]x", "bx", false),
        ("[!a]", "\n", true),
        ("[]]", "]", true),
        ("[]a]", "a", true),
        ("[!]]", "]", false),
        ("[!]]", "a", true),
        ("[]", "[]", true),
        ("[!]", "[!]", true),
        ("[", "[", true),
        ("[ab", "[ab", true),
        ("[ab", "a", false),
        ("x[", "x[", true),
        ("[^a]", "^", true),
        ("[^a]", "a", true),
        ("[^a]", "b", false),
        ("[-a]", "-", true),
        ("[a-]", "-", true),
        ("[a-]", "a", true),
        ("[a-]", "b", false),
        ("[!-a]", "-", false),
        ("[!-a]", "b", true),
        ("[z-a]", "z", false),
        ("[z-a]", "a", false),
        ("[z-a]", "m", false),
        ("[z-ab]", "b", true),
        ("[z-ab]", "z", false),
        ("[!z-a]", "q", true),
        ("[a-c-e]", "-", true),
        ("[a-c-e]", "e", true),
        ("[a-c-e]", "d", false),
        ("[c-ab-z]", "b", true),
        ("[c-ab-z]", "y", true),
        ("[c-ab-z]", "a", false),
        ("[\\]", "\\", true),
        ("\\*", "\\x", true),
        ("\\*", "*", false),
        ("[*]", "*", true),
        ("[*]", "x", false),
        ("[?]", "?", true),
        ("[[]", "[", true),
        ("[a&&b]", "&", true),
        ("[a~~b]", "~", true),
        ("[a||b]", "|", true),
        ("[é-ü]", "ö", true),
        ("[---]", "-", true),
        // `a--` is the reversed range `a`..`-`: nothing matches.
        ("[a--]", "-", false),
        ("[a--]", "a", false),
        ("[+--]", ",", true),
        ("*[!/]", "dir/", false),
        ("*[!/]", "dir/x", true),
        ("a[0-9]*", "a1xyz", true),
    ];

    #[test]
    fn fnmatch_cases() {
        for &(pattern, text, want) in CASES {
            assert_eq!(m(pattern, text), want, "pattern {pattern:?} on {text:?}");
        }
    }

    #[test]
    fn source_is_kept() {
        let g = Glob::new("[!x]*");
        assert_eq!(g.as_str(), "[!x]*");
        assert_eq!(g.clone(), g);
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let pattern = "a*".repeat(50) + "b";
        let text = "a".repeat(5000);
        let start = std::time::Instant::now();
        assert!(!m(&pattern, &text));
        assert!(m(&pattern, &(text + "b")));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn plain_pattern_matches_only_itself(
            pattern in "[^*?\\[]{0,12}",
            other in "[^*?\\[]{0,12}",
        ) {
            let g = Glob::new(&pattern);
            prop_assert!(g.matches(&pattern));
            prop_assert_eq!(g.matches(&other), other == pattern);
        }

        #[test]
        fn star_matches_everything(text in any::<String>()) {
            prop_assert!(Glob::new("*").matches(&text));
        }

        #[test]
        fn question_marks_count_chars(text in any::<String>()) {
            let pattern = "?".repeat(text.chars().count());
            prop_assert!(Glob::new(&pattern).matches(&text));
            prop_assert!(!Glob::new(&(pattern + "?")).matches(&text));
        }
    }
}
