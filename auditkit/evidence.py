"""Typed evidence: what a check found, as data; only the report turns it into sentences.

A check states its findings as records here, never as prose: every sentence is a
:class:`Msg` (a message key of the catalogue in :mod:`auditkit.i18n` with its
parameters), every table column has a :class:`ColumnRole` and a :class:`Unit`, the
rule that decided the verdict is a :class:`Verdict` with a rule id from the check
kind's closed set. The report renders the same evidence in any language; data
values (feature names, group labels, texts from the data) travel verbatim as plain
strings and are escaped where they are printed.

Message parameters are JSON scalars (strings are data, shown as they are), a
:class:`Q` (a number with its unit, formatted by the unit), a nested :class:`Msg`
(a clause), or a list of those (joined with commas). Chart specifications
(:mod:`auditkit.chartspec`) may hold a message wherever they hold text.

Every record round-trips through plain JSON (:meth:`Evidence.to_json`,
:meth:`Evidence.from_json`): the store keeps it in one column with
:data:`EVIDENCE_VERSION`. Outcomes stored before typed evidence existed
(version 1: an English ``summary`` and free ``details``) have none; the report
reads both.

Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Version of the evidence layout written by this release (1: prose summary and free details, no evidence).
EVIDENCE_VERSION = 2


class Unit(StrEnum):
    """What kind of quantity a number is; the report formats every quantity of one unit the same way."""

    RATE = "rate"  # a fraction of rows (flip rate, selection rate): shown as a percentage
    SHARE = "share"  # a fraction of a whole (attribution share, variance removed): a percentage
    DIFFERENCE_PP = "difference_pp"  # a difference of two rates: percentage points
    RATIO = "ratio"  # a ratio of two rates (disparate impact)
    PROBABILITY = "probability"  # a model score or probability
    SCORE = "score"  # a bounded score (accuracy, AUC, balanced accuracy, agreement)
    CORRELATION = "correlation"  # a rank or linear correlation, -1 to 1
    BITS = "bits"  # information (mutual information in bits)
    COUNT = "count"  # a whole number of things
    PVALUE = "pvalue"  # a p-value
    NUMBER = "number"  # anything else: a plain decimal


class Role(StrEnum):
    """Whether a measurement entered the verdict's rule (decisive) or is shown to explain it (diagnostic)."""

    DECISIVE = "decisive"
    DIAGNOSTIC = "diagnostic"


class ColumnRole(StrEnum):
    """What a table column holds, so the report formats and reads it without guessing from its header."""

    GROUP = "group"  # a group label (data)
    N = "n"  # a group or sample size
    VALUE = "value"  # a measured quantity (formatted by the column's unit)
    CI_LOW = "ci_low"
    CI_HIGH = "ci_high"
    THRESHOLD = "threshold"
    STATUS = "status"  # a verdict code (PASS, FAIL, ...)
    LABEL = "label"  # an identifier from the data or the configuration (feature, layer, method), verbatim
    TEXT = "text"  # a message (or verbatim data text)
    FLAG = "flag"  # yes / no


def _plain(value: Any) -> Any:
    """A JSON scalar from a numpy scalar or float (NaN and infinities become None)."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Q:
    """A number with its unit, as a message parameter or a table cell that the report formats by unit."""

    value: float | int | None
    unit: Unit = Unit.NUMBER

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _plain(self.value))
        object.__setattr__(self, "unit", Unit(self.unit))


@dataclass(frozen=True, init=False)
class Msg:
    """A sentence or clause: a message key of the catalogue and its parameters (never the text itself)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, /, **params: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", {k: _param(v) for k, v in params.items()})


def _param(value: Any) -> Any:
    """A message parameter in its canonical form (tuples and arrays to lists, numpy scalars to Python)."""
    if isinstance(value, Msg | Q):
        return value
    if isinstance(value, StrEnum):
        return value.value
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_param(v) for v in value]
    return _plain(value)


@dataclass(frozen=True)
class Verdict:
    """The rule that decided a check, its parameters and the measurements it read.

    ``rule`` comes from the check kind's closed set (``Check.rules``); the report
    prints the rule's message (``<kind>.rule.<rule>``) as the acceptance
    criterion. ``reads`` names the measurements the rule read (``name`` or
    ``name@group``); those are the decisive ones.
    """

    rule: str
    params: Mapping[str, Any] = field(default_factory=dict)
    reads: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", {k: _param(v) for k, v in self.params.items()})
        object.__setattr__(self, "reads", tuple(self.reads))


@dataclass(frozen=True)
class Column:
    """A table column: its header (a message), what it holds and, for numbers, their unit."""

    header: Msg
    role: ColumnRole = ColumnRole.TEXT
    unit: Unit | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", ColumnRole(self.role))
        if self.unit is not None:
            object.__setattr__(self, "unit", Unit(self.unit))


@dataclass(frozen=True)
class Table:
    """A table of evidence: a title message, typed columns and rows of cells.

    Cells are numbers (formatted by their column's unit), strings (data,
    verbatim), :class:`Msg` (text in the report's language), :class:`Q`, booleans
    (``flag`` columns) or ``None`` (a dash).
    """

    title: Msg
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        rows = tuple(tuple(_param(c) for c in r) for r in self.rows)
        for i, r in enumerate(rows):
            if len(r) != len(self.columns):
                raise ValueError(f"table {self.title.key!r}: row {i} has {len(r)} cells for "
                                 f"{len(self.columns)} columns")
        object.__setattr__(self, "rows", rows)

    def column(self, role: ColumnRole) -> int | None:
        """Index of the first column with ``role`` (None when the table has none)."""
        return next((i for i, c in enumerate(self.columns) if c.role == role), None)


@dataclass(frozen=True)
class Finding:
    """Something a reader must act on, with the root cause it shares with other findings (if known).

    ``cause`` is a stable reference such as ``feature:hours_per_week`` or
    ``attribute:sex``: the report groups findings of several checks that share it.
    """

    message: Msg
    cause: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Everything a check states, as data: summary sentences, the deciding rule, tables, notes, findings, charts,
    and what the verdict means for the people affected (``meaning``)."""

    summary: tuple[Msg, ...]
    verdict: Verdict | None = None
    tables: tuple[Table, ...] = ()
    notes: tuple[Msg, ...] = ()
    findings: tuple[Finding, ...] = ()
    charts: tuple[Mapping[str, Any], ...] = ()
    version: int = EVIDENCE_VERSION
    #: What the verdict means for the people the model decides about, in plain words: at most two short
    #: paragraphs (one message each) built from the measured numbers. Evidence stored before it existed has none.
    meaning: tuple[Msg, ...] = ()
    #: What the evidence shows a remedy would do (Art. 10(2)(g)): e.g. removing the attribute's information
    #: inside the model, with the effect on the gap between groups and on accuracy, their intervals and the
    #: caveats. The report gathers these under "Remediation options" in its findings section.
    remediation: tuple[Msg, ...] = ()

    def __post_init__(self) -> None:
        for name in ("summary", "tables", "notes", "findings", "charts", "meaning", "remediation"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def messages(self) -> Iterator[Msg]:
        """Every message of the evidence, nested ones and those inside tables and charts included."""
        for m in (*self.summary, *self.meaning, *self.remediation):
            yield from _walk(m)
        for n in self.notes:
            yield from _walk(n)
        for f in self.findings:
            yield from _walk(f.message)
        for tbl in self.tables:
            yield from _walk(tbl.title)
            for c in tbl.columns:
                yield from _walk(c.header)
            for r in tbl.rows:
                for cell in r:
                    yield from _walk(cell)
        for ch in self.charts:
            yield from _walk(decode(ch))

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form, stored in the database and embedded in the report's ``results.json``."""
        return {
            "version": self.version,
            "summary": [encode(m) for m in self.summary],
            "verdict": None if self.verdict is None else {
                "rule": self.verdict.rule, "params": encode(dict(self.verdict.params)),
                "reads": list(self.verdict.reads)},
            "tables": [{"title": encode(tb.title),
                        "columns": [{"header": encode(c.header), "role": c.role.value,
                                     "unit": c.unit.value if c.unit else None} for c in tb.columns],
                        "rows": [[encode(c) for c in r] for r in tb.rows]} for tb in self.tables],
            "notes": [encode(n) for n in self.notes],
            "findings": [{"message": encode(f.message), "cause": f.cause} for f in self.findings],
            "charts": [encode(c) for c in self.charts],
            **({"meaning": [encode(m) for m in self.meaning]} if self.meaning else {}),
            **({"remediation": [encode(m) for m in self.remediation]} if self.remediation else {}),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Evidence:
        """Inverse of :meth:`to_json`."""
        v = d.get("verdict")
        return cls(
            summary=tuple(decode(m) for m in d.get("summary") or ()),
            verdict=None if not v else Verdict(v["rule"], decode(v.get("params") or {}), tuple(v.get("reads") or ())),
            tables=tuple(Table(decode(tb["title"]),
                               tuple(Column(decode(c["header"]), c["role"], c.get("unit")) for c in tb["columns"]),
                               tuple(tuple(decode(c) for c in r) for r in tb["rows"]))
                         for tb in d.get("tables") or ()),
            notes=tuple(decode(n) for n in d.get("notes") or ()),
            findings=tuple(Finding(decode(f["message"]), f.get("cause")) for f in d.get("findings") or ()),
            charts=tuple(decode(c) for c in d.get("charts") or ()),
            version=int(d.get("version", EVIDENCE_VERSION)),
            meaning=tuple(decode(m) for m in d.get("meaning") or ()),
            remediation=tuple(decode(m) for m in d.get("remediation") or ()),
        )


def _walk(value: Any) -> Iterator[Msg]:
    if isinstance(value, Msg):
        yield value
        for p in value.params.values():
            yield from _walk(p)
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)


def encode(value: Any) -> Any:
    """Plain JSON of a message, quantity or any structure holding them (``{"msg": key, "params": ...}``,
    ``{"q": value, "unit": unit}``)."""
    if isinstance(value, Msg):
        return {"msg": value.key, "params": {k: encode(v) for k, v in value.params.items()}}
    if isinstance(value, Q):
        return {"q": value.value, "unit": value.unit.value}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return _param(value)


def _is_msg(value: Mapping[str, Any]) -> bool:
    return set(value) == {"msg", "params"} and isinstance(value["msg"], str)


def _is_q(value: Mapping[str, Any]) -> bool:
    return set(value) == {"q", "unit"} and isinstance(value["unit"], str)


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, Mapping):
        if _is_msg(value):
            return Msg(value["msg"], **{k: decode(v) for k, v in (value["params"] or {}).items()})
        if _is_q(value):
            return Q(value["q"], Unit(value["unit"]))
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def ref(name: str, group: str | None = None) -> str:
    """How a :class:`Verdict` names a measurement it read: ``name`` or ``name@group``."""
    return name if group is None else f"{name}@{group}"


def reads_measurement(verdict: Verdict | None, name: str, group: str | None) -> bool:
    """Whether ``verdict`` read the measurement ``name`` (for ``group``)."""
    return verdict is not None and ref(name, group) in verdict.reads


def verdict_problems(status: str, verdict: Verdict | None, measurements: Iterable[Any]) -> list[str]:
    """Where a verdict and the measurements its rule read contradict each other (empty: they agree).

    A judged outcome (PASS, FAIL, INCONCLUSIVE) has a verdict; a PASS reads no measurement that shows FAIL or
    INCONCLUSIVE, an INCONCLUSIVE none that shows FAIL, and a FAIL that read measurements with a verdict read at
    least one FAIL. A measurement the rule did not read is diagnostic and may show anything: the rule's
    criterion says why it did not decide. ``measurements`` need ``name``, ``group`` and ``status``.
    """
    status = str(status)
    if status in ("SKIPPED", "ERROR"):
        return []
    if verdict is None:
        return [f"a {status} outcome without the rule that decided it"]
    reads = set(verdict.reads)
    shown = {str(m.status) for m in measurements if ref(m.name, m.group) in reads and m.status is not None}
    against = {"PASS": shown & {"FAIL", "INCONCLUSIVE"}, "INCONCLUSIVE": shown & {"FAIL"}}.get(status, set())
    if against:
        return [f"rule {verdict.rule!r} gives {status} but reads measurements that show {', '.join(sorted(against))}"]
    if status == "FAIL" and shown and "FAIL" not in shown:
        return [f"rule {verdict.rule!r} gives FAIL but none of the measurements it reads shows FAIL"]
    return []


__all__ = ["EVIDENCE_VERSION", "Column", "ColumnRole", "Evidence", "Finding", "Msg", "Q", "Role", "Table", "Unit",
           "Verdict", "decode", "encode", "reads_measurement", "ref", "verdict_problems"]

