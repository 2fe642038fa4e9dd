"""``group_fairness``: sensitivity of the selection gap to the decision threshold, on scores whose gap is known.

The model returns its input as the logit, so its score is exactly the score written in the data. Group
``female`` scores uniformly on (0, 1), group ``male`` uniformly on (0.5, 1) (grids that avoid every multiple of
0.01), so at a threshold t the selection rates are ``1 − t`` and ``min(1, 2·(1 − t))``: the gap is ``t`` up to
0.5 and ``1 − t`` above.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from test_calibration import MODEL_PY  # the identity-logit model: score = sigmoid(x)

import auditkit
from auditkit.i18n import LANGUAGES, use_language
from auditkit.i18n.render import localise, text
from auditkit.report.spec_charts import draw
from auditkit.results import Status
from auditkit.store import open_store

OPERATING = 0.42  # off the grid of 0.05 steps: the sweep adds it
CHECK = {"id": "parity", "kind": "group_fairness", "attributes": ["sex"]}


def _gap(t: float) -> float:
    return t if t <= 0.5 else 1 - t


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    female = np.repeat((np.arange(100) + 0.5) / 100, 4)
    male = np.repeat(0.5 + (np.arange(100) + 0.5) / 200, 4)
    scores = np.concatenate([female, male])
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": np.log(scores / (1 - scores)), "sex": ["female"] * 400 + ["male"] * 400,
                          "y": rng.integers(0, 2, 800)})
    frame.to_csv(tmp / "data.csv", index=False)
    (tmp / "ident.py").write_text(MODEL_PY)
    policy = {
        "schema_version": 1,
        "policy": {"id": "sweep", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "sweep-system", "version": "1"},
        "model": {"type": "torch", "factory": "ident.py:build", "decision_threshold": OPERATING},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 400, "seed": 3},
        "checks": [CHECK],
    }
    (tmp / "policy.yaml").write_text(yaml.safe_dump(policy, sort_keys=False))
    with open_store(f"sqlite:///{tmp / 'a.db'}") as store:
        return auditkit.run_audit(tmp / "policy.yaml", store=store, device="cpu", report=False).outcome("parity")


def test_the_measured_gap_is_the_known_gap_at_the_operating_point(outcome):
    dpd = outcome.measurement("demographic_parity_difference")
    assert dpd.value == pytest.approx(_gap(OPERATING)) and outcome.status is Status.FAIL


def test_the_curve_gives_the_known_gap_at_every_threshold_with_the_operating_point_marked(outcome):
    (chart,) = outcome.evidence.charts
    assert chart["type"] == "lines" and "table" not in chart  # the table prints three of its points only
    (series,) = chart["series"]
    xs = series["x"]
    assert len(xs) == 20 and xs == sorted(xs) and OPERATING in xs  # 0.05 ... 0.95 and the operating point
    assert series["y"] == pytest.approx([100 * _gap(t) for t in xs])  # percentage points
    assert all(lo <= y <= hi for lo, y, hi in zip(series["low"], series["y"], series["high"], strict=True))
    at = xs.index(0.3)
    assert series["low"][at] > 20 and series["high"][at] < 40
    assert [m["x"] for m in chart["x_markers"]] == [OPERATING]
    assert [r["y"] for r in chart["reference_lines"]] == [pytest.approx(10.0)]  # the default limit, 0.1


def test_the_operating_point_carries_the_measurement_itself(outcome):
    """Chart, table and measurement show one interval for the gap at the operating point."""
    dpd = outcome.measurement("demographic_parity_difference")
    series = outcome.evidence.charts[0]["series"][0]
    at = series["x"].index(OPERATING)
    assert (series["y"][at], series["low"][at], series["high"][at]) == pytest.approx(
        (100 * dpd.value, 100 * dpd.ci_low, 100 * dpd.ci_high))
    table = next(tb for tb in outcome.evidence.tables if tb.title.key == "group_fairness.table.sweep")
    assert [r[0].key for r in table.rows] == ["group_fairness.sweep.operating", "group_fairness.sweep.smallest",
                                              "group_fairness.sweep.largest"]
    operating, smallest, largest = table.rows
    assert operating[1:] == pytest.approx((OPERATING, (0.58 + 1.0) / 2, dpd.value, dpd.ci_low, dpd.ci_high))
    assert smallest[1] == pytest.approx(0.05) and smallest[3] == pytest.approx(0.05)  # 0.95 ties: the lowest
    assert largest[1] == pytest.approx(0.5) and largest[3] == pytest.approx(0.5)


def test_the_sweep_is_diagnostic_and_leaves_the_verdict_alone(outcome):
    assert outcome.evidence.verdict.rule == "interval_beyond_limit"
    assert "group_fairness.note.sweep" in [n.key for n in outcome.evidence.notes]
    assert {m.name for m in outcome.measurements} == {
        "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
        "equalized_odds_ratio", "equal_opportunity_difference", "equal_opportunity_ratio", "impact_ratio"}


def test_the_chart_and_table_render_in_every_language(outcome):
    for lang in LANGUAGES:
        with use_language(lang):
            drawn = draw(localise(outcome.evidence.charts[0]))
            titles = [text(tb.title) for tb in outcome.evidence.tables]
        assert drawn.error == "" and drawn.svg.startswith("<svg"), (lang, drawn.error)
        assert len(set(titles)) == 2


def test_a_gap_the_same_at_every_threshold_takes_one_row(analytic, tmp_path):
    """The step model scores about 0 or 1: every threshold of the grid selects the same rows, gap 30 points."""
    with open_store(f"sqlite:///{tmp_path / 'b.db'}") as store:
        out = auditkit.run_audit(analytic({"female": 0.3, "male": 0.6}, [CHECK]), store=store, device="cpu",
                                 report=False).outcome("parity")
    table = next(tb for tb in out.evidence.tables if tb.title.key == "group_fairness.table.sweep")
    assert [r[0].key for r in table.rows] == ["group_fairness.sweep.operating", "group_fairness.sweep.constant"]
    assert table.rows[0][1] == 0.5 and table.rows[1][1:3] == (None, None)
    assert table.rows[1][3] == pytest.approx(0.3)
