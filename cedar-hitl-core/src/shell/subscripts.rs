//! Builtins that take a variable name and evaluate a subscript in it (docs/shell.md, "Opaque
//! commands"): bash runs `$(…)` or a backquote inside `a[…]` when it assigns, reads, tests or
//! unsets `a[…]`, so `declare 'a[$(touch p)]=1'` runs `touch p` although the word is quoted.
//!
//! The check runs on the command as it runs after wrappers are taken off (`command declare`,
//! `builtin declare`, `sudo declare`, a leading `_=x`), so every way of reaching the builtin is
//! seen, on the grammar's reading and on the plain-line fast path alike.

use super::SimpleCommand;

/// Builtins every argument of which may name a variable.
const NAME_BUILTINS: &[&str] = &[
    "declare",
    "typeset",
    "local",
    "readonly",
    "export",
    "unset",
    "read",
    "mapfile",
    "readarray",
    "let",
];

/// Builtins whose `-v` operand names a variable: `printf -v NAME`, `test -v NAME`, `[ -v NAME ]`.
const V_OPERAND_BUILTINS: &[&str] = &["printf", "test", "["];

/// Why `c` is opaque, if one of its variable names holds a subscript that runs code.
pub(super) fn code_in_subscript(c: &SimpleCommand) -> Option<&'static str> {
    let args = c.argv.get(1..).unwrap_or_default();
    let program = c.program.as_str();
    let names: Vec<&str> = if NAME_BUILTINS.contains(&program) {
        args.iter().map(String::as_str).collect()
    } else if V_OPERAND_BUILTINS.contains(&program) {
        v_operands(args)
    } else {
        return None;
    };
    names
        .iter()
        .any(|n| n.contains('[') && (n.contains('$') || n.contains('`')))
        .then_some("a subscript in a variable name is evaluated and can run code")
}

/// The operands of `-v` in `args`: the word after `-v`, or the rest of `-vNAME`.
fn v_operands(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-v" {
            out.extend(it.next().map(String::as_str));
        } else if let Some(name) = a.strip_prefix("-v") {
            out.push(name);
        }
    }
    out
}
