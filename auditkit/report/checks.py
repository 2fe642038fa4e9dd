"""Per-check report content: the p-value family, check sections grouped by family, findings.

Pure functions from stored :class:`~auditkit.results.CheckOutcome` records to
view records. The multiple-testing family is report-wide (reference/methods.md
C6): every raw p-value of every outcome is adjusted together, with the
correction the policy fixed before the run.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from auditkit.evidence import Column, ColumnRole, Msg, Role, Unit
from auditkit.evidence import Table as EvidenceTable
from auditkit.i18n import current_language, messages, render, t
from auditkit.i18n import status as status_word
from auditkit.metrics.stats import adjust_pvalues
from auditkit.report import charts, fmt
from auditkit.report.catalog import FAMILY_KINDS, family
from auditkit.report.model import (
    Chart,
    CheckView,
    FamilyView,
    Finding,
    Item,
    MeasurementLayout,
    MeasurementRow,
    Table,
)
from auditkit.report.spec_charts import spec_charts
from auditkit.results import CheckOutcome, Measurement, Severity, Status

Key = tuple[int, int]
_BLOCKING = (Status.FAIL, Status.ERROR, Status.INCONCLUSIVE)
_SEVERITY_ORDER = {s.value: i for i, s in enumerate(Severity)}
_STATUS_ORDER = {s: i for i, s in enumerate((Status.FAIL, Status.ERROR, Status.INCONCLUSIVE, Status.SKIPPED))}


def is_blocking(o: CheckOutcome) -> bool:
    """A blocking finding: a blocker-severity check that FAILed, ERRORed or was INCONCLUSIVE."""
    return o.severity == Severity.BLOCKER and o.status in _BLOCKING


def adjust_family(outcomes: Sequence[CheckOutcome], method: str) -> dict[Key, float]:
    """Adjust every raw p-value of the run as one family; return them by (outcome, measurement).

    The adjusted values do not depend on the order of the family; each check's measurement table prints them
    next to the raw ones (a separate family table repeated every one of them).
    """
    keys: list[Key] = []
    raw: list[float] = []
    for i, o in enumerate(outcomes):
        for j, m in enumerate(o.measurements):
            if m.p_value is not None:
                keys.append((i, j))
                raw.append(m.p_value)
    return dict(zip(keys, adjust_pvalues(raw, method), strict=True))


def measure_name(kind: str, name: str) -> str:
    """The printed name of a measurement (a table cell or chart label, so capitalised): the kind's catalogue entry
    ``<kind>.measure.<name>``, else the humanised name."""
    key = f"{kind}.measure.{name}"
    if key not in messages(current_language()):
        return fmt.humanise(name)
    text = t(key)
    return text[:1].upper() + text[1:]


def _is_reference(m: Measurement) -> bool:
    """A group compared with itself: a ratio of exactly 1 with the degenerate interval [1, 1]."""
    return m.unit == Unit.RATIO.value and m.group is not None and m.value == m.ci_low == m.ci_high == 1.0


def _measurement_row(kind: str, m: Measurement, p_adj: float | None, confidence: float | None) -> MeasurementRow:
    """One row of a measurement table; a measurement with a unit is formatted by it, as in every sentence and
    table of the report (rates as %, differences in percentage points, ...), older ones with four decimals."""
    level = m.confidence or confidence
    if m.unit is None:
        value, ci = fmt.num(m.value), fmt.interval(m.ci_low, m.ci_high, level)
        limit = fmt.threshold(m.comparator, m.threshold)
    else:
        value = fmt.quantity(m.value, m.unit)
        bounds = f"[{fmt.quantity(m.ci_low, m.unit)}, {fmt.quantity(m.ci_high, m.unit)}]"
        printed_level = fmt.percent(level, 0) if level is not None else ""
        ci = (t("fmt.reference") if _is_reference(m) else fmt.DASH if m.ci_low is None and m.ci_high is None
              else f"{printed_level + ' ' if printed_level else ''}{bounds}")
        if ci != f"{printed_level} {bounds}":  # a reference group, no interval, or no level: printed as it is
            printed_level, bounds = "", ""
        limit = (fmt.DASH if m.threshold is None
                 else f"{fmt.comparator(m.comparator)} {fmt.quantity(m.threshold, m.unit)}".strip())
    return MeasurementRow(
        name=measure_name(kind, m.name),
        group=m.group if m.group is not None else t("fmt.overall"),
        value=value,
        ci=ci,
        threshold=limit,
        verdict=m.status.value if m.status else fmt.DASH,
        n=fmt.num(m.n),
        p_raw=fmt.pvalue(m.p_value),
        p_adjusted=fmt.pvalue(p_adj) if m.p_value is not None else fmt.DASH,
        diagnostic=m.role == Role.DIAGNOSTIC.value,
        **({"level": printed_level, "bounds": bounds} if m.unit is not None else {}),
    )


def measurement_layout(rows: Sequence[MeasurementRow]) -> MeasurementLayout:
    """The shared interval level of ``rows`` and the optional columns that hold something (see the record)."""
    levels = {r.level for r in rows if r.bounds}
    shared = len(levels) == 1 and all(r.bounds or r.ci in (fmt.DASH, t("fmt.reference")) for r in rows)
    return MeasurementLayout(
        level=levels.pop() if shared else "",
        threshold=any(r.threshold != fmt.DASH for r in rows),
        verdict=any(r.verdict != fmt.DASH for r in rows),
        p_values=any(r.p_raw != fmt.DASH or r.p_adjusted != fmt.DASH for r in rows),
    )


def _widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[int, ...]:
    """Column widths (percent) from the longest header word and cell, so short columns stay narrow."""
    weights = [
        min(max(4, max((len(w) for w in col.split()), default=0), max((len(r[c]) for r in rows), default=0)), 28)
        for c, col in enumerate(columns)
    ]
    total = sum(weights) or 1
    return tuple(max(1, round(100 * w / total)) for w in weights)


def details_tables(details: Mapping[str, Any]) -> tuple[Table, ...]:
    """The ``details["tables"]`` of an outcome as view tables, tolerant of ragged or malformed rows."""
    out = []
    raw_tables = details.get("tables") if isinstance(details, Mapping) else None
    for spec in raw_tables if isinstance(raw_tables, list) else []:
        if not isinstance(spec, Mapping):
            continue
        columns = [str(c) for c in spec.get("columns") or []]
        raw_rows = [r if isinstance(r, list | tuple) else [r] for r in spec.get("rows") or []]
        width = max([len(columns), *(len(r) for r in raw_rows)], default=0)
        columns += [""] * (width - len(columns))
        rows = [list(r) + [None] * (width - len(r)) for r in raw_rows]
        numeric = tuple(
            any(fmt.is_numeric(r[c]) for r in rows) and all(r[c] is None or fmt.is_numeric(r[c]) for r in rows)
            for c in range(width)
        )
        cells = tuple(tuple(fmt.cell(v) for v in r) for r in rows)
        out.append(Table(
            title=str(spec.get("title") or ""),
            columns=tuple(columns),
            rows=cells,
            numeric=numeric,
            widths=_widths(columns, cells) if width else (),
        ))
    return tuple(out)


_NUMERIC_ROLES = (ColumnRole.VALUE, ColumnRole.CI_LOW, ColumnRole.CI_HIGH, ColumnRole.THRESHOLD, ColumnRole.N)


def _typed_cell(value: Any, column: Column) -> str:
    """One cell of a typed table, formatted by its column's role and unit."""
    if value is None:
        return fmt.DASH
    if column.role is ColumnRole.STATUS and isinstance(value, str):
        return status_word(value)
    if column.role is ColumnRole.FLAG or isinstance(value, bool):
        return t("fmt.yes") if value else t("fmt.no")
    if isinstance(value, int | float) and column.unit is not None:
        return fmt.quantity(value, column.unit)
    if column.role is ColumnRole.N and isinstance(value, int | float):
        return fmt.quantity(value, Unit.COUNT)
    return render.text(value)


def evidence_tables(tables: Sequence[EvidenceTable]) -> tuple[Table, ...]:
    """Typed evidence tables as view tables: headers and text in the report's language, numbers by unit."""
    out = []
    for tb in tables:
        columns = tuple(render.text(c.header) for c in tb.columns)
        cells = tuple(tuple(_typed_cell(v, c) for v, c in zip(r, tb.columns, strict=True)) for r in tb.rows)
        numeric = tuple(c.role in _NUMERIC_ROLES for c in tb.columns)
        out.append(Table(title=render.text(tb.title), columns=columns, rows=cells, numeric=numeric,
                         widths=_widths(columns, cells) if columns else ()))
    return tuple(out)


def _notes(details: Mapping[str, Any]) -> tuple[str, ...]:
    notes = details.get("notes") if isinstance(details, Mapping) else None
    items = [str(n) for n in notes] if isinstance(notes, list) else ([str(notes)] if notes else [])
    if isinstance(details, Mapping):  # any other key is shown too: nothing a check stored is hidden
        items += [f"{fmt.humanise(str(k))}: {fmt.plain(v)}" for k, v in details.items()
                  if k not in ("tables", "notes", "charts")]
    return tuple(items)


def _charts(o: CheckOutcome) -> tuple[tuple[Chart, ...], int]:
    """The measurement charts, then the charts the check specified (its evidence's, else ``details["charts"]``),
    and how many of them belong in the check's section: its interval plots against the thresholds (the verdict's
    picture), else its first chart; the rest go to Annex B."""
    if o.evidence is not None:  # a chart naming the table that prints its numbers is that table's picture
        specs = [render.localise(c) for c in o.evidence.charts]
        specified = tuple(dataclasses.replace(ch, twin=bool(s.get("table")))
                          for ch, s in zip(spec_charts({"charts": specs}), specs, strict=True))
    else:
        specified = spec_charts(o.details)
    measured = _measurement_charts(o)
    forest = sum(1 for c in measured if c.forest)
    return (*measured, *specified), forest or 1


def _measurement_charts(o: CheckOutcome) -> tuple[Chart, ...]:
    """The interval plots of the thresholded measurements against their limits (lower and upper limits apart).

    Unthresholded per-group values get no bar chart of their own: the check's measurement tables print each
    with its interval (diagnostic ones in Annex B), and a picture repeating a table row only adds pages.
    """
    out = []
    words = {code: t(f"status.{code}") for code in ("PASS", "FAIL", "INCONCLUSIVE", "ERROR", "SKIPPED")}
    words.update({"other": t("chart.other"), "no verdict": t("chart.no_verdict"),
                  "confidence interval": t("chart.ci"), "threshold": t("chart.threshold")})
    # one panel per kind of limit: lower limits (ratios, accuracy) and upper limits (differences) live on
    # different scales, and sharing an axis would squash one of them
    panels = {}
    for op in (">=", "<="):
        # a measurement with groups is a heading over one row per group, so that no label is cut to a stub
        panels[op] = [charts.ForestRow(
            label=str(m.group) if m.group is not None else _forest_name(o.kind, m),
            heading=_forest_name(o.kind, m) if m.group is not None else None,
            value=m.value, low=m.ci_low, high=m.ci_high, threshold=m.threshold,
            comparator=m.comparator, verdict=m.status.value if m.status else None,
        ) for m in o.measurements if m.threshold is not None and m.comparator == op
            and any(v is not None for v in (m.value, m.ci_low, m.ci_high))]
    drawn = [op for op, rows in panels.items() if rows]
    for op, kind in ((">=", t("chart.lower")), ("<=", t("chart.upper"))):
        svg = charts.forest_plot(panels[op], title=t("chart.forest_title", check=o.check_id, kind=kind),
                                 axis_label=t("chart.value"), words=words,
                                 legend=op == drawn[-1] if drawn else True)  # one key, under the last panel
        if svg:
            out.append(Chart(t("chart.forest_caption", check=o.check_id, kind=kind), svg, forest=True))
    return tuple(out)


def _forest_name(kind: str, m: Measurement) -> str:
    return measure_name(kind, m.name) + (f" ({t('check.diagnostic')})" if m.role == Role.DIAGNOSTIC.value else "")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "check"


def check_view(
    i: int,
    o: CheckOutcome,
    adjusted: Mapping[Key, float],
    spec: Mapping[str, Any],
    confidence: float | None,
) -> CheckView:
    """The section of one check: ``spec`` is its entry in the policy (may be empty)."""
    reason_label = {Status.ERROR: t("check.reason_error"),
                    Status.SKIPPED: t("check.reason_skipped")}.get(o.status, "")
    reason = (o.error or t("check.no_reason")) if reason_label else (o.error or "")
    ev = o.evidence
    if ev is not None:  # typed evidence: the deciding rule is the criterion; only the evidence is printed
        summary = render.sentences(ev.summary)
        meaning = tuple(render.text(m) for m in ev.meaning)
        remediation = tuple(render.text(m) for m in ev.remediation)
        criteria: tuple[str, ...] = () if ev.verdict is None else (
            render.text(Msg(f"{o.kind}.rule.{ev.verdict.rule}", **ev.verdict.params)),)
        tables = evidence_tables(ev.tables)
        notes = tuple(render.text(n) for n in ev.notes)
        found = tuple(render.text(f.message) for f in ev.findings)
        causes = tuple(dict.fromkeys(f.cause for f in ev.findings if f.cause))
        if reason_label:  # an unrun check: its evidence states the reason, in the report's language
            reason, summary, meaning, remediation = summary or t("check.no_reason"), "", (), ()
        if any(m.role == Role.DIAGNOSTIC.value and m.status is not None for m in o.measurements):
            notes += (t("check.decisive_note"),)
    else:  # stored before typed evidence (version 1): the English summary and free details, as stored
        summary = o.summary
        criteria = tuple(dict.fromkeys(
            f"{fmt.humanise(m.name)} {fmt.threshold(m.comparator, m.threshold)}"
            for m in o.measurements if m.threshold is not None
        ))
        tables = details_tables(o.details)
        notes = _notes(o.details)
        found, causes, meaning, remediation = (), (), (), ()
    charts, main_charts = _charts(o)
    return CheckView(
        check_id=o.check_id,
        anchor=f"check-{i + 1}-{_slug(o.check_id)}",
        kind=o.kind,
        title=str(spec.get("title") or o.check_id),
        status=o.status.value,
        severity=o.severity.value,
        summary=summary,
        reason_label=reason_label,
        reason=reason,
        rationale=str(spec.get("rationale") or ""),
        criteria=criteria,
        params=tuple(Item(str(k), fmt.plain(v)) for k, v in sorted(o.params.items(), key=lambda kv: str(kv[0]))),
        measurements=tuple(_measurement_row(o.kind, m, adjusted.get((i, j)), confidence)
                           for j, m in enumerate(o.measurements)),
        tables=tables,
        notes=notes,
        charts=charts,
        main_charts=main_charts,
        blocking=is_blocking(o),
        finding_texts=found,
        causes=causes,
        meaning=meaning,
        remediation=remediation,
    )


def group_families(views: Sequence[CheckView]) -> tuple[FamilyView, ...]:
    """Checks grouped by family in report order (the five standard families, then all others)."""
    out = []
    others = [v for v in views if v.kind not in FAMILY_KINDS]
    for kind in [*FAMILY_KINDS, "other"]:
        members = others if kind == "other" else [v for v in views if v.kind == kind]
        if not members:
            continue
        fam = family(kind)
        number = f"6.{len(out) + 1}"
        out.append(FamilyView(kind=kind, number=number, anchor=f"family-{kind}", title=fam.title,
                              method=fam.method, checks=tuple(members)))
    return tuple(out)


def not_assessed(outcomes: Sequence[CheckOutcome]) -> tuple[str, ...]:
    """One sentence per standard family that has no check in the run."""
    kinds = {o.kind for o in outcomes}
    return tuple(family(k).not_assessed for k in FAMILY_KINDS if k not in kinds)


def absent_groups(outcomes: Sequence[CheckOutcome]) -> tuple[str, ...]:
    """One sentence per check whose declared protected groups were not present in the data (``absent_groups``)."""
    out = []
    for o in outcomes:
        groups = o.details.get("absent_groups") if isinstance(o.details, Mapping) else None
        if groups:
            out.append(t("na.absent_group", check=o.check_id, kind=o.kind, groups=", ".join(map(str, groups))))
    return tuple(out)


def findings(views: Sequence[CheckView], extra: Sequence[Finding] = ()) -> tuple[Finding, ...]:
    """Every non-PASS check as a finding, blocking first, then by severity and status; ``extra`` first of all.

    A check with typed evidence states its findings (what to act on); older outcomes give their summary.
    """
    found = []
    for v in views:
        status = Status(v.status)
        if status == Status.PASS:
            continue
        text = " ".join(v.finding_texts) or v.summary
        text = (text + t("check.reason_prefix", reason=v.reason)).strip() if v.reason_label else text
        found.append((not v.blocking, _SEVERITY_ORDER.get(v.severity, 9), _STATUS_ORDER[status], v, text))
    found.sort(key=lambda t: t[:3])
    out = list(extra)
    for _, _, _, v, text in found:
        out.append(Finding(ref="", anchor=v.anchor, title=v.title, severity=v.severity, status=v.status,
                           text=text, action=t(f"action.{v.status}"), blocking=v.blocking, causes=v.causes))
    return tuple(dataclasses.replace(f, ref=f"F-{k + 1}") for k, f in enumerate(out))


def cause_text(cause: str) -> str:
    """A root-cause reference in words: ``feature:hours_per_week`` → "the input hours_per_week"."""
    kind, _, name = cause.partition(":")
    key = f"findings.cause.{kind}"
    return t(key, name=name) if name and key in messages(current_language()) else cause


def shared_causes(found: Sequence[Finding]) -> tuple[Item, ...]:
    """Root causes behind two or more findings, each with the findings' references (report order)."""
    refs: dict[str, list[str]] = {}
    for f in found:
        for c in f.causes:
            refs.setdefault(c, []).append(f.ref)
    return tuple(Item(t("findings.cause", cause=cause_text(c)), ", ".join(r)) for c, r in refs.items() if len(r) > 1)
