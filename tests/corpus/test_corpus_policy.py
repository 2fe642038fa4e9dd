"""Bad-input corpus, policy half: malformed and hostile policy files through ``auditkit run --gate``.

Each row writes one bad policy next to a valid model and data set and
states the exit code and the fragments the message must contain (the file,
the YAML path or line, the limit). A rejected policy exits 2, prints no
traceback and stores no run (see :func:`conftest.expect`). Rows marked as
accepted inputs check the gate's verdict instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest
import yaml
from corpus_support import PARITY, Audit, base_policy, expect

HF = {"type": "huggingface", "path": "model-dir"}


def _text(**overrides: object) -> str:
    return yaml.safe_dump(base_policy(**overrides), sort_keys=False)


def _replace(old: str, new: str, **overrides: object) -> Callable[[Audit], str]:
    def make(a: Audit) -> str:
        text = _text(**overrides)
        assert old in text, (old, text)
        return text.replace(old, new, 1)

    return make


def _doc(**overrides: object) -> Callable[[Audit], dict]:
    return lambda a: base_policy(**overrides)


def _check(**changes: object) -> dict:
    return {**PARITY, **changes}


def _bomb(levels: int, width: int) -> str:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def _doubling(levels: int) -> str:
    lines = ["d0: &d0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"d{i}: &d{i} [*d{i - 1}, *d{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# (id, policy builder, expected exit code, fragments the output must contain)
POLICY_CASES: list[tuple[str, Callable[[Audit], object], int, tuple[str, ...]]] = [
    # --- duplicate keys at several depths -----------------------------------------------------------------------
    ("dup-checks-block", lambda a: _text() + "checks:\n- {id: weak, kind: performance, thresholds: "
                                             "{accuracy: {min: 0.0}}}\n",
     2, ("policy.yaml", "'checks' is written twice", "lines")),
    ("dup-threshold-key", _replace("max: 0.2", "max: 0.2\n      max: 0.9"), 2,
     ("checks[0].thresholds.demographic_parity_difference.max", "written twice")),
    ("dup-flow-threshold", lambda a: _text(checks=[]).replace(
        "checks: []", "checks:\n- {id: p, kind: group_fairness, attributes: [sex], severity: blocker,\n"
                      "   thresholds: {demographic_parity_difference: {max: 0.1, max: 0.9}}}"),
     2, ("thresholds.demographic_parity_difference.max", "lines 3")),
    ("dup-policy-key", _replace("approved_by: tests", "approved_by: tests\n  approved_by: nobody"), 2,
     ("policy.approved_by", "written twice")),
    ("dup-schema-version", lambda a: "schema_version: 1\n" + _text(), 2, ("schema_version", "lines 1 and 2")),
    ("dup-severity", _replace("severity: blocker", "severity: blocker\n  severity: info"), 2,
     ("checks[0].severity", "written twice")),
    ("dup-statistics", _replace("seed: 3", "seed: 3\n  seed: 4"), 2, ("statistics.seed", "written twice")),
    ("dup-in-attribute", _replace("column: sex", "column: sex\n  column: gender"), 2,
     ("protected_attributes[0].column", "written twice")),
    ("dup-data-label", _replace("label: y", "label: y\n  label: noise"), 2, ("data.label", "written twice")),
    ("dup-true-yes", lambda a: _text() + "gate: {fail_on_regression: true}\n"
                                         "report: {language: en, language: de}\n",
     2, ("report.language", "written twice")),
    # --- aliases, bombs, nesting, size ------------------------------------------------------------------------
    ("billion-laughs", lambda a: _bomb(9, 9) + _text(), 2, ("too many aliases", "AUDITKIT_POLICY_MAX_ALIASES")),
    ("alias-doubling-bomb", lambda a: _doubling(17) + _text(), 2,
     ("expands to more than 100000", "AUDITKIT_POLICY_MAX_NODES")),
    ("recursive-alias", lambda a: "loop: &loop [*loop]\n" + _text(), 2, ("recursive alias", "line 1")),
    ("alias-within-budget-unknown-key", lambda a: "x: &x 1\ny: *x\n" + _text(), 2, ("unknown key 'x'",)),
    ("deep-flow-nesting", lambda a: _text() + "report: " + "[" * 5000 + "]" * 5000 + "\n", 2,
     ("nesting deeper than 32", "AUDITKIT_POLICY_MAX_DEPTH")),
    ("deep-block-nesting", lambda a: _text() + "report:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)),
     2, ("nesting deeper than 32",)),
    ("huge-document", lambda a: _text() + "# " + "x" * (1 << 20) + "\n", 2,
     ("more than the limit of 1048576 bytes", "AUDITKIT_POLICY_MAX_BYTES")),
    ("huge-title-50mb", lambda a: _text() + "report: {title: " + "T" * (50 << 20) + "}\n", 2, ("1048576 bytes",)),
    ("long-title-field", lambda a: _text(report={"title": "T" * 30000}), 2,
     ("report.title is 30000 characters", "AUDITKIT_POLICY_MAX_SCALAR_CHARS")),
    ("long-key", lambda a: _text() + "k" * 30000 + ": 1\n", 2, ("invalid YAML", "line 39")),
    # --- dates ------------------------------------------------------------------------------------------------
    ("date-month-13", _replace("effective_from: '2026-01-01'", "effective_from: 2026-13-45"), 2,
     ("policy.effective_from (line", "'2026-13-45' is not a valid date", "YYYY-MM-DD")),
    ("date-feb-30", _replace("effective_from: '2026-01-01'", "effective_from: 2026-02-30"), 2,
     ("policy.effective_from", "day is out of range")),
    ("datetime-hour-25", _replace("effective_from: '2026-01-01'", "effective_from: 2026-01-01T25:00:00"), 2,
     ("policy.effective_from", "not a valid date")),
    ("date-as-text", _replace("effective_from: '2026-01-01'", "effective_from: next tuesday"), 2,
     ("policy.effective_from", "must be a date like 2026-11-01")),
    ("date-as-number", _replace("effective_from: '2026-01-01'", "effective_from: 20260101"), 2,
     ("policy.effective_from",)),
    # --- wrong types and values -------------------------------------------------------------------------------
    ("bootstrap-text", _replace("bootstrap: 200", "bootstrap: many"), 2, ("statistics.bootstrap", "whole number")),
    ("checks-mapping", _replace("checks:\n", "checks_list:\n"), 2, ("checks",)),
    ("checks-is-mapping", lambda a: _text(checks=[]).replace("checks: []", "checks: {id: x}"), 2,
     ("checks", "list")),
    ("attributes-string", _doc(protected_attributes="sex"), 2, ("protected_attributes",)),
    ("threshold-out-of-range", _doc(checks=[_check(thresholds={"demographic_parity_difference": {"max": 5}})]), 2,
     ("checks[0].thresholds.demographic_parity_difference.max", "between 0 and 1, got 5")),
    ("threshold-nan", _replace("max: 0.2", "max: .nan"), 2, ("demographic_parity_difference.max",)),
    ("threshold-inf", _replace("max: 0.2", "max: .inf"), 2, ("demographic_parity_difference.max",)),
    ("threshold-wrong-direction", _doc(checks=[_check(thresholds={"demographic_parity_difference": {"min": 0.1}})]),
     2, ("takes a 'max' limit",)),
    ("misspelt-threshold", _doc(checks=[_check(thresholds={"demographic_parity_diference": {"max": 0.1}})]), 2,
     ("demographic_parity_diference",)),
    ("min-group-size-0", _replace("min_group_size: 10", "min_group_size: 0"), 2, ("statistics.min_group_size",)),
    ("confidence-1", lambda a: _text().replace("bootstrap: 200", "bootstrap: 200\n  confidence: 1.0"), 2,
     ("statistics.confidence", "strictly between 0 and 1")),
    ("unknown-kind", _doc(checks=[_check(kind="group_fairnes")]), 2,
     ("checks[0].kind", "did you mean 'group_fairness'")),
    ("unknown-top-key", lambda a: _text() + "chekcs: []\n", 2, ("unknown key 'chekcs'",)),
    ("missing-label", lambda a: _text().replace("  label: y\n", ""), 2, ("data.label", "required key is missing")),
    ("schema-version-2", _doc(schema_version=2), 2, ("schema_version", "got 2")),
    ("undeclared-attribute", _doc(checks=[_check(attributes=["race"])]), 2,
     ("checks[0].attributes[0]", "'race' is not declared")),
    ("duplicate-check-ids", _doc(checks=[PARITY, PARITY]), 2, ("checks[1].id", "already used")),
    ("reference-not-in-values",
     _doc(protected_attributes=[{"name": "sex", "column": "sex", "values": ["female", "male"], "reference": "x"}]),
     2, ("protected_attributes[0]", "reference 'x'")),
    # --- not YAML, not a mapping, not text ------------------------------------------------------------------
    ("empty-file", lambda a: "", 2, ("policy.yaml", "YAML mapping")),
    ("only-comments", lambda a: "# nothing here\n", 2, ("YAML mapping",)),
    ("top-level-list", lambda a: "- a\n- b\n", 2, ("YAML mapping", "a list")),
    ("top-level-scalar", lambda a: "just text\n", 2, ("YAML mapping",)),
    ("unclosed-bracket", lambda a: _text() + "report: {formats: [html\n", 2, ("invalid YAML", "line")),
    ("tab-indent", lambda a: _text().replace("  id: corpus", "\tid: corpus"), 2, ("invalid YAML",)),
    ("two-documents", lambda a: _text() + "---\nschema_version: 1\n", 2, ("invalid YAML",)),
    ("python-tag", lambda a: _text() + "x: !!python/object/apply:os.system ['echo pwned']\n", 2,
     ("invalid YAML",)),
    ("nul-byte", lambda a: _text() + "x: \x00\n", 2, ("invalid YAML",)),
    ("latin1-bytes", lambda a: _text().encode().replace(b"name: corpus-system", b"name: corpus-system\n"
                                                                             b"  provider: Soci\xe9t\xe9"),
     2, ("not UTF-8", "byte")),
    ("utf16-bytes", lambda a: _text().encode("utf-16"), 2, ("not UTF-8",)),
    # --- model options ---------------------------------------------------------------------------------------
    ("hf-trust-remote-code", _doc(model={**HF, "options": {"trust_remote_code": True}}, data={
        "path": "data.csv", "label": "y", "favourable_label": 1, "text_column": "sex"}),
     2, ("model.options.trust_remote_code", "allow_remote_code: true")),
    ("hf-unknown-option", _doc(model={**HF, "options": {"from_tf": True}}, data={
        "path": "data.csv", "label": "y", "favourable_label": 1, "text_column": "sex"}),
     2, ("model.options.from_tf", "allowed options")),
    ("hf-bad-dtype", _doc(model={**HF, "options": {"torch_dtype": "int8"}}, data={
        "path": "data.csv", "label": "y", "favourable_label": 1, "text_column": "sex"}),
     2, ("model.options.torch_dtype", "must be one of")),
    ("allow-remote-code-on-torch", _doc(allow_remote_code=True), 2, ("allow_remote_code", "huggingface")),
    ("allow-remote-code-text", lambda a: _text() + "allow_remote_code: sure\n", 2, ("allow_remote_code",)),
]


@pytest.mark.parametrize(("build", "code", "fragments"), [pytest.param(b, c, f, id=i) for i, b, c, f in POLICY_CASES])
def test_bad_policy(audit, gate, build, code, fragments):
    audit.write_policy(build(audit))
    expect(gate(audit.policy), audit, code, *fragments)


# --- paths that are not policy files ------------------------------------------------------------------------------


def test_missing_policy_file(audit, gate):
    expect(gate(audit.root / "nope.yaml"), audit, 2, "nope.yaml")


def test_policy_path_is_a_directory(audit, gate):
    expect(gate(audit.root), audit, 2, "directory")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_policy_is_dev_zero_fails_fast(audit, gate):
    start = time.perf_counter()
    expect(gate("/dev/zero"), audit, 2, "/dev/zero", "not a regular file")
    assert time.perf_counter() - start < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_policy_is_a_fifo_fails_fast(audit, gate):
    fifo = audit.root / "pipe.yaml"
    os.mkfifo(fifo)
    expect(gate(fifo), audit, 2, "pipe.yaml", "not a regular file")


# --- limits are configurable ---------------------------------------------------------------------------------------


def test_a_lowered_size_limit_names_itself(audit, gate, monkeypatch):
    monkeypatch.setenv("AUDITKIT_POLICY_MAX_BYTES", "200")
    expect(gate(audit.policy), audit, 2, "limit of 200 bytes", "AUDITKIT_POLICY_MAX_BYTES")


def test_a_malformed_limit_variable_is_an_error(audit, gate, monkeypatch):
    monkeypatch.setenv("AUDITKIT_POLICY_MAX_DEPTH", "deep")
    expect(gate(audit.policy), audit, 2, "AUDITKIT_POLICY_MAX_DEPTH='deep'", "positive whole number")


def test_a_raised_alias_limit_lets_anchors_through(audit, gate, monkeypatch):
    # 40 alias uses: refused by default, accepted with a raised limit (then only the unknown keys remain)
    text = "a: &a 1\n" + "".join(f"b{i}: *a\n" for i in range(40)) + audit.policy_text()
    audit.write_policy(text)
    expect(gate(audit.policy), audit, 2, "too many aliases")
    monkeypatch.setenv("AUDITKIT_POLICY_MAX_ALIASES", "100")
    text = expect(gate(audit.policy), audit, 2, "unknown key 'a'")
    assert "too many aliases" not in text


# --- accepted inputs: the gate's verdict, not an error ---------------------------------------------------------------


def test_bom_and_crlf_policy_is_accepted(audit, gate):
    audit.write_policy(b"\xef\xbb\xbf" + audit.policy_text().replace("\n", "\r\n").encode())
    expect(gate(audit.policy), audit, {0, 3}, "gate:")
    assert audit.runs() == ["complete"]


def test_anchors_within_budget_are_accepted(audit, gate):
    doc = audit.policy_text()
    doc = doc.replace("checks:\n", "x-limits: &lim {max: 0.2}\nchecks:\n")
    doc = doc.replace("demographic_parity_difference:\n        max: 0.2", "demographic_parity_difference: *lim")
    audit.write_policy(doc)
    # 'x-limits' is not a policy key: the alias itself is fine, the unknown key is reported by name
    expect(gate(audit.policy), audit, 2, "unknown key 'x-limits'")


def test_a_hand_built_huggingface_spec_cannot_smuggle_options():
    # the adapter re-checks the allow-list: a ModelSpec built in Python never reaches from_pretrained unchecked
    from auditkit.adapters.hf import _pretrained_options
    from auditkit.errors import ModelError
    from auditkit.policy.schema import ModelSpec

    spec = ModelSpec(type="huggingface", path="dir", options={"from_tf": True, "torch_dtype": "float32"})
    with pytest.raises(ModelError, match="'from_tf' not allowed for type: huggingface"):
        _pretrained_options(spec, False)
    assert _pretrained_options(ModelSpec(type="huggingface", path="dir", options={"revision": "main"}), False) == {
        "revision": "main"}
    # trust_remote_code needs the policy's top-level opt-in, which the runner passes through load_adapter
    remote = ModelSpec(type="huggingface", path="dir", options={"trust_remote_code": True})
    with pytest.raises(ModelError, match="needs allow_remote_code: true"):
        _pretrained_options(remote, False)
    assert _pretrained_options(remote, True) == {"trust_remote_code": True}
