"""The typed evidence model: JSON round trip, rendering by unit and language, and the checks CheckResult makes."""

from __future__ import annotations

import json

import pytest

from auditkit.checks.base import CheckResult
from auditkit.evidence import (
    Column,
    ColumnRole,
    Evidence,
    Finding,
    Msg,
    Q,
    Table,
    Unit,
    Verdict,
    verdict_problems,
)
from auditkit.i18n import use_language
from auditkit.i18n.render import localise, missing_keys, text
from auditkit.i18n.units import quantity
from auditkit.report.checks import evidence_tables, findings, shared_causes
from auditkit.report.model import Finding as FindingRow
from auditkit.results import Measurement, Status

RATE_TABLE = Table(Msg("outcome.error", reason="table"), (
    Column(Msg("col.group"), ColumnRole.GROUP), Column(Msg("col.n"), ColumnRole.N),
    Column(Msg("col.value"), ColumnRole.VALUE, Unit.RATE), Column(Msg("col.verdict"), ColumnRole.STATUS),
    Column(Msg("col.check"), ColumnRole.FLAG)), (("sex=<b>female</b>", 120, 0.0583, "FAIL", True),))


def _evidence(**kw) -> Evidence:
    base = {"summary": (Msg("outcome.not_run", reason=Msg("outcome.error", reason=[Q(0.25, Unit.RATE), "x"])),),
            "verdict": Verdict("r", {"tolerance": Q(0.01, Unit.RATE)}, ("flip_rate@net.3",)),
            "tables": (RATE_TABLE,), "notes": (Msg("check.diagnostic"),),
            "findings": (Finding(Msg("check.diagnostic"), cause="feature:hours_per_week"),),
            "charts": ({"type": "bars", "title": Msg("spec.reference"), "value_label": "rate",
                        "bars": [{"label": "a", "value": 0.5}]},)}
    return Evidence(**{**base, **kw})


def test_evidence_round_trips_through_plain_json():
    ev = _evidence()
    doc = json.loads(json.dumps(ev.to_json()))
    assert Evidence.from_json(doc) == ev
    assert doc["summary"][0] == {"msg": "outcome.not_run", "params": {"reason": {
        "msg": "outcome.error", "params": {"reason": [{"q": 0.25, "unit": "rate"}, "x"]}}}}
    assert {m.key for m in ev.messages()} >= {"outcome.not_run", "outcome.error", "col.group", "spec.reference"}


@pytest.mark.parametrize(("value", "unit", "en", "de"), [
    (0.0583, Unit.RATE, "5.8%", "5.8\u00a0%"),
    (0.0004, Unit.RATE, "0.040%", "0.040\u00a0%"),
    (-0.032, Unit.DIFFERENCE_PP, "-3.2\u00a0pp", "-3.2\u00a0PP"),
    (0.81234, Unit.RATIO, "0.812", "0.812"),
    (12.0, Unit.COUNT, "12", "12"),
    (0.00001, Unit.PVALUE, "< 0.001", "< 0.001"),
    (None, Unit.RATE, "—", "—"),
])
def test_quantities_are_formatted_by_unit_in_each_language(value, unit, en, de):
    with use_language("en"):
        assert quantity(value, unit) == en
    with use_language("de"):
        assert quantity(value, unit) == de


def test_messages_render_nested_clauses_and_lists_in_the_language_in_force():
    msg = Msg("outcome.not_run", reason=Msg("outcome.error", reason=[Q(0.25, Unit.RATE), "<x>"]))
    with use_language("en"):
        assert text(msg) == "Not run: Could not be computed: 25.0%, <x>."
    with use_language("de"):
        assert text(msg) == "Nicht ausgeführt: Konnte nicht berechnet werden: 25.0\u00a0%, <x>."
    assert missing_keys([Msg("no.such.key"), Msg("outcome.not_run")], "de") == [
        "no.such.key (missing)", "outcome.not_run (no value for reason)"]


def test_charts_are_localised_before_they_are_drawn():
    with use_language("de"):
        spec = localise(_evidence().to_json()["charts"][0])
    assert spec["title"] == "Referenz" and spec["bars"] == [{"label": "a", "value": 0.5}]


def test_check_result_marks_what_the_rule_read_decisive_and_renders_the_english_summary():
    ms = (Measurement("flip_rate", 0.005, group="net.3", status=Status.PASS, unit="rate"),
          Measurement("probe", 0.9, status=Status.FAIL, unit="score"))
    r = CheckResult(Status.PASS, _evidence(), ms)
    assert [m.role for m in r.measurements] == ["decisive", "diagnostic"]
    assert r.summary == "Not run: Could not be computed: 25.0%, x."


@pytest.mark.parametrize(("status", "shown", "problem"), [
    (Status.PASS, Status.FAIL, "reads measurements that show FAIL"),
    (Status.PASS, Status.INCONCLUSIVE, "show INCONCLUSIVE"),
    (Status.INCONCLUSIVE, Status.FAIL, "show FAIL"),
    (Status.FAIL, Status.PASS, "none of the measurements it reads shows FAIL"),
])
def test_a_verdict_that_contradicts_what_its_rule_read_is_refused(status, shown, problem):
    ms = (Measurement("flip_rate", 0.5, group="net.3", status=shown, unit="rate"),)
    assert problem in verdict_problems(status, _evidence().verdict, ms)[0]
    with pytest.raises(ValueError, match="contradicts"):
        CheckResult(status, _evidence(), ms)


def test_check_result_refuses_missing_messages_unknown_reads_and_a_judgement_without_a_rule():
    ms = (Measurement("flip_rate", 0.005, group="net.3", unit="rate"),)
    with pytest.raises(ValueError, match=r"no\.such\.key"):
        CheckResult(Status.PASS, _evidence(notes=(Msg("no.such.key"),)), ms)
    with pytest.raises(ValueError, match=r"did not report: flip_rate@net\.3"):
        CheckResult(Status.PASS, _evidence(), ())
    with pytest.raises(ValueError, match="without the rule"):
        CheckResult(Status.FAIL, _evidence(verdict=None), ms)
    with pytest.raises(Exception, match="must"):
        CheckResult(Status.PASS, _evidence(charts=({"type": "bars", "title": "t", "bars": "no"},)), ms)
    assert CheckResult(Status.SKIPPED, _evidence(verdict=None), ()).status is Status.SKIPPED


def test_typed_tables_are_formatted_by_role_and_unit_and_keep_data_verbatim():
    for language, yes, rate, fail in (("en", "yes", "5.8%", "FAIL"), ("de", "ja", "5.8\u00a0%", "NICHT BESTANDEN")):
        with use_language(language):
            (tbl,) = evidence_tables([RATE_TABLE])
        assert tbl.rows == (("sex=<b>female</b>", "120", rate, tbl.rows[0][3], yes),)
        assert tbl.numeric == (False, True, True, False, False)
        assert tbl.rows[0][3] in (fail, "FAIL")


def test_findings_that_share_a_cause_are_listed_together():
    rows = [FindingRow(f"F-{i}", "", "t", "blocker", "FAIL", "x", "a", True, causes=c)
            for i, c in enumerate((("feature:hours_per_week",), ("feature:hours_per_week", "attribute:sex"), ()))]
    with use_language("en"):
        (item,) = shared_causes(rows)
    assert (item.label, item.value) == ("Common cause: the input hours_per_week", "F-0, F-1")
    assert findings([]) == ()


def test_a_chart_may_name_the_table_that_prints_its_numbers_and_only_a_table_of_its_evidence():
    """A chart that pictures a table names it ("table": the table's title); the report then leaves it off paper.
    A name that is no table of the same evidence is a bug of the check, caught when it builds the result."""
    ms = (Measurement("flip_rate", 0.005, group="net.3", unit="rate"),)
    chart = {"type": "bars", "title": Msg("spec.reference"), "value_label": "rate",
             "bars": [{"label": "a", "value": 0.5}]}
    twin = CheckResult(Status.PASS, _evidence(charts=({**chart, "table": RATE_TABLE.title},)), ms)
    assert Evidence.from_json(json.loads(json.dumps(twin.evidence.to_json()))).charts[0]["table"] == RATE_TABLE.title
    with pytest.raises(ValueError, match="names a table the evidence does not have"):
        CheckResult(Status.PASS, _evidence(charts=({**chart, "table": Msg("col.value")},)), ms)
