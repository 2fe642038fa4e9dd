"""The charts of a real attribution_agreement run validate, and an invalid one fails the check where it is built.

Issue #13: the cascading-randomisation chart gave its stages' layer counts (1, 2, 3) as x positions of three
named ticks (0, 1, 2), so the report printed "chart could not be drawn" in its place.
"""

from __future__ import annotations

import pytest
from test_attribution_agreement import FAST, run_check

from auditkit.chartspec import SpecError, parse, validate_charts
from auditkit.checks._agreement_report import AgreementReport
from auditkit.i18n import LANGUAGES, use_language
from auditkit.i18n.render import localise
from auditkit.report.spec_charts import spec_charts
from auditkit.results import Status

CASCADE = "Cascading randomisation: similarity to the trained model"
CASCADE_KEY = "attribution_agreement.chart.cascade.title"


def test_the_randomisation_chart_of_a_real_run_validates_and_draws(tmp_path):
    out = run_check(tmp_path, FAST)
    cascade_spec = next(c for c in out.evidence.charts if c["title"].key == CASCADE_KEY)
    for lang in LANGUAGES:  # every chart, localised, validates and draws in every report language
        with use_language(lang):
            charts = {"charts": [localise(c) for c in out.evidence.charts]}
            validate_charts(charts)
            assert all(chart.error == "" for chart in spec_charts(charts))
    with use_language("en"):
        cascade = parse(localise(cascade_spec))
    assert cascade.title == CASCADE
    ticks = cascade.x_ticks
    assert ticks is not None and len(ticks) >= 2 and ticks[0].startswith("1 of ")
    assert len(cascade.series) == 4 and cascade.series[0].name == "Integrated Gradients"  # one per method
    assert all(s.x == tuple(float(i) for i in range(len(ticks))) for s in cascade.series)
    with use_language("de"):
        assert parse(localise(cascade_spec)).x_ticks[0].startswith("1 von ")


def test_an_invalid_chart_is_an_error_of_the_check_not_a_note_in_the_report(tmp_path, monkeypatch):
    def stage_numbers_as_positions(self, res, limit, table):  # the chart as it was built before the fix
        return {"type": "lines", "title": CASCADE, "x_ticks": [str(s) for s in res.stages],
                "series": [{"name": self.title(m), "x": [float(s) for s in res.stages],
                            "y": [0.0] * len(res.stages)} for m in self.attrs]}

    monkeypatch.setattr(AgreementReport, "_cascade_chart", stage_numbers_as_positions)
    (tmp_path / "strict").mkdir()
    with pytest.raises(SpecError, match=r"chart 1 \('Cascading randomisation: .*'\) in details\['charts'\]: "
                                        r"series 1 \('Integrated Gradients'\): 'x' must be positions 0 to "):
        run_check(tmp_path / "strict", FAST)
    (tmp_path / "lenient").mkdir()
    out = run_check(tmp_path / "lenient", FAST, strict=False)
    assert out.status is Status.ERROR and "must be positions 0 to" in (out.error or "")
