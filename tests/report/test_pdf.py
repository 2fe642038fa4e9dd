"""PDF rendering through WeasyPrint: content, metadata from the run, byte-stability, no network access."""

from __future__ import annotations

import io
import re
import socket

import pytest
from pypdf import PdfReader
from report_samples import SIGNOFFS, make_previous, make_run

from auditkit.errors import ReportError
from auditkit.report import pdf_attachments, render_report
from auditkit.report.catalog import SECTIONS
from auditkit.report.html import render_html
from auditkit.report.pdf import document_date, make_url_fetcher, refuse_or_fetch, render_pdf
from auditkit.report.view import build_view
from auditkit.resources import resource_dir


@pytest.fixture(scope="module")
def rendered():
    return render_report(make_run(), report_id="AR-2026-0042", version=3, previous=make_previous(),
                         signoffs=SIGNOFFS)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_pdf_contains_every_section_heading(rendered):
    assert rendered.pdf is not None and rendered.pdf.startswith(b"%PDF-")
    text = _text(rendered.pdf)
    for _, _, title in SECTIONS:
        assert title in text, title
    assert "LEACE eraser could not be fitted" in text
    assert re.search(r"Page 1 of \d+", text)


def test_pdf_metadata_dates_come_from_the_run(rendered):
    meta = PdfReader(io.BytesIO(rendered.pdf)).metadata
    assert meta["/CreationDate"] == "D:20261125091419Z" == meta["/ModDate"]
    assert meta["/Title"].startswith("Audit of the retail credit scorer")


def test_pdf_embeds_results_and_policy(rendered):
    attachments = PdfReader(io.BytesIO(rendered.pdf)).attachments
    # with the sign-offs it shows and the earlier audit section 9 compares with: all it is rendered from
    assert sorted(attachments) == ["earlier-audits.json", "manifest.json", "policy.yaml", "results.json",
                                   "signoffs.json", "test-log.jsonl"]
    assert attachments["policy.yaml"][0] == make_run().policy_text.encode("utf-8")
    assert b'"run_id": "run-20261125-0001"' in attachments["results.json"][0]


def test_two_renders_are_byte_identical(rendered):
    view = build_view(make_run(), report_id="AR-2026-0042", version=3, previous=make_previous(),
                      signoffs=SIGNOFFS)
    html = render_html(view)
    again = render_pdf(html, attachments=pdf_attachments(view, make_run(), html, report_id="AR-2026-0042", version=3))
    assert again == rendered.pdf


def test_hostile_text_is_printed_as_text(hostile_run):
    pdf = render_report(hostile_run, report_id="R", version=1).pdf
    assert "<script>alert(1)</script>" in _text(pdf)


@pytest.mark.parametrize("url", ["http://evil.example/x.png", "https://evil.example/a.css",
                                 "ftp://evil.example/f", "gopher://x/", "//evil.example/x"])
def test_fetcher_refuses_network_urls(url):
    with pytest.raises(ReportError, match="refused"):
        make_url_fetcher()(url)


def test_fetcher_refuses_files_outside_the_templates_dir(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    with pytest.raises(ReportError, match="inside"):
        make_url_fetcher()(outside.as_uri())
    with pytest.raises(ReportError):
        make_url_fetcher()((resource_dir("templates") / ".." / "pyproject.toml").as_uri())


def test_fetcher_allows_data_and_template_files():
    css = resource_dir("templates") / "report.css"
    assert refuse_or_fetch(css.as_uri(), resource_dir("templates"))[0] == css.read_bytes()
    assert make_url_fetcher()("data:text/plain,hello").read() == b"hello"


def test_no_network_fetch_is_attempted(monkeypatch, hostile_run):
    """Hostile <img src=http> in the data is escaped text, so WeasyPrint never sees a URL; an <img> written
    directly into HTML reaches the fetcher, which refuses it before any socket is opened."""
    connects: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: connects.append(addr))
    fetcher = make_url_fetcher()
    calls: list[str] = []
    original = fetcher.fetch

    def recording(url, headers=None):
        calls.append(url)
        return original(url, headers)

    fetcher.fetch = recording
    view = build_view(hostile_run, report_id="R", version=1)
    render_pdf(render_html(view), url_fetcher=fetcher)
    fonts = (resource_dir("templates") / "fonts").as_uri() + "/"  # the bundled fonts, loaded by report.css
    assert not [u for u in calls if not u.startswith(("data:", fonts))]

    raw = b'<html><body><p>x</p><img src="http://evil.example/pixel.png"></body></html>'
    assert render_pdf(raw, url_fetcher=fetcher).startswith(b"%PDF-")
    assert "http://evil.example/pixel.png" in calls
    assert connects == []


def test_document_date_parsing():
    html = b'<meta name="dcterms.created" content="2026-11-25T09:14:19Z">'
    assert document_date(html).isoformat() == "2026-11-25T09:14:19+00:00"
    assert document_date(b"<html></html>").year == 1970


def test_render_pdf_restores_the_garbage_collector_state():
    """Rendering pauses the cyclic collector (speed) and always leaves it as it found it."""
    import gc

    from auditkit.report.pdf import render_pdf

    html = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"
    assert gc.isenabled()
    render_pdf(html)
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf(html)
        assert not gc.isenabled()
    finally:
        gc.enable()
