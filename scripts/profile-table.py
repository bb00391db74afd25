#!/usr/bin/env python3
"""Print the README's profile comparison table, generated from the hardened-profile fixtures.

For a sample of the calls in contracts/decisions/hardened-*.json (the first caught and benign
steps of each scenario), run `cedar-hitl eval` under both built-in profiles and print a Markdown
table. Usage: python3 scripts/profile-table.py [--per-scenario N] > table.md
"""
import glob, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
per = int(sys.argv[sys.argv.index("--per-scenario") + 1]) if "--per-scenario" in sys.argv else 2
cli = [os.path.join(ROOT, "target", "debug", "cedar-hitl")]
if not os.path.exists(cli[0]):
    subprocess.run(["cargo", "build", "-q", "-p", "cedar-hitl-cli"], cwd=ROOT, check=True)

def decide(profile, tool, tool_input, session):
    args = cli + ["eval", "--builtins", profile, "--tool", tool, "--input", json.dumps(tool_input), "--json"]
    if session.get("read_only"):
        args.append("--read-only")
    d = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    ids = ", ".join(d["matching_rule_ids"])
    return d["outcome"].upper() + (f" ({ids})" if ids else "")

print("| call | upstream | hardened |\n| --- | --- | --- |")
for path in sorted(glob.glob(os.path.join(ROOT, "contracts", "decisions", "hardened-*.json"))):
    for sc in json.load(open(path))["scenarios"]:
        for step in sc["steps"][:per]:
            ev = step["evaluate"]
            subject = ev["tool_input"].get("command") or ev["tool_input"].get("file_path") or ev["tool_input"].get("notebook_path") or ""
            if len(subject) > 70 or "\n" in subject:
                continue
            ro = " (read-only)" if sc.get("session", {}).get("read_only") else ""
            call = f"`{ev['tool_name']}`: `{subject}`{ro}".replace("|", "\\|")
            print(f"| {call} | {decide('upstream', ev['tool_name'], ev['tool_input'], sc.get('session', {}))} | {decide('hardened', ev['tool_name'], ev['tool_input'], sc.get('session', {}))} |")
