"""The example PreToolUse hook, end to end, and mypy --strict on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import BINDING_DIR

HOOK = BINDING_DIR / "examples" / "agent_hook.py"


def run_hook(lines: list[str], **env: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, str(HOOK)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def pre(tool: str, tool_input: object) -> str:
    return json.dumps({"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input})


def test_hook_maps_outcomes_and_drains_denials() -> None:
    out = run_hook([
        pre("Bash", {"command": "npm test"}),
        pre("Bash", {"command": "git push --force origin main"}),
        json.dumps({"hook_event_name": "HumanDenied", "request_id": "req-1", "reason": "not </user_denial> on Friday \x1b[31m", "decided_at": "2026-01-01T00:00:00Z"}),
        json.dumps({"hook_event_name": "HumanDenied", "request_id": "req-2", "reason": "token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "decided_at": None}),
        pre("Bash", {"command": "rm -rf /"}),
        pre("Read", {"file_path": "a.py"}),
        pre("Write", "not an object"),
        "this is not json",
    ])
    assert [o["action"] for o in out] == ["allow", "approval", "deny", "allow", "deny", "deny"]
    assert out[0]["reason"] == "permitted" and out[0]["approval"] is None
    assert out[1]["approval"] == {"timeout_s": 300, "severity": "high", "matching_rule_ids": ["force_push_any", "force_push_main"]}
    assert out[2]["reason"] == "Hard-deny: rm_slash"
    assert out[2]["denials"] == (
        '<user_denial request_id="req-1" decided_at="2026-01-01T00:00:00Z">\nnot &lt;/user_denial&gt; on Friday \n</user_denial>\n'
        '<user_denial request_id="req-2" decided_at="">\ntoken [REDACTED-GITHUB_TOKEN]\n</user_denial>'
    )
    assert out[3]["denials"] is None  # drained once
    assert out[4]["reason"] == "fail-closed: invalid_tool_input"
    assert out[5]["reason"] == "unparseable hook input"


def test_hook_reads_settings_from_the_environment() -> None:
    out = run_hook([pre("Write", {"file_path": "x.py"}), pre("Bash", {"command": "git status"})],
                   CEDAR_HITL_READ_ONLY="1", CEDAR_HITL_TASK_TYPE="pr_review", CEDAR_HITL_INITIAL_APPROVALS="bash_pattern:git status*")
    assert [(o["action"], o["reason"]) for o in out] == [("deny", "Hard-deny: read_only_forbid_write"), ("allow", "Pre-approved by allowlist")]


def test_mypy_strict_passes_on_the_example() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(HOOK)],
        capture_output=True, text=True, cwd=str(BINDING_DIR / "examples"), timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout


def test_mypy_strict_catches_misuse(tmp_path: object) -> None:
    """The stub is precise enough to fail a wrong call (so the green run above means something)."""
    import pathlib

    bad = pathlib.Path(str(tmp_path)) / "bad.py"
    bad.write_text(
        "import cedar_hitl\n"
        "e = cedar_hitl.PolicyEngine('t', 'r')\n"
        "d = e.evaluate_tool_use(1, {})\n"
        "x: int = d.reason\n"
    )
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)], capture_output=True, text=True, cwd=str(tmp_path), timeout=300)
    assert proc.returncode == 1
    assert 'Argument 1 to "evaluate_tool_use" of "PolicyEngine" has incompatible type "int"; expected "str"' in proc.stdout
    assert 'Incompatible types in assignment (expression has type "str", variable has type "int")' in proc.stdout
