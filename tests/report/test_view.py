"""build_view: the content decisions of the report, checked on the view records (no HTML parsing)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from report_samples import SIGNOFFS, make_run

from auditkit.i18n import messages
from auditkit.report.html import render_html
from auditkit.report.view import build_view
from auditkit.results import Status


def _view(run, **kw):
    return build_view(run, report_id="AR-2026-0042", version=3, **kw)


def test_view_is_pure_and_deterministic(run):
    assert _view(run) == _view(run)


def test_gate_counts_and_blocking_findings(run):
    v = _view(run)
    assert v.gate == "FAIL"
    assert {c.status: c.count for c in v.counts} == {"PASS": 1, "FAIL": 1, "INCONCLUSIVE": 1, "ERROR": 1,
                                                      "SKIPPED": 1}
    # blocker + FAIL and blocker + ERROR block; the major INCONCLUSIVE does not
    assert [f.title for f in v.blocking] == ["selection-parity", "sex-not-used"]
    assert [f.ref for f in v.findings] == ["F-1", "F-2", "F-3", "F-4"]
    assert "LEACE eraser could not be fitted" in v.findings[1].text


def test_families_in_report_order_and_not_assessed(run):
    v = _view(run)
    assert [(f.number, f.kind) for f in v.families] == [
        ("6.1", "performance"), ("6.2", "group_fairness"), ("6.3", "prohibited_feature_use"),
        ("6.4", "attribution_agreement")]
    assert v.not_assessed == (
        "Counterfactual sweeps: not assessed — the policy has no counterfactual_sweep check, so no evidence "
        "on whether changing the protected attribute changes decisions.",)
    joined = " ".join(v.not_covered)
    assert "Art. 15(5)" in joined and "adversarial" in joined and "Art. 10(2)(a)–(e)" in joined


def test_other_kinds_follow_the_standard_families(run):
    extra = dataclasses.replace(run.outcomes[0], check_id="custom", kind="calibration")
    v = _view(dataclasses.replace(run, outcomes=(extra, *run.outcomes)))
    assert [f.kind for f in v.families][-1] == "other"
    assert v.families[-1].checks[0].check_id == "custom"


def _p_rows(v) -> list[tuple[str, str, str]]:
    """(measurement, raw p, adjusted p) of every measurement with a p-value, in report order."""
    return [(m.name, m.p_raw, m.p_adjusted) for f in v.families for c in f.checks for m in c.measurements
            if m.p_raw != "\u2014"]


def test_holm_adjustment_matches_hand_computation(run):
    # raw p: accuracy_gap 0.035, DP ratio 0.0004, DP difference 0.001, EO difference 0.03 (m = 4)
    # sorted: 0.0004*4 = 0.0016, 0.001*3 = 0.003, 0.03*2 = 0.06, 0.035*1 = 0.035 -> max-step gives 0.06
    v = _view(run)
    assert sorted(_p_rows(v)) == sorted([
        ("Accuracy gap", "0.0350", "0.0600"),
        ("Demographic parity ratio", "< 0.001", "0.0016"),
        ("Demographic parity difference", "0.0010", "0.0030"),
        ("Equalized odds difference", "0.0300", "0.0600"),
    ])
    parity = v.families[1].checks[0]
    assert (parity.measurements[0].p_raw, parity.measurements[0].p_adjusted) == ("< 0.001", "0.0016")


def test_bonferroni_from_policy(run):
    text = run.policy_text.replace("correction: holm", "correction: bonferroni")
    v = _view(dataclasses.replace(run, policy_text=text))
    assert sorted(p[2] for p in _p_rows(v)) == sorted(["0.1400", "0.0016", "0.0040", "0.1200"])
    assert v.correction == "bonferroni"


def test_measurement_row_formatting(run):
    parity = _view(run).families[1].checks[0]
    ratio = parity.measurements[0]
    assert (ratio.name, ratio.value, ratio.ci, ratio.threshold, ratio.verdict) == (
        "Demographic parity ratio", "0.5800", "95% [0.5400, 0.6200]", "≥ 0.8000", "FAIL")
    assert parity.criteria == ("Demographic parity ratio ≥ 0.8000", "Demographic parity difference ≤ 0.1000")
    assert parity.blocking and parity.status == "FAIL"


def test_details_tables_are_generic(run):
    perf = _view(run).families[0].checks[0]
    t = perf.tables[0]
    assert t.columns == ("group", "n", "accuracy", "FPR", "FNR")
    assert t.rows[0] == ("female", "780", "0.8534", "0.1021", "0.2113")
    assert t.rows[2][3:] == ("—", "—")
    assert t.numeric == (False, True, True, True, True)
    assert perf.notes and "nonbinary" in perf.notes[0]


def test_error_and_skipped_show_their_reason(run):
    v = _view(run)
    error = v.families[2].checks[0]
    skipped = v.families[3].checks[0]
    assert error.status == "ERROR" and error.reason_label.startswith("Could not be computed")
    assert "zero variance" in error.reason
    assert skipped.status == "SKIPPED" and "SupportsGradients" in skipped.reason
    missing = dataclasses.replace(run.outcomes[3], error=None)
    v2 = _view(dataclasses.replace(run, outcomes=(missing,)))
    assert v2.families[0].checks[0].reason == "no reason was recorded"


def test_policy_timing_before_and_after(run):
    v = _view(run)
    assert v.policy_timing == "Policy effective from 2026-11-01, 24 days before the run started on 2026-11-25."
    assert v.policy_timing_ok
    late = dataclasses.replace(run, policy_effective_from=dt.date(2026, 12, 1))
    v2 = _view(late)
    assert not v2.policy_timing_ok and "AFTER" in v2.policy_timing
    assert v2.findings[0].title == "Acceptance criteria not fixed before the run"


def test_missing_human_fields_are_marked(run):
    v = _view(run)
    scope = {i.label: i for i in v.scope}
    assert scope["Reasonably foreseeable misuse"].missing
    assert scope["Human oversight measures"].value == "not provided"
    assert not scope["Intended purpose"].missing
    assert v.art4a.missing


def test_data_gaps_from_group_sizes(run):
    v = _view(run)
    assert any("nonbinary" in g and "n = 24" in g for g in v.gaps)
    assert any(v.coverage.is_flagged(i) for i in range(len(v.coverage.rows)))
    assert v.group_tables[0].flagged == (False, False, True)


def test_changes_since_previous(run, previous):
    c = _view(run, previous=previous).changes
    assert c is not None
    rows = {r[0]: r for r in c.fingerprints.rows}
    assert rows["Model fingerprint"][3] == "CHANGED"
    assert rows["Dataset fingerprint"][3] == "same"
    checks = {r[0]: r for r in c.checks.rows}
    assert checks["selection-parity"][1:] == ("PASS", "FAIL", "status changed")
    assert checks["legacy-check"][3] == "removed check"
    assert ("selection-parity", "Demographic parity ratio", "overall", "0.8600", "0.5800", "-0.2800",
            "PASS → FAIL") in c.measurements.rows
    assert _view(run).changes is None


def test_signoffs(run):
    v = _view(run, signoffs=SIGNOFFS)
    s = v.signoffs[0]
    assert (s.name, s.decision, s.time) == ("Dr. Anna Weber", "reject", "2026-11-26 14:02:00 UTC")
    unsigned = _view(run)
    # no sign-off yet: the view carries the catalogue's hint naming the command that records one
    assert unsigned.signoffs == () and unsigned.signoff_hint == messages("en")["signoff.hint"]
    assert "auditkit signoff RUN" in unsigned.signoff_hint


def test_report_date_is_the_run_date_not_now(run):
    v = _view(run)
    assert (v.date, v.created_iso) == ("2026-11-25", "2026-11-25T09:14:19Z")
    unfinished = make_run(finished_at=None, gate=None)
    v2 = _view(unfinished)
    assert v2.created_iso == "2026-11-25T09:14:03Z" and v2.gate == "NOT DECIDED"


def test_traceability_points_at_present_or_absent_sections(run):
    v = _view(run)
    by_req = {t.requirement: t for t in v.traceability}
    assert [link.anchor for link in by_req["Art. 13(3)(b)(v)"].sections] == ["family-performance"]
    assert "not-assessed" in [link.anchor for link in by_req["Art. 86"].sections]
    assert {"Art. 9(8)", "Art. 10(2)(f)–(h)", "Art. 15(1), 15(3)", "Annex IV 2(g)", "Art. 14(4)(c)"} <= set(by_req)


def test_attachments_are_stable_and_hashed(run):
    a1, a2 = _view(run).attachments, _view(run).attachments
    assert [a.name for a in a1] == ["results.json", "policy.yaml", "test-log.jsonl"]
    assert a1 == a2 and a1[1].content == run.policy_text.encode()
    assert len(a1[0].sha256) == 64


def test_unparseable_policy_text_still_renders(run):
    v = _view(dataclasses.replace(run, policy_text="::: not yaml: [", outcomes=run.outcomes))
    assert v.correction == "holm" and v.criteria.rows  # falls back to the outcomes' params
    assert Status.ERROR.value in [c.status for c in v.counts]


def test_malformed_details_do_not_break_the_view(run):
    odd = dataclasses.replace(run.outcomes[0], details={
        "tables": ["not a table", {"title": "ragged", "columns": ["group", "n"],
                                   "rows": [["a", 3, "extra"], ["b"], "scalar"]}],
        "notes": "one note, not a list",
        "excluded_groups": ["x", "y"],
    })
    v = _view(dataclasses.replace(run, outcomes=(odd,)))
    check = v.families[0].checks[0]
    (t,) = check.tables
    assert t.columns == ("group", "n", "") and t.rows == (("a", "3", "extra"), ("b", "—", "—"),
                                                        ("scalar", "—", "—"))
    assert check.notes == ("one note, not a list", "Excluded groups: [x, y]")
    assert v.group_tables[0].flagged == (True, False, False)  # n = 3 < 30


def test_number_formatting():
    from auditkit.report import fmt

    assert [fmt.num(x) for x in (0.58, -0.0, 1e-7, None, float("nan"), 3)] == [
        "0.5800", "0.0000", "1.00e-07", "—", "—", "3"]
    assert [fmt.pvalue(p) for p in (1.24e-265, 0.00001, 0.0009, 0.0010, 0.0400, 1.2)] == [
        "< 0.001", "< 0.001", "< 0.001", "0.0010", "0.0400", "1.0000"]
    assert fmt.interval(0.54, 0.62, 0.95) == "95% [0.5400, 0.6200]"
    assert fmt.humanise("equalized_odds_difference") == "Equalized odds difference"
    assert fmt.humanise("fpr") == "FPR"


def test_traceability_covers_the_articles_a_reviewer_asks_for_with_coverage_and_worst_status(run):
    """Annex E (issue #14 item 5): Art. 12, 14(4)(b), 15(4) and 17 are rows; lifecycle changes cite Annex IV 6 (not
    2(f), the predetermined changes); a tested row prints the worst verdict of the checks deciding it, a row whose
    families did not run reads "not assessed"; every section link is a page reference."""
    v = _view(run)
    rows = {r.requirement: r for r in v.traceability}
    assert {"Art. 12", "Art. 14(4)(b)", "Art. 15(4)", "Art. 17", "Annex IV 6; Art. 43(4)"} <= set(rows)
    assert not any("2(f)" in r for r in rows)
    assert rows["Art. 12"].coverage == "not assessed" and rows["Art. 12"].status == ""
    assert rows["Art. 17"].coverage == "documented"
    statuses = {f.kind: [c.status for c in f.checks] for f in v.families}
    order = ("ERROR", "FAIL", "INCONCLUSIVE", "SKIPPED", "PASS")
    worst = min(statuses["performance"], key=order.index)
    assert (rows["Art. 13(3)(b)(v)"].coverage, rows["Art. 13(3)(b)(v)"].status) == ("tested", worst)
    no_agreement = dataclasses.replace(run, outcomes=tuple(o for o in run.outcomes
                                                           if o.kind != "attribution_agreement"))
    assert {r.requirement: r for r in _view(no_agreement).traceability}["Art. 14(4)(c)"].coverage == "not assessed"
    html = render_html(v).decode()
    annex_e = html[html.index('id="annex-e"'):]
    assert annex_e.count('<a class="secref"') == sum(len(r.sections) for r in v.traceability)
    assert len(v.not_covered) == 7 and any("Art. 12" in s for s in v.not_covered)


def test_provenance_labels_are_in_the_report_language_and_fingerprints_print_once(run):
    """Section 4 names the model's and the data's fields in the report's language (a German report printed
    "Batch size"); a field no catalogue knows is humanised; the fingerprint is printed once per artefact."""
    run = dataclasses.replace(run, model_ref={**run.model_ref, "batch_size": 64, "fingerprint": run.model_fingerprint,
                                              "vendor_field": "x"})
    en, de = _view(run, language="en"), _view(run, language="de")
    assert "Batch size" in [i.label for i in en.model_ref] and "Stapelgröße" in [i.label for i in de.model_ref]
    assert "Vendor field" in [i.label for i in de.model_ref]
    assert [i.value for i in en.model_ref].count(run.model_fingerprint) == 1


def test_checks_are_reported_in_policy_order_whatever_order_they_were_committed_in(run):
    """A Ray run commits outcomes as they finish; the report still reads in the policy's order."""
    in_order = _view(run)
    shuffled = _view(dataclasses.replace(run, outcomes=tuple(reversed(run.outcomes))))
    ids = [c.check_id for f in in_order.families for c in f.checks]
    assert ids and [c.check_id for f in shuffled.families for c in f.checks] == ids
    assert [c.anchor for f in shuffled.families for c in f.checks] == [c.anchor for f in in_order.families
                                                                        for c in f.checks]
