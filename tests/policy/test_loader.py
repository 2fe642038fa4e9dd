"""Policy loading: valid policies load; each malformed one names its YAML path, the bad value and the fix."""

from __future__ import annotations

import copy
import hashlib

import pytest
import yaml

from auditkit.checks import registry
from auditkit.errors import PolicyError
from auditkit.policy import load_policy, parse_policy

BASE = {
    "schema_version": 1,
    "policy": {"id": "credit-scoring-eu", "version": 3, "effective_from": "2026-11-01", "approved_by": "Head of Risk"},
    "system": {"name": "retail-credit-scorer", "version": "2.4.0", "provider": "Example Bank AG"},
    "model": {"type": "torch", "factory": "model.py:build", "weights": "m.safetensors"},
    "data": {"path": "data.csv", "label": "default", "favourable_label": 0, "features": ["income", "debt"]},
    "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"], "reference": "male"}],
    "checks": [
        {"id": "acc", "kind": "performance", "attributes": ["sex"], "thresholds": {"accuracy": {"min": 0.7}}},
        {"id": "parity", "kind": "group_fairness", "attributes": ["sex"], "severity": "blocker",
         "thresholds": {"demographic_parity_ratio": {"min": 0.8}}},
    ],
}


def _load(doc: dict):
    return parse_policy(yaml.safe_dump(doc, sort_keys=False), source="p.yaml", kinds=registry.param_models())


def _problems(doc: dict) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as info:
        _load(doc)
    return info.value.problems


def _mutate(path: str, value, *, delete: bool = False) -> dict:
    doc = copy.deepcopy(BASE)
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = doc
    for k in keys[:-1]:
        node = node[k]
    if delete:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return doc


def test_valid_policy_loads_with_params_and_hash():
    text = yaml.safe_dump(BASE, sort_keys=False)
    loaded = parse_policy(text, kinds=registry.param_models())
    assert loaded.policy.policy.version == "3"
    assert loaded.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert loaded.check_params["parity"].thresholds["demographic_parity_ratio"].min == 0.8
    # defaults filled in from methods.md
    assert loaded.policy.statistics.confidence == 0.95 and loaded.policy.statistics.correction == "holm"


def test_canonical_text_normalises_line_endings_and_bom(tmp_path):
    text = yaml.safe_dump(BASE, sort_keys=False)
    unix, dos = tmp_path / "a.yaml", tmp_path / "b.yaml"
    unix.write_bytes(text.encode())
    dos.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert load_policy(unix).sha256 == load_policy(dos).sha256


# (mutation, expected path, expected message fragment) — each a distinct user mistake.
CASES = [
    (lambda: _mutate("checks.1.thresholds", {"demographic_parity_ratio": {"min": 5}}),
     "checks[1].thresholds.demographic_parity_ratio.min", "must be between 0 and 1, got 5"),
    (lambda: _mutate("schema_version", 2, delete=False), "schema_version", "reads schema_version 1, got 2"),
    (lambda: _mutate("policy.effective_from", "next tuesday"), "policy.effective_from",
     "must be a date like 2026-11-01, got 'next tuesday'"),
    (lambda: _mutate("policy.approved_by", None, delete=True), "policy.approved_by", "required key is missing"),
    (lambda: _mutate("policy.efective_from", "2026-01-01"), "policy.efective_from",
     "unknown key 'efective_from' (did you mean 'effective_from'?)"),
    (lambda: _mutate("checks.0.kind", "performanse"), "checks[0].kind",
     "unknown check kind 'performanse' (did you mean 'performance'?); known kinds: "),
    (lambda: _mutate("checks.1.attributes", ["gender"]), "checks[1].attributes[0]",
     "attribute 'gender' is not declared; declared protected_attributes: sex"),
    (lambda: _mutate("checks.1.severity", "critical"), "checks[1].severity",
     "must be one of 'blocker', 'major', 'minor' or 'info', got 'critical'"),
    (lambda: _mutate("model.type", "tensorflow"), "model.type",
     "must be one of 'torch', 'huggingface', 'huggingface-causal', 'sklearn', 'xgboost', 'lightgbm', 'onnx' or "
     "'mlflow', got 'tensorflow'"),
    (lambda: _mutate("model.type", None, delete=True), "model.type", "required key is missing"),
    # the union's tag never shows in the path: the author wrote model.factory, not model.torch.factory
    (lambda: _mutate("model.factory", 3), "model.factory", "must be a string"),
    (lambda: _mutate("model", {"type": "xgboost"}), "model.path", "required key is missing"),
    (lambda: _mutate("model", {"type": "xgboost", "path": "m.json", "factory": "m.py:f"}), "model.factory",
     "unknown key 'factory'; allowed keys here: "),
    (lambda: _mutate("model", {"type": "sklearn", "path": "m.pkl", "trusted": ["a.B"], "allow_pickle": True}),
     "model", "a pickle file is all or nothing"),
    (lambda: {**_mutate("model", {"type": "lightgbm", "path": "m.txt"}), "allow_remote_code": True},
     "allow_remote_code", "applies to type: huggingface, huggingface-causal models only"),
    (lambda: _mutate("model", {"type": "sklearn", "path": "m.skops", "allow_pickle": True}), "model",
     "a skops archive is loaded without pickle"),
    (lambda: _mutate("model", {"type": "mlflow", "uri": "models:/credit/Production"}), "model.uri",
     "registry stages (Staging, Production) are deprecated in MLflow: write models:/credit/VERSION"),
    (lambda: _mutate("model", {"type": "mlflow", "uri": "models:/credit/1", "flavour": "pyfunc"}), "model.flavour",
     "must be one of 'xgboost', 'lightgbm', 'onnx' or 'sklearn', got 'pyfunc'"),
    (lambda: _mutate("model.torchscript", "m.pt"), "model",
     "a torch model needs exactly one of 'factory'"),
    (lambda: _mutate("statistics", {"confidence": 1.5}), "statistics.confidence",
     "must be strictly between 0 and 1, got 1.5"),
    (lambda: _mutate("statistics", {"bootstrap": 10}), "statistics.bootstrap", "must be ≥ 100, got 10"),
    (lambda: _mutate("statistics", {"correction": "sidak"}), "statistics.correction",
     "must be one of 'holm', 'bonferroni', 'fdr_bh' or 'none', got 'sidak'"),
    (lambda: _mutate("protected_attributes.0.reference", "other"), "protected_attributes[0]",
     "reference 'other' is not one of values [female, male]"),
    (lambda: _mutate("protected_attributes.0.column", None, delete=True), "protected_attributes[0]",
     "needs 'column' (a data column) or 'lexicon'"),
    (lambda: _mutate("checks.1.id", "acc"), "checks[1].id", "check id 'acc' is already used by checks[0]"),
    (lambda: _mutate("checks.0.thresholds", {"auc": {"min": 0.7}}), "checks[0].thresholds.auc",
     "must be one of 'accuracy', 'selection_rate', 'tpr', 'fpr' or 'fnr'"),
    (lambda: _mutate("checks.1.thresholds", {"demographic_parity_ratio": {"max": 0.8}}),
     "checks[1].thresholds", "demographic_parity_ratio takes a 'min' limit"),
    (lambda: _mutate("checks.1.thresholds", {"demographic_parity_ratio": {"min": 0.8, "max": 0.9}}),
     "checks[1].thresholds.demographic_parity_ratio", "give exactly one of 'min' or 'max'"),
    (lambda: _mutate("checks.0.thresholds", {}), "checks[0].thresholds", "needs at least 1 item(s), got 0"),
    (lambda: _mutate("data.features", []), "data.features", "a torch tabular model needs 'features'"),
    (lambda: {**_mutate("model", {"type": "xgboost", "path": "m.json"}), "data": {**BASE["data"], "features": []}},
     "data.features", "a xgboost tabular model needs 'features'"),
    (lambda: _mutate("checks", []), "checks", "needs at least 1 item(s), got 0"),
    (lambda: _mutate("model.batch_size", "lots"), "model.batch_size", "must be a whole number, got 'lots'"),
    (lambda: _mutate("protected_attributes.0.model_input", True), "protected_attributes[0].model_input",
     "column 'sex' is not in data.features"),
    (lambda: _mutate("system.name", "retail credit scorer"), "system.name",
     "must start with a letter or digit and contain only letters, digits"),
    (lambda: _mutate("checks.1.bootstrap", 500), "checks[1].bootstrap", "unknown key"),
]


@pytest.mark.parametrize(("make", "path", "fragment"), CASES, ids=[c[1] + "|" + c[2][:30] for c in CASES])
def test_bad_policy_names_path_and_fix(make, path, fragment):
    problems = _problems(make())
    matching = [(p, m) for p, m in problems if p.split(" (line")[0] == path and fragment in m]
    assert matching, f"expected {path}: ...{fragment}... in {problems}"


def test_errors_carry_line_numbers_and_all_problems_at_once(tmp_path):
    text = """schema_version: 1
policy: {id: p, version: 1, effective_from: 2026-11-01, approved_by: me}
system: {name: s, version: 1}
model: {type: torch, factory: "m.py:f"}
data: {path: d.csv, label: y, favourable_label: 1, features: [a]}
protected_attributes:
  - {name: sex, column: sex}
statistics:
  confidence: 5
  min_group_size: 0
checks:
  - {id: c, kind: performance, thresholds: {accuracy: {min: 0.7}}}
"""
    f = tmp_path / "p.yaml"
    f.write_text(text)
    with pytest.raises(PolicyError) as info:
        load_policy(f)
    msg = str(info.value)
    assert "2 problems" in msg
    assert "statistics.confidence (line 9): must be strictly between 0 and 1, got 5" in msg
    assert "statistics.min_group_size (line 10): must be ≥ 1, got 0" in msg


def test_invalid_yaml_and_non_mapping_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy: {id: [unclosed\n")
    with pytest.raises(PolicyError, match=r"line \d+, column \d+: invalid YAML"):
        load_policy(bad)
    lst = tmp_path / "list.yaml"
    lst.write_text("- a\n- b\n")
    with pytest.raises(PolicyError, match="must be a YAML mapping of sections, got a list"):
        load_policy(lst)
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")


def test_yaml_is_loaded_safely(tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("schema_version: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(PolicyError, match="invalid YAML"):
        load_policy(evil)


def test_attribute_shorthand_for_group_fairness():
    doc = _mutate("checks.1", {"id": "parity", "kind": "group_fairness", "attribute": "sex"})
    loaded = _load(doc)
    assert loaded.check_params["parity"].attributes == ["sex"]
