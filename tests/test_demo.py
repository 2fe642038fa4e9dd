"""The bundled credit sample, audited end to end: outcomes match what the data was built to show."""

from __future__ import annotations

import re

import pytest
from report_acceptance import assert_reports_state_their_rules, golden_problems
from typer.testing import CliRunner

import auditkit
from auditkit.chartspec import validate_charts
from auditkit.cli import app
from auditkit.i18n import use_language
from auditkit.i18n.render import localise
from auditkit.report.html import render_html
from auditkit.report.view import build_view
from auditkit.results import GateDecision, Status
from auditkit.store import open_store


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    """``auditkit demo`` run once through the CLI; every test below reads what it stored and wrote."""
    out = tmp_path_factory.mktemp("credit-demo")
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--device", "cpu"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result


@pytest.fixture(scope="module")
def sample_runs(demo_out):
    """Both sample models' runs from the demo's SQLite database (the proxy model is audited first)."""
    out, _ = demo_out
    store = open_store(f"sqlite:///{out / 'auditkit.db'}")
    summaries = sorted(store.list_runs(system="retail-credit-scorer"), key=lambda r: r.started_at)
    proxy, fair = (store.get_run(r.run_id) for r in summaries)
    yield store, proxy, fair
    store.close()


def test_proxy_model_fails_parity_with_interval_wholly_beyond_threshold(sample_runs):
    _, proxy, _ = sample_runs
    out = proxy.outcome("sex-selection-parity")
    assert out.status is Status.FAIL
    ratio = out.measurement("demographic_parity_ratio")
    assert ratio.ci_high < ratio.threshold == 0.8
    diff = out.measurement("demographic_parity_difference")
    assert diff.ci_low > diff.threshold == 0.1
    assert proxy.gate is GateDecision.FAIL


def test_fair_model_does_not_fail(sample_runs):
    _, _, fair = sample_runs
    out = fair.outcome("sex-selection-parity")
    assert out.status is Status.PASS
    ratio = out.measurement("demographic_parity_ratio")
    assert ratio.ci_low >= 0.8
    assert fair.gate is GateDecision.PASS
    assert fair.outcome("accuracy").status is Status.PASS


def test_every_check_family_gives_the_known_answer(sample_runs):
    """The proxy model uses sex (through hours_per_week): probes + erasure and the propagated counterfactual
    catch it; the fair model's hidden layers encode sex but its output does not use it."""
    _, proxy, fair = sample_runs
    used = proxy.outcome("sex-not-used")
    assert used.status is Status.FAIL, used.summary
    assert "it is used" in used.summary
    assert proxy.outcome("sex-counterfactual").status is Status.FAIL
    assert "hours_per_week" in proxy.outcome("sex-counterfactual").summary  # the proxy is named
    assert fair.outcome("sex-not-used").status is Status.PASS, fair.outcome("sex-not-used").summary
    assert fair.outcome("sex-counterfactual").status is Status.PASS
    for run in (proxy, fair):  # tabular explainers on an MLP agree and pass their sanity checks
        assert run.outcome("explanation-agreement").status is Status.PASS, run.outcome("explanation-agreement").summary


def test_report_versions_count_up_and_rerender_is_byte_identical(sample_runs):
    store, proxy, fair = sample_runs
    first, second = store.get_report(proxy.run_id), store.get_report(fair.run_id)
    assert (first.version, second.version) == (1, 2)
    for run in (proxy, fair):
        again = auditkit.rerender(store, run.run_id)
        assert again.html_matches and again.pdf_matches
    # the second report compares with the first audit of the same system
    assert b"Changes since the previous audit" in second.html
    assert proxy.model_fingerprint[:16].encode() in second.html


def test_demo_command_writes_html_and_pdf(demo_out):
    out, result = demo_out
    written = sorted(p.name for p in (out / "reports").iterdir())
    assert written == ["retail-credit-scorer-v1.html", "retail-credit-scorer-v1.pdf",
                       "retail-credit-scorer-v2.html", "retail-credit-scorer-v2.pdf"]
    assert str(out / "reports" / "retail-credit-scorer-v1.pdf") in result.stdout
    assert (out / "auditkit.db").exists()


def test_every_chart_validates_and_both_reports_draw_them(sample_runs):
    """The proxy model's report printed 'chart could not be drawn' for the randomisation chart (issue #13)."""
    store, proxy, fair = sample_runs
    for run in (proxy, fair):
        charted = [o for o in run.outcomes if o.evidence.charts]
        assert charted, "no check specified a chart, so this test would prove nothing"
        for outcome in charted:
            with use_language("en"):
                validate_charts({"charts": [localise(c) for c in outcome.evidence.charts]})
        html = store.get_report(run.run_id).html.decode("utf-8")
        assert "could not be drawn" not in html
        assert html.count("<svg") >= sum(len(o.evidence.charts) for o in charted)


def test_every_number_equals_the_release_before_typed_evidence(sample_runs):
    """Typed evidence changed how results are stated, not what was computed (issue #13)."""
    _, proxy, fair = sample_runs
    assert golden_problems([proxy, fair], "credit.json") == []


def test_reports_print_the_deciding_rule_and_german_has_no_english(sample_runs):
    """The fair model's ``sex-not-used`` passed on a rule its report never printed, under a FAIL criterion."""
    _, proxy, fair = sample_runs
    used = fair.outcome("sex-not-used")
    assert used.status is Status.PASS
    decisive = [m for m in used.measurements if m.role == "decisive"]
    assert decisive and all(m.status in (None, Status.PASS) for m in decisive)
    for run in (proxy, fair):
        assert_reports_state_their_rules(run)


def test_the_opinion_states_the_decision_numbers_and_root_cause_in_plain_words(sample_runs):
    """Issue #14: women approved about 42 % and men 64 % although repayment is equal; one cause behind two findings.

    The numbers are the run's own, formatted as the report formats them (the sample's trained models, and so its
    percentages, differ slightly from one CPU kind to another)."""
    _, proxy, fair = sample_runs
    with use_language("en"):
        view = build_view(proxy, report_id="R", version=1)
        opinion = view.opinion
        assert opinion.decision == "do_not_release" and opinion.headline.startswith("Do not release")
        rates = opinion.numbers[0]
        pct = r"(\d+\.\d)%"
        female = re.search(rf"sex=female: decided favourably {pct}, favourable outcome {pct}", rates)
        male = re.search(rf"sex=male: decided favourably {pct}, favourable outcome {pct}", rates)
        assert female and male, rates
        assert 38 < float(female[1]) < 46 and 60 < float(male[1]) < 68  # women approved far less often
        assert abs(float(female[2]) - float(male[2])) < 3  # though they repay as often
        pp = r"(\d+\.\d)\u00a0pp"
        gap = re.search(rf"Gap in favourable decisions between groups: {pp} \(95% confidence: {pp} to {pp}\)",
                        opinion.numbers[1])
        assert gap and float(gap[2]) < float(gap[1]) < float(gap[3]) and 19 < float(gap[1]) < 26
        assert "This criterion is not met." in opinion.numbers[1]
        (cause,) = opinion.causes
        blocking = [f.ref for f in view.findings if f.blocking]
        assert cause.startswith("The input hours_per_week is behind findings")
        assert set(cause.split("findings ")[1].rstrip(".").split(", ")) < set(blocking)
        assert [c.split(" (")[0] for c in opinion.conditions] == [f"Fix and re-audit {r}" for r in blocking]
        assert "names no role" in opinion.override and "Not signed off" in opinion.signoff
        jargon = ("selectivity", "control task", "flip-only", "Holm", "LEACE", "probe", "propagated")
        text = " ".join([opinion.headline, *opinion.numbers, *opinion.causes, *opinion.conditions]).lower()
        assert [w for w in jargon if w.lower() in text] == []
        fair_opinion = build_view(fair, report_id="R", version=1).opinion
    assert fair_opinion.decision == "release" and fair_opinion.conditions == ()
    assert len(fair_opinion.numbers) >= 3 and all("%" in n for n in fair_opinion.numbers)
    assert all("This criterion is met." in n for n in fair_opinion.numbers[1:])


def test_one_quantity_reads_the_same_everywhere_in_the_report(sample_runs):
    """Issue #14: one number format, through the evidence's units: a measurement's value in its check's table,
    in the check's summary sentence and on the opinion page are the same characters; and every measurement is
    printed in exactly one measurement table (decisive ones in the check's section, diagnostic ones in Annex B)."""
    _, proxy, _ = sample_runs
    with use_language("en"):
        view = build_view(proxy, report_id="R", version=1)
        html = render_html(view).decode()
    checks = {c.check_id: c for f in view.families for c in f.checks}
    rows = sum(len(c.measurements) for c in checks.values())
    tables = re.findall(r'<table class="data measurements">.*?</table>', html, flags=re.S)
    assert sum(t.count("<tr>") - 1 for t in tables) == rows  # each table's header row, then one row per measurement
    annex_b = html[html.index('id="annex-b"'):html.index('id="annex-c"')]
    for c in checks.values():
        section = html[html.index(f'id="{c.anchor}"'):]
        section = section[:section.index("</article>")]
        for m in c.measurements:
            assert (m.value in annex_b) if m.diagnostic else (m.value in section), (c.check_id, m.name)
    parity = checks["sex-selection-parity"]
    gap = next(m for m in parity.measurements if m.name == "Demographic parity difference")
    assert re.fullmatch(r"2\d\.\d\u00a0pp", gap.value)  # about 22.5 pp (the trained model varies with the CPU)
    assert gap.value in parity.summary and gap.value in view.opinion.numbers[1]
    low, high = gap.ci.removeprefix("95% [").removesuffix("]").split(", ")
    assert f"[{low}, {high}]" in parity.summary and f"{low} to {high}" in view.opinion.numbers[1]
    ratio = next(m for m in parity.measurements if m.name == "Impact ratio" and m.group == "sex=male")
    assert ratio.ci == "reference group"  # a group compared with itself has no interval to print


def test_the_demo_reports_verify_alone_in_both_languages(demo_out, sample_runs, tmp_path):
    """`auditkit verify report.pdf` without the database re-renders the demo's reports (charts, data profile,
    the comparison with the earlier audit, German catalogues) from their attachments, byte for byte."""
    from auditkit.report import render_report
    from auditkit.verify import verify_pdf

    out, _ = demo_out
    _, proxy, _ = sample_runs
    german = render_report(proxy, report_id="retail-credit-scorer-v1", version=1, language="de",
                           formats=("html", "pdf"))
    (tmp_path / "de.pdf").write_bytes(german.pdf)
    for path in (out / "reports" / "retail-credit-scorer-v2.pdf", tmp_path / "de.pdf"):
        result = verify_pdf(path)
        assert result.ok, [str(f) for f in result.problems]
        assert any(f.subject == "page content" and "byte for byte" in f.message for f in result.findings)
