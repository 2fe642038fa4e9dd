"""Chart specifications are validated where checks build them (auditkit.chartspec), with the rules the report draws by.

The report's own malformed-spec tests (tests/report/test_spec_charts.py) show that stored data never breaks a
report; these show that a check cannot produce such data in the first place without an error naming the chart.
"""

from __future__ import annotations

import numpy as np
import pytest

from auditkit import chartspec
from auditkit.chartspec import SpecError, validate_charts
from auditkit.report import spec_charts

LINES = {"type": "lines", "title": "Cascading randomisation", "x_ticks": ["1 of 3", "2 of 3", "3 of 3"],
         "series": [{"name": "Integrated Gradients", "x": [0.0, 1.0, 2.0], "y": [0.6, 0.3, 0.1]}],
         "reference_lines": [{"y": 0.5, "label": "sanity limit"}]}
HEATMAP = {"type": "heatmap", "title": "Rank correlation", "rows": ["a", "b"], "columns": ["a", "b"],
           "values": [[1.0, 0.4], [0.4, None]], "range": [-1, 1]}
BARS = {"type": "bars", "title": "Flip rate", "bars": [{"label": "female", "value": 0.1, "low": 0.05, "high": 0.2,
                                                        "n": 30}], "reference": {"value": 0.01, "label": "tolerance"}}


def test_valid_charts_pass_and_parse_into_typed_records():
    validate_charts({"charts": [LINES, HEATMAP, BARS]})
    validate_charts({})  # no charts: nothing to check
    validate_charts({"charts": []})
    lines = chartspec.parse(LINES)
    assert isinstance(lines, chartspec.LinesSpec) and lines.series[0].x == (0.0, 1.0, 2.0)
    assert lines.reference_lines == ((0.5, "sanity limit"),)
    heat = chartspec.parse(HEATMAP)
    assert isinstance(heat, chartspec.HeatmapSpec) and heat.values[1] == (0.4, None) and heat.range == (-1.0, 1.0)
    bars = chartspec.parse(BARS)
    assert isinstance(bars, chartspec.BarsSpec) and bars.bars[0].n == 30 and bars.reference == (0.01, "tolerance")


def test_numpy_values_validate_as_they_will_be_stored():
    """Checks build charts from numpy results; the runner turns them into plain JSON afterwards."""
    spec = {**LINES, "series": [{"name": "IG", "x": np.arange(3, dtype=float), "y": np.array([0.6, np.nan, 0.1])}]}
    validate_charts({"charts": [spec]})
    assert chartspec.parse(spec).series[0].y == (0.6, None, 0.1)


def test_an_invalid_chart_raises_naming_the_chart_and_the_reason():
    """The bug of issue #13: stage numbers 1..3 given as x positions of three named ticks."""
    bad = {**LINES, "series": [{"name": "Integrated Gradients", "x": [1.0, 2.0, 3.0], "y": [0.6, 0.3, 0.1]}]}
    with pytest.raises(SpecError) as caught:
        validate_charts({"charts": [HEATMAP, bad]})
    assert str(caught.value) == ("chart 2 ('Cascading randomisation') in details['charts']: series 1 "
                                 "('Integrated Gradients'): 'x' must be positions 0 to 2 of 'x_ticks'")


@pytest.mark.parametrize(("details", "reason"), [
    ({"charts": {"type": "bars"}}, "details['charts'] must be a list, not dict"),
    ({"charts": ["heatmap"]}, "chart 1 in details['charts']: a chart specification must be an object, not 'heatmap'"),
    ({"charts": [{"type": "sankey", "title": "t"}]}, "unknown chart type 'sankey' (known: bars, heatmap, lines)"),
    ({"charts": [{**BARS, "bars": [{"label": "a", "value": None}]}]}, "no bar has a value"),
    ({"charts": [{**HEATMAP, "values": [[1.0, 0.4], [0.4]]}]}, "values[1] has 1 values, expected 2"),
    ({"charts": [{**LINES, "series": [{"name": "s", "x": [0, 1], "y": [None, None]}]}]},
     "no series has a y value to draw"),
])
def test_each_rule_gives_its_reason(details, reason):
    with pytest.raises(SpecError) as caught:
        validate_charts(details)
    assert reason in str(caught.value)


def test_the_report_draws_every_type_the_validator_accepts():
    """One renderer per parser: a chart that validates is never an unknown type to the report."""
    assert set(spec_charts.RENDERERS) == set(chartspec.PARSERS)
    for spec in (LINES, HEATMAP, BARS):
        chart = spec_charts.draw(spec)
        assert chart.error == "" and chart.svg.startswith("<svg")


def test_x_markers_parse_and_are_optional():
    assert chartspec.parse(LINES).x_markers == ()
    numeric = {"type": "lines", "title": "Selection gap", "series": [{"name": "gap", "x": [0.1, 0.5, 0.9],
                                                                      "y": [0.05, 0.2, 0.05]}],
               "x_markers": [{"x": 0.42, "label": "operating point"}, {"x": np.float64(0.95)}]}
    validate_charts({"charts": [numeric]})
    assert chartspec.parse(numeric).x_markers == ((0.42, "operating point"), (0.95, ""))
    named = {**LINES, "x_markers": [{"x": 2, "label": "last"}]}
    assert chartspec.parse(named).x_markers == ((2.0, "last"),)


@pytest.mark.parametrize(("markers", "reason"), [
    ({"x": 0.5}, "'x_markers' must be a list of {x, label} objects"),
    ([0.5], "'x_markers' must be a list of {x, label} objects"),
    ([{"x": "half"}], "x marker 1 'x' must be a number, not 'half'"),
    ([{"x": float("nan")}], "x marker 1 'x' is nan, which cannot be drawn"),
    ([{"x": 3}], "'x_markers' must be positions 0 to 2 of 'x_ticks'"),
    ([{"x": 0}] * 9, "'x_markers' has 9 markers, more than the 8 one chart can show"),
])
def test_malformed_x_markers_give_their_reason(markers, reason):
    with pytest.raises(SpecError) as caught:
        validate_charts({"charts": [{**LINES, "x_markers": markers}]})
    assert reason in str(caught.value)
