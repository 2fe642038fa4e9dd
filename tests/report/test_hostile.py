"""Hostile text in stored results: escaped in the HTML, printed literally in the PDF, and never fetched.

The hostile strings reach the report the way real data does: as a protected group's values and a feature
name in the audit data of a real audit run stored in SQLite, and as a check's stored summary, notes, details
tables and chart labels written through the store API. The PDF is rendered with a URL fetcher that records
every request, and sockets are watched, to show that nothing outside the shipped templates is requested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html.parser
import io
import re
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_samples import without_report_script

import auditkit
from auditkit.report import render_report
from auditkit.report.html import render_html
from auditkit.report.pdf import make_url_fetcher, render_pdf
from auditkit.report.view import build_view
from auditkit.resources import resource_dir
from auditkit.results import CheckOutcome, GateDecision, Measurement, RunState, Severity, Status
from auditkit.store import open_store

SCRIPT = "<script>alert(1)</script>"
CELL = "</td></tr></table>"
CSS_URL = "url(http://evil.example/x.png)"
IMG = "<img src=http://evil.example/p.png>"
GROUP_A = f"{SCRIPT}{CELL}"
GROUP_B = f"{CSS_URL} {IMG}"
FEATURE = "</td><script>alert(3)</script>"
TEXT_SAMPLE = f'Applicant wrote: "{SCRIPT} {IMG} {CSS_URL}"'
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_ratio": {"min": 0.8}}}
PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"accuracy": {"min": 0.3}}}


class _Tags(html.parser.HTMLParser):
    """Collects the names of the start tags a browser would build (text is not a tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.values += [v for _, v in attrs if v]


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'hostile.db'}") as s:
        yield s


@pytest.fixture
def audited(analytic, store):
    """A real audit (step model, CSV data) whose group values and one feature name are hostile."""

    def hostile_frame(frame):
        return frame.rename(columns={"noise": FEATURE}).replace({"sex": {"female": GROUP_A, "male": GROUP_B}})

    policy = analytic({"female": 0.3, "male": 0.6}, [PARITY, PERF], n_per_group=200, frame_hook=hostile_frame,
                      data={"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", FEATURE]})
    run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    return store.get_run(run.run_id)


@pytest.fixture
def stored(store):
    """A run written through the store API, its one outcome carrying hostile text in every free-text field."""
    t0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    policy_text = "schema_version: 1\npolicy: {id: hostile, version: 1, effective_from: 2026-11-01}\n"
    run_id = store.begin_run(
        policy={"id": "hostile", "version": "1", "sha256": "1" * 64, "text": policy_text,
                "effective_from": dt.date(2026, 11, 1), "approved_by": SCRIPT},
        system={"name": "hostile-system", "version": "1", "provider": IMG},
        model={"fingerprint": "2" * 64, "ref": {"path": CSS_URL}},
        dataset={"fingerprint": "3" * 64, "ref": {"path": IMG}},
        seed=1, device="cpu", environment={"python": "3.11", "note": SCRIPT}, started_at=t0)
    store.save_outcome(run_id, CheckOutcome(
        check_id="text-sample", kind="counterfactual_sweep", version=1, fingerprint="4" * 64, status=Status.FAIL,
        severity=Severity.MAJOR, summary=TEXT_SAMPLE,
        measurements=(Measurement(name="flip_rate", value=0.2, ci_low=0.1, ci_high=0.3, threshold=0.05,
                                  comparator="<=", status=Status.FAIL, group=GROUP_A, n=50),
                      Measurement(name="flip_rate", value=0.1, ci_low=0.05, ci_high=0.2, group=GROUP_B, n=40)),
        details={"notes": [TEXT_SAMPLE],
                 "tables": [{"title": SCRIPT, "columns": ["group", FEATURE, "n"],
                             "rows": [[GROUP_A, CELL, 50], [GROUP_B, IMG, 40]]}],
                 "charts": [{"type": "bars", "title": SCRIPT, "value_label": CSS_URL,
                             "bars": [{"label": GROUP_A, "value": 0.2}, {"label": IMG, "value": 0.1}]}],
                 "examples": [TEXT_SAMPLE]},
        params={"lexicon": CSS_URL}, seed=1, started_at=t0, duration_s=0.5))
    store.finish_run(run_id, state=RunState.COMPLETE, gate=GateDecision.FAIL, finished_at=t0 + dt.timedelta(1))
    return store.get_run(run_id)


def _assert_html_safe(page: str, literals: tuple[str, ...]) -> None:
    page = without_report_script(page)
    parsed = _parse(page)
    assert not {"script", "img", "iframe", "object", "link"} & set(parsed.tags)
    urls = [v for v in parsed.values if "//" in v and v != "http://www.w3.org/2000/svg"]  # SVG namespace only
    assert urls == [] and not any("evil.example" in v for v in parsed.values)
    assert "<script" not in page and "<img" not in page
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert (resource_dir("templates") / "report.css").read_text(encoding="utf-8") in style
    assert "evil.example" not in style
    assert page.count("<table") == page.count("</table>")
    assert len(re.findall(r"<td[ >]", page)) == page.count("</td>")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for literal in literals:
        assert literal in text, literal  # the reader sees the characters


def _render_pdf_recording(run, monkeypatch) -> tuple[bytes, list[str]]:
    connects: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: connects.append(addr))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connects.append(a))
    fetcher = make_url_fetcher()
    calls: list[str] = []
    fetch = fetcher.fetch

    def recording(url, headers=None):
        calls.append(url)
        return fetch(url, headers)

    fetcher.fetch = recording
    view = build_view(run, report_id="R", version=1)
    pdf = render_pdf(render_html(view), attachments=view.attachments, url_fetcher=fetcher)
    assert connects == []
    return pdf, calls


def _allowed(url: str) -> bool:
    if url.startswith("data:"):
        return True
    root = resource_dir("templates").resolve()
    return url.startswith("file:") and Path(url.removeprefix("file://")).resolve().is_relative_to(root)


def test_hostile_groups_and_feature_of_a_real_run_are_escaped(audited):
    groups = {m.group for o in audited.outcomes for m in o.measurements if m.group}
    assert any(GROUP_A in g for g in groups) and any(GROUP_B in g for g in groups)
    assert FEATURE in audited.policy_text
    page = render_report(audited, report_id="R", version=1, formats=("html",)).html.decode("utf-8")
    _assert_html_safe(page, (GROUP_A, GROUP_B, FEATURE))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/td&gt;" in page


def test_hostile_stored_details_are_escaped(stored):
    page = render_report(stored, report_id="R", version=1, formats=("html",)).html.decode("utf-8")
    _assert_html_safe(page, (TEXT_SAMPLE, SCRIPT, CELL, IMG, CSS_URL, FEATURE))
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # summary, notes, table, chart, approver
    german = dataclasses.replace(stored, policy_text=stored.policy_text + "report: {language: de}\n")
    _assert_html_safe(render_report(german, report_id="R", version=1, formats=("html",)).html.decode("utf-8"),
                      (TEXT_SAMPLE, CELL))


def test_hostile_text_is_literal_in_the_pdf_and_nothing_is_fetched(audited, stored, monkeypatch):
    for run, literals in ((audited, (SCRIPT, CSS_URL, "<img src=http://evil.example/p.png>")),
                          (stored, (TEXT_SAMPLE, CELL, FEATURE))):
        pdf, calls = _render_pdf_recording(run, monkeypatch)
        text = re.sub(r"\s+", "", _pdf_text(pdf))  # a long value wraps where the layout breaks it (after "//")
        for literal in literals:
            assert re.sub(r"\s+", "", literal) in text, literal
        assert [u for u in calls if not _allowed(u)] == []
        assert not any("evil.example" in u for u in calls)
