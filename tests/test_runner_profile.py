"""The runner profiles the audit data from the frame it loaded (one read of the file) and stores the profile."""

from __future__ import annotations

import pandas as pd
import pytest

import auditkit
import auditkit.data.loader as loader
from auditkit.data.profile import DataProfile
from auditkit.report.html import render_html
from auditkit.report.view import build_view
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"accuracy": {"min": 0.1}}}
DATA = {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", "noise"], "units": {"x": "cm"}}


def test_run_stores_the_profile_of_the_data_it_read_once(analytic, tmp_path, monkeypatch):
    policy = analytic({"female": 0.3, "male": 0.6}, [PERF], n_per_group=400, data=DATA)
    reads = []
    original = loader.read_frame
    monkeypatch.setattr(loader, "read_frame", lambda *a, **kw: reads.append(1) or original(*a, **kw))
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
        stored = store.get_run(run.run_id)
    assert len(reads) == 1
    profile = DataProfile.from_json(stored.data_profile)
    frame = pd.read_csv(tmp_path / "data.csv")
    assert (profile.n_rows, profile.label, profile.favourable_label, profile.confidence) == (800, "y", "1", 0.95)
    x, noise, sex = profile.columns
    assert (x.name, x.unit, x.kind, x.minimum, x.maximum, x.missing_share) == ("x", "cm", "numeric", 0.25, 0.75, 0.0)
    female, male = x.by_group[0].groups  # x is 0.75 for exactly 30 % of women and 60 % of men
    assert female.mean == pytest.approx(0.25 + 0.5 * 0.3) and male.mean == pytest.approx(0.25 + 0.5 * 0.6)
    assert noise.unit is None and noise.minimum == pytest.approx(frame["noise"].min())
    assert (sex.role, sex.kind, [c.value for c in sex.categories]) == ("protected", "categorical", ["female", "male"])
    (rates,) = profile.base_rates
    expected = frame.groupby("sex")["y"].agg(["sum", "count"])
    for g in rates.groups:
        assert (g.favourable, g.n) == (expected.loc[g.group, "sum"], expected.loc[g.group, "count"])
        assert g.rate == pytest.approx(g.favourable / g.n) and g.ci_low < g.rate < g.ci_high


def test_the_report_of_a_fresh_run_prints_its_profile(analytic, tmp_path):
    policy = analytic({"female": 0.5, "male": 0.5}, [PERF], n_per_group=200, data=DATA)
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    view = build_view(run, report_id="R", version=1, language="en")
    assert [row[:2] for row in view.data_profile.rows] == [("x", "cm"), ("noise", "—"), ("sex", "—")]
    (sentence,) = view.base_rates
    assert sentence.startswith("Favourable outcome (y = 1) by sex: female ")
    assert sentence in render_html(view).decode()
    assert "favourable outcome" in view.opinion.numbers[0] and "95% confidence" in view.opinion.numbers[0]
