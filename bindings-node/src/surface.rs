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
        #[::napi_derive::napi]
        impl $ty {
            /// Decide one tool call. Never throws: bad input is a DENY with `failClosed: true`.
            #[napi(
                catch_unwind,
                js_name = $evaluate,
                ts_args_type = "toolName: string, toolInput: ToolInput",
                ts_return_type = "Decision"
            )]
            pub fn evaluate(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                tool_input: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<$crate::js::Raw> {
                use ::napi::JsValue;
                $crate::session::evaluate_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    tool_input.raw(),
                )
            }

            /// Decide one tool call and say how: the same pipeline as the plain decision (the
            /// same result), recording every step. Never throws.
            #[napi(
                catch_unwind,
                js_name = $explain,
                ts_args_type = "toolName: string, toolInput: ToolInput",
                ts_return_type = "Explanation"
            )]
            pub fn explain(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                tool_input: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<$crate::js::Raw> {
                use ::napi::JsValue;
                $crate::session::explain_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    tool_input.raw(),
                )
            }

            /// The explanation rendered for people: the outcome and reason, then one line a
            /// step. Never throws.
            #[napi(
                catch_unwind,
                js_name = $explain_text,
                ts_args_type = "toolName: string, toolInput: ToolInput"
            )]
            pub fn explain_text(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                tool_input: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> String {
                use ::napi::JsValue;
                $crate::session::explain_text_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    tool_input.raw(),
                )
            }

            /// Apply how a gate ended (widen the allowlist, fill the caches, queue the denial)
            /// and get the agent-facing reason. Throws `SCOPE` for a refused approval scope,
            /// `CONFIG` for a bad resolution.
            #[napi(
                catch_unwind,
                js_name = $record_outcome,
                ts_args_type = "toolName: string, toolInput: ToolInput, matchingRuleIds: readonly string[], resolution: Resolution"
            )]
            pub fn record_outcome(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                tool_input: ::napi::bindgen_prelude::Unknown<'_>,
                matching_rule_ids: ::napi::bindgen_prelude::Unknown<'_>,
                resolution: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<$crate::records::ResolutionEffect> {
                use ::napi::JsValue;
                $crate::session::record_outcome_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    tool_input.raw(),
                    matching_rule_ids.raw(),
                    resolution.raw(),
                )
            }

            /// Validate and add an approval scope; returns it normalised. Throws `SCOPE`.
            #[napi(catch_unwind, js_name = $add_scope, ts_args_type = "scope: string")]
            pub fn add_scope(
                &self,
                env: ::napi::bindgen_prelude::Env,
                scope: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<String> {
                use ::napi::JsValue;
                $crate::session::add_scope_with($crate::js::js_of(&env), &self.inner, scope.raw())
            }

            /// A snapshot of the allowlist.
            #[napi(getter, catch_unwind, js_name = $allowlist)]
            pub fn allowlist(&self) -> $crate::records::AllowlistView {
                self.inner.allowlist().into()
            }

            /// Whether the allowlist's tool scopes pre-approve this call (pipeline step 2
            /// alone). Throws `CONFIG` for a tool name that is not a string.
            #[napi(
                catch_unwind,
                js_name = $allowlist_matches,
                ts_args_type = "toolName: string, toolInput: ToolInput"
            )]
            pub fn allowlist_matches(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                tool_input: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<bool> {
                use ::napi::JsValue;
                $crate::session::allowlist_matches_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    tool_input.raw(),
                )
            }

            /// Remember a decision for `(toolName, input hash)`; `decision` is `DENIED` or
            /// `TIMED_OUT`.
            #[napi(
                catch_unwind,
                js_name = $record_input_decision,
                ts_args_type = "toolName: string, toolInputSha256: string, decision: CachedDecision, reason?: string | null, originalDecisionTs?: string | null"
            )]
            pub fn record_input_decision(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                sha: ::napi::bindgen_prelude::Unknown<'_>,
                decision: ::napi::bindgen_prelude::Unknown<'_>,
                reason: ::napi::bindgen_prelude::Unknown<'_>,
                ts: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<()> {
                use ::napi::JsValue;
                $crate::session::record_input_decision_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    sha.raw(),
                    decision.raw(),
                    reason.raw(),
                    ts.raw(),
                )
            }

            /// Remember that a human denied this set of rule ids for `toolName` (`DENIED` only;
            /// one id or a set).
            #[napi(
                catch_unwind,
                js_name = $record_rule_decision,
                ts_args_type = "toolName: string, ruleIds: string | readonly string[], decision: 'DENIED', reason?: string | null, originalDecisionTs?: string | null"
            )]
            pub fn record_rule_decision(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                rule_ids: ::napi::bindgen_prelude::Unknown<'_>,
                decision: ::napi::bindgen_prelude::Unknown<'_>,
                reason: ::napi::bindgen_prelude::Unknown<'_>,
                ts: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<()> {
                use ::napi::JsValue;
                $crate::session::record_rule_decision_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    rule_ids.raw(),
                    decision.raw(),
                    reason.raw(),
                    ts.raw(),
                )
            }

            /// The live input-hash entry, or `null`.
            #[napi(
                catch_unwind,
                js_name = $cached_input_decision,
                ts_args_type = "toolName: string, toolInputSha256: string"
            )]
            pub fn cached_input_decision(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                sha: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<Option<$crate::records::CacheEntry>> {
                use ::napi::JsValue;
                $crate::session::get_decision_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    sha.raw(),
                )
            }

            /// The most recent live rule entry whose ids all appear in `ruleIds`, or `null`.
            #[napi(
                catch_unwind,
                js_name = $cached_rule_decision,
                ts_args_type = "toolName: string, ruleIds: string | readonly string[]"
            )]
            pub fn cached_rule_decision(
                &self,
                env: ::napi::bindgen_prelude::Env,
                tool_name: ::napi::bindgen_prelude::Unknown<'_>,
                rule_ids: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<Option<$crate::records::CacheEntry>> {
                use ::napi::JsValue;
                $crate::session::get_rule_decision_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    tool_name.raw(),
                    rule_ids.raw(),
                )
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

            /// Record a gate in the rate window at `now` (session monotonic seconds; default
            /// now).
            #[napi(catch_unwind, js_name = $record_gate_timestamp, ts_args_type = "now?: number | null")]
            pub fn record_gate_timestamp(
                &self,
                env: ::napi::bindgen_prelude::Env,
                now: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<()> {
                use ::napi::JsValue;
                $crate::session::record_gate_timestamp_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    now.raw(),
                )
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

            /// Decide whether a REQUIRE_APPROVAL may open a gate (cap, rate limit, remaining
            /// lifetime), and if so count it. `timeoutS` is the decision's `timeoutS` (null:
            /// task default).
            #[napi(
                catch_unwind,
                js_name = $begin_gate,
                ts_args_type = "timeoutS?: number | null, remainingLifetimeS?: number | null"
            )]
            pub fn begin_gate(
                &self,
                env: ::napi::bindgen_prelude::Env,
                timeout_s: ::napi::bindgen_prelude::Unknown<'_>,
                remaining_lifetime_s: ::napi::bindgen_prelude::Unknown<'_>,
            ) -> ::napi::Result<$crate::records::GateAdmission> {
                use ::napi::JsValue;
                $crate::session::begin_gate_with(
                    $crate::js::js_of(&env),
                    &self.inner,
                    timeout_s.raw(),
                    remaining_lifetime_s.raw(),
                )
            }
        }
    };
}
pub(crate) use session_surface;
