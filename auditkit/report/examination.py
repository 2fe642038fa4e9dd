"""Section 5: data and bias examination (Art. 10(2)(f)–(h), Art. 4a; Annex IV 2(d)).

Collects what the run says about the protected groups: the attributes the
policy declared, the group sizes seen by the checks (from the measurements'
``n`` and from every table of the checks' evidence with a ``group`` and an ``n``
column; for runs stored before typed evidence, details tables whose headers name them),
and the groups below the policy's minimum group size, which are data gaps in
the sense of Art. 10(2)(h). The run's stored data profile becomes one dense
table (a row per column: unit, range or categories, missing share, per-group
summary) and one sentence per protected attribute stating the label's base
rates with their intervals and whether those overlap; the policy's training
data description and fingerprint are printed, or marked as not provided. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from auditkit.data.profile import BaseRates, ColumnProfile, DataProfile, GroupDistribution, Share
from auditkit.evidence import ColumnRole
from auditkit.i18n import t
from auditkit.i18n.units import num, percent, quantity
from auditkit.report import fmt
from auditkit.report.checks import details_tables, evidence_tables
from auditkit.report.model import Item, Table
from auditkit.results import CheckOutcome

_GROUP_COLUMNS = ("group", "groups", "subgroup", "value", "attribute value")
_SIZE_COLUMNS = ("n", "count", "size", "group size", "group_size", "support", "examples", "n_group")


def attributes_table(policy: Mapping[str, Any]) -> Table:
    """The protected attributes declared in the policy."""
    rows = []
    attrs = policy.get("protected_attributes")
    for a in attrs if isinstance(attrs, list) else []:
        if not isinstance(a, Mapping):
            continue
        source = (t("data.source_column", name=a["column"]) if a.get("column")
                  else t("data.source_lexicon", name=a.get("lexicon", fmt.DASH)))
        rows.append((
            str(a.get("name", fmt.DASH)),
            source,
            fmt.plain(a.get("values")) if a.get("values") else fmt.DASH,
            fmt.plain(a.get("reference")),
            t("fmt.yes") if a.get("model_input") else t("fmt.no"),
        ))
    return Table(
        title=t("data.attributes"),
        columns=(t("data.col.attribute"), t("data.col.source"), t("data.col.values"), t("data.col.reference"),
                 t("data.col.model_input")),
        rows=tuple(rows),
        note="" if rows else t("data.no_attributes"),
        widths=(18, 22, 30, 15, 15),
    )


def art4a_item(system: Mapping[str, Any]) -> Item:
    """The Art. 4a justification for processing special-category data, or a visible 'not provided'."""
    text = system.get("art4a_justification")
    return Item(t("data.art4a"), str(text) if text else fmt.not_provided(), missing=not text)


def training_items(data: Mapping[str, Any]) -> tuple[Item, ...]:
    """The training data's description and fingerprint from the policy's ``data.training``, or "not provided"."""
    given = data.get("training")
    training = given if isinstance(given, Mapping) else {}
    out = []
    for key, mono in (("description", False), ("fingerprint", True)):
        value = training.get(key)
        text = str(value) if value not in (None, "") else ""
        out.append(Item(t(f"data.training_{key}"), text or fmt.not_provided(), missing=not text,
                        mono=mono and bool(text)))
    return tuple(out)


def _decimals(c: ColumnProfile) -> int:
    """Decimals for every value of a numeric column, from its magnitude, so its range and group values align."""
    largest = max(abs(c.minimum or 0.0), abs(c.maximum or 0.0))
    return 0 if largest >= 1000 else 1 if largest >= 10 else 2 if largest >= 1 else 3


def _amount(x: float | None, decimals: int) -> str:
    """A data value with the column's ``decimals`` (a dash when missing)."""
    return fmt.DASH if x is None else num(x, decimals) if decimals else f"{x:.0f}"


def _shares(shares: Sequence[Share]) -> str:
    return ", ".join(f"{s.value} {percent(s.share)}" for s in shares)


def _spread(c: ColumnProfile) -> str:
    """The range of a numeric column, or its most frequent categories with their shares."""
    if c.kind == "numeric":
        if c.minimum is None:
            return fmt.DASH
        # a column of whole numbers (counts, years) shows its range as such; its group means keep the decimals
        whole = float(c.minimum).is_integer() and float(c.maximum or 0.0).is_integer()
        decimals = 0 if whole else _decimals(c)
        return f"{_amount(c.minimum, decimals)} – {_amount(c.maximum, decimals)}"
    more = c.n_categories - len(c.categories)
    return _shares(c.categories) + (f" ({t('data.more_categories', n=more)})" if more > 0 else "")


def _by_group(d: GroupDistribution, c: ColumnProfile, named: bool) -> str:
    """One attribute's groups in one line: ``female 15.0 (15.0) · male 50.0 (50.0)`` or ``female: yes 60.0%, …``."""
    decimals = _decimals(c)
    parts = [f"{g.group} {_amount(g.mean, decimals)} ({_amount(g.median, decimals)})" if c.kind == "numeric"
             else f"{g.group}: {_shares(g.top) or fmt.DASH}" for g in d.groups]
    return (f"{d.attribute}: " if named else "") + " · ".join(parts)


def _pairs(rates: BaseRates) -> str:
    return ", ".join(t("data.pair", a=a.group, b=b.group) for a, b in rates.disjoint_pairs())


def _base_sentence(p: DataProfile, rates: BaseRates) -> str:
    """The label's base rates of one attribute's groups in one sentence, and whether their intervals overlap."""
    groups = ", ".join(t("data.base_rate", group=g.group, rate=quantity(g.rate, "rate"), low=quantity(g.ci_low, "rate"),
                         high=quantity(g.ci_high, "rate"), n=g.n) for g in rates.groups)
    if len(rates.groups) < 2:
        verdict = t("data.rates_single")
    elif rates.disjoint_pairs():
        verdict = t("data.rates_differ", pairs=_pairs(rates))
    else:
        verdict = t("data.rates_overlap")
    return t("data.base_rates", label=p.label, value=p.favourable_label, attribute=rates.attribute, groups=groups,
             level=percent(p.confidence, 0), verdict=verdict)


def stored_profile(raw: Mapping[str, Any] | None) -> DataProfile | None:
    """The run's stored data profile (None: not recorded); ValueError when it cannot be read."""
    if raw is None:
        return None
    try:
        return DataProfile.from_json(raw)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(str(error) or type(error).__name__) from None


def profile_section(raw: Mapping[str, Any] | None) -> tuple[Table, tuple[str, ...]]:
    """The data profile table (one row per column) and the base-rate sentences, from the run's stored profile.

    A run stored before data profiles gets an empty table whose note says the profile was not recorded.
    """
    columns = (t("data.col.column"), t("data.col.unit"), t("data.col.range"), t("data.col.missing"),
               t("data.col.by_group"))
    try:
        profile = stored_profile(raw)
    except ValueError as error:
        return Table(t("data.profile_title"), columns, (), note=t("data.profile_unreadable", reason=str(error))), ()
    if profile is None:
        return Table(t("data.profile_title"), columns, (), note=t("data.profile_missing")), ()
    named = len(profile.base_rates) > 1
    rows = tuple((c.name, c.unit or fmt.DASH, _spread(c), quantity(c.missing_share, "share"),
                  "; ".join(_by_group(d, c, named) for d in c.by_group) or fmt.DASH)
                 for c in profile.columns)
    table = Table(title=t("data.profile", n=profile.n_rows), columns=columns, rows=rows,
                  numeric=(False, False, False, True, False), widths=(20, 7, 23, 8, 42))
    return table, tuple(_base_sentence(profile, r) for r in profile.base_rates if r.groups)


def _column(columns: Sequence[str], names: tuple[str, ...]) -> int | None:
    lowered = [c.strip().lower() for c in columns]
    for i, c in enumerate(lowered):
        if c in names:
            return i
    return None


def _size(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _group_tables(o: CheckOutcome) -> Iterator[tuple[Table, list[int | None], list[str]]]:
    """The outcome's tables that list group sizes, with each row's size and group label.

    Typed evidence says which columns hold the group and the size (roles ``group`` and ``n``); for outcomes
    stored before it, the columns are found by their (English) headers.
    """
    if o.evidence is not None:
        for raw, tbl in zip(o.evidence.tables, evidence_tables(o.evidence.tables), strict=True):
            g, s = raw.column(ColumnRole.GROUP), raw.column(ColumnRole.N)
            if g is not None and s is not None:
                yield tbl, [_size(r[s]) for r in raw.rows], [r[g] for r in tbl.rows]
        return
    raw_list = o.details.get("tables") if isinstance(o.details, Mapping) else None
    raw_tables = [x for x in raw_list if isinstance(x, Mapping)] if isinstance(raw_list, list) else []
    for t_raw, tbl in zip(raw_tables, details_tables(o.details), strict=True):
        g, s = _column(tbl.columns, _GROUP_COLUMNS), _column(tbl.columns, _SIZE_COLUMNS)
        if g is None or s is None:
            continue
        raw_rows = list(t_raw.get("rows") or [])[: len(tbl.rows)]
        sizes = [_size(r[s]) if isinstance(r, list | tuple) and len(r) > s else None for r in raw_rows]
        sizes += [None] * (len(tbl.rows) - len(sizes))
        yield tbl, sizes, [r[g] for r in tbl.rows]


def coverage(outcomes: Sequence[CheckOutcome], min_size: int) -> tuple[Table, tuple[Table, ...], tuple[str, ...]]:
    """Group sizes per check, the details tables that list group sizes, and the data gaps found."""
    sizes: dict[tuple[str, str], int] = {}
    for o in outcomes:
        for m in o.measurements:
            if m.group is not None and m.n is not None:
                key = (o.check_id, m.group)
                sizes[key] = max(sizes.get(key, 0), m.n)
    group_tables: list[Table] = []
    for o in outcomes:
        for tbl, sizes_of_rows, groups_of_rows in _group_tables(o):
            flags = []
            for n, group in zip(sizes_of_rows, groups_of_rows, strict=True):
                flags.append(n is not None and n < min_size)
                if n is not None:
                    key = (o.check_id, group)
                    sizes[key] = max(sizes.get(key, 0), n)
            group_tables.append(Table(title=f"{o.check_id}: {tbl.title}", columns=tbl.columns, rows=tbl.rows,
                                      numeric=tbl.numeric, flagged=tuple(flags), widths=tbl.widths))
    # one row per check, its groups and sizes in one cell: a row per group made this table a page long
    by_check: dict[str, list[tuple[str, int]]] = {}
    for (check_id, group), n in sizes.items():
        by_check.setdefault(check_id, []).append((group, n))
    rows, flags, gaps = [], [], []
    for check_id, groups in by_check.items():
        small = [(g, n) for g, n in groups if n < min_size]
        rows.append((check_id, " · ".join(t("data.group_n", group=g, n=n) for g, n in groups),
                     t("data.below", min_size=min_size) if small else t("data.adequate")))
        flags.append(bool(small))
        gaps += [t("data.gap", group=g, check=check_id, n=n, min_size=min_size) for g, n in small]
    table = Table(
        title=t("data.coverage"),
        columns=(t("col.check"), t("data.col.groups"), t("data.col.against")),
        rows=tuple(rows),
        numeric=(False, False, False),
        flagged=tuple(flags),
        note="" if rows else t("data.no_sizes"),
        widths=(22, 58, 20),
    )
    return table, tuple(group_tables), tuple(gaps)
