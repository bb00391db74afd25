"""The ``Literal`` aliases in ``cedar_hitl._types`` are held to the core's string enums (the one
list in cedar-hitl-core's wire module): a variant added in the core and missing here fails, as
does an alias listing a value the core does not have, or a stub that copies an enum's values
inline instead of naming the alias."""

from __future__ import annotations

import ast
import inspect
import pathlib
import types as types_module
import typing

import pytest

import cedar_hitl
import cedar_hitl._types as types
from cedar_hitl import _cedar_hitl

# Core enum → the alias the Python package gives it.
ALIASES = {
    "Outcome": "OutcomeValue",
    "Tier": "TierValue",
    "Severity": "SeverityValue",
    "FailClosedCause": "FailClosedCauseValue",
    "CachedDecision": "CachedDecisionValue",
    "ClipReason": "ClipValue",
    "GateRefusal": "GateRefusalValue",
    "RuleEffect": "RuleEffectValue",
    "BuiltinProfile": "BuiltinsValue",
    "LoadErrorKind": "LoadErrorKindValue",
}
# Core enums no Python result carries (resolutions are taken as plain strings, case-folded).
NOT_EXPOSED = {"ResolutionKind", "LintLevel"}


def test_every_core_enum_is_mapped_or_declared_not_exposed() -> None:
    core = set(_cedar_hitl._STRING_ENUMS)
    assert len(core) >= 12
    assert core == set(ALIASES) | NOT_EXPOSED


def test_each_alias_lists_exactly_the_core_values_in_order() -> None:
    for name, alias in ALIASES.items():
        assert typing.get_args(getattr(types, alias)) == _cedar_hitl._STRING_ENUMS[name], alias


def test_the_stub_names_aliases_instead_of_copying_values() -> None:
    stub = (pathlib.Path(types.__file__).parent / "__init__.pyi").read_text()
    for name, values in _cedar_hitl._STRING_ENUMS.items():
        if len(values) < 2:
            continue
        inline = ", ".join(f'"{v}"' for v in values)
        assert f"Literal[{inline}]" not in stub, name


# Core record → how the Python package carries it: a native class, or a plain dict typed by a
# TypedDict in `_types.py`.
CLASSES = {"AllowlistView", "CacheEntry", "CheckReport", "Decision", "GateAdmission", "LoadErrorInfo", "LoadWarning", "ResolutionEffect", "Rule", "SessionConfig"}
TYPED_DICTS = {"CacheHit": "CacheHitMetadata", "DenialEntry": "DenialEntry", "EffectiveTimeout": "EffectiveTimeout", "ParityResult": "ParityResult", "RuleListing": "RuleListing", "RuleSummary": "RuleSummary", "PolicyBundleOptions": "PolicyBundleOptions"}


def stub_class_properties(name: str) -> list[str]:
    stub = ast.parse((pathlib.Path(types.__file__).parent / "__init__.pyi").read_text())
    cls = next(n for n in stub.body if isinstance(n, ast.ClassDef) and n.name == name)
    return [f.name for f in cls.body if isinstance(f, ast.FunctionDef) and any(isinstance(d, ast.Name) and d.id == "property" for d in f.decorator_list)]


# Records handed out as an exception's attributes (all fields but `message`, the exception's text).
EXCEPTIONS = {"LoadErrorInfo": "PolicyLoadError"}


# Records handed out as named tuples (tuples, so upstream's pair unpacking keeps working).
NAMED_TUPLES = {"Redaction"}


def test_every_core_record_is_a_class_a_typed_dict_an_exception_or_a_named_tuple() -> None:
    assert set(_cedar_hitl._RECORD_FIELDS) == CLASSES | set(TYPED_DICTS) | set(EXCEPTIONS) | NAMED_TUPLES


def test_named_tuples_and_their_stubs_carry_exactly_the_core_fields() -> None:
    for name in NAMED_TUPLES:
        fields = list(_cedar_hitl._RECORD_FIELDS[name])
        assert list(getattr(cedar_hitl, name)._fields) == fields, name
        assert stub_class_annotations(name) == fields, name
    found = cedar_hitl.scan_secrets("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 AKIAIOSFODNN7EXAMPLE")
    assert isinstance(found, cedar_hitl.Redaction) and isinstance(found, tuple)
    assert found._asdict() == {"text": "token [REDACTED-GITHUB_TOKEN] [REDACTED-AWS_KEY]", "findings": ["GITHUB_TOKEN", "AWS_KEY"]}


def stub_class_annotations(name: str) -> list[str]:
    stub = ast.parse((pathlib.Path(types.__file__).parent / "__init__.pyi").read_text())
    cls = next(n for n in stub.body if isinstance(n, ast.ClassDef) and n.name == name)
    return [f.target.id for f in cls.body if isinstance(f, ast.AnnAssign) and isinstance(f.target, ast.Name)]


def test_exceptions_carry_exactly_the_core_fields() -> None:
    for record, exc_name in EXCEPTIONS.items():
        fields = [f for f in _cedar_hitl._RECORD_FIELDS[record] if f != "message"]
        exc = getattr(cedar_hitl, exc_name)
        assert stub_class_annotations(exc_name) == fields, exc_name
        assert all(getattr(exc, f) is None for f in fields), exc_name
    try:
        cedar_hitl.PolicyBundle(blueprint_soft="forbid (principal, action, resource);")
    except cedar_hitl.PolicyLoadError as e:
        raised = {f: getattr(e, f) for f in _cedar_hitl._RECORD_FIELDS["LoadErrorInfo"] if f != "message"}
        # The rule has no @rule_id, so it is named by its position in the soft tier.
        assert str(raised.pop("rule_id")).startswith("policy")
        assert raised == {"kind": "annotation", "tier": "soft", "field": "tier", "source": "blueprint_soft", "line": 1}
        assert not hasattr(e, "message")
    else:
        raise AssertionError("a soft rule without @tier must be refused")


def test_record_classes_and_their_stubs_carry_exactly_the_core_fields() -> None:
    for name in CLASSES:
        fields = list(_cedar_hitl._RECORD_FIELDS[name])
        assert stub_class_properties(name) == fields, name
        cls = getattr(cedar_hitl, name)
        assert [f for f in fields if isinstance(getattr(cls, f, None), types_module.GetSetDescriptorType)] == fields, name


def test_typed_dicts_carry_exactly_the_core_fields() -> None:
    for name, alias in TYPED_DICTS.items():
        assert list(typing.get_type_hints(getattr(types, alias))) == list(_cedar_hitl._RECORD_FIELDS[name]), alias


def test_dict_records_come_back_with_exactly_the_core_fields() -> None:
    timeout = cedar_hitl.effective_timeout(60, 300, None)
    assert list(timeout) == list(_cedar_hitl._RECORD_FIELDS["EffectiveTimeout"])
    s = cedar_hitl.Session()
    s.queue_denial("r1", "no")
    assert [list(d) for d in s.drain_denials()] == [list(_cedar_hitl._RECORD_FIELDS["DenialEntry"])]
    s.record_input_decision("Bash", cedar_hitl.tool_input_sha256({"command": "ls"}), "DENIED", "no")
    hit = s.evaluate("Bash", {"command": "ls"}).cache_hit
    assert hit is not None and list(hit) == list(_cedar_hitl._RECORD_FIELDS["CacheHit"])
    entity = lambda t, i: {"type": t, "id": i}  # noqa: E731
    parity = cedar_hitl.cedar_parity_evaluate("@rule_id(\"p\") permit (principal, action, resource);", entity("A::P", "p"), entity("A::Action", "go"), entity("A::R", "r"))
    assert list(parity) == list(_cedar_hitl._RECORD_FIELDS["ParityResult"])
    listing = cedar_hitl.PolicyBundle.builtin().listing()
    assert list(listing) == list(_cedar_hitl._RECORD_FIELDS["RuleListing"])
    assert list(listing["soft"][0]) == list(_cedar_hitl._RECORD_FIELDS["RuleSummary"])
    # Keys a rule has no value for are left out (hard rules have no category, severity or timeout).
    assert list(listing["hard"][0]) == ["rule_id", "summary", "source"]


def test_decision_dicts_and_the_facade_carry_exactly_the_core_fields() -> None:
    fields = list(_cedar_hitl._RECORD_FIELDS["Decision"])
    assert list(typing.get_type_hints(types.DecisionDict)) == fields
    s = cedar_hitl.Session(cedar_hitl.PolicyBundle.builtin())
    native = s.evaluate("Bash", {"command": "rm -rf /"})
    assert list(native.to_dict()) == fields
    assert len(native._facade_fields()) == len(fields)
    facade = cedar_hitl.PolicyDecision._from_native(native)
    upstream = {"cache_hit": "cache_hit_metadata"}
    assert list(facade.to_dict()) == [upstream.get(f, f) for f in fields]


def test_session_keywords_are_the_core_settings_record() -> None:
    fields = list(_cedar_hitl._RECORD_FIELDS["SessionConfig"])
    # The settings are typed once, by a TypedDict holding exactly the record's fields.
    assert list(typing.get_type_hints(types.SessionSettings)) == fields
    new = stub_method("Session", "__new__")
    assert [a.arg for a in new.args.kwonlyargs] == ["clock", "shadow"]
    assert new.args.kwarg is not None and ast.unparse(new.args.kwarg.annotation) == "Unpack[SessionSettings]"
    # Every setting is read, and a value of the wrong type names its field.
    for field in fields:
        try:
            cedar_hitl.Session(**{field: object()})
        except cedar_hitl.ConfigError as e:
            assert e.field == field, field
        else:
            raise AssertionError(f"{field}=object() must be refused")
    try:
        cedar_hitl.Session(approval_gate_capp=1)  # type: ignore[call-arg]
    except TypeError as e:
        assert "unexpected keyword argument 'approval_gate_capp'" in str(e)
    else:
        raise AssertionError("an unknown setting must be refused")


# A value for each bundle option that changes the bundle.
BUNDLE_OPTION_VALUES: dict[str, object] = {
    "builtins": "upstream",
    "blueprint_hard": '@tier("hard") @rule_id("no_fetch")\nforbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");',
    "blueprint_soft": '@tier("soft") @rule_id("ask_fetch")\nforbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");',
    "disable": ["write_env_files"],
    "extra_policies": ['forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");'],
    "write_tools": {"Write": "file_path"},
    "shell_tools": {"Bash": "command", "Shell": "cmd"},
}


def stub_method(cls_name: str, method: str) -> ast.FunctionDef:
    stub = ast.parse((pathlib.Path(types.__file__).parent / "__init__.pyi").read_text())
    cls = next(n for n in stub.body if isinstance(n, ast.ClassDef) and n.name == cls_name)
    return next(f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == method)


def test_bundle_keywords_are_the_core_options_record() -> None:
    # The stub types both methods' keywords with the PolicyBundleOptions TypedDict, which
    # test_typed_dicts_carry_exactly_the_core_fields holds to the record.
    for method in ("__new__", "check"):
        fn = stub_method("PolicyBundle", method)
        assert fn.args.kwarg is not None and ast.unparse(fn.args.kwarg.annotation) == "Unpack[PolicyBundleOptions]", method
        assert fn.args.kwonlyargs == [], method
    fields = list(_cedar_hitl._RECORD_FIELDS["PolicyBundleOptions"])
    cls = cedar_hitl.PolicyBundle
    assert set(fields) == set(BUNDLE_OPTION_VALUES)
    for field in fields:
        # None is an absent option: the core's default; a value is read (the bundle changes).
        assert cls(**{field: None}).fingerprint == cls().fingerprint, field
        assert cls(**{field: BUNDLE_OPTION_VALUES[field]}).fingerprint != cls().fingerprint, field
        for make in (cls, cls.check):
            try:
                make(**{field: object()})
            except cedar_hitl.ConfigError as e:
                assert e.field == field, field
            else:
                raise AssertionError(f"{make.__name__}({field}=object()) must be refused")
    for make, name in ((cls, "PolicyBundle"), (cls.check, "check")):
        try:
            make(blueprint_hardd="")
        except TypeError as e:
            assert f"{name}() got an unexpected keyword argument 'blueprint_hardd'" in str(e)
        else:
            raise AssertionError("an unknown option must be refused")


def test_policy_engine_reads_the_bundle_options_under_upstream_names() -> None:
    # field → the PolicyEngine keyword (the upstream name where upstream has one).
    upstream = {"blueprint_hard": "blueprint_hard_policies", "blueprint_soft": "blueprint_soft_policies", "disable": "blueprint_disable"}
    params = inspect.signature(cedar_hitl.PolicyEngine.__init__).parameters
    # Every session setting too, `principal` under upstream's `task_type`.
    for field in _cedar_hitl._RECORD_FIELDS["SessionConfig"]:
        assert ("task_type" if field == "principal" else field) in params, field
    values: dict[str, object] = {"blueprint_hard": "", "blueprint_soft": "", "disable": [], "extra_policies": [], "write_tools": {"Bash": "command"}, "shell_tools": {"Bash": "command"}}
    for field in _cedar_hitl._RECORD_FIELDS["PolicyBundleOptions"]:
        keyword = upstream.get(field, field)
        assert keyword in params, keyword
        if field == "builtins":
            continue
        # A prebuilt bundle excludes every policy option but a builtins naming its own profile.
        with pytest.raises(cedar_hitl.ConfigError, match="not both") as e:
            cedar_hitl.PolicyEngine("t", "o/r", bundle=cedar_hitl.PolicyBundle(), **{keyword: values[field]})
        assert e.value.field == "bundle", keyword
        # A wrong type names the keyword the caller used.
        with pytest.raises(cedar_hitl.ConfigError) as e:
            cedar_hitl.PolicyEngine("t", "o/r", **{keyword: object()})
        assert e.value.field == keyword, keyword
    up = cedar_hitl.PolicyBundle(builtins="upstream")
    assert cedar_hitl.PolicyEngine("t", "o/r", bundle=up, builtins="upstream").bundle.profile == "upstream"
    with pytest.raises(cedar_hitl.ConfigError, match="does not match the profile of bundle") as e:
        cedar_hitl.PolicyEngine("t", "o/r", bundle=up, builtins="hardened")
    assert e.value.field == "builtins"
    # A value that names no profile is the core's error, beside a bundle as without one.
    for bad, got in (("Hardened", "got 'Hardened'"), (5, "got int")):
        for kwargs in ({"bundle": up}, {}):
            with pytest.raises(cedar_hitl.ConfigError, match=rf"^builtins must be one of \[hardened, upstream\], {got}$") as e:
                cedar_hitl.PolicyEngine("t", "o/r", builtins=bad, **kwargs)  # type: ignore[arg-type]
            assert e.value.field == "builtins"
    # The engine builds its bundle from the same record: a tool map given to it decides.
    shell = cedar_hitl.PolicyEngine("new_task", "o/r", shell_tools={"Shell": "cmd"})
    assert shell.evaluate_tool_use("Shell", {"cmd": "rm -rf /"}).outcome == cedar_hitl.Outcome.DENY
    plain = cedar_hitl.PolicyEngine("new_task", "o/r")
    assert plain.evaluate_tool_use("Shell", {"cmd": "rm -rf /"}).outcome == cedar_hitl.Outcome.ALLOW


def test_check_reports_every_problem_as_records_without_raising() -> None:
    clean = cedar_hitl.PolicyBundle.check()
    assert (clean.errors, clean.warnings) == ([], [])
    two = "forbid (principal, action, resource);\nforbid (principal, action, resource);"
    report = cedar_hitl.PolicyBundle.check(blueprint_soft=two, disable=["nope"])
    assert isinstance(report, cedar_hitl.CheckReport)
    assert [type(e) for e in report.errors] == [cedar_hitl.LoadErrorInfo] * len(report.errors)
    assert [(e.kind, e.field, e.source, e.line) for e in report.errors] == [
        ("annotation", "tier", "blueprint_soft", 1),
        ("annotation", "tier", "blueprint_soft", 2),
    ]
    # The first error is the one loading raises, with the same fields.
    with pytest.raises(cedar_hitl.PolicyLoadError) as raised:
        cedar_hitl.PolicyBundle(blueprint_soft=two)
    first = report.errors[0]
    assert [getattr(raised.value, f) for f in ("kind", "tier", "rule_id", "field", "source", "line")] == [
        getattr(first, f) for f in ("kind", "tier", "rule_id", "field", "source", "line")
    ]
    assert str(raised.value) == first.message
    quick = '@tier("soft") @rule_id("quick") @approval_timeout_s("90")\nforbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");'
    warned = cedar_hitl.PolicyBundle.check(blueprint_soft=quick)
    assert warned.errors == [] and warned.warnings == cedar_hitl.PolicyBundle(blueprint_soft=quick).warnings
    assert "warnings=[LoadWarning(" in repr(warned)
    # Options are read as the constructor reads them.
    with pytest.raises(cedar_hitl.ConfigError) as bad:
        cedar_hitl.PolicyBundle.check(disable="write_env_files")
    assert bad.value.field == "disable"
