//! The session surface `Session` and the upstream-named `PolicyEngine` share, written once: each
//! class invokes `session_surface!` with its JavaScript names (Session's idiomatic ones, the
//! façade's upstream ones) and gets the same methods over its `inner` core session, calling the
//! same argument readers (`*_with` in `session.rs`).

/// `session_surface!(Type { method: "jsName", … })`: every key is required, in this order.
macro_rules! session_surface {
    ($ty:ident {
        evaluate: $evaluate:literal,
        explain: $explain:literal,
        explain_text: $explain_text:literal,
        record_outcome: $record_outcome:literal,
        add_scope: $add_scope:literal,
        allowlist: $allowlist:literal,
        allowlist_matches: $allowlist_matches:literal,
        record_input_decision: $record_input_decision:literal,
        record_rule_decision: $record_rule_decision:literal,
        cached_input_decision: $cached_input_decision:literal,
        cached_rule_decision: $cached_rule_decision:literal,
        input_cache_len: $input_cache_len:literal,
        rule_cache_len: $rule_cache_len:literal,
        gate_count: $gate_count:literal,
        increment_gate_count: $increment_gate_count:literal,
        record_gate_timestamp: $record_gate_timestamp:literal,
        approvals_in_window: $approvals_in_window:literal,
        drain_denials: $drain_denials:literal,
        mark_ceiling_shrinking: $mark_ceiling_shrinking:literal,
        begin_gate: $begin_gate:literal $(,)?
    }) => {
        $crate::surface::forwarding_methods!($ty {
            #[doc = " Decide one tool call. Never throws: bad input is a DENY with `failClosed: true`."]
            #[napi(
                catch_unwind,
                js_name = $evaluate,
                ts_args_type = "toolName: string, toolInput: ToolInput",
                ts_return_type = "Decision"
            )]
            fn evaluate(tool_name, tool_input) -> { ::napi::Result<$crate::js::Raw> } = evaluate_with;

            #[doc = " Decide one tool call and say how: the same pipeline as the plain decision (the"]
            #[doc = " same result), recording every step. Never throws."]
            #[napi(
                catch_unwind,
                js_name = $explain,
                ts_args_type = "toolName: string, toolInput: ToolInput",
                ts_return_type = "Explanation"
            )]
            fn explain(tool_name, tool_input) -> { ::napi::Result<$crate::js::Raw> } = explain_with;

            #[doc = " The explanation rendered for people: the outcome and reason, then one line a"]
            #[doc = " step. Never throws."]
            #[napi(
                catch_unwind,
                js_name = $explain_text,
                ts_args_type = "toolName: string, toolInput: ToolInput"
            )]
            fn explain_text(tool_name, tool_input) -> { String } = explain_text_with;

            #[doc = " Apply how a gate ended (widen the allowlist, fill the caches, queue the denial)"]
            #[doc = " and get the agent-facing reason. Throws `SCOPE` for a refused approval scope,"]
            #[doc = " `CONFIG` for a bad resolution."]
            #[napi(
                catch_unwind,
                js_name = $record_outcome,
                ts_args_type = "toolName: string, toolInput: ToolInput, matchingRuleIds: readonly string[], resolution: Resolution"
            )]
            fn record_outcome(tool_name, tool_input, matching_rule_ids, resolution)
                -> { ::napi::Result<$crate::records::ResolutionEffect> } = record_outcome_with;

            #[doc = " Validate and add an approval scope; returns it normalised. Throws `SCOPE`."]
            #[napi(catch_unwind, js_name = $add_scope, ts_args_type = "scope: string")]
            fn add_scope(scope) -> { ::napi::Result<String> } = add_scope_with;

            #[doc = " Whether the allowlist's tool scopes pre-approve this call (pipeline step 2"]
            #[doc = " alone). Throws `CONFIG` for a tool name that is not a string."]
            #[napi(
                catch_unwind,
                js_name = $allowlist_matches,
                ts_args_type = "toolName: string, toolInput: ToolInput"
            )]
            fn allowlist_matches(tool_name, tool_input) -> { ::napi::Result<bool> } = allowlist_matches_with;

            #[doc = " Remember a decision for `(toolName, input hash)`; `decision` is `DENIED` or"]
            #[doc = " `TIMED_OUT`."]
            #[napi(
                catch_unwind,
                js_name = $record_input_decision,
                ts_args_type = "toolName: string, toolInputSha256: string, decision: CachedDecision, reason?: string | null, originalDecisionTs?: string | null"
            )]
            fn record_input_decision(tool_name, sha, decision, reason, ts)
                -> { ::napi::Result<()> } = record_input_decision_with;

            #[doc = " Remember that a human denied this set of rule ids for `toolName` (`DENIED` only;"]
            #[doc = " one id or a set)."]
            #[napi(
                catch_unwind,
                js_name = $record_rule_decision,
                ts_args_type = "toolName: string, ruleIds: string | readonly string[], decision: 'DENIED', reason?: string | null, originalDecisionTs?: string | null"
            )]
            fn record_rule_decision(tool_name, rule_ids, decision, reason, ts)
                -> { ::napi::Result<()> } = record_rule_decision_with;

            #[doc = " The live input-hash entry, or `null`."]
            #[napi(
                catch_unwind,
                js_name = $cached_input_decision,
                ts_args_type = "toolName: string, toolInputSha256: string"
            )]
            fn cached_input_decision(tool_name, sha)
                -> { ::napi::Result<Option<$crate::records::CacheEntry>> } = get_decision_with;

            #[doc = " The most recent live rule entry whose ids all appear in `ruleIds`, or `null`."]
            #[napi(
                catch_unwind,
                js_name = $cached_rule_decision,
                ts_args_type = "toolName: string, ruleIds: string | readonly string[]"
            )]
            fn cached_rule_decision(tool_name, rule_ids)
                -> { ::napi::Result<Option<$crate::records::CacheEntry>> } = get_rule_decision_with;

            #[doc = " Record a gate in the rate window at `now` (session monotonic seconds; default"]
            #[doc = " now)."]
            #[napi(catch_unwind, js_name = $record_gate_timestamp, ts_args_type = "now?: number | null")]
            fn record_gate_timestamp(now) -> { ::napi::Result<()> } = record_gate_timestamp_with;

            #[doc = " Decide whether a REQUIRE_APPROVAL may open a gate (cap, rate limit, remaining"]
            #[doc = " lifetime), and if so count it. `timeoutS` is the decision's `timeoutS` (null:"]
            #[doc = " task default)."]
            #[napi(
                catch_unwind,
                js_name = $begin_gate,
                ts_args_type = "timeoutS?: number | null, remainingLifetimeS?: number | null"
            )]
            fn begin_gate(timeout_s, remaining_lifetime_s)
                -> { ::napi::Result<$crate::records::GateAdmission> } = begin_gate_with;
        });

        #[::napi_derive::napi]
        impl $ty {
            /// A snapshot of the allowlist.
            #[napi(getter, catch_unwind, js_name = $allowlist)]
            pub fn allowlist(&self) -> $crate::records::AllowlistView {
                self.inner.allowlist().into()
            }

            /// Entries in the input-hash cache.
            #[napi(getter, catch_unwind, js_name = $input_cache_len)]
            pub fn input_cache_len(&self) -> u32 {
                self.inner.input_cache_len() as u32
            }

            /// Entries in the rule-level cache.
            #[napi(getter, catch_unwind, js_name = $rule_cache_len)]
            pub fn rule_cache_len(&self) -> u32 {
                self.inner.rule_cache_len() as u32
            }

            /// Gates opened so far (including the initial count).
            #[napi(getter, catch_unwind, js_name = $gate_count)]
            pub fn gate_count(&self) -> i64 {
                $crate::records::u64_to_i64(self.inner.gate_count())
            }

            /// Add one to the gate counter; returns the new count.
            #[napi(catch_unwind, js_name = $increment_gate_count)]
            pub fn increment_gate_count(&self) -> i64 {
                $crate::records::u64_to_i64(self.inner.increment_gate_count())
            }

            /// Gates recorded within the last rate window.
            #[napi(getter, catch_unwind, js_name = $approvals_in_window)]
            pub fn approvals_in_window(&self) -> u32 {
                self.inner.approvals_in_window() as u32
            }

            /// Take every queued denial, oldest first.
            #[napi(catch_unwind, js_name = $drain_denials)]
            pub fn drain_denials(&self) -> Vec<$crate::records::DenialEntry> {
                self.inner.drain_denials().into_iter().map(Into::into).collect()
            }

            /// The one-shot ceiling-shrinking latch: `true` on the first call only.
            #[napi(catch_unwind, js_name = $mark_ceiling_shrinking)]
            pub fn mark_ceiling_shrinking(&self) -> bool {
                self.inner.mark_ceiling_shrinking()
            }
        }
    };
}
pub(crate) use session_surface;

/// Methods that take their JavaScript arguments as they come and hand them, with the core
/// session, to one argument reader in `session.rs` (`*_with`), which converts and checks them:
/// `#[doc = " …"]  #[napi(…)]  fn name(arg, …) -> { ReturnType } = reader;`. Emitted as one
/// `#[napi] impl` block, so napi sees every method (and generates its TypeScript) as written.
/// Docs are `#[doc = " …"]` attributes, as in the core's record list: a `///` comment passed
/// through a macro reaches napi as a raw string and its `r"` would land in `index.d.ts`.
macro_rules! forwarding_methods {
    ($ty:ident {
        $(
            $(#[doc = $doc:literal])*
            #[napi($($opt:tt)*)]
            fn $name:ident($($arg:ident),*) -> { $($ret:tt)* } = $with:ident;
        )*
    }) => {
        #[::napi_derive::napi]
        impl $ty {
            $(
                $(#[doc = $doc])*
                #[napi($($opt)*)]
                pub fn $name(
                    &self,
                    env: ::napi::bindgen_prelude::Env,
                    $($arg: ::napi::bindgen_prelude::Unknown<'_>),*
                ) -> $($ret)* {
                    use ::napi::JsValue;
                    $crate::session::$with($crate::js::js_of(&env), &self.inner, $($arg.raw()),*)
                }
            )*
        }
    };
}
pub(crate) use forwarding_methods;
