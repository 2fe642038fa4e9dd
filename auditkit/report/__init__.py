"""Render the report of a stored run: HTML (standalone) and PDF/A-3b.

``render_report`` is the entry point the CLI and the store use; the pieces are
:func:`~auditkit.report.view.build_view` (pure content), :mod:`.charts` and :mod:`.spec_charts` (SVG),
:func:`~auditkit.report.html.render_html` and :func:`~auditkit.report.pdf.render_pdf`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditkit.errors import ReportError
from auditkit.report.attachments import manifest_attachment
from auditkit.report.html import render_html
from auditkit.report.model import AttachmentView, ReportView
from auditkit.report.renderer import renderer
from auditkit.report.signing import Signer
from auditkit.report.view import build_view
from auditkit.results import RunRecord

FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class RenderedReport:
    """The rendered report: HTML always, PDF when asked for."""

    html: bytes = field(repr=False)
    pdf: bytes | None = field(default=None, repr=False)

    @property
    def html_sha256(self) -> str:
        """SHA-256 of the HTML bytes (what a sign-off refers to)."""
        return hashlib.sha256(self.html).hexdigest()

    @property
    def pdf_sha256(self) -> str | None:
        """SHA-256 of the PDF bytes, if a PDF was rendered."""
        return hashlib.sha256(self.pdf).hexdigest() if self.pdf is not None else None


def pdf_attachments(view: ReportView, run: RunRecord, html: bytes, *, report_id: str, version: int,
                    signer: Signer | None = None) -> tuple[AttachmentView, ...]:
    """Every file the PDF embeds, in order: the view's attachments, the manifest, the signature files."""
    manifest = manifest_attachment(run, report_id=report_id, version=version, html=html,
                                   files=view.attachments, generator=view.generator, language=view.language,
                                   renderer=renderer())
    signed = signer(manifest.content).attachments() if signer is not None else ()
    return (*view.attachments, manifest, *signed)


def render_report(
    run: RunRecord,
    *,
    report_id: str,
    version: int,
    previous: RunRecord | None = None,
    signoffs: Sequence[Mapping[str, Any]] = (),
    formats: Sequence[str] = FORMATS,
    signer: Signer | None = None,
    history: Sequence[RunRecord] = (),
    language: str | None = None,
) -> RenderedReport:
    """Render the report of ``run`` in ``formats`` (``"html"``, ``"pdf"``); HTML is always produced.

    The PDF embeds the view's attachments, ``manifest.json`` (which hashes them and the HTML)
    and, when a ``signer`` is given, its signature of the manifest (see :mod:`.signing`).
    ``history`` holds earlier audits of the system for section 9's trend charts (see :mod:`.trend`).
    ``language`` overrides the policy's ``report.language``.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError(f"unknown report format(s) {', '.join(map(repr, unknown))}; known: html, pdf")
    view = build_view(run, report_id=report_id, version=version, previous=previous, signoffs=signoffs,
                      history=history, language=language)
    html = render_html(view)
    pdf = None
    if "pdf" in formats:
        from auditkit.report.pdf import render_pdf

        files = pdf_attachments(view, run, html, report_id=report_id, version=version, signer=signer)
        pdf = render_pdf(html, attachments=files)
    return RenderedReport(html=html, pdf=pdf)


__all__ = ["FORMATS", "RenderedReport", "pdf_attachments", "render_report"]
