"""Section 9 trend charts (auditkit.report.trend): key metrics across stored audits, as SVG in the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

from report_samples import make_previous, make_run

from auditkit.i18n import use_language
from auditkit.report import render_report
from auditkit.report.trend import MAX_CHARTS, MAX_RUNS, trend_charts, trends
from auditkit.report.view import build_view
from auditkit.results import Measurement, Status

SVG = "{http://www.w3.org/2000/svg}"


def _older(k: int, ratio: float, status: Status = Status.PASS, threshold: float = 0.8):
    """An audit ``k`` months before the previous one with the given parity ratio."""
    prev = make_previous()
    outcomes = tuple(
        dataclasses.replace(o, measurements=(Measurement(
            "demographic_parity_ratio", ratio, ratio - 0.04, ratio + 0.04, threshold=threshold, comparator=">=",
            status=status, confidence=0.95),)) if o.check_id == "selection-parity" else o
        for o in prev.outcomes)
    start = prev.started_at - dt.timedelta(days=30 * k)
    return dataclasses.replace(prev, run_id=f"old-{k}", started_at=start, finished_at=start, outcomes=outcomes)


def test_trends_follow_the_key_metrics_oldest_first():
    run, prev = make_run(), make_previous()
    with use_language("en"):
        found = trends([prev, _older(1, 0.9), _older(2, 0.95)], run)
    # thresholded measurements of this run that an earlier audit measured too
    keys = [(t.check_id, t.name, t.group) for t in found]
    assert ("selection-parity", "demographic_parity_ratio", None) in keys
    assert ("accuracy", "accuracy", "male") in keys
    # demographic_parity_difference is thresholded now but was never measured before: no trend
    assert ("selection-parity", "demographic_parity_difference", None) not in keys
    parity = next(t for t in found if t.name == "demographic_parity_ratio")
    assert [p.measurement.value for p in parity.points] == [0.95, 0.9, 0.86, 0.58]
    assert parity.points[-1].label == "this audit" and parity.points[0].label.startswith("2026-")


def test_trends_are_bounded_to_the_last_runs():
    with use_language("en"):
        found = trends([_older(k, 0.9) for k in range(1, 20)], make_run())
    assert all(len(t.points) == MAX_RUNS for t in found)
    parity = next(t for t in found if t.name == "demographic_parity_ratio")
    assert parity.points[0].measurement is not None  # the oldest kept is old-9, the 9th before this run


def test_trend_chart_is_svg_with_intervals_and_threshold():
    run = make_run()
    history = [make_previous(), _older(1, 0.9, threshold=0.75)]
    with use_language("en"):
        charts, omitted = trend_charts(history, run)
    assert omitted == 0
    chart = next(c for c in charts if c.caption.startswith("selection-parity: Demographic parity ratio"))
    assert "in 3 audits" in chart.caption
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    # one hover title per audit, each value with its interval and threshold
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "0.5800 [0.5400, 0.6200] ≥ 0.8" in " ".join(titles)
    assert "0.9000 [0.8600, 0.9400] ≥ 0.75" in " ".join(titles)
    dashed = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    assert len(dashed) == 1 and len(dashed[0].get("points").split()) == 6  # a threshold step per audit
    # the FAIL of this audit is a square, the earlier PASSes circles
    assert any(r.get("fill") == "#b71c1c" for r in root.iter(f"{SVG}rect"))
    assert chart.svg == trend_charts(history, run)[0][charts.index(chart)].svg  # deterministic


def test_many_metrics_are_capped_with_a_note():
    run = make_run()
    extra = tuple(Measurement(f"m{i}", 0.5, 0.4, 0.6, threshold=0.7, comparator="<=", status=Status.PASS,
                              confidence=0.95) for i in range(MAX_CHARTS + 3))
    outcomes = tuple(dataclasses.replace(o, measurements=o.measurements + extra) if o.check_id == "accuracy" else o
                     for o in run.outcomes)
    many = dataclasses.replace(run, outcomes=outcomes)
    before = dataclasses.replace(make_previous(), outcomes=outcomes)
    with use_language("en"):
        charts, omitted = trend_charts([before, _older(1, 0.9)], many)
    # 21 key metrics in both runs: accuracy (overall and 2 groups), parity ratio and difference, eo, m0..m14
    assert len(charts) == MAX_CHARTS and omitted == 21 - MAX_CHARTS


def test_section_9_of_the_report_shows_the_trends():
    run, prev = make_run(), make_previous()
    view = build_view(run, report_id="R", version=2, previous=prev, history=[prev, _older(1, 0.9)])
    assert view.changes.trends and view.changes.trend_lead.startswith("Each thresholded measurement")
    html = render_report(run, report_id="R", version=2, previous=prev, history=[prev, _older(1, 0.9)],
                         formats=("html",)).html.decode()
    section = html.split('id="changes"', 1)[1].split('id="signoff"', 1)[0]
    assert "Trend of the key metrics" in section and section.count('<figure class="chart"><svg') == len(
        view.changes.trends)
    # two audits are a comparison (section 9's tables), not a trend: no charts below three audits
    assert not build_view(run, report_id="R", version=2, previous=prev).changes.trends
    assert build_view(run, report_id="R", version=1).changes is None


def test_trends_in_german():
    run, prev = make_run(), make_previous()
    with use_language("de"):
        charts, _ = trend_charts([prev, _older(1, 0.9)], run)
    assert "Prüfungen" in charts[0].caption and "diese Prüfung" in charts[0].svg
