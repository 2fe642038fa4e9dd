"""The check section prints what the verdict means (``Evidence.meaning``) after the summary, in the report's
language, and nothing for evidence stored before checks stated it."""

from __future__ import annotations

import dataclasses
import re

import pytest
from markupsafe import escape
from report_samples import make_run

import auditkit
from auditkit.i18n import render, use_language
from auditkit.report import render_report
from auditkit.store import open_store

PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_difference": {"max": 0.1}}}


@pytest.fixture
def parity_run(analytic, tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        return auditkit.run_audit(analytic({"female": 0.3, "male": 0.6}, [PARITY], n_per_group=400), store=store,
                                  device="cpu", report=False)


def _article(run, language: str) -> str:
    html = render_report(run, report_id="R", version=1, formats=("html",), language=language).html.decode()
    match = re.search(r'<article class="check[^"]*" id="check-\d+-parity">(.*?)</article>', html, re.S)
    assert match
    return match.group(1)


@pytest.mark.parametrize(("language", "label"), [("en", "What it means:"), ("de", "Was das bedeutet:")])
def test_the_meaning_is_printed_after_the_summary(parity_run, language, label):
    ev = parity_run.outcome("parity").evidence
    assert ev.meaning
    article = _article(parity_run, language)
    with use_language(language):
        paragraphs = [str(escape(render.text(m))) for m in ev.meaning]
        summary = str(escape(render.sentences(ev.summary)))
    assert article.count(f"<strong>{label}</strong>") == 1
    for text in paragraphs:
        assert text in article
    assert article.index(summary) < article.index(label) < article.index(paragraphs[-1])
    assert article.count('<p class="meaning">') == len(ev.meaning)


def test_evidence_without_a_meaning_prints_no_paragraph(parity_run):
    out = parity_run.outcome("parity")
    older = dataclasses.replace(out, evidence=dataclasses.replace(out.evidence, meaning=()))
    run = dataclasses.replace(parity_run, outcomes=(older,))
    assert 'class="meaning"' not in _article(run, "en") and "What it means:" not in _article(run, "en")
    html = render_report(make_run(), report_id="R", version=1, formats=("html",)).html.decode()
    assert 'class="meaning"' not in html  # outcomes stored before typed evidence
