//! Time sources. TTLs and rate windows read a monotonic clock; timestamps read wall time.
//! Both come from one injectable [`Clock`] so tests and fixtures control time exactly.

use std::fmt::Debug;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A source of time for a [`Session`](crate::Session).
///
/// ```
/// use cedar_hitl_core::{Clock, ManualClock};
/// let c = ManualClock::new(1_700_000_000.0);
/// c.advance(61.0);
/// assert_eq!(c.monotonic_s(), 61.0);
/// ```
pub trait Clock: Send + Sync + Debug {
    /// Seconds on a monotonic scale (only differences matter).
    fn monotonic_s(&self) -> f64;
    /// Seconds since the Unix epoch (wall time), for timestamps.
    fn unix_s(&self) -> f64;
}

/// The real clocks: [`Instant`] for monotonic time, [`SystemTime`] for wall time.
///
/// ```
/// use cedar_hitl_core::{Clock, SystemClock};
/// let c = SystemClock::new();
/// assert!(c.unix_s() > 1.6e9);
/// ```
#[derive(Debug)]
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A clock whose monotonic scale starts now.
    ///
    /// ```
    /// let _ = cedar_hitl_core::SystemClock::new();
    /// ```
    pub fn new() -> Self {
        Self { start: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn monotonic_s(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
    fn unix_s(&self) -> f64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
    }
}

/// A clock that moves only when told to; monotonic time starts at 0.
///
/// ```
/// use cedar_hitl_core::{Clock, ManualClock};
/// let c = ManualClock::new(0.0);
/// c.advance(2.5);
/// assert_eq!((c.monotonic_s(), c.unix_s()), (2.5, 2.5));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    // (monotonic, unix)
    now: Mutex<(f64, f64)>,
}

impl ManualClock {
    /// A manual clock at monotonic 0 and the given wall time.
    ///
    /// ```
    /// let c = cedar_hitl_core::ManualClock::new(1_700_000_000.0);
    /// ```
    pub fn new(unix_s: f64) -> Self {
        Self { now: Mutex::new((0.0, unix_s)) }
    }

    /// Move both scales forward by `seconds` (negative or non-finite values are ignored).
    ///
    /// ```
    /// use cedar_hitl_core::{Clock, ManualClock};
    /// let c = ManualClock::new(0.0);
    /// c.advance(-5.0);
    /// assert_eq!(c.monotonic_s(), 0.0);
    /// ```
    pub fn advance(&self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            let mut g = self.now.lock().unwrap_or_else(|p| p.into_inner());
            g.0 += seconds;
            g.1 += seconds;
        }
    }
}

impl Clock for ManualClock {
    fn monotonic_s(&self) -> f64 {
        self.now.lock().unwrap_or_else(|p| p.into_inner()).0
    }
    fn unix_s(&self) -> f64 {
        self.now.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// Format Unix seconds as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (microseconds only when non-zero).
pub(crate) fn iso8601_utc(unix_s: f64) -> String {
    let micros_total = (unix_s.max(0.0) * 1_000_000.0).round() as i64;
    let secs = micros_total.div_euclid(1_000_000);
    let micros = micros_total.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let base =
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", sod / 3600, (sod % 3600) / 60, sod % 60);
    if micros == 0 { format!("{base}Z") } else { format!("{base}.{micros:06}Z") }
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_format_matches_python_isoformat_shape() {
        assert_eq!(iso8601_utc(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(1_700_000_000.0), "2023-11-14T22:13:20Z");
        assert_eq!(iso8601_utc(1_700_000_000.25), "2023-11-14T22:13:20.250000Z");
        assert_eq!(iso8601_utc(951_782_400.0), "2000-02-29T00:00:00Z");
    }
}
