"""What a stored run's reports must show (issue #13 acceptance), shared by the sample tests.

* Every judged check's printed acceptance criterion is the criterion of the rule that decided it
  (``<kind>.rule.<rule>``), and that rule reads no measurement contradicting the verdict.
* No report carries "could not be drawn" or exception text.
* A German report contains none of the English catalogue's sentences (each English message whose text differs
  from its German one and has at least three words of fixed text, its placeholders matched as wildcards); data
  values (feature names, group labels, and the policy text the provider wrote, printed verbatim) are removed
  before the search.
* The opinion page fits on one page in every language and quotes its numbers.
* No two words overprint, no word leaves the text area, no identifier breaks mid-word, on any page, in any
  language (tests/layout_check.py).
* Every stored number equals the golden file written from the release before typed evidence.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import os
import re
from functools import cache
from pathlib import Path

import torch
from layout_check import identifiers, layout_problems, split_identifiers
from pypdf import PdfReader

from auditkit.evidence import Msg, verdict_problems
from auditkit.i18n import messages, use_language
from auditkit.i18n.render import text
from auditkit.report import render_report
from auditkit.results import RunRecord

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
_FIELD = re.compile(r"\{[^{}]*\}")


def criterion(kind: str, verdict) -> str:
    """The criterion text of ``verdict``'s rule in the language in force."""
    return text(Msg(f"{kind}.rule.{verdict.rule}", **verdict.params))


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@cache
def english_patterns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(key, fixed parts) of every English sentence that German says differently, whitespace removed."""
    en, de = messages("en"), messages("de")
    out = []
    for key, sentence in en.items():
        parts = _FIELD.split(sentence)
        fixed = " ".join(p.strip() for p in parts)
        if de.get(key) == sentence or len(re.findall(r"[A-Za-z]{2,}", fixed)) < 3:
            continue
        out.append((key, tuple(q for q in (_squash(p) for p in parts) if q)))
    return tuple(out)


def _contains(flat: str, parts: tuple[str, ...], gap: int = 400) -> bool:
    """Whether the parts occur in order, each within ``gap`` characters of the previous one (a placeholder's
    value fills the gap). Linear in the text: each start of the first part is tried once, the rest found by
    ``str.find`` in a window (a regular expression with lazy gaps backtracks exponentially here)."""
    first, rest = parts[0], parts[1:]
    start = flat.find(first)
    while start != -1:
        pos, ok = start + len(first), True
        for part in rest:
            found = flat.find(part, pos, pos + gap + len(part))
            if found == -1:
                ok = False
                break
            pos = found + len(part)
        if ok:
            return True
        start = flat.find(first, start + 1)
    return False


def english_sentences(document_text: str, data: str = "") -> list[str]:
    """Keys of the English sentences found in ``document_text``; each line of ``data`` (the policy text, which the
    report prints verbatim and quotes from: the provider's own words) is removed first."""
    flat = _squash(document_text)
    for line in sorted((_squash(x) for x in data.splitlines()), key=len, reverse=True):
        if len(line) >= 8:
            flat = flat.replace(line, " ")
    return [key for key, parts in english_patterns() if parts and _contains(flat, parts)]


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_reports_state_their_rules(run: RunRecord, languages: tuple[str, ...] = ("en", "de")) -> dict[str, bytes]:
    """Render ``run`` in each language (German also as PDF) and check the acceptance above; return the HTML."""
    pages = {}
    for o in run.outcomes:
        assert o.evidence is not None, o.check_id
        assert verdict_problems(o.status, o.evidence.verdict, o.measurements) == [], o.check_id
    for language in languages:
        rendered = render_report(run, report_id=f"acceptance-{language}", version=1, formats=("html", "pdf"),
                                 language=language)
        assert_opinion_on_one_page(rendered.pdf, language)
        problems = layout_problems(rendered.pdf) + split_identifiers(rendered.pdf, identifiers(run))
        assert problems == [], (run.run_id, language, problems[:10])
        html = rendered.html.decode()
        assert "could not be drawn" not in html and "Traceback" not in html and "Error:" not in html
        flat = _squash(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))
        with use_language(language):
            for o in run.outcomes:
                if o.evidence.verdict is not None:
                    wanted = _squash(criterion(o.kind, o.evidence.verdict))
                    assert wanted in flat, (o.check_id, wanted)
        if language == "de":
            assert english_sentences(pdf_text(rendered.pdf), data=run.policy_text) == []
        pages[language] = rendered.html
    return pages


def assert_opinion_on_one_page(pdf: bytes, language: str) -> None:
    """The opinion page exists, starts a page and fits on it: its title and its last heading are on one page,
    and it quotes numbers."""
    with use_language(language):
        title, last = text(Msg("section.opinion")), text(Msg("opinion.residual_title"))
        residual = _squash(text(Msg("opinion.residual")))
    pages = [_squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    where = [i for i, p in enumerate(pages) if _squash(title) in p and _squash(last) in p and residual in p]
    assert where, f"the {language} opinion does not fit on one page"
    page = pages[where[0]]
    assert "%" in page, "the opinion quotes no numbers"


def cpu_kind() -> str:
    """The kind of CPU a trained model's numbers depend on: torch's instruction set and the CPU vendor (MKL takes
    other code paths on another vendor's CPU, so float32 sums round differently and training drifts)."""
    vendor = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("vendor_id"):
                vendor = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{torch.backends.cpu.get_cpu_capability()}/{vendor}"


def golden_problems(runs: list[RunRecord], name: str) -> list[str]:
    """Differences between ``runs`` (oldest first) and the golden file ``name``.

    Gates and every verdict (check and measurement statuses) exactly, everywhere. Numbers to 1e-9, but only on the
    CPU kind that wrote the file (``cpu_kind``, :func:`cpu_kind`): the samples train their models on the CPU, and
    on another vendor's CPU or instruction set the trained weights, and so every number, differ (a parity gap of
    22.5 pp on one machine was 22.9 pp on another with the same library versions). A file without ``cpu_kind``
    was written before kinds were recorded: its numbers are not compared. ``AUDITKIT_WRITE_GOLDEN=1`` rewrites
    the file from ``runs`` on this machine (and then reports no problem).
    """
    if os.environ.get("AUDITKIT_WRITE_GOLDEN") == "1":
        write_golden(runs, name)
    golden = json.loads((GOLDEN / name).read_text())
    numbers = golden.get("cpu_kind") == cpu_kind()
    problems = []
    assert len(runs) == len(golden["runs"])
    for run, want in zip(runs, golden["runs"], strict=True):
        if (run.gate.value if run.gate else None) != want["gate"]:
            problems.append(f"gate {run.gate} != {want['gate']}")
        got = {o.check_id: o for o in run.outcomes}
        for wo in want["outcomes"]:
            o = got[wo["check_id"]]
            if o.status.value != wo["status"]:
                problems.append(f"{o.check_id}: {o.status.value} != {wo['status']}")
            have = {(m.name, m.group): m for m in o.measurements}
            for wm in wo["measurements"]:
                m = have.get((wm["name"], wm["group"]))
                if m is None:
                    problems.append(f"{o.check_id}: measurement {wm['name']}@{wm['group']} missing")
                    continue
                for field in ("value", "ci_low", "ci_high", "threshold", "p_value", "n") if numbers else ():
                    a, b = getattr(m, field), wm[field]
                    if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9 * max(1.0, abs(b))):
                        problems.append(f"{o.check_id}: {wm['name']}@{wm['group']}.{field} {a} != {b}")
                if (m.status.value if m.status else None) != wm["status"]:
                    problems.append(f"{o.check_id}: {wm['name']}@{wm['group']} status {m.status} != {wm['status']}")
    return problems


def write_golden(runs: list[RunRecord], name: str) -> None:
    """Write the golden file ``name`` from ``runs``: gates, statuses and numbers, with this machine's CPU kind."""
    old = json.loads((GOLDEN / name).read_text())
    data = {**{k: v for k, v in old.items() if k != "runs"}, "cpu_kind": cpu_kind(), "runs": [
        {"gate": run.gate.value if run.gate else None, "outcomes": [
            {"check_id": o.check_id, "status": o.status.value, "measurements": [
                {"name": m.name, "group": m.group, **{f: getattr(m, f) for f in
                                                      ("value", "ci_low", "ci_high", "threshold", "p_value", "n")},
                 "status": m.status.value if m.status else None} for m in o.measurements]}
            for o in run.outcomes]} for run in runs]}
    (GOLDEN / name).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
