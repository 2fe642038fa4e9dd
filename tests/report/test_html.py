"""HTML rendering: byte-stable, complete, standalone, and safe against hostile text in the data."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET

import pypdf
import pytest
from markupsafe import escape
from report_samples import HOSTILE, HOSTILE_CELL, SIGNOFFS, without_report_script

from auditkit.errors import ReportError
from auditkit.report import render_report
from auditkit.report.catalog import SECTIONS
from auditkit.resources import resource_dir


def _html(run, **kw) -> str:
    return render_report(run, report_id="AR-2026-0042", version=3, formats=("html",), **kw).html.decode("utf-8")


def _article(html: str, check_id: str) -> str:
    match = re.search(rf'<article class="check[^"]*" id="check-\d+-{check_id}">(.*?)</article>', html, re.S)
    assert match, check_id
    return match.group(1)


def test_same_run_gives_identical_html_bytes(run, previous):
    a = render_report(run, report_id="R", version=1, previous=previous, signoffs=SIGNOFFS, formats=("html",))
    b = render_report(run, report_id="R", version=1, previous=previous, signoffs=SIGNOFFS, formats=("html",))
    assert a.html == b.html and a.pdf is None
    assert a.html_sha256 == b.html_sha256


def test_every_section_heading_is_present(run):
    html = _html(run)
    for _, number, title in SECTIONS:
        tag = "h2" if number == "0" else "h1"
        assert f"{title}</{tag}>" in html, title
    assert "Contents</h1>" in html
    for title in ("Performance and disaggregated accuracy", "Group fairness", "Prohibited-feature and proxy use",
                  "Attribution-method agreement"):
        assert f"{title}</h2>" in html


def test_error_check_shows_reason_and_is_never_labelled_pass(run):
    html = _html(run)
    error = _article(html, "sex-not-used")
    assert "LEACE eraser could not be fitted: activations of layer &#39;fc2&#39; have zero variance" in error
    assert "Could not be computed (ERROR)" in error and "It is not a pass" in error
    assert "badge-error" in error and "badge-pass" not in error and ">PASS<" not in error
    skipped = _article(html, "explainers-agree")
    assert "Not applicable (SKIPPED)" in skipped and "badge-pass" not in skipped
    annex_a = html[html.index('id="annex-a"'):html.index('id="annex-b"')]
    log_row = re.search(r"<tr><td>sex-<wbr>not-<wbr>used</td>.*?</tr>", annex_a, re.S).group(0)
    assert "badge-error" in log_row and "PASS" not in log_row


def test_adjusted_p_values_next_to_raw(run):
    parity = _article(_html(run), "selection-parity")
    assert re.search(r"&lt; 0\.001</td><td class=\"num\">0\.0016</td>", parity)
    assert "p adj." in parity


def test_not_assessed_and_blank_signature_blocks(run):
    html = _html(run)
    assert "Counterfactual sweeps: not assessed — the policy has no counterfactual_sweep check" in html
    signoff = html.split('id="signoff"')[1].split("</section>")[0]  # blank blocks to sign, not a command line
    assert signoff.count('class="signature-block blank"') == 3 and "auditkit signoff" not in signoff


def test_html_is_standalone(run):
    page = _html(run)
    html = without_report_script(page)  # the one script is the inline report.js, without src
    assert page.count("<script") == 1 and not re.search(r"<script[^>]*\bsrc\s*=", page)
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?|ftp|//)""", html)
    css = (resource_dir("templates") / "report.css").read_text(encoding="utf-8")
    assert css in html
    assert '<meta name="dcterms.created" content="2026-11-25T09:14:19Z">' in html


def test_hostile_text_is_escaped_everywhere(hostile_run):
    html = without_report_script(_html(hostile_run))
    assert HOSTILE not in html and "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert str(escape(HOSTILE_CELL)) in html  # the details cell, as text
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    # the policy verbatim and its parsed fields
    pre = re.search(r'<pre class="policy">(.*?)</pre>', html, re.S).group(1)
    assert "approved_by: &#39;&lt;script&gt;alert(1)&lt;/script&gt; url(http://evil.example/x)" in pre
    # the stylesheet is exactly the shipped file: data never reaches CSS
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "evil.example" not in style
    # the hostile group name is inside the charts, escaped, and each SVG is still well-formed XML
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert svgs and any("&lt;script&gt;" in s for s in svgs)
    for s in svgs:
        root = ET.fromstring(s)
        assert not any(el.tag.endswith(("script", "img", "foreignObject")) for el in root.iter())


def test_table_structure_survives_hostile_cell(hostile_run):
    html = _html(hostile_run)
    assert html.count("<table") == html.count("</table>")
    assert len(re.findall(r"<td[ >]", html)) == html.count("</td>")


def test_unknown_format_is_an_error(run):
    with pytest.raises(ReportError, match="unknown report format"):
        render_report(run, report_id="R", version=1, formats=("docx",))


def test_a_chart_that_pictures_a_table_is_on_screen_only(run):
    """Annex B: a chart naming its table gets the class that print CSS hides; the PDF keeps the table and loses the
    picture, the HTML (screen) keeps both."""
    from auditkit.evidence import Column, ColumnRole, Evidence, Msg, Table

    table = Table(Msg("spec.reference"), (Column(Msg("col.group"), ColumnRole.GROUP),
                                          Column(Msg("col.value"), ColumnRole.VALUE)), (("a", 0.5),))
    chart = {"type": "bars", "title": Msg("spec.reference"), "value_label": "rate", "table": table.title,
             "bars": [{"label": "twin-bar-label", "value": 0.5}]}
    ev = Evidence(summary=(Msg("outcome.not_run", reason="x"),), tables=(table,), charts=(chart,))
    o = run.outcomes[0]
    twin_run = dataclasses.replace(run, outcomes=(dataclasses.replace(o, evidence=ev), *run.outcomes[1:]))
    html = _html(twin_run)
    assert re.search(r'<figure class="chart twin">.*?twin-bar-label', html, re.S)
    assert "@media print { .diagnostics figure.chart.twin { display: none; } }" in html
    pdf = render_report(twin_run, report_id="R", version=1, formats=("html", "pdf")).pdf
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "twin-bar-label" not in text
