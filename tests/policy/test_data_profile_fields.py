"""``data.units`` and ``data.training``: optional policy fields of the data profile (Art. 10, Annex IV 2(d))."""

from __future__ import annotations

import copy

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
    "data": {"path": "d.csv", "label": "default", "favourable_label": 0, "features": ["income_k", "debt_ratio"]},
    "protected_attributes": [{"name": "sex", "column": "sex"}, {"name": "age", "column": "age_band"}],
    "checks": [{"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex"}],
}


def _parse(**data):
    doc = copy.deepcopy(BASE)
    doc["data"].update(data)
    return parse_policy(yaml.safe_dump(doc, sort_keys=False), source="p.yaml", kinds=registry.param_models())


def test_units_and_training_load_for_features_and_protected_columns():
    loaded = _parse(units={"income_k": "kEUR", "age_band": "years"},
                    training={"description": "2019-2024 applications, DE", "fingerprint": "sha256:ab12"})
    assert loaded.policy.data.units == {"income_k": "kEUR", "age_band": "years"}
    assert loaded.policy.data.training.description == "2019-2024 applications, DE"
    assert loaded.policy.data.training.fingerprint == "sha256:ab12"


def test_both_fields_are_optional():
    data = _parse().policy.data
    assert data.units == {} and data.training is None


def test_unit_for_an_unknown_column_names_the_path_and_the_columns_found():
    with pytest.raises(PolicyError) as info:
        _parse(units={"income_k": "kEUR", "incme": "EUR"})
    ((path, message),) = info.value.problems
    assert path.startswith("data.units.incme (line ")
    assert "'incme'" in message and "did you mean 'income_k'?" in message
    assert "columns found: income_k, debt_ratio, sex, age_band" in message
    assert "data.units.incme" in str(info.value)


def test_the_label_column_takes_no_unit():
    with pytest.raises(PolicyError) as info:
        _parse(units={"default": "flag"})
    assert info.value.problems[0][0].startswith("data.units.default")


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("units", {"income_k": ""}, "at least 1 character"),
    ("units", ["kEUR"], "must be a mapping"),
    ("training", {"descripton": "x"}, "unknown key 'descripton' (did you mean 'description'?)"),
])
def test_malformed_fields_are_refused_with_their_path(field, value, fragment):
    with pytest.raises(PolicyError) as info:
        _parse(**{field: value})
    assert any(path.startswith(f"data.{field}") and fragment in msg for path, msg in info.value.problems), \
        info.value.problems
