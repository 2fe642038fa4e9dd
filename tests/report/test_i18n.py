"""Report languages: complete catalogues, German reports in German, English reports as before."""

from __future__ import annotations

import dataclasses
import io
import re
import string

import pytest
from pypdf import PdfReader
from report_samples import SIGNOFFS

from auditkit.errors import ReportError
from auditkit.i18n import LANGUAGES, messages, t, use_language
from auditkit.policy.schema import ReportSpec
from auditkit.report import render_report
from auditkit.report.catalog import SECTIONS, sections
from auditkit.report.view import build_view
from auditkit.resources import resource_dir


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _german(run):
    text = run.policy_text.replace("report: {formats: [html, pdf],", "report: {formats: [html, pdf], language: de,")
    assert text != run.policy_text
    return dataclasses.replace(run, policy_text=text)


def _headings(html: str) -> list[str]:
    """The text of every h1/h2 heading, section numbers removed."""
    found = re.findall(r"<h([12])[^>]*>(.*?)</h\1>", html, re.S)
    return [re.sub(r"<span class=\"secnum\">[^<]*</span>", "", h).strip() for _, h in found]


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_exactly_the_english_keys_and_fields(language):
    english, other = messages("en"), messages(language)
    assert sorted(set(english) - set(other)) == [], "missing keys"
    assert sorted(set(other) - set(english)) == [], "keys English does not have"
    wrong = [k for k in english if _fields(english[k]) != _fields(other[k])]
    assert wrong == [], "placeholders differ"
    assert [k for k, v in other.items() if not v.strip()] == []


def test_every_key_the_templates_use_exists():
    used = set()
    for path in resource_dir("templates").glob("*.j2"):
        used |= set(re.findall(r"""\bt\(\s*['"]([^'"]+)['"]""", path.read_text(encoding="utf-8")))
    assert len(used) > 50
    for language in LANGUAGES:
        assert sorted(used - set(messages(language))) == [], language


def test_unknown_language_is_an_error_and_a_missing_key_too(run):
    with pytest.raises(ReportError, match="unknown report language 'fr'"):
        build_view(run, report_id="R", version=1, language="fr")
    with pytest.raises(ReportError, match="missing from the 'de' catalogue"), use_language("de"):
        t("no.such.key")


def test_policy_schema_accepts_de_and_refuses_others():
    assert ReportSpec(language="de").language == "de"
    with pytest.raises(ValueError, match="language"):
        ReportSpec(language="fr")


def test_german_report_has_german_headings_and_no_english_ones(run, previous):
    html = render_report(_german(run), report_id="AR-1", version=3, previous=previous, signoffs=SIGNOFFS,
                         formats=("html",)).html.decode("utf-8")
    with use_language("de"):
        german = [title for _, _, title in sections()]
    headings = _headings(html)
    for title in german:
        assert title in headings, title
    english = {title for _, _, title in SECTIONS} | {"Contents", "Group fairness", "Performance and disaggregated "
                                                                                   "accuracy"}
    assert not english & set(headings)
    assert '<html lang="de">' in html
    assert "Freigabeentscheidung" in html and "NICHT BESTANDEN" in html and "Seite" in html
    assert "25.11.2026" in html and "2026-11-25 " not in html  # German dates; ISO only in metadata
    assert "Gruppe(n) unter der Mindestgruppengröße" in html
    # what the checks wrote is printed as stored, not translated
    assert "Women are selected at 58% of the rate of men" in html
    # no English fixed sentence slipped through
    for english_text in ("not provided", "Blocking findings", "Residual risk", "Acceptance criteria:",
                         "No sign-off recorded", "Previous audit", "Check status, before"):
        assert english_text not in html, english_text


def test_english_report_keeps_its_structure(run, previous):
    english = render_report(run, report_id="AR-1", version=3, previous=previous, signoffs=SIGNOFFS,
                            formats=("html",)).html.decode("utf-8")
    german = render_report(_german(run), report_id="AR-1", version=3, previous=previous, signoffs=SIGNOFFS,
                           formats=("html",)).html.decode("utf-8")
    assert '<html lang="en">' in english
    headings = _headings(english)
    assert [title for _, _, title in SECTIONS] == [h for h in headings if h in {s[2] for s in SECTIONS}]
    # the same elements in the same order: only the words differ (inside a chart, a longer German label may be
    # shortened, with its full text as a tooltip, so charts count as one element each)
    tags = re.compile(r"<(/?[a-z0-9]+)[ >]")
    charts = re.compile(r"<svg.*?</svg>", re.S)
    def structure(page: str) -> list[str]:  # <wbr> marks where an identifier may break: its words differ
        return [tag for tag in tags.findall(charts.sub("<svg></svg>", page)) if tag != "wbr"]

    assert structure(english) == structure(german)
    assert re.findall(r'\bid="([^"]+)"', english) == re.findall(r'\bid="([^"]+)"', german)


def test_dates_follow_the_language_and_numbers_keep_the_point(run):
    en = build_view(run, report_id="R", version=1)
    de = build_view(run, report_id="R", version=1, language="de")
    assert (en.date, de.date) == ("2026-11-25", "25.11.2026")
    assert de.policy_timing == "Prüfrichtlinie gültig ab 01.11.2026, 24 Tage vor dem Start des Laufs am 25.11.2026."
    ratio_en = en.families[1].checks[0].measurements[0]
    ratio_de = de.families[1].checks[0].measurements[0]
    assert (ratio_en.value, ratio_en.ci) == ("0.5800", "95% [0.5400, 0.6200]")
    assert (ratio_de.value, ratio_de.ci) == ("0.5800", "95\u00a0% [0.5400, 0.6200]")
    assert en.language == "en" and de.language == "de"
    # the codes in the view stay codes; the words are chosen when printing
    assert ratio_de.verdict == "FAIL" and de.gate == "FAIL"


def test_missing_human_fields_are_marked_in_both_languages(run):
    for language, word in (("en", "not provided"), ("de", "nicht angegeben")):
        v = build_view(run, report_id="R", version=1, language=language)
        missing = [i for i in v.scope if i.missing]
        assert len(missing) == 5 and all(i.value == word for i in missing)
        assert v.art4a.missing and v.art4a.value == word


def test_language_does_not_leak_out_of_a_render(run):
    build_view(run, report_id="R", version=1, language="de")
    assert build_view(run, report_id="R", version=1).date == "2026-11-25"
    assert t("section.summary") == "Executive summary and gate decision"


def test_german_pdf_has_german_headings_and_page_footer(run):
    pdf = render_report(_german(run), report_id="AR-1", version=3).pdf
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert re.search(rf"Seite 1 von {len(reader.pages)}", text)
    assert "Page 1 of" not in text
    with use_language("de"):
        for _, _, title in sections():
            assert title in text, title
    assert "NICHT BESTANDEN" in text and "nicht angegeben" in text


