//! Python-style reprs: the pieces every `__repr__` of the binding is written with.

pub(crate) fn r_str(s: &str) -> String {
    format!("{s:?}")
}
pub(crate) fn r_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
pub(crate) fn r_seq<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| r_str(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

/// A field's Python-style repr, for the generated record reprs (`records.rs`).
pub(crate) trait ReprField {
    fn repr_field(&self) -> String;
}
impl ReprField for bool {
    fn repr_field(&self) -> String {
        r_bool(*self).to_owned()
    }
}
impl ReprField for i64 {
    fn repr_field(&self) -> String {
        self.to_string()
    }
}
impl ReprField for u32 {
    fn repr_field(&self) -> String {
        self.to_string()
    }
}
impl ReprField for &str {
    fn repr_field(&self) -> String {
        r_str(self)
    }
}
impl ReprField for String {
    fn repr_field(&self) -> String {
        r_str(self)
    }
}
impl<T: ReprField> ReprField for Vec<T> {
    fn repr_field(&self) -> String {
        let inner: Vec<String> = self.iter().map(T::repr_field).collect();
        format!("[{}]", inner.join(", "))
    }
}
impl<A: ReprField, B: ReprField> ReprField for (A, B) {
    fn repr_field(&self) -> String {
        format!("({}, {})", self.0.repr_field(), self.1.repr_field())
    }
}
impl<T: ReprField> ReprField for Option<T> {
    fn repr_field(&self) -> String {
        self.as_ref().map_or_else(|| "None".to_owned(), T::repr_field)
    }
}
