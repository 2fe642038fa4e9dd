"""Section 5 prints the run's data profile and the label's base rates; the opinion quotes those base rates."""

from __future__ import annotations

import dataclasses

import pytest
from report_samples import POLICY_TEXT, make_run

from auditkit.data.profile import (
    BaseRate,
    BaseRates,
    ColumnProfile,
    DataProfile,
    GroupDistribution,
    GroupSummary,
    Share,
)
from auditkit.evidence import Column, ColumnRole, Evidence, Msg, Q, Table, Unit
from auditkit.report.html import render_html
from auditkit.report.view import build_view
from auditkit.results import CheckOutcome, Severity, Status

NBSP = "\u00a0"
PROFILE = DataProfile(
    n_rows=2000, label="default", favourable_label="0", confidence=0.95,
    columns=(
        ColumnProfile("income_k", "feature", "numeric", 2000, 0.0, unit="kEUR", minimum=8.5, maximum=212.5,
                      by_group=(GroupDistribution("sex", (GroupSummary("female", 1034, mean=41.26, median=39.0),
                                                          GroupSummary("male", 966, mean=47.5, median=44.0))),)),
        ColumnProfile("late_payments", "feature", "numeric", 2000, 0.0125, minimum=0.0, maximum=12.0,
                      by_group=(GroupDistribution("sex", (GroupSummary("female", 1034, mean=0.875, median=1.0),
                                                          GroupSummary("male", 966, mean=0.5, median=0.0))),)),
        ColumnProfile("region", "feature", "categorical", 2000, 0.0,
                      categories=(Share("north", 0.5), Share("south", 0.3)), n_categories=4,
                      by_group=(GroupDistribution("sex", (GroupSummary("female", 1034, top=(Share("north", 0.5),)),
                                                          GroupSummary("male", 966, top=(Share("south", 0.25),)))),)),
        ColumnProfile("sex", "protected", "categorical", 2000, 0.0,
                      categories=(Share("female", 0.517), Share("male", 0.483)), n_categories=2),
    ),
    base_rates=(BaseRates("sex", (BaseRate("female", 1034, 693, 0.67, 0.641, 0.699),
                                  BaseRate("male", 966, 645, 0.668, 0.637, 0.697))),),
)
DIFFERING = dataclasses.replace(PROFILE, base_rates=(BaseRates("sex", (
    BaseRate("female", 1034, 400, 0.387, 0.357, 0.417), BaseRate("male", 966, 645, 0.668, 0.637, 0.697))),))


def _performance(base_female: float = 0.5, base_male: float = 0.6) -> CheckOutcome:
    """A performance outcome with typed evidence whose group table's base rates differ from the profile's."""
    def value(key: str, unit: Unit) -> Column:
        return Column(Msg(f"performance.col.{key}"), ColumnRole.VALUE, unit)

    table = Table(Msg("performance.table.by_group"), (
        Column(Msg("performance.col.group"), ColumnRole.GROUP), Column(Msg("performance.col.n"), ColumnRole.N,
                                                                       Unit.COUNT),
        value("base_rate", Unit.RATE), value("selection_rate", Unit.RATE),
        Column(Msg("performance.col.large_enough", min_size=Q(30, Unit.COUNT)), ColumnRole.FLAG)),
        (("sex=female", 1034, base_female, 0.416, True), ("sex=male", 966, base_male, 0.641, True)))
    return CheckOutcome(check_id="perf", kind="performance", version=1, fingerprint="a" * 64, status=Status.PASS,
                        severity=Severity.MAJOR, summary="", evidence=Evidence(summary=(Msg("check.diagnostic"),),
                                                                               tables=(table,)))


def _run(profile: DataProfile | None = PROFILE, policy_text: str = POLICY_TEXT):
    return make_run(data_profile=None if profile is None else profile.to_json(), policy_text=policy_text,
                    outcomes=(_performance(), *make_run().outcomes[1:]))


def test_profile_table_has_one_dense_row_per_column_in_english():
    view = build_view(_run(), report_id="R", version=1, language="en")
    table = view.data_profile
    assert table.title == "Audit data profile (2000 rows): every model input and protected attribute column"
    assert table.columns == ("Column", "Unit", "Range or categories", "Missing",
                             "By group: mean (median), or top shares")
    assert table.rows == (
        ("income_k", "kEUR", "8.5 – 212.5", "0.0%", "female 41.3 (39.0) · male 47.5 (44.0)"),
        ("late_payments", "—", "0 – 12", "1.2%", "female 0.9 (1.0) · male 0.5 (0.0)"),  # whole-number range
        ("region", "—", "north 50.0%, south 30.0% (+2 more)", "0.0%", "female: north 50.0% · male: south 25.0%"),
        ("sex", "—", "female 51.7%, male 48.3%", "0.0%", "—"),
    )
    assert view.base_rates == (
        "Favourable outcome (default = 0) by sex: female 67.0% [64.1%, 69.9%] (n = 1034), male 66.8% [63.7%, 69.7%] "
        "(n = 966) (95% confidence intervals); the intervals overlap, so these data show no clear difference between "
        "the groups.",)


def test_base_rates_whose_intervals_do_not_overlap_are_said_to_differ():
    (sentence,) = build_view(_run(DIFFERING), report_id="R", version=1, language="en").base_rates
    assert sentence.endswith("; the intervals of female and male do not overlap, so their base rates differ.")


def test_german_section_five():
    view = build_view(_run(), report_id="R", version=1, language="de")
    assert view.data_profile.columns[:3] == ("Spalte", "Einheit", "Wertebereich oder Kategorien")
    assert view.data_profile.rows[2][2] == f"north 50.0{NBSP}%, south 30.0{NBSP}% (+2 weitere)"
    assert view.base_rates == (
        f"Günstiges Ergebnis (default = 0) nach sex: female 67.0{NBSP}% [64.1{NBSP}%, 69.9{NBSP}%] (n = 1034), "
        f"male 66.8{NBSP}% [63.7{NBSP}%, 69.7{NBSP}%] (n = 966) (Konfidenzintervalle zum Niveau 95{NBSP}%); die "
        "Intervalle überschneiden sich, diese Daten zeigen also keinen klaren Unterschied zwischen den Gruppen.",)
    (differ,) = build_view(_run(DIFFERING), report_id="R", version=1, language="de").base_rates
    assert differ.endswith("die Intervalle von female und male überschneiden sich nicht, ihre Basisraten "
                           "unterscheiden sich also.")


@pytest.mark.parametrize("language", ["en", "de"])
def test_html_section_five_prints_the_table_and_the_sentence(language):
    view = build_view(_run(), report_id="R", version=1, language=language)
    html = render_html(view).decode()
    section = html[html.index('<section id="data"'):]
    section = section[:section.index("</section>")]
    assert '<table class="data small">' in section
    for cell in ("kEUR", "8.5 – 212.5", "female 41.3 (39.0) · male 47.5 (44.0)"):
        assert cell in section
    assert view.base_rates[0] in section.replace("&#39;", "'")
    assert section.index(view.data_profile.title) < section.index(view.base_rates[0][:20])


@pytest.mark.parametrize(("language", "note"), [
    ("en", "The data profile was not recorded for this run"),
    ("de", "Für diesen Lauf wurde kein Datenprofil aufgezeichnet"),
])
def test_a_run_stored_before_profiles_says_the_profile_was_not_recorded(language, note):
    view = build_view(_run(None), report_id="R", version=1, language=language)
    assert view.data_profile.rows == () and view.data_profile.note.startswith(note)
    assert view.base_rates == ()
    assert note in render_html(view).decode()


def test_an_unreadable_profile_is_named_not_hidden():
    run = dataclasses.replace(_run(), data_profile={"version": 99})
    view = build_view(run, report_id="R", version=1, language="en")
    assert "could not be read (data profile layout version 99 is not known" in view.data_profile.note


def test_training_data_is_printed_when_given_and_marked_missing_otherwise():
    text = POLICY_TEXT.replace(
        "data: {path: data/holdout.parquet, label: default, favourable_label: 0}",
        "data: {path: data/holdout.parquet, label: default, favourable_label: 0,\n"
        "       training: {description: 'Applications 2019-2024, DE and AT', fingerprint: 'sha256:9a1f'}}")
    assert text != POLICY_TEXT
    given = build_view(_run(policy_text=text), report_id="R", version=1, language="en").training
    assert [(i.label, i.value, i.missing) for i in given] == [
        ("Training data", "Applications 2019-2024, DE and AT", False),
        ("Training data fingerprint", "sha256:9a1f", False)]
    absent = build_view(_run(), report_id="R", version=1, language="de").training
    assert [i.label for i in absent] == ["Trainingsdaten", "Fingerabdruck der Trainingsdaten"]
    assert all(i.missing and "nicht angegeben" in i.value for i in absent)


def test_the_opinion_quotes_the_profiles_base_rates_with_their_intervals():
    (rates, *_) = build_view(_run(), report_id="R", version=1, language="en").opinion.numbers
    assert "sex=female: decided favourably 41.6%, favourable outcome 67.0% (64.1% to 69.9%)" in rates
    assert "sex=male: decided favourably 64.1%, favourable outcome 66.8% (63.7% to 69.7%)" in rates
    assert "50.0%" not in rates and "60.0%" not in rates  # the performance table's base rates are not used
    assert "95% confidence" in rates and rates.endswith("The ranges overlap: the data show no clear difference "
                                                        "between the groups in how often the favourable outcome "
                                                        "occurs.")
    (differ, *_) = build_view(_run(DIFFERING), report_id="R", version=1, language="en").opinion.numbers
    assert differ.endswith("The ranges of female and male do not overlap: the favourable outcome occurs at "
                           "different rates in these groups.")
    (german, *_) = build_view(_run(), report_id="R", version=1, language="de").opinion.numbers
    assert f"sex=female: günstig entschieden 41.6{NBSP}%, günstiges Ergebnis 67.0{NBSP}% (64.1{NBSP}% bis " \
           f"69.9{NBSP}%)" in german


def test_the_opinion_of_a_run_without_profile_reads_the_performance_table():
    (rates, *_) = build_view(_run(None), report_id="R", version=1, language="en").opinion.numbers
    assert "sex=female: decided favourably 41.6%, favourable outcome 50.0%;" in rates
    assert "sex=male: decided favourably 64.1%, favourable outcome 60.0%." in rates
    assert "confidence" not in rates


def test_the_opinion_states_the_profiles_base_rates_without_a_performance_check():
    run = dataclasses.replace(_run(), outcomes=make_run().outcomes[1:])
    (rates, *_) = build_view(run, report_id="R", version=1, language="en").opinion.numbers
    assert rates.startswith("How often the favourable outcome actually occurs in each group")
    assert "sex=female: 67.0% (64.1% to 69.9%); sex=male: 66.8% (63.7% to 69.7%)" in rates


def test_data_values_in_the_profile_are_escaped():
    hostile = "<script>alert(1)</script>"
    profile = dataclasses.replace(PROFILE, columns=(dataclasses.replace(PROFILE.columns[2], categories=(
        Share(hostile, 1.0),)),), base_rates=(BaseRates("sex", (BaseRate(hostile, 10, 5, 0.5, 0.2, 0.8),
                                                                BaseRate("male", 10, 5, 0.5, 0.2, 0.8))),))
    view = build_view(_run(profile), report_id="R", version=1, language="en")
    section = render_html(view).decode().split('<section id="data"', 1)[1].split("</section>", 1)[0]
    assert hostile not in section and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
