"""Every ready policy in policies/ and samples/ loads and validates, check parameters included."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.checks import registry
from auditkit.policy import load_policy
from auditkit.resources import resource_dir

SHIPPED = sorted(resource_dir("policies").glob("*.yaml"))
SAMPLES = sorted(resource_dir("samples").glob("*/policy*.yaml"))


def test_required_policies_are_shipped():
    names = {p.name for p in SHIPPED}
    assert {"eu-ai-act-credit-scoring.yaml", "eu-ai-act-employment-screening.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED + SAMPLES, ids=lambda p: f"{Path(p).parent.name}/{Path(p).name}")
def test_policy_loads(path):
    loaded = load_policy(path, kinds=registry.param_models())
    assert loaded.policy.checks
    assert set(loaded.check_params) == {c.id for c in loaded.policy.checks}
    assert any(c.severity == "blocker" for c in loaded.policy.checks), "a ready policy should gate on something"
