"""The audit log from Python: `Session.evaluate_audited` writes the core's record and an
unwritable log fails closed (docs/hosts.md, "Audit log")."""

from __future__ import annotations

import json
from pathlib import Path

import cedar_hitl as ch


def session() -> ch.Session:
    return ch.Session(ch.PolicyBundle(), principal="new_task", repo="o/r")


def test_one_line_per_decision_and_no_raw_secret(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    s = session()
    d = s.evaluate_audited("Bash", {"command": "rm -rf /"}, log, session_id="sess-9")
    assert (d.outcome, d.reason) == ("deny", "Hard-deny: rm_slash")
    s.evaluate_audited("Bash", {"command": "echo AKIAIOSFODNN7EXAMPLE"}, str(log))
    text = log.read_text()
    assert "AKIAIOSFODNN7EXAMPLE" not in text
    first, second = (json.loads(line) for line in text.splitlines())
    assert (first["session"], first["tool"], first["outcome"], first["tier"], first["rule_ids"]) == (
        "sess-9", "Bash", "deny", "hard", ["rm_slash"],
    )
    assert first["tool_input_sha256"] == ch.tool_input_sha256({"command": "rm -rf /"})
    assert first["tool_input_preview"] == '{"command": "rm -rf /"}'
    assert second["session"] == ""
    assert second["tool_input_preview"] == '{"command": "echo [REDACTED-AWS_KEY]"}'


def test_an_unwritable_log_fails_closed(tmp_path: Path) -> None:
    bad = tmp_path / "missing-dir" / "audit.jsonl"
    d = session().evaluate_audited("Read", {"file_path": "a.txt"}, bad)
    assert (d.outcome, d.fail_closed, d.fail_closed_cause) == ("deny", True, "internal_error")
    assert str(bad) in (d.fail_closed_detail or "")
