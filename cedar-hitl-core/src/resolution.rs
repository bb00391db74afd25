//! How a gate ended ([`Resolution`]), what applying it did ([`ResolutionEffect`]), and the fixed
//! wording the agent is given (docs/behaviour.md#resolutions). Applying one is
//! [`Session::record_outcome`](crate::Session::record_outcome).

use crate::error::ConfigError;

/// The fixed instruction appended to a human's deny before the agent sees it (docs/behaviour.md#resolutions).
///
/// ```
/// assert!(cedar_hitl_core::DENY_RETRY_INSTRUCTION.starts_with("Do not retry"));
/// ```
pub const DENY_RETRY_INSTRUCTION: &str = "Do not retry this call or trivial variations of it: the same rule will deny it again. Find another approach, or report why you are blocked.";

/// How a gate ended (docs/behaviour.md#resolutions).
///
/// ```
/// let r = cedar_hitl_core::Resolution::Approved { scope: Some("tool_type_session".into()) };
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A human approved, optionally widening the allowlist.
    Approved {
        /// The scope granted (`None` = `this_call`).
        scope: Option<String>,
    },
    /// A human denied.
    Denied {
        /// The approval request id (for the denial queue).
        request_id: String,
        /// The reviewer's (server-sanitised) reason.
        reason: Option<String>,
        /// When, ISO-8601 UTC (`None` = now).
        decided_at: Option<String>,
    },
    /// Nobody answered in time (or polling failed).
    TimedOut {
        /// Optional reason (e.g. `poll failed 10 consecutive times`).
        reason: Option<String>,
        /// When, ISO-8601 UTC (`None` = now).
        decided_at: Option<String>,
    },
}

string_enum! {
    /// The three ways a gate ends, as hosts store them (`APPROVED`, `DENIED`, `TIMED_OUT`; parsing
    /// ignores case).
    ///
    /// ```
    /// use cedar_hitl_core::ResolutionKind;
    /// assert_eq!("DENIED".parse::<ResolutionKind>().unwrap(), ResolutionKind::Denied);
    /// assert_eq!(ResolutionKind::TimedOut.to_string(), "timed_out");
    /// let err = "maybe".parse::<ResolutionKind>().unwrap_err();
    /// assert!(err.to_string().contains("[approved, denied, timed_out]"));
    /// ```
    ResolutionKind as "resolution" (to_ascii_lowercase) {
        /// A human approved.
        Approved => "approved",
        /// A human denied.
        Denied => "denied",
        /// Nobody answered in time.
        TimedOut => "timed_out",
    }
}

impl Resolution {
    /// Build a resolution from its kind and the fields every binding receives; `request_id` is
    /// required for [`ResolutionKind::Denied`] (it keys the denial queue). Fields a kind does
    /// not use are ignored.
    ///
    /// ```
    /// use cedar_hitl_core::{Resolution, ResolutionKind};
    /// let r = Resolution::from_parts(ResolutionKind::Denied, None, Some("r1".into()), Some("no".into()), None).unwrap();
    /// assert!(matches!(r, Resolution::Denied { .. }));
    /// assert_eq!(r.kind(), ResolutionKind::Denied);
    /// assert!(Resolution::from_parts(ResolutionKind::Denied, None, None, None, None).is_err());
    /// ```
    pub fn from_parts(
        kind: ResolutionKind,
        scope: Option<String>,
        request_id: Option<String>,
        reason: Option<String>,
        decided_at: Option<String>,
    ) -> Result<Self, ConfigError> {
        match kind {
            ResolutionKind::Approved => Ok(Resolution::Approved { scope }),
            ResolutionKind::Denied => match request_id {
                Some(request_id) => Ok(Resolution::Denied { request_id, reason, decided_at }),
                None => Err(ConfigError::new(
                    "request_id",
                    "a denied resolution needs a request_id (it keys the denial queue)",
                )),
            },
            ResolutionKind::TimedOut => Ok(Resolution::TimedOut { reason, decided_at }),
        }
    }

    /// Which of the three it is.
    ///
    /// ```
    /// use cedar_hitl_core::{Resolution, ResolutionKind};
    /// assert_eq!(Resolution::Approved { scope: None }.kind(), ResolutionKind::Approved);
    /// ```
    pub fn kind(&self) -> ResolutionKind {
        match self {
            Resolution::Approved { .. } => ResolutionKind::Approved,
            Resolution::Denied { .. } => ResolutionKind::Denied,
            Resolution::TimedOut { .. } => ResolutionKind::TimedOut,
        }
    }
}
