"""Typesetting checks on a rendered PDF: no two words overprint, no word leaves the page's text area, no identifier
breaks across lines (issue #14 item 6). Shared by tests/report/test_layout.py (a hand-built run) and the sample
acceptance (report_acceptance.py: every page of the credit and cv-screening reports, EN and DE).

Word boxes come from pdfplumber. Rotated and slanted characters (axis labels of the charts) are left out of
the overlap check: pdfplumber gives them the axis-aligned hull of slanted glyphs, and neighbouring hulls overlap
although the glyphs do not. The text area is the A4 page (portrait or landscape) less the margins of report.css's
``@page`` rule; the running header and footer sit in the top and bottom margins, so they are only held to the
left and right margins.
"""

from __future__ import annotations

import io
import itertools
import re

import pdfplumber

MM = 72 / 25.4
TOP, RIGHT, BOTTOM, LEFT = 22 * MM, 18 * MM, 20 * MM, 18 * MM  # report.css @page margin
EPS = 0.6  # points: rounding of glyph boxes; words that merely touch are fine


def layout_problems(pdf: bytes) -> list[str]:
    """Every overprint of two words and every word outside the text area, as readable lines."""
    problems = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, 1):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True, extra_attrs=["upright"])
            level = page.filter(lambda o: o.get("object_type") != "char"
                                or (abs(o["matrix"][1]) < 1e-6 and abs(o["matrix"][2]) < 1e-6))
            level_words = level.extract_words(keep_blank_chars=False, use_text_flow=True)
            for w in words:
                margin_band = w["bottom"] <= TOP + EPS or w["top"] >= page.height - BOTTOM - EPS
                inside_x = w["x0"] >= LEFT - EPS and w["x1"] <= page.width - RIGHT + EPS
                inside_y = w["top"] >= -EPS and w["bottom"] <= page.height + EPS
                if not (inside_x and inside_y) or (not margin_band and not (
                        w["top"] >= TOP - EPS and w["bottom"] <= page.height - BOTTOM + EPS)):
                    problems.append(f"p{number}: {w['text']!r} outside the text area at "
                                    f"({w['x0']:.1f}, {w['top']:.1f})–({w['x1']:.1f}, {w['bottom']:.1f})")
            upright = list(level_words)
            upright.sort(key=lambda w: (w["top"], w["x0"]))
            for i, a in enumerate(upright):
                for b in upright[i + 1:]:
                    if b["top"] >= a["bottom"] - EPS:
                        break
                    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    if dx > EPS and dy > EPS:
                        problems.append(f"p{number}: {a['text']!r} overprints {b['text']!r} at "
                                        f"({max(a['x0'], b['x0']):.1f}, {max(a['top'], b['top']):.1f})")
    return problems


def split_identifiers(pdf: bytes, identifiers) -> list[str]:
    """Identifiers printed broken across two lines: a line ends with a proper prefix, the next starts with the rest.

    A break at ``_``, ``-``, ``.`` or ``/`` is allowed (the prefix then ends with that character); anything else,
    hyphenation included (a prefix ending in ``-`` that is not part of the identifier), is a split.
    """
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = [ln for page in doc.pages for ln in (page.extract_text() or "").splitlines()]
    for first, second in itertools.pairwise(lines):
        last = first.split()[-1] if first.split() else ""
        nxt = second.split()[0] if second.split() else ""
        for ident in identifiers:
            for cut in range(1, len(ident)):
                head, tail = ident[:cut], ident[cut:]
                if head[-1] in "_-./":
                    continue
                if (last.endswith(head) or last.endswith(head + "-")) and nxt.startswith(tail):
                    found.append(f"{ident!r} split as {last!r} / {nxt!r}")
    return found


def identifiers(run) -> set[str]:
    ids = set()
    for outcome in run.outcomes:
        ids.add(outcome.check_id)
        ids.add(outcome.kind)
    ids |= {m for m in re.findall(r"[a-z]+(?:_[a-z]+)+", " ".join(map(str, ids)))}
    methods = {"integrated_gradients", "gradient_shap", "kernel_shap", "feature_ablation", "counterfactual_sweep"}
    return {i for i in ids | methods if len(i) > 3}
