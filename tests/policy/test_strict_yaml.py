"""Strict, bounded policy YAML: duplicate keys, aliases, depth, size, dates and model options at the loader level."""

from __future__ import annotations

import time

import pytest
import yaml

from auditkit.checks import registry
from auditkit.errors import PolicyError
from auditkit.policy import load_policy, parse_policy
from auditkit.policy.strict_yaml import PolicyLimits, load

BASE = {
    "schema_version": 1,
    "policy": {"id": "p", "version": 1, "effective_from": "2026-11-01", "approved_by": "Head of Risk"},
    "system": {"name": "s", "version": "1"},
    "model": {"type": "torch", "factory": "model.py:build"},
    "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x"]},
    "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
    "checks": [{"id": "parity", "kind": "group_fairness", "attributes": ["sex"],
                "thresholds": {"demographic_parity_difference": {"max": 0.1}}}],
}
TEXT = yaml.safe_dump(BASE, sort_keys=False)


def _problems(text: str, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="p.yaml", kinds=registry.param_models(), **kwargs)
    return info.value.problems


def test_duplicate_keys_name_the_path_and_both_lines_and_are_all_reported():
    text = TEXT.replace("approved_by: Head of Risk", "approved_by: Head of Risk\n  approved_by: Intern")
    text += "checks: []\n"
    problems = _problems(text)
    assert [p[0].split(" ")[0] for p in problems] == ["policy.approved_by", "checks"]
    assert "(lines 6 and 7)" in problems[0][1]
    assert "written twice" in problems[1][1]


def test_merge_keys_may_override_without_a_duplicate_error():
    data, _, problems = load("base: &b {a: 1, c: 2}\nchild:\n  <<: *b\n  a: 3\n", PolicyLimits())
    assert problems == [] and data["child"] == {"a": 3, "c": 2}


def test_equal_keys_written_differently_are_duplicates():
    _, _, problems = load("m:\n  yes: 1\n  true: 2\n", PolicyLimits())
    assert len(problems) == 1 and problems[0][0] == ("m", True)


def test_alias_bombs_fail_fast():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    start = time.perf_counter()
    problems = _problems("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1
    assert "too many aliases" in problems[0][1] and "AUDITKIT_POLICY_MAX_ALIASES" in problems[0][1]


def test_the_line_index_visits_each_aliased_node_once():
    # 30 aliases of doubling lists expand to 10·2^29 values: bounded by the expanded-size limit, in milliseconds
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 16)]
    start = time.perf_counter()
    problems = _problems("\n".join(lines) + "\n", limits=PolicyLimits(max_aliases=1000))
    assert time.perf_counter() - start < 1
    assert "expands to more than 100000 values" in problems[0][1]


def test_limits_come_from_the_argument_or_the_environment(monkeypatch):
    deep = TEXT + "report: " + "[" * 10 + "]" * 10 + "\n"
    assert "deeper than 5 levels" in _problems(deep, limits=PolicyLimits(max_depth=5))[0][1]
    monkeypatch.setenv("AUDITKIT_POLICY_MAX_DEPTH", "4")
    assert "deeper than 4 levels" in _problems(TEXT)[0][1]
    monkeypatch.setenv("AUDITKIT_POLICY_MAX_DEPTH", "0")
    assert "AUDITKIT_POLICY_MAX_DEPTH='0'" in _problems(TEXT)[0][1]


def test_size_and_scalar_limits(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(TEXT)
    with pytest.raises(PolicyError, match="limit of 100 bytes"):
        load_policy(path, limits=PolicyLimits(max_bytes=100))
    long = TEXT.replace("approved_by: Head of Risk", "approved_by: " + "x" * 500)
    assert "policy.approved_by is 500 characters" in _problems(long, limits=PolicyLimits(max_scalar_chars=100))[0][1]


def test_impossible_dates_are_policy_problems_with_their_path():
    text = TEXT.replace("effective_from: '2026-11-01'", "effective_from: 2026-13-45")
    problems = _problems(text)
    assert problems[0][0] == "policy.effective_from (line 5)"
    assert "'2026-13-45' is not a valid date (month must be in 1..12)" in problems[0][1]


def test_a_valid_policy_still_loads_with_real_dates():
    loaded = parse_policy(TEXT.replace("'2026-11-01'", "2026-11-01"), kinds=registry.param_models())
    assert str(loaded.policy.policy.effective_from) == "2026-11-01"


HF = {**BASE, "model": {"type": "huggingface", "path": "dir"},
      "data": {"path": "d.csv", "label": "y", "favourable_label": 1, "text_column": "text"}}


def _hf(options: dict, **top: object) -> str:
    return yaml.safe_dump({**HF, "model": {**HF["model"], "options": options}, **top}, sort_keys=False)


def test_huggingface_options_are_allow_listed():
    assert parse_policy(_hf({"torch_dtype": "float32", "revision": "main"}), kinds=registry.param_models())
    problems = _problems(_hf({"from_tf": True, "torch_dtype": "int8"}))
    assert problems[0][0].startswith("model.options.from_tf") and "allowed options" in problems[0][1]
    assert problems[1][0].startswith("model.options.torch_dtype") and "must be one of" in problems[1][1]


def test_trust_remote_code_needs_allow_remote_code():
    problems = _problems(_hf({"trust_remote_code": True}))
    assert problems[0][0].startswith("model.options.trust_remote_code")
    assert "allow_remote_code: true" in problems[0][1]
    loaded = parse_policy(_hf({"trust_remote_code": True}, allow_remote_code=True), kinds=registry.param_models())
    assert loaded.policy.allow_remote_code is True


def test_torch_factory_options_stay_free():
    doc = {**BASE, "model": {**BASE["model"], "options": {"hidden": 8, "anything": "goes"}}}
    assert parse_policy(yaml.safe_dump(doc), kinds=registry.param_models()).policy.model.options["hidden"] == 8
