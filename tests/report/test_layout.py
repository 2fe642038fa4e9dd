"""Typesetting of a hand-built report (see tests/layout_check.py); every page of the sample reports (credit and
cv-screening, EN and DE) is checked the same way in their end-to-end tests (report_acceptance.py)."""

from __future__ import annotations

import pytest
from layout_check import identifiers, layout_problems, split_identifiers
from report_samples import make_run

from auditkit.report import render_report

pytest.importorskip("pdfplumber")
pytest.importorskip("weasyprint")


def _pdf(run, language):
    return render_report(run, report_id="AR-LAYOUT", version=1, formats=("html", "pdf"), language=language).pdf


def test_the_hand_built_sample_has_no_overprint_and_no_word_outside_the_text_area():
    run = make_run()
    for language in ("en", "de"):
        pdf = _pdf(run, language)
        assert layout_problems(pdf) == []
        assert split_identifiers(pdf, identifiers(run)) == []
