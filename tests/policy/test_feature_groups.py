"""``data.feature_groups``: categorical variables over several columns, validated against data.features."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from auditkit.checks import registry
from auditkit.errors import PolicyError
from auditkit.policy import parse_policy

BASE = {
    "schema_version": 1,
    "policy": {"id": "p", "version": 1, "effective_from": "2026-01-01", "approved_by": "x"},
    "system": {"name": "s", "version": "1"},
    "model": {"type": "torch", "factory": "m.py:build"},
    "data": {"path": "d.csv", "label": "y", "favourable_label": 1,
             "features": ["age", "country_us", "country_mx", "citizen_yes", "citizen_no"]},
    "protected_attributes": [{"name": "sex", "column": "sex"}],
    "checks": [{"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex"}],
}


def _parse(groups):
    doc = copy.deepcopy(BASE)
    doc["data"]["feature_groups"] = groups
    return parse_policy(yaml.safe_dump(doc, sort_keys=False), source="p.yaml", kinds=registry.param_models())


def test_declared_groups_load():
    groups = {"country": ["country_us", "country_mx"], "citizen": ["citizen_yes", "citizen_no"]}
    assert _parse(groups).policy.data.feature_groups == groups


def test_groups_default_to_none_declared():
    doc = parse_policy(yaml.safe_dump(BASE), source="p.yaml", kinds=registry.param_models())
    assert doc.policy.data.feature_groups == {}


@pytest.mark.parametrize(("groups", "fragment"), [
    ({"country": ["country_us", "country_fr"]}, "data.feature_groups.country names 'country_fr', not in "
                                                "data.features"),
    ({"a": ["country_us", "country_mx"], "b": ["country_mx", "age"]},
     "column 'country_mx' of data.feature_groups.b is also in data.feature_groups.a"),
    ({"a": ["age", "age"]}, "column 'age' of data.feature_groups.a is listed twice"),
    ({"a": []}, "data.feature_groups.a lists no column"),
    (["country_us"], "must be a mapping"),
])
def test_bad_groups_name_the_yaml_path_and_the_fix(groups, fragment):
    with pytest.raises(PolicyError) as info:
        _parse(groups)
    problems = info.value.problems
    assert any(p.startswith("data.feature_groups") and fragment in m for p, m in problems), problems


def test_a_prefix_rule_groups_every_feature_it_starts():
    doc = _parse({"country": {"prefix": "country_"}, "citizen": ["citizen_yes", "citizen_no"]})
    data = doc.policy.data
    assert data.groups == {"country": ["country_us", "country_mx"], "citizen": ["citizen_yes", "citizen_no"]}
    assert data.feature_groups["country"].prefix == "country_"  # stored as written (the policy text is the record)


@pytest.mark.parametrize(("groups", "fragment"), [
    ({"purpose": {"prefix": "purpose_"}}, "data.feature_groups.purpose: prefix 'purpose_' matches no column"),
    ({"a": ["country_us", "age"], "b": {"prefix": "country_"}},
     "column 'country_us' of data.feature_groups.b is also in data.feature_groups.a"),
    ({"a": {"prefix": ""}}, "at least 1 character"),
    ({"a": {"prefx": "country_"}}, "prefx"),
])
def test_bad_prefix_rules_name_the_yaml_path_and_the_fix(groups, fragment):
    with pytest.raises(PolicyError) as info:
        _parse(groups)
    problems = info.value.problems
    assert any(p.startswith("data.feature_groups") and fragment in m for p, m in problems), problems


def test_the_policy_json_schema_offers_both_group_forms():
    jsonschema = pytest.importorskip("jsonschema")
    from auditkit.api import policy_json_schema

    schema = policy_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = json.loads(json.dumps(copy.deepcopy(BASE)))
    doc["data"]["feature_groups"] = {"country": {"prefix": "country_"}, "citizen": ["citizen_yes", "citizen_no"]}
    jsonschema.validate(doc, schema)
    doc["data"]["feature_groups"] = {"country": {"starts": "country_"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
