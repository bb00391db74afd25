"""Every public name exists, is declared in the stub, and is exercised by some test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import cedar_hitl as ch

from conftest import BINDING_DIR

STUB = BINDING_DIR / "python" / "cedar_hitl" / "__init__.pyi"
TESTS = Path(__file__).resolve().parent


def stub_names() -> set[str]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_all_names_exist_and_are_in_the_stub() -> None:
    declared = stub_names()
    for name in ch.__all__:
        assert hasattr(ch, name), name
        assert name in declared, f"{name} missing from __init__.pyi"
    # The native module holds nothing public that the package does not export; its private hooks
    # are the test panic trigger, the façade registration (PolicyDecision built natively) and the
    # core's string enums and record fields (held against the stub and _types.py by test_types.py).
    private = {"CONSTANTS_JSON", "_panic_for_tests", "_register_facade", "_STRING_ENUMS", "_RECORD_FIELDS"}
    assert set(dir(ch._cedar_hitl)) - set(ch.__all__) - private <= {n for n in dir(ch._cedar_hitl) if n.startswith("__")}


def test_every_public_name_is_exercised_by_a_test() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py") if p.name != Path(__file__).name)
    missing = [n for n in ch.__all__ if not re.search(rf"\b{re.escape(n)}\b", sources)]
    assert missing == []


def test_stub_methods_exist_at_run_time() -> None:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and hasattr(ch, node.name):
            cls = getattr(ch, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("__"):
                    assert hasattr(cls, item.name), f"{node.name}.{item.name} declared in the stub but missing"
