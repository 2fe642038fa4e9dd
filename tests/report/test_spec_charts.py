"""Charts specified by checks in details["charts"]: each type, determinism, escaping, malformed specs, fit."""

from __future__ import annotations

import copy
import dataclasses
import io
import math
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from report_samples import CHART_SPECS, HOSTILE, LAYERS, make_chart_run, without_report_script

from auditkit.report import render_report, spec_charts, svg
from auditkit.report.spec_charts import draw
from auditkit.report.view import build_view

NS = "{http://www.w3.org/2000/svg}"
HEATMAP, LINES, BARS, UNKNOWN = CHART_SPECS


def _root(spec) -> ET.Element:
    chart = draw(spec)
    assert chart.error == "" and chart.svg.startswith("<svg"), chart.error
    return ET.fromstring(chart.svg)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


# --- each type ---------------------------------------------------------------------------------------------


def test_heatmap_cells_annotations_nulls_and_legend():
    root = _root(HEATMAP)
    texts = _texts(root)
    assert "0.83 [0.79, 0.86]" in texts or {"0.83", "[0.79, 0.86]"} <= set(texts)  # one line or two
    assert texts.count("—") >= 2  # the two null cells
    assert "Spearman rank correlation" in texts and {"0.0", "0.5", "1.0"} <= set(texts)  # legend bar and ticks
    assert "— no value" in texts
    assert set(HEATMAP["rows"]) <= set(texts)
    assert any(line.get("stroke") == "#9a9a9a" for line in root.iter(f"{NS}line"))  # hatching of null cells
    assert root.find(f"{NS}title").text == HEATMAP["title"]


def test_heatmap_shades_read_in_greyscale_and_text_contrasts():
    values = [[0.0, 0.25, 0.5, 0.75, 1.0]]
    spec = {"type": "heatmap", "title": "t", "rows": ["r"], "columns": list("abcde"), "values": values,
            "value_label": "v", "range": [0, 1]}
    root = _root(spec)
    cells = list(root.iter(f"{NS}rect"))[:5]  # the cells come first, in row order
    lums = [svg.luminance(r.get("fill")) for r in cells]
    assert lums == sorted(lums, reverse=True) and lums[0] - lums[-1] > 0.7  # lightness falls as value rises
    inks = [t.get("fill") for t in root.iter(f"{NS}text") if t.text in ("0.00", "1.00")]
    assert inks == ["#111111", "#ffffff"]  # dark text on the light cell, white on the dark one


def test_empty_annotations_fall_back_and_legend_has_ticks():
    spec = {"type": "heatmap", "title": "Δ by value pair", "rows": ["a", "b"], "columns": ["a", "b"],
            "values": [[None, -0.042], [0.038, None]], "annotations": [["", "-0.042"], ["+0.038", ""]],
            "value_label": "mean Δ", "range": [-0.042, 0.042]}
    texts = _texts(_root(spec))
    assert texts.count("—") == 2  # an empty annotation shows what an absent one would
    assert {"-0.04", "0.00", "0.04"} <= set(texts)  # legend ticks even on a narrow symmetric range


def test_diverging_heatmap_is_centred_at_zero():
    spec = {"type": "heatmap", "title": "t", "rows": ["r"], "columns": ["a", "b", "c"],
            "values": [[-0.2, 0.0, 0.2]], "value_label": "Δ", "diverging": True}
    fills = [r.get("fill") for r in _root(spec).iter(f"{NS}rect")][:3]
    lums = [svg.luminance(c) for c in fills]
    assert lums[1] > lums[0] and lums[1] > lums[2] and abs(lums[0] - lums[2]) < 0.1  # white middle, equal depth
    assert fills[0] != fills[2]  # two hues
    assert "centred at 0" in draw(spec).caption


def test_lines_series_bands_reference_and_categorical_ticks():
    root = _root(LINES)
    polylines = list(root.iter(f"{NS}polyline"))
    assert len(polylines) == 2
    assert polylines[0].get("stroke-dasharray") is None and polylines[1].get("stroke-dasharray")  # dash differs
    assert polylines[0].get("stroke") != polylines[1].get("stroke")
    bands = [p for p in root.iter(f"{NS}polygon") if p.get("fill-opacity")]
    assert len(bands) == 1  # only the series with low and high
    texts = _texts(root)
    assert "chance" in texts and "Layer" in texts and "Probe accuracy" in texts
    assert set(LAYERS) <= set(texts)  # every layer named, in full
    assert {"0.5", "0.6", "0.7", "0.8"} <= set(texts)  # round y ticks
    assert "linear probe" in texts and "after erasure" in texts  # legend
    markers = {el.tag for el in root.iter() if el.tag in (f"{NS}circle", f"{NS}rect")}
    assert f"{NS}circle" in markers  # series 1 circles, series 2 squares (rect)
    caption = draw(LINES).caption
    assert "Shaded bands" in caption and "chance = 0.5" in caption


def test_lines_numeric_x_and_gaps():
    spec = {"type": "lines", "title": "Decision curve", "x_label": "Age", "y_label": "P(approve)",
            "series": [{"name": "median", "x": list(range(18, 81)),
                        "y": [None if a == 40 else 0.2 + a / 200 for a in range(18, 81)], "low": None,
                        "high": None}], "x_ticks": None, "reference_lines": None}
    root = _root(spec)
    assert len(list(root.iter(f"{NS}polyline"))) == 2  # the null at age 40 breaks the line
    assert {"20", "40", "60", "80"} <= set(_texts(root))


def _vertical_dashed(root: ET.Element) -> list[ET.Element]:
    return [ln for ln in root.iter(f"{NS}line") if ln.get("x1") == ln.get("x2") and ln.get("stroke-dasharray")]


def test_lines_x_markers_are_vertical_dashed_lines_with_labels():
    spec = {"type": "lines", "title": "Selection gap by decision threshold", "x_label": "decision threshold",
            "y_label": "gap (pp)", "series": [{"name": "gap", "x": [0.1, 0.3, 0.5, 0.7, 0.9],
                                               "y": [5.0, 15.0, 25.0, 15.0, 5.0], "low": [2.0, 11, 20, 11, 2],
                                               "high": [8.0, 19, 30, 19, 8]}],
            "reference_lines": [{"y": 10.0, "label": "limit"}],
            "x_markers": [{"x": 0.3, "label": "operating point"}, {"x": 0.8, "label": "alternative"}]}
    root = _root(spec)
    verticals = _vertical_dashed(root)
    assert len(verticals) == 2
    xs = [float(v.get("x1")) for v in verticals]
    frame = next(r for r in root.iter(f"{NS}rect") if r.get("stroke") == "#000")  # the plot frame
    left, width = float(frame.get("x")), float(frame.get("width"))
    # 0.3 and 0.8 on an axis from 0.1 to 0.9: a quarter and seven eighths of the way across
    assert xs == pytest.approx([left + width * 0.25, left + width * 0.875], abs=0.1)
    assert all(float(v.get("y1")) == pytest.approx(float(frame.get("y"))) for v in verticals)
    labels = {t.text: t for t in root.iter(f"{NS}text")}
    assert labels["operating point"].get("text-anchor") == "start"  # left half: the label runs right of the line
    assert labels["alternative"].get("text-anchor") == "end"  # right half: it runs left of the line
    caption = draw(spec).caption
    assert "limit = 10" in caption and "operating point = 0.3" in caption and "alternative = 0.8" in caption


def test_x_axis_reaches_a_marker_beyond_the_data():
    spec = {"type": "lines", "title": "Scores", "series": [{"name": "share", "x": [0.1, 0.2, 0.3],
                                                            "y": [1.0, 2.0, 3.0]}],
            "x_markers": [{"x": 0.9, "label": "decision threshold"}]}
    root = _root(spec)
    frame = next(r for r in root.iter(f"{NS}rect") if r.get("stroke") == "#000")
    x = float(_vertical_dashed(root)[0].get("x1"))
    assert x == pytest.approx(float(frame.get("x")) + float(frame.get("width")), abs=0.1)  # 0.9 ends the axis
    assert {"0.6", "0.8"} <= set(_texts(root))  # ticked past the data (0.1 to 0.3) out to the marker


def test_lines_without_markers_draw_no_vertical_dashed_line():
    assert _vertical_dashed(_root(LINES)) == []


def test_bars_reuse_group_bars():
    root = _root(BARS)
    texts = _texts(root)
    assert "female → male" in texts and "0.0310" in texts and "Flip rate" in texts
    assert any(t.startswith("tolerance = 0.0500; whiskers: interval") for t in texts)
    assert "no value" not in draw(BARS).caption
    partly = dict(BARS, bars=[*BARS["bars"], {"label": "other", "value": None, "low": None, "high": None}])
    assert "Without a value, not drawn: other." in draw(partly).caption


# --- determinism and escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", CHART_SPECS[:3], ids=["heatmap", "lines", "bars"])
def test_same_spec_gives_identical_svg(spec):
    assert draw(spec) == draw(copy.deepcopy(spec))
    assert "nan" not in draw(spec).svg.lower()


HOSTILE_TEXTS = (HOSTILE, "</text><text>x</text>", "url(http://x)", '"><foreignObject/>', "a&b\x00")


@pytest.mark.parametrize("bad", HOSTILE_TEXTS)
def test_hostile_strings_are_text(bad):
    specs = [
        dict(HEATMAP, title=bad, rows=[bad, "b", "c"], columns=["a", bad, "c"], value_label=bad,
             annotations=[[bad] * 3] * 3),
        dict(LINES, title=bad, x_label=bad, y_label=bad, x_ticks=[bad, *LAYERS[1:]],
             series=[dict(LINES["series"][0], name=bad)], reference_lines=[{"y": 0.5, "label": bad}]),
        dict(BARS, title=bad, value_label=bad, bars=[{"label": bad, "value": 0.2, "low": 0.1, "high": 0.3}],
             reference={"value": 0.1, "label": bad}),
    ]
    for spec in specs:
        chart = draw(spec)
        assert chart.error == ""
        root = ET.fromstring(chart.svg)  # one well-formed document
        assert not any(el.tag.endswith(("script", "img", "foreignObject")) for el in root.iter())
        assert "<script" not in chart.svg and "</text><text>x" not in chart.svg
        assert root.find(f"{NS}title").text == bad.replace("\x00", "")
        drawn = " ".join(_texts(root)) + " ".join(t.text or "" for t in root.iter(f"{NS}title"))
        assert bad.replace("\x00", "")[:6] in drawn


def test_hostile_chart_in_report_html_is_escaped():
    run = make_chart_run()
    bad = {"type": HOSTILE, "title": f"{HOSTILE} url(http://evil.example/x)"}
    odd = dataclasses.replace(run.outcomes[3], details={"charts": [bad, dict(BARS, title=HOSTILE)]})
    html = render_report(dataclasses.replace(run, outcomes=(*run.outcomes[:3], odd, run.outcomes[4])),
                         report_id="R", version=1, formats=("html",)).html.decode()
    assert "<script" not in without_report_script(html)
    assert "chart could not be drawn: unknown chart type &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in html


# --- malformed specifications ---------------------------------------------------------------------------------


MALFORMED = {
    "not an object": ["heatmap"],
    "no type": {"title": "x"},
    "unknown type": {"type": "sankey"},
    "type not text": {"type": ["heatmap"]},
    "heatmap without rows": {"type": "heatmap", "columns": ["a"], "values": [[1]]},
    "heatmap ragged": {"type": "heatmap", "rows": ["a", "b"], "columns": ["x", "y"], "values": [[1, 2], [3]]},
    "heatmap text value": {"type": "heatmap", "rows": ["a"], "columns": ["x"], "values": [["high"]]},
    "heatmap bool value": {"type": "heatmap", "rows": ["a"], "columns": ["x"], "values": [[True]]},
    "heatmap infinite": {"type": "heatmap", "rows": ["a"], "columns": ["x"], "values": [[float("inf")]]},
    "heatmap bad range": {"type": "heatmap", "rows": ["a"], "columns": ["x"], "values": [[1]], "range": [1, 0]},
    "heatmap bad annotations": {"type": "heatmap", "rows": ["a"], "columns": ["x"], "values": [[1]],
                                "annotations": ["x"]},
    "heatmap too many rows": {"type": "heatmap", "rows": [str(i) for i in range(41)], "columns": ["x"],
                              "values": [[1]] * 41},
    "heatmap nested labels": {"type": "heatmap", "rows": [["a"]], "columns": ["x"], "values": [[1]]},
    "title not text": {"type": "bars", "title": {"a": 1}, "bars": [{"label": "a", "value": 1}]},
    "lines no series": {"type": "lines", "series": []},
    "lines series not object": {"type": "lines", "series": [3]},
    "lines x and y differ": {"type": "lines", "series": [{"name": "s", "x": [0, 1, 2], "y": [1, 2]}]},
    "lines null x": {"type": "lines", "series": [{"name": "s", "x": [0, None], "y": [1, 2]}]},
    "lines NaN x": {"type": "lines", "series": [{"name": "s", "x": [0, float("nan")], "y": [1, 2]}]},
    "lines only nulls": {"type": "lines", "series": [{"name": "s", "x": [0, 1], "y": [None, None]}]},
    "lines band length": {"type": "lines", "series": [{"name": "s", "x": [0, 1], "y": [1, 2], "low": [0]}]},
    "lines x beyond x_ticks": {"type": "lines", "x_ticks": ["a", "b"],
                               "series": [{"name": "s", "x": [0, 5], "y": [1, 2]}]},
    "lines bad reference": {"type": "lines", "series": [{"name": "s", "x": [0], "y": [1]}],
                            "reference_lines": [{"y": "half"}]},
    "lines huge": {"type": "lines", "series": [{"name": "s", "x": [0, 1], "y": [1, 1e300]}]},
    "lines huge int": {"type": "lines", "series": [{"name": "s", "x": [0, 10**400], "y": [1, 2]}]},
    "bars empty": {"type": "bars", "bars": []},
    "bars no value": {"type": "bars", "bars": [{"label": "a", "value": None}]},
    "bars reference not object": {"type": "bars", "bars": [{"label": "a", "value": 1}], "reference": 0.5},
    "bars bar not object": {"type": "bars", "bars": ["a"]},
}


@pytest.mark.parametrize("spec", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_spec_gives_a_note_not_a_crash(spec):
    chart = draw(spec)
    assert chart.svg == ""
    assert chart.error.startswith("chart could not be drawn: ") and len(chart.error) < 200


def test_reasons_are_specific():
    assert "unknown chart type 'sankey' (known: bars, heatmap, lines)" in draw(UNKNOWN).error
    assert draw(UNKNOWN).caption == UNKNOWN["title"]  # the note says which chart is missing
    assert "values[1] has 1 values, expected 2" in draw(MALFORMED["heatmap ragged"]).error
    assert "'x' must be positions 0 to 1 of 'x_ticks'" in draw(MALFORMED["lines x beyond x_ticks"]).error


def test_a_bug_in_a_renderer_costs_one_chart(monkeypatch):
    def broken(spec):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(spec_charts.RENDERERS, "heatmap", broken)
    chart = draw(HEATMAP)
    assert chart.error == "chart could not be drawn: internal error (ZeroDivisionError)" and chart.svg == ""


def test_details_charts_in_order_and_tolerant():
    assert spec_charts.spec_charts({}) == () and spec_charts.spec_charts(None) == ()
    assert [c.error == "" for c in spec_charts.spec_charts({"charts": list(CHART_SPECS)})] == [True] * 3 + [False]
    (note,) = spec_charts.spec_charts({"charts": {"type": "bars"}})
    assert note.error == "chart could not be drawn: details['charts'] must be a list, not dict"


# --- long label lists fit the page width -----------------------------------------------------------------------


def _extents(root: ET.Element) -> list[tuple[float, float, float, float, str]]:
    """Estimated box (x0, x1, y0, y1) of every text, following its anchor and rotation."""
    out = []
    base = float(root.get("font-size"))
    for t in root.iter(f"{NS}text"):
        size = float(t.get("font-size", base))
        w = svg.text_width(t.text or "", size)
        x, y = float(t.get("x")), float(t.get("y"))
        angle = 0.0
        if m := re.match(r"rotate\((-?[\d.]+) ", t.get("transform", "")):
            angle = math.radians(float(m.group(1)))
        dx, dy = math.cos(angle), math.sin(angle)
        start = {"end": -w, "middle": -w / 2}.get(t.get("text-anchor", "start"), 0.0)
        xs = (x + start * dx, x + (start + w) * dx)
        ys = (y + start * dy, y + (start + w) * dy)
        out.append((min(xs), max(xs), min(ys) - size * 0.8, max(ys), t.text or ""))
    return out


def _assert_fits(spec):
    root = _root(spec)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width == 640.0
    for x0, x1, y0, y1, text in _extents(root):
        assert x0 >= 0 and x1 <= width, (text, x0, x1)
        assert y0 >= 0 and y1 <= height, (text, y0, y1)
    return root


def test_twelve_long_layer_names_fit():
    names = [f"transformer.h.{i}.attention.output.dense" for i in range(12)]
    root = _assert_fits(dict(LINES, x_ticks=names))
    shown = [t for t in _texts(root) if t.startswith("transformer")]
    assert len(shown) == 12 and all(t.endswith("…") for t in shown)  # cut, every one drawn
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert set(names) <= set(titles)  # with the full name as its title


@pytest.mark.parametrize("n", [10, 25, 40])
def test_big_matrices_fit(n):
    names = [f"group_{i}_with_a_rather_long_descriptive_label" for i in range(n)]
    values = [[None if i == j else (i - j) / n for j in range(n)] for i in range(n)]
    annotations = [[f"{v:.2f} [{v - 0.1:.2f}, {v + 0.1:.2f}]" if v is not None else "—" for v in r] for r in values]
    root = _assert_fits({"type": "heatmap", "title": "flip rates", "rows": names, "columns": names,
                         "values": values, "annotations": annotations, "value_label": "Δ", "diverging": True})
    # a cut label keeps its full text in a <title> next to it
    titled = [g for g in root.iter(f"{NS}g") if g.find(f"{NS}title") is not None and g.find(f"{NS}text") is not None]
    assert titled and all(g.find(f"{NS}text").text.endswith("…") for g in titled)
    assert {g.find(f"{NS}title").text for g in titled} >= {names[0]}
    caption = draw({"type": "heatmap", "title": "t", "rows": names, "columns": names, "values": values,
                    "annotations": annotations}).caption
    assert ("Cell values are omitted" in caption) == (n > 10)  # 10 × 10 still prints its intervals


def test_svg_helpers():
    assert svg.nice_domain(0.31, 0.97)[:2] == (0.2, 1.0)
    lo, hi, ticks, _ = svg.nice_domain(0.5, 0.5)  # a constant still gets a range with round ticks
    assert lo < 0.5 < hi and len(ticks) >= 3
    assert svg.ticks(18, 80) == ([20.0, 40.0, 60.0, 80.0], 0)
    cut = svg.fit("encoder.layer.11.output", 60, 10)
    assert cut.endswith("…") and svg.text_width(cut, 10) <= 60
    assert (svg.ink("#08306b"), svg.ink("#f0f6fc")) == ("#ffffff", "#111111")
    assert svg.label(0, 0, "full", "fu…").startswith("<g><title>full</title>")


def test_many_series_and_bars_fit():
    long = "a series name long enough to need cutting " * 3
    _assert_fits({"type": "lines", "title": "t", "x_label": "x" * 200, "y_label": "y" * 200,
                  "series": [{"name": f"{k} {long}", "x": list(range(30)), "y": [k + i for i in range(30)]}
                             for k in range(8)], "x_ticks": [f"layer {i}" for i in range(30)]})
    _assert_fits({"type": "bars", "title": "t", "value_label": "v", "reference": None,
                  "bars": [{"label": long + str(i), "value": (i - 10) * 1000.5} for i in range(36)]})


# --- in the report ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart_report():
    return render_report(make_chart_run(), report_id="AR-2026-0042", version=3)


def _article(html: str, check_id: str) -> str:
    match = re.search(rf'<article class="check[^"]*" id="check-\d+-{check_id}">(.*?)</article>', html, re.S)
    assert match, check_id
    return match.group(1)


def _labels(html: str) -> list[str]:
    figures = re.findall(r'<figure class="chart">.*?</figure>', html, re.S)
    return [re.search(r'aria-label="([^"]*)"', f).group(1) for f in figures]


def test_spec_charts_in_the_check_section_html(chart_report):
    html = chart_report.html.decode()
    section = _article(html, "sex-not-used")
    # the check's section shows the measurement chart (the verdict's picture) and links to its diagnostics
    assert _labels(section) == ["sex-not-used: measurements with an upper limit (≤)"]
    match = re.search(r'<article class="check diagnostics" id="diag-check-\d+-sex-not-used">(.*?)</article>', html,
                      re.S)
    anchor = re.search(r'id="(diag-check-\d+-sex-not-used)"', match.group(0)).group(1)
    assert match and f'href="#{anchor}"' in section  # linked both ways
    assert f'href="#{anchor[len("diag-"):]}"' in match.group(1)
    diagnostics = match.group(1)
    # Annex F: the specified charts in their order, then the unknown one as a note
    assert _labels(diagnostics) == [HEATMAP["title"], LINES["title"], BARS["title"]]
    note = diagnostics.index("chart could not be drawn: unknown chart type &#39;sankey&#39;")
    assert diagnostics.index(BARS["title"]) < note
    assert diagnostics.index("</figure>") < diagnostics.index("Probe accuracy</p>")  # charts before the tables
    assert "Charts:" not in section + diagnostics  # the specs are drawn, not dumped as a note
    for f in re.findall(r'<figure class="chart">.*?</figure>', section + diagnostics, re.S):
        ET.fromstring(re.search(r"<svg .*?</svg>", f, re.S).group(0))
    again = render_report(make_chart_run(), report_id="AR-2026-0042", version=3, formats=("html",))
    assert again.html == chart_report.html


def test_spec_charts_in_the_pdf(chart_report):
    reader = PdfReader(io.BytesIO(chart_report.pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for expected in (HEATMAP["title"], LINES["title"], BARS["title"], "Spearman rank correlation",
                     "encoder.layer.11.output", "female → male", "chart could not be drawn: unknown chart type"):
        assert expected in text, expected


def test_view_keeps_measurement_charts_first():
    check = next(c for f in build_view(make_chart_run(), report_id="R", version=1).families for c in f.checks
                 if c.check_id == "sex-not-used")
    assert [c.error != "" for c in check.charts] == [False, False, False, False, True]
    assert not any(n.startswith("Charts") for n in check.notes)
