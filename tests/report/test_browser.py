"""The HTML report opened in a real browser (headless Chromium): it renders, standalone, to a non-blank page.

The screenshots are kept as test artifacts under ``test-artifacts/`` at the repository root (gitignored), so a
reviewer can look at the report as a browser shows it. Without a Chromium binary the test is skipped, naming
the binaries it looked for; CI installs Chromium so that it runs there.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image  # a WeasyPrint dependency
from report_samples import SIGNOFFS, make_chart_run, make_previous

from auditkit.report import render_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str:
    found = os.environ.get("AUDITKIT_CHROMIUM") or next(filter(None, map(shutil.which, _CANDIDATES)), None)
    if not found and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if not found:
        pytest.skip(f"no Chromium binary found (looked for {', '.join(_CANDIDATES)} on PATH and "
                    "$AUDITKIT_CHROMIUM); install chromium to run the browser test")
    return found


@pytest.mark.parametrize("language", ["en", "de"])
def test_html_report_renders_in_headless_chromium(language, tmp_path):
    chromium = _chromium()
    run = make_chart_run()
    if language != "en":
        run = dataclasses.replace(run, policy_text=run.policy_text.replace(
            "report: {formats: [html, pdf],", f"report: {{formats: [html, pdf], language: {language},"))
    html = render_report(run, report_id="AR-2026-0042", version=3, previous=make_previous(), signoffs=SIGNOFFS,
                         formats=("html",)).html
    page = tmp_path / f"report-{language}.html"
    page.write_bytes(html)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-chromium-{language}.png"
    shot.unlink(missing_ok=True)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--hide-scrollbars", "--no-first-run", "--virtual-time-budget=5000", "--window-size=1280,4000",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", page.as_uri()]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.format == "PNG" and image.size == (1280, 4000)
        rgb = image.convert("RGB")
    lo, hi = zip(*rgb.getextrema(), strict=True)
    assert max(hi) - min(lo) > 200, "the screenshot is (nearly) one colour: the page did not render"
    colours = rgb.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50, "too few colours for a rendered report (text, tables, badges, charts)"
    # the report body (white sheet on a grey screen background) fills the top of the page
    top = rgb.crop((0, 0, 1280, 1200)).getcolors(maxcolors=1_000_000) or []
    assert max(count for count, _ in top) < 0.95 * 1280 * 1200, "the top of the page is blank"
