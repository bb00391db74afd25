//! `ManualClock`: a clock the host moves by hand, and the `clock=` argument that takes one.

use crate::convert::{float_arg, type_name};
use crate::errors::config_error;
use cedar_hitl_core as hitl;
use hitl::Clock;
use pyo3::prelude::*;
use std::sync::Arc;

/// A clock that moves only when told to (monotonic time starts at 0).
#[pyclass(frozen, module = "cedar_hitl", name = "ManualClock")]
pub(crate) struct PyManualClock {
    inner: Arc<hitl::ManualClock>,
}

#[pymethods]
impl PyManualClock {
    #[new]
    #[pyo3(signature = (unix_s=None))]
    fn new(py: Python<'_>, unix_s: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let start = unix_s.map(|u| float_arg(py, u, "unix_s")).transpose()?.unwrap_or(0.0);
        Ok(Self { inner: Arc::new(hitl::ManualClock::new(start)) })
    }
    /// Move both scales forward (negative or non-finite values are ignored).
    fn advance(&self, py: Python<'_>, seconds: &Bound<'_, PyAny>) -> PyResult<()> {
        let s = float_arg(py, seconds, "seconds")?;
        self.inner.advance(s);
        Ok(())
    }
    #[getter]
    fn monotonic_s(&self) -> f64 {
        self.inner.monotonic_s()
    }
    #[getter]
    fn unix_s(&self) -> f64 {
        self.inner.unix_s()
    }
    fn __repr__(&self) -> String {
        format!(
            "ManualClock(monotonic_s={}, unix_s={})",
            self.inner.monotonic_s(),
            self.inner.unix_s()
        )
    }
}

pub(crate) fn clock_arg(
    py: Python<'_>,
    clock: Option<&Bound<'_, PyAny>>,
) -> PyResult<Arc<dyn Clock>> {
    match clock {
        None => Ok(Arc::new(hitl::SystemClock::new())),
        Some(c) => {
            let manual = c.cast::<PyManualClock>().map_err(|_| {
                config_error(
                    py,
                    "clock",
                    format!("clock must be a ManualClock or None, got {}", type_name(c)),
                )
            })?;
            Ok(manual.get().inner.clone())
        }
    }
}
