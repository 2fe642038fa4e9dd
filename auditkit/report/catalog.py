"""Fixed report structure: section list, check families, "not assessed" items, definitions, traceability.

The structure (anchors, numbers, family kinds, which requirement points at which
section) lives here; the wording lives in the per-language message catalogues of
:mod:`auditkit.i18n`, so that an auditor can review each language's text in
one place. The functions return the text in the language in force
(:func:`~auditkit.i18n.use_language`); the module constants are the English
text of the section list, kept so that tests can assert on what the templates print.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditkit.i18n import t, use_language

#: (anchor, number) of every top-level section, in the order of DESIGN.md "Report"; titles: ``section.<anchor>``.
SECTION_NUMBERS: tuple[tuple[str, str], ...] = (
    ("document-control", "0"),
    ("summary", "1"),
    ("scope", "2"),
    ("criteria", "3"),
    ("setup", "4"),
    ("data", "5"),
    ("results", "6"),
    ("not-assessed", "7"),
    ("findings", "8"),
    ("changes", "9"),
    ("signoff", "10"),
    ("annex-a", "A"),
    ("annex-b", "B"),
    ("annex-c", "C"),
    ("annex-d", "D"),
    ("annex-e", "E"),
)


def sections() -> tuple[tuple[str, str, str], ...]:
    """(anchor, number, title) of every top-level section, titles in the current language."""
    return tuple((anchor, number, t(f"section.{anchor}")) for anchor, number in SECTION_NUMBERS)


@dataclass(frozen=True)
class Family:
    """A check family: its kind, its report title, and what is lost when it is absent."""

    kind: str
    title: str
    method: str
    not_assessed: str


#: The five standard family kinds in report order; any other kind follows under "Other checks".
FAMILY_KINDS: tuple[str, ...] = (
    "performance", "group_fairness", "prohibited_feature_use", "attribution_agreement", "counterfactual_sweep",
)


def family(kind: str) -> Family:
    """The family of ``kind`` in the current language (the "other" family for a non-standard kind)."""
    if kind not in FAMILY_KINDS:
        return Family("other", t("family.other.title"), t("family.other.method"), "")
    return Family(kind, t(f"family.{kind}.title"), t(f"family.{kind}.method"), t(f"family.{kind}.not_assessed"))


#: Items a regulator expects that auditkit does not test at all, whatever the policy says (message keys).
NOT_COVERED_KEYS: tuple[str, ...] = ("not_covered.cybersecurity", "not_covered.adversarial",
                                     "not_covered.robustness", "not_covered.record_keeping",
                                     "not_covered.automation_bias", "not_covered.qms", "not_covered.training_data")


def not_covered() -> tuple[str, ...]:
    """The standing "not assessed by auditkit" items in the current language."""
    return tuple(t(k) for k in NOT_COVERED_KEYS)


#: Annex D in order: each id has ``def.<id>.term`` and ``def.<id>.text`` in every catalogue.
#: The first and the last four are the report's own vocabulary (one word per idea, used the same way throughout).
DEFINITION_IDS: tuple[str, ...] = (
    "favourable", "accuracy", "fpr", "fnr", "selection_rate", "dp_difference", "dp_ratio", "eo_difference",
    "eop_difference", "impact_ratio", "wilson", "bootstrap", "holm", "bonferroni", "fdr_bh", "verdict", "status",
    "decisive", "gate",
)


def metric_definitions() -> dict[str, str]:
    """Annex D: term → definition, in the current language."""
    return {t(f"def.{i}.term"): t(f"def.{i}.text") for i in DEFINITION_IDS}


@dataclass(frozen=True)
class Trace:
    """One row of the traceability matrix: a requirement and where the report answers it.

    ``coverage`` says how: ``tested`` (the checks of the linked families decide it; the report prints their worst
    verdict as the row's status), ``partly`` (tested in part, the rest listed as not assessed), ``documented``
    (the report records it; nothing is judged) or ``not_assessed``.
    """

    requirement: str
    demand: str
    sections: tuple[str, ...]  # section anchors or "family:<kind>"
    evidence: str
    coverage: str


#: (message id, requirement, section anchors, coverage); demand and evidence are ``trace.<id>.demand`` /
#: ``.evidence``, the printed coverage ``trace.coverage.<coverage>``.
TRACE_ROWS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("art9_8", "Art. 9(8)", ("criteria", "annex-c"), "documented"),
    ("art9_2d", "Art. 9(2)(d), 9(5)", ("findings", "signoff"), "documented"),
    ("art10_2f", "Art. 10(2)(f)–(h)", ("data", "family:group_fairness", "family:prohibited_feature_use"), "tested"),
    ("art12", "Art. 12", ("not-assessed",), "not_assessed"),
    ("art13_3bv", "Art. 13(3)(b)(v)", ("family:performance",), "tested"),
    ("art14_4b", "Art. 14(4)(b)", ("not-assessed", "family:attribution_agreement"), "partly"),
    ("art14_4c", "Art. 14(4)(c)", ("family:attribution_agreement",), "tested"),
    ("art15_1", "Art. 15(1), 15(3)", ("family:performance", "criteria"), "tested"),
    ("art15_4", "Art. 15(4)", ("family:counterfactual_sweep", "not-assessed"), "partly"),
    ("art15_5", "Art. 15(5)", ("not-assessed",), "not_assessed"),
    ("art17", "Art. 17", ("document-control", "signoff"), "documented"),
    ("art86", "Art. 86", ("family:attribution_agreement", "family:counterfactual_sweep"), "tested"),
    ("annex4_2g", "Annex IV 2(g)", ("setup", "annex-a", "annex-b", "signoff"), "documented"),
    ("annex4_6", "Annex IV 6; Art. 43(4)", ("changes",), "documented"),
)


def traceability() -> tuple[Trace, ...]:
    """Annex E rows in the current language."""
    return tuple(Trace(req, t(f"trace.{i}.demand"), anchors, t(f"trace.{i}.evidence"), coverage)
                 for i, req, anchors, coverage in TRACE_ROWS)


with use_language("en"):
    #: The English section list (what the English report prints), for tests and callers of the former constant.
    SECTIONS: tuple[tuple[str, str, str], ...] = sections()
