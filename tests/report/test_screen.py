"""The HTML report as a screen tool (issue #14 item 7): a side navigation with every check and its verdict, one
inline script (table sort and filter, collapsible annexes) and nothing fetched; none of it reaches the PDF.

The navigation and everything the script adds are hidden outside ``@media screen`` and the chart hover values are
``<title>`` children, which draw nothing: the PDF of the page equals the PDF of the same page with the navigation,
the script and the hover values cut out, byte for byte.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from report_samples import make_chart_run, without_report_script

from auditkit.report import render_report
from auditkit.report.pdf import render_pdf
from auditkit.report.view import build_view

NAV = re.compile(r'<nav class="sidenav".*?</nav>\n', re.S)
#: a hover value in a chart: a <title> child of a marker, bar or interval (svg.tip), which was self-closing before
HOVER = re.compile(r"(<(circle|rect|line|polygon) [^>]*)><title>[^<]*</title></\2>")


def _html(run) -> str:
    return render_report(run, report_id="AR-1", version=1, formats=("html",)).html.decode("utf-8")


def test_one_inline_script_and_nothing_external():
    page = _html(make_chart_run())
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ["<script>"]  # exactly one, inline, no src
    assert "<script" not in without_report_script(page)
    assert not re.search(r"""\b(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
    assert not re.search(r"""\b(fetch|XMLHttpRequest|import\s*\(|WebSocket)\b""", page.split("<script>")[1])
    assert "<link" not in page and "@import" not in page


@pytest.mark.parametrize("language", ["en", "de"])
def test_navigation_lists_every_section_and_check_with_its_verdict(language):
    run = make_chart_run()
    page = render_report(run, report_id="AR-1", version=1, formats=("html",), language=language).html.decode()
    view = build_view(run, report_id="AR-1", version=1, language=language)
    nav = NAV.search(page).group(0)
    assert page.index(nav) < page.index('<section class="cover">')
    for entry in view.toc:
        assert f'href="#{entry.anchor}"' in nav, entry
    checks = [c for fam in view.families for c in fam.checks]
    assert checks and len(re.findall(r'<li class="nav-check">', nav)) == len(checks)
    for fam in view.families:
        status = fam.status.lower().replace(" ", "-")
        assert re.search(rf'href="#{re.escape(fam.anchor)}">.*?</a> <span class="badge badge-{status} ', nav), fam
        for c in fam.checks:
            status = c.status.lower().replace(" ", "-")
            mark = f'<span class="badge badge-{status} badge-small">'
            assert re.search(rf'<a href="#{re.escape(c.anchor)}">{re.escape(mark)}', nav), c
    assert view.gate and f'badge-{view.gate.lower().replace(" ", "-")}' in nav
    assert any(fam.status == "FAIL" for fam in view.families)  # the sample shows a failing mark too


def test_screen_additions_do_not_change_the_pdf():
    page = _html(make_chart_run())
    assert HOVER.search(page)  # the charts carry hover values
    printed = HOVER.sub(r"\1/>", NAV.sub("", without_report_script(page)))
    assert "sidenav" not in printed.split("</style>")[1] and "<title>" in printed
    assert render_pdf(page.encode()) == render_pdf(printed.encode())


def test_script_runs_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium on PATH (CI installs it)")
    page = tmp_path / "report.html"
    page.write_text(_html(make_chart_run()), encoding="utf-8")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    assert 'data-auditkit-screen="ready"' in dom  # the script ran to its end
    tables = int(re.search(r'data-auditkit-tables="(\d+)"', dom).group(1))
    assert tables >= 1 and dom.count('data-ak-table="') == tables
    assert 'class="ak-sortable"' in dom and 'aria-sort="none"' in dom
    assert dom.count('class="ak-ui ak-filter"') == tables
    annexes = re.findall(r'<section id="annex-[a-e]" class="([^"]*)"', dom)
    assert len(annexes) == 5 and all("ak-collapsed" in c for c in annexes)  # annexes start collapsed on screen
    assert 'class="ak-ui ak-toggle"' in dom and 'aria-expanded="false"' in dom
