"""Conformance of every registered check kind (issue #13 item 7), driven by the check registry.

Adding a check kind adds it to every test here: its parameters validate from the smallest example and keep one
fingerprint through a JSON round trip; run on a small real model its outcome round-trips through the store on
SQLite and PostgreSQL with typed evidence (a verdict whose rule is one of the kind's and agrees with the
measurements it read, units and roles on every measurement, every message and measurement name in every
catalogue, chart specifications that parse in every language); every rule has its criterion in every catalogue;
and the report renders it in every language without a missing message. A kind whose required parameters have
no example below fails loudly, naming the field.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import auditkit
from auditkit.chartspec import validate_charts
from auditkit.checks import check_fingerprint, registry
from auditkit.evidence import EVIDENCE_VERSION, Unit, verdict_problems
from auditkit.i18n import LANGUAGES, messages, use_language
from auditkit.i18n.render import localise, missing_keys
from auditkit.report import render_report
from auditkit.store import open_store

KINDS = sorted(registry.kinds())

#: Example values of required parameters, by field name (the toy audit below has attribute "sex").
EXAMPLES = {"attribute": "sex", "attributes": ["sex"], "thresholds": {"accuracy": {"min": 0.5}}}
#: Smaller settings for fields that only cost time (applied where a kind has the field).
QUICK = {"n_permutations": 19, "random_draws": 5, "max_probe_examples": 400, "max_fit_examples": 800, "folds": 3,
         "input_resamples": 50, "attribution_examples": 50, "refit_resamples": 50, "draws": 2, "n_examples": 40,
         "sanity_examples": 20, "ceiling_examples": 20, "background_size": 20, "seeds": 2, "max_evals": 100,
         "n_samples": 10, "n_steps": 16, "curve_points": 5, "explanations": 1, "random_orders": 2}

MODEL_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
        with torch.no_grad():
            model[0].bias.fill_(1.0)
        return model
    """
)


def example(kind: str, *, quick: bool = False) -> dict:
    """The smallest parameters of ``kind``: its required fields from :data:`EXAMPLES`."""
    cls = registry.get(kind)
    required = cls.Params.model_json_schema().get("required", [])
    missing = [f for f in required if f not in EXAMPLES]
    assert not missing, f"check kind {kind!r} requires {missing}: add an example value to EXAMPLES"
    params = {f: EXAMPLES[f] for f in required}
    if quick:
        params.update({k: v for k, v in QUICK.items() if k in cls.Params.model_fields})
    return params


@pytest.mark.parametrize("kind", KINDS)
def test_example_parameters_validate_with_one_fingerprint(kind):
    cls = registry.get(kind)
    params = cls.Params.model_validate(example(kind))
    again = cls.Params.model_validate(params.model_dump(mode="json"))
    assert again == params
    assert check_fingerprint(kind, cls.version, again) == check_fingerprint(kind, cls.version, params)
    quick = cls.Params.model_validate(example(kind, quick=True))
    assert check_fingerprint(kind, cls.version, quick) != check_fingerprint(kind, cls.version, params) or \
        quick == params


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_rule_has_its_criterion_in_every_language(kind, language):
    rules = registry.get(kind).rules
    assert rules, f"{kind} declares no rules (Check.rules): nothing could say what decided its verdict"
    catalogue = messages(language)
    assert [r for r in rules if f"{kind}.rule.{r}" not in catalogue] == []


def assert_typed_evidence(kind: str, outcome) -> None:
    """The outcome's evidence is typed and consistent: the verdict's rule is one of the kind's, it agrees with what
    it read, every measurement has a unit, a role and a name in every catalogue, every chart parses."""
    ev = outcome.evidence
    assert ev is not None and ev.version == EVIDENCE_VERSION
    if outcome.status.value not in ("SKIPPED", "ERROR"):
        assert ev.verdict is not None and ev.verdict.rule in registry.get(kind).rules
    assert verdict_problems(outcome.status, ev.verdict, outcome.measurements) == []
    for m in outcome.measurements:
        assert m.unit in {u.value for u in Unit}, m
        assert m.role in ("decisive", "diagnostic"), m
    for language in LANGUAGES:
        assert missing_keys(ev.messages(), language) == []
        names = [m.name for m in outcome.measurements if f"{kind}.measure.{m.name}" not in messages(language)]
        assert names == [], f"{kind}: measurement names without a {language} catalogue entry"
        with use_language(language):
            validate_charts({"charts": [localise(c) for c in ev.charts]})


def _audit(tmp_path: Path, kind: str, language: str = "en") -> Path:
    rng = np.random.default_rng(0)
    n = 600
    sex = rng.choice(["female", "male"], size=n)
    x = rng.normal(size=n)
    proxy = np.where(sex == "female", -1.0, 1.0) + rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "proxy": proxy, "sex": sex, "y": (x + 0.3 * proxy > 0).astype(int)})
    frame.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "model.py").write_text(MODEL_PY)
    policy = {
        "schema_version": 1,
        "policy": {"id": "conformance", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "conformance", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build"},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", "proxy"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 200, "seed": 3},
        "report": {"language": language},
        "checks": [{"id": "c", "kind": kind, **example(kind, quick=True)}],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_outcome_round_trips_through_the_store_and_its_charts_validate(kind, db_url, tmp_path):
    with open_store(db_url) as store:
        run = auditkit.run_audit(_audit(tmp_path, kind), store=store, device="cpu", report=False)
        outcome = run.outcome("c")
        assert outcome.status.value not in ("ERROR", "SKIPPED"), outcome.summary
        assert store.get_run(run.run_id).outcome("c") == outcome
    assert_typed_evidence(kind, outcome)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_report_renders_the_outcome_in_every_language(kind, language, tmp_path):
    """A message missing from a catalogue is a ReportError, so rendering is the test; no chart may fail."""
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        run = auditkit.run_audit(_audit(tmp_path, kind, language), store=store, device="cpu", report=False)
    html = render_report(run, report_id="conformance", version=1, formats=("html",)).html.decode()
    assert f'lang="{language}"' in html
    assert "could not be drawn" not in html
