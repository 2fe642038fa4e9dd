"""The audit opinion: one page in plain language that a model-risk officer decides from (issue #14 item 1).

Built from the stored run's typed evidence and data profile only, so it says nothing a result section does not show:

* the **decision**: release (the gate passed and every check passed), release with conditions (the gate passed,
  non-blocking findings remain), do not release (a blocking finding), or no decision (the run did not finish);
* the **numbers that carry it** (at most four), said as a person would say them: the favourable-decision rate of
  each group next to the group's favourable base rate (how often the outcome the model predicts actually
  happens in that group; from the run's data profile with its interval, and whether the groups' intervals
  overlap, else, for runs stored before data profiles, from the performance check's group table), then, per
  blocker check, the number its deciding rule read that lies furthest on the wrong side of its limit (or, for a
  pass, closest to it), with its confidence interval and the limit;
* the **root causes** the evidence names (findings of several checks sharing a ``feature:``/``attribute:`` cause);
* the **conditions** for release, who may **override** a blocking finding (policy ``gate.override_roles``), the
  latest sign-off decision, and the residual-risk statement.

No jargon: the quantities come with plain names (``opinion.measure.<kind>.<name>`` in the catalogue, else the
measurement's own name). Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from auditkit.data.profile import BaseRate, BaseRates, DataProfile
from auditkit.evidence import ColumnRole
from auditkit.i18n import current_language, messages, t
from auditkit.i18n.units import quantity
from auditkit.report import fmt
from auditkit.report.checks import cause_text, measure_name
from auditkit.report.model import Finding, OpinionView
from auditkit.results import CheckOutcome, GateDecision, Measurement, RunRecord, Severity, Status

#: How many quantities the opinion quotes at most (the issue asks for two to four).
MAX_NUMBERS = 4


def _plain_name(kind: str, name: str) -> str:
    key = f"opinion.measure.{kind}.{name}"
    return t(key) if key in messages(current_language()) else measure_name(kind, name)


def _interval(m: Measurement, unit: str) -> str:
    level = fmt.percent(m.confidence, 0) if m.confidence is not None else fmt.DASH
    return t("opinion.interval", level=level, low=quantity(m.ci_low, unit), high=quantity(m.ci_high, unit))


def _margin(m: Measurement) -> float:
    """How far the measurement's interval lies on the wrong side of its limit (negative: inside, by that much)."""
    assert m.threshold is not None
    if m.comparator == "<=":
        edge = m.ci_high if m.ci_high is not None else m.value
        return (edge or 0.0) - m.threshold
    edge = m.ci_low if m.ci_low is not None else m.value
    return m.threshold - (edge or 0.0)


#: Measurements a reader understands first, per kind, when several carry the verdict (else: the largest margin).
_PREFERRED: Mapping[str, tuple[str, ...]] = {
    "group_fairness": ("demographic_parity_difference", "demographic_parity_ratio"),
}


def _key_measurement(o: CheckOutcome) -> Measurement | None:
    """The decisive thresholded measurement that carries the outcome: the kind's most readable one among those
    with the outcome's status, else the one furthest beyond its limit (for a pass: closest to it)."""
    wanted = {Status.FAIL: Status.FAIL, Status.INCONCLUSIVE: Status.INCONCLUSIVE}.get(o.status, Status.PASS)
    read = [m for m in o.measurements if m.role == "decisive" and m.threshold is not None and m.value is not None]
    pool = [m for m in read if m.status is wanted] or read
    if not pool:
        return None
    preferred = _PREFERRED.get(o.kind, ())
    rank = {name: i for i, name in enumerate(preferred)}
    return min(pool, key=lambda m: (rank.get(m.name, len(preferred)), -_margin(m)))


def _number(o: CheckOutcome, m: Measurement) -> str:
    unit = m.unit or "number"
    group = m.group.split(": ", 1)[-1] if m.group else None  # "propagated: female→male" → "female→male"
    name = _plain_name(o.kind, m.name) + (f" ({group})" if group else "")
    limit = t("opinion.limit_max" if m.comparator == "<=" else "opinion.limit_min",
              limit=quantity(m.threshold, unit))
    verdict = t(f"opinion.verdict.{o.status.value}")
    return t("opinion.number", name=name, value=quantity(m.value, unit), interval=_interval(m, unit), limit=limit,
             verdict=verdict)


def _profile(run: RunRecord) -> DataProfile | None:
    """The run's stored data profile, or None when it has none (or one this auditkit cannot read)."""
    try:
        return None if run.data_profile is None else DataProfile.from_json(run.data_profile)
    except (KeyError, TypeError, ValueError):
        return None  # section 5 says why; the opinion falls back to the performance table's base rates


def _base_verdict(rates: BaseRates) -> str:
    """Whether the groups' base-rate intervals overlap, in plain words (never "equal": only "no clear difference")."""
    pairs = rates.disjoint_pairs()
    if not pairs:
        return t("opinion.base_overlap")
    return t("opinion.base_differ", pairs=", ".join(t("data.pair", a=a.group, b=b.group) for a, b in pairs))


def _base_only(profile: DataProfile) -> str | None:
    """The profile's base rates of its first attribute with two groups or more (no performance table to pair with)."""
    rates = next((r for r in profile.base_rates if len(r.groups) >= 2), None)
    if rates is None:
        return None
    parts = [t("opinion.group_base_only", group=f"{rates.attribute}={g.group}", base=quantity(g.rate, "rate"),
               low=quantity(g.ci_low, "rate"), high=quantity(g.ci_high, "rate")) for g in rates.groups]
    return t("opinion.base_rates", level=fmt.percent(profile.confidence, 0), groups="; ".join(parts),
             verdict=_base_verdict(rates))


def _rates(outcomes: Sequence[CheckOutcome], profile: DataProfile | None = None) -> str | None:
    """Favourable-decision rate next to the favourable base rate, per group (a performance check's group table).

    With a data profile the base rates are the profile's (with their intervals, labelled ``attribute=group`` as
    the performance table's groups are); a group the profile does not have (an intersection) keeps the table's.
    """
    known: dict[str, tuple[BaseRates, BaseRate]] = {
        f"{r.attribute}={g.group}": (r, g) for r in (profile.base_rates if profile else ()) for g in r.groups}
    for o in outcomes:
        if o.kind != "performance" or o.evidence is None:
            continue
        for tb in o.evidence.tables:
            g = tb.column(ColumnRole.GROUP)
            keys = [c.header.key for c in tb.columns]
            rate = next((i for i, k in enumerate(keys) if k.endswith(".selection_rate")), None)
            base = next((i for i, k in enumerate(keys) if k.endswith(".base_rate")), None)
            if g is None or rate is None or base is None or not tb.rows:
                continue
            rows = [r for r in tb.rows if r[rate] is not None]
            if len(rows) < 2:
                continue
            used = {known[r[g]][0].attribute: known[r[g]][0] for r in rows if r[g] in known}
            if profile is not None and len(used) == 1:
                parts = [t("opinion.group_base", group=r[g], rate=quantity(r[rate], "rate"),
                           base=quantity(known[r[g]][1].rate, "rate"), low=quantity(known[r[g]][1].ci_low, "rate"),
                           high=quantity(known[r[g]][1].ci_high, "rate")) if r[g] in known
                         else t("opinion.group_rate", group=r[g], rate=quantity(r[rate], "rate"),
                                base=quantity(r[base], "rate")) for r in rows]
                return t("opinion.rates_profile", level=fmt.percent(profile.confidence, 0), groups="; ".join(parts),
                         verdict=_base_verdict(next(iter(used.values()))))
            parts = [t("opinion.group_rate", group=r[g], rate=quantity(r[rate], "rate"), base=quantity(r[base], "rate"))
                     for r in rows]
            return t("opinion.rates", groups="; ".join(parts))
    return _base_only(profile) if profile is not None else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decision(run: RunRecord) -> str:
    if run.gate is None:
        return "none"
    if run.gate is not GateDecision.PASS:
        return "do_not_release"
    return "conditions" if any(o.status is not Status.PASS for o in run.outcomes) else "release"


def _override(roles: Any) -> str:
    if isinstance(roles, list) and roles:
        return t("opinion.override_roles", roles=", ".join(map(str, roles)))
    return t("opinion.override_none")


def build_opinion(run: RunRecord, findings: Sequence[Finding], gate_section: Mapping[str, Any],
                  signoffs: Sequence[Mapping[str, Any]]) -> OpinionView:
    """The opinion page of ``run``; ``findings`` are the report's numbered findings (for references)."""
    decision = _decision(run)
    system = f"{run.system_name} {run.system_version}"
    numbers: list[str] = []
    rates = _rates(run.outcomes, _profile(run))
    if rates:
        numbers.append(rates)
    order = {Status.FAIL: 0, Status.ERROR: 1, Status.INCONCLUSIVE: 2, Status.PASS: 3}
    blockers = sorted((o for o in run.outcomes if o.severity is Severity.BLOCKER),
                      key=lambda o: order.get(o.status, 4))
    for o in blockers:
        m = _key_measurement(o)
        if m is not None and len(numbers) < MAX_NUMBERS:
            numbers.append(_number(o, m))
    by_cause: dict[str, list[str]] = {}
    for f in findings:
        for c in f.causes:
            by_cause.setdefault(c, []).append(f.ref)
    causes = tuple(_sentence(t("opinion.cause", cause=cause_text(c), refs=", ".join(refs)))
                   for c, refs in by_cause.items() if c.startswith("feature:") or len(refs) > 1)
    if decision == "do_not_release":
        conditions = tuple(t("opinion.condition_fix", ref=f.ref, title=f.title) for f in findings if f.blocking)
    elif decision == "conditions":
        conditions = tuple(t("opinion.condition_accept", ref=f.ref, title=f.title) for f in findings)
    else:
        conditions = ()
    latest = signoffs[-1] if signoffs else None
    signoff = (t("opinion.signoff", name=str(latest.get("name", "")), role=str(latest.get("role", "")),
                 decision=t(f"opinion.signoff_decision.{latest.get('decision')}")
                 if f"opinion.signoff_decision.{latest.get('decision')}" in messages(current_language())
                 else str(latest.get("decision")), date=fmt.date(latest.get("signed_at")))
               if latest else t("opinion.signoff_none"))
    return OpinionView(
        decision=decision,
        headline=t(f"opinion.decision.{decision}", system=system),
        numbers=tuple(numbers),
        causes=causes,
        conditions=conditions,
        override=_override(gate_section.get("override_roles")),
        signoff=signoff,
        residual=t("opinion.residual"),
    )


__all__ = ["MAX_NUMBERS", "OpinionView", "build_opinion"]
