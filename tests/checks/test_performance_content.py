"""``performance`` content for the intended purpose: confusion counts per group, ROC AUC and Gini with intervals,
score distributions with the decision threshold, on data small enough to count by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from analytic_audit import write_audit

import auditkit
from auditkit.evidence import ColumnRole, Msg, Role, Unit
from auditkit.i18n import LANGUAGES, use_language
from auditkit.i18n.render import localise
from auditkit.report.spec_charts import draw
from auditkit.results import Status
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"selection_rate": {"min": 0.1}}}

# the step model decides favourably where x >= 0.5 (score 0.99...) and unfavourably where x = 0.25 (score 0.00...)
ROWS = [  # (sex, x, y)
    ("female", 0.75, 1), ("female", 0.75, 1), ("female", 0.75, 0),
    ("female", 0.25, 1), ("female", 0.25, 0), ("female", 0.25, 0),
    ("male", 0.75, 1), ("male", 0.75, 0), ("male", 0.75, 0), ("male", 0.75, 0),
    ("male", 0.25, 1), ("male", 0.25, 0),
]


@pytest.fixture
def outcome(tmp_path):
    frame = pd.DataFrame([{"x": x, "noise": 0.0, "sex": s, "y": y} for s, x, y in ROWS])
    policy = write_audit(tmp_path, frame, [PERF], model={"type": "torch", "factory": "step.py:build",
                                                          "decision_threshold": 0.3})
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        return auditkit.run_audit(policy, store=store, device="cpu", report=False).outcome("perf")


def test_confusion_counts_per_group_equal_a_hand_count(outcome):
    assert outcome.status is Status.PASS
    (table,) = outcome.evidence.tables
    keys = [c.header.key.rsplit(".", 1)[1] for c in table.columns]
    assert keys[:6] == ["group", "n", "tp", "fp", "tn", "fn"] and "base_rate" in keys
    assert [c.role for c in table.columns[:6]] == [ColumnRole.GROUP, ColumnRole.N, *[ColumnRole.VALUE] * 4]
    rows = {r[0]: dict(zip(keys, r, strict=True)) for r in table.rows}
    # female: favourable decisions (x = 0.75) with y = 1, 1, 0; unfavourable (x = 0.25) with y = 1, 0, 0
    assert {k: rows["sex=female"][k] for k in ("n", "tp", "fp", "tn", "fn")} == {"n": 6, "tp": 2, "fp": 1, "tn": 2,
                                                                                 "fn": 1}
    # male: favourable with y = 1, 0, 0, 0; unfavourable with y = 1, 0
    assert {k: rows["sex=male"][k] for k in ("n", "tp", "fp", "tn", "fn")} == {"n": 6, "tp": 1, "fp": 3, "tn": 1,
                                                                               "fn": 1}
    assert rows["sex=male"]["base_rate"] == pytest.approx(2 / 6) and rows["sex=male"]["tpr"] == pytest.approx(0.5)
    assert "performance.note.confusion" in [n.key for n in outcome.evidence.notes]


def test_roc_auc_and_gini_equal_a_hand_count_with_ties(outcome):
    # AUC = (pairs positive above negative + ½·tied pairs) / (positives · negatives); two score levels per row
    # female: positives 2 high, 1 low; negatives 1 high, 2 low: (2·2 + ½·(2·1 + 1·2)) / 9 = 6/9
    # male: positives 1 high, 1 low; negatives 3 high, 1 low: (1·1 + ½·(1·3 + 1·1)) / 8 = 3/8
    # overall: positives 3 high, 2 low; negatives 4 high, 3 low: (3·3 + ½·(3·4 + 2·3)) / 35 = 18/35
    for group, auc in ((None, 18 / 35), ("sex=female", 6 / 9), ("sex=male", 3 / 8)):
        m, g = outcome.measurement("roc_auc", group), outcome.measurement("gini", group)
        assert m.value == pytest.approx(auc) and m.n == (12 if group is None else 6)
        assert 0.0 <= m.ci_low < m.value < m.ci_high <= 1.0
        assert (g.value, g.ci_low, g.ci_high) == pytest.approx((2 * auc - 1, 2 * m.ci_low - 1, 2 * m.ci_high - 1))
        for x in (m, g):
            assert x.unit == Unit.SCORE and x.role == Role.DIAGNOSTIC and x.status is None and x.threshold is None
            assert x.confidence == pytest.approx(0.95)
    assert not any(r.startswith(("roc_auc", "gini")) for r in outcome.evidence.verdict.reads)
    assert "ROC AUC 0.514" in outcome.summary and "Gini 0.029" in outcome.summary


def test_score_distribution_chart_marks_the_decision_threshold_and_draws(outcome):
    (chart,) = outcome.evidence.charts
    assert chart["type"] == "lines" and "table" not in chart  # no table prints the shares
    assert [m["x"] for m in chart["x_markers"]] == [0.3]  # the policy's decision threshold, not the default 0.5
    female, male = chart["series"]
    assert (female["name"], male["name"]) == ("sex=female", "sex=male")
    assert sum(female["y"]) == pytest.approx(100.0) and sum(male["y"]) == pytest.approx(100.0)
    assert female["y"][0] == pytest.approx(50.0) and female["y"][-1] == pytest.approx(50.0)  # scores ≈ 0 and ≈ 1
    assert male["y"][-1] == pytest.approx(400 / 6)
    for lang in LANGUAGES:
        with use_language(lang):
            drawn = draw(localise(chart))
        assert drawn.error == "" and drawn.svg.startswith("<svg"), (lang, drawn.error)


def test_a_group_with_one_true_label_has_an_undefined_auc_and_says_so(tmp_path):
    rows = [("female", 0.75, 1), ("female", 0.25, 1), ("male", 0.75, 1), ("male", 0.25, 0)]
    frame = pd.DataFrame([{"x": x, "noise": 0.0, "sex": s, "y": y} for s, x, y in rows])
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        out = auditkit.run_audit(write_audit(tmp_path, frame, [PERF]), store=store, device="cpu",
                                 report=False).outcome("perf")
    assert out.measurement("roc_auc", "sex=female").value is None
    male = out.measurement("roc_auc", "sex=male")  # one positive above one negative: separated, score interval
    assert male.value == 1.0 and male.ci_high == 1.0 and male.ci_low < 0.5
    keys = {n.key: n for n in out.evidence.notes}
    assert keys["performance.note.auc_undefined"].params["groups"] == ["sex=female"]
    # overall: one negative row, so DeLong's variance is undefined there too
    assert keys["performance.note.auc_separated"].params["groups"] == [Msg("performance.overall"), "sex=male"]

