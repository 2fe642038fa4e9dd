"""SVG charts: deterministic, well-formed XML, hostile labels escaped, verdicts coded by shape."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from report_samples import HOSTILE

from auditkit.report.charts import Bar, ForestRow, esc, forest_plot, group_bars

NS = "{http://www.w3.org/2000/svg}"

ROWS = [
    ForestRow("Demographic parity ratio", 0.58, 0.54, 0.62, 0.8, ">=", "FAIL"),
    ForestRow("Accuracy · female", 0.85, 0.83, 0.875, 0.8, ">=", "PASS"),
    ForestRow("Equalized odds difference", 0.08, 0.03, 0.13, 0.1, "<=", "INCONCLUSIVE"),
    ForestRow("no interval", 0.5, None, None, None, None, None),
]


def test_forest_plot_is_deterministic_and_well_formed():
    a = forest_plot(ROWS, title="t", axis_label="Value")
    assert a == forest_plot(list(ROWS), title="t", axis_label="Value")
    root = ET.fromstring(a)
    assert root.tag == f"{NS}svg"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Value" in texts and "FAIL" in texts and "INCONCLUSIVE" in texts and "no verdict" in texts


def test_verdicts_have_distinct_shapes_for_greyscale():
    svg = forest_plot(ROWS[:1], title="t")
    root = ET.fromstring(svg)
    # the FAIL row's marker is a square; the legend adds one circle, square, diamond and hollow circle
    assert len(list(root.iter(f"{NS}rect"))) >= 2
    assert any(p.get("fill") == "#fff" for p in root.iter(f"{NS}polygon"))
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{NS}line"))  # threshold


def test_hostile_labels_are_escaped():
    bad = f"{HOSTILE}</text><text>x</text>&amp;\x00"
    svg = forest_plot([ForestRow(bad, 0.5, 0.4, 0.6, 0.8, ">=", "FAIL")], title=bad, axis_label=bad)
    bars = group_bars([Bar(bad, 0.3, 0.2, 0.4, 10), Bar("b", 0.5, 0.4, 0.6, 12)], title=bad, axis_label=bad,
                      reference=0.4, reference_label=bad)
    for s in (svg, bars):
        assert "<script" not in s and "</text><text>x" not in s
        assert "&lt;script&gt;" in s
        root = ET.fromstring(s)  # still one well-formed document, with no injected element
        assert not any(el.tag.endswith(("script", "img")) for el in root.iter())
        assert root.find(f"{NS}title").text == bad.replace("\x00", "")  # drawn as text, verbatim


def test_esc_drops_characters_xml_forbids():
    assert esc("a\x00b\x1fc<") == "abc&lt;"


def test_group_bars_axis_for_rates():
    svg = group_bars([Bar("female", 0.29, 0.26, 0.32, 780), Bar("male", 0.5, 0.47, 0.53, 1196)],
                     title="Selection rate by group", axis_label="Selection rate")
    root = ET.fromstring(svg)
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert "female (n=780)" in labels and "0.2900" in labels
    assert "0.0" in labels and "0.6" in labels  # rate axis from 0 to a round end


def test_empty_input_gives_no_chart():
    assert forest_plot([], title="t") == ""
    assert forest_plot([ForestRow("x", None, None, None, 0.8, ">=", None)], title="t") == ""
    assert group_bars([Bar("a", None, None, None, None)], title="t", axis_label="x") == ""


def test_degenerate_domains_do_not_divide_by_zero():
    svg = forest_plot([ForestRow("same", 0.5, 0.5, 0.5, 0.5, "<=", "PASS")], title="t")
    assert "nan" not in svg.lower()
    bars = group_bars([Bar("zero", 0.0, 0.0, 0.0, 5)], title="t", axis_label="x")
    assert "nan" not in bars.lower()
    neg = group_bars([Bar("neg", -0.2, -0.3, -0.1, 5), Bar("pos", 0.4, 0.3, 0.5, 5)], title="t", axis_label="x")
    ET.fromstring(neg)
