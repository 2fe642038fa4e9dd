"""Section 10 as an audit document (issue #14 item 3): signature blocks filled from the hash-chained sign-off
records or left blank to sign, a revision history of the run's report versions, the latest decision on the cover."""

from __future__ import annotations

import dataclasses

from report_samples import SIGNOFFS

from auditkit.i18n import use_language
from auditkit.report import render_report
from auditkit.report.view import build_view

REVIEW = {**SIGNOFFS[0], "name": "Ada Lovelace", "function": "Validation", "role": "independent reviewer",
          "decision": "approve", "report_id": "AR-2026-0041", "record_sha256": "ef" * 32}


def test_blocks_fill_from_the_latest_sign_off_in_their_role_and_stay_blank_to_sign_otherwise(run):
    view = build_view(run, report_id="AR-2026-0043", version=3, signoffs=(REVIEW, SIGNOFFS[0]))
    prepared, reviewed, approved = view.signature_blocks
    assert (prepared.title, prepared.filled) == ("Prepared by", False)
    assert (reviewed.name, reviewed.function, reviewed.decision) == ("Ada Lovelace", "Validation", "approved")
    assert (approved.name, approved.decision) == ("Dr. Anna Weber", "rejected")
    assert "independently of the development" in reviewed.statement
    assert [r.label for r in view.revisions] == ["AR-2026-0041", "AR-2026-0042", "AR-2026-0043"]
    assert "signed off by Dr. Anna Weber (approver): rejected" in view.revisions[1].value
    assert "showing 2 sign-off(s)" in view.revisions[2].value
    assert view.latest_signoff.startswith("Latest sign-off: Dr. Anna Weber (approver), rejected")
    html = render_report(run, report_id="AR-2026-0043", version=3, signoffs=(REVIEW, SIGNOFFS[0]),
                         formats=("html",)).html.decode()
    assert html.count('class="signature-block filled"') == 2 and html.count('class="signature-block blank"') == 1
    assert "auditkit signoff" not in html.split('id="signoff"')[1].split("</section>")[0]  # no command-line hint


def test_an_unsigned_report_prints_three_blank_blocks_in_its_language(run):
    german = dataclasses.replace(run, policy_text=run.policy_text + "report: {language: de}\n")
    with use_language("de"):
        view = build_view(german, report_id="AR-1", version=1)
    assert [b.title for b in view.signature_blocks] == ["Erstellt von", "Geprüft von", "Freigegeben von"]
    assert not any(b.filled for b in view.signature_blocks) and view.latest_signoff == ""
    assert [r.label for r in view.revisions] == ["AR-1"]
