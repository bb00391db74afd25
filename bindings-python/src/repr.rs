//! Python-style reprs: the pieces every `__repr__` of the binding is written with.

pub(crate) fn r_str(s: &str) -> String {
    format!("{s:?}")
}
pub(crate) fn r_opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), r_str)
}
pub(crate) fn r_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "None".to_owned(), |v| v.to_string())
}
pub(crate) fn r_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
pub(crate) fn r_seq<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| r_str(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}
