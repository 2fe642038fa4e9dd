"""Build the report view of a stored run: :func:`build_view` (pure, deterministic).

The view is the report's content with every decision already taken: which
sections say what, which fields are missing, how numbers are rounded, which
findings block. The policy comes from ``run.policy_text`` (the YAML stored
verbatim with the run), read by :class:`~auditkit.policy.stored.StoredPolicy`
(safe loader only, never executed; policies stored by older releases still read).
No clock is read: the report date is the date the run finished (or started).

The report language is ``report.language`` of the stored policy (English when
absent), or the ``language`` argument; every fixed string comes from that
language's catalogue (:mod:`auditkit.i18n`), while text the checks wrote
(summaries, notes, reasons) is printed as stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from auditkit.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, messages, t, tn, use_language
from auditkit.i18n import severity as _severity
from auditkit.i18n import status as status_word
from auditkit.policy.stored import StoredPolicy
from auditkit.report import fmt
from auditkit.report.attachments import build_attachments
from auditkit.report.catalog import Trace, metric_definitions, not_covered, sections, traceability
from auditkit.report.checks import (
    absent_groups,
    adjust_family,
    cause_text,
    check_view,
    findings,
    group_families,
    not_assessed,
    shared_causes,
)
from auditkit.report.crosscheck import erasure_vs_counterfactual
from auditkit.report.examination import art4a_item, attributes_table, coverage, profile_section, training_items
from auditkit.report.history import compare_runs
from auditkit.report.model import (
    FamilyView,
    Finding,
    Item,
    Link,
    ReportView,
    SignatureBlock,
    Signoff,
    StatusCount,
    Table,
    TestLogRow,
    TocEntry,
    TraceRow,
)
from auditkit.report.opinion import build_opinion
from auditkit.results import RunRecord, Status

_STAT_DEFAULTS: dict[str, Any] = {"confidence": 0.95, "correction": "holm", "min_group_size": 30,
                                  "bootstrap": 2000, "seed": 7}
_CHECK_KEYS = ("id", "kind", "severity", "title", "rationale")


def _section(record: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``record[key]`` when it is a mapping (e.g. the packages of a run's environment), else empty."""
    value = record.get(key)
    return value if isinstance(value, Mapping) else {}


def _field(label: str, value: Any, *, mono: bool = False) -> Item:
    """A human-supplied field: a visible 'not provided' when empty."""
    if value is None or value == "" or value == [] or value == {}:
        return Item(label, fmt.not_provided(), missing=True)
    if isinstance(value, list | tuple):  # e.g. standards applied: one entry after another, not a Python list
        return Item(label, "; ".join(fmt.plain(v) for v in value), mono=mono)
    return Item(label, fmt.plain(value), mono=mono)


def policy_timing(run: RunRecord, policy: StoredPolicy) -> tuple[str, bool]:
    """The Art. 9(8) line (policy effective date vs run start) and whether it shows criteria fixed in time."""
    effective = run.policy_effective_from or policy.effective_from
    started = fmt.date(run.started_at)
    if effective is None:
        return t("timing.unknown", started=started), False
    start_day = run.started_at.astimezone(dt.UTC).date() if run.started_at.tzinfo else run.started_at.date()
    days = (start_day - effective).days
    when = fmt.date(effective)
    if days > 0:
        return tn("timing.before", days, effective=when, started=started), True
    if days == 0:
        return t("timing.same_day", effective=when, started=started), True
    return tn("timing.after", -days, effective=when, started=started), False


def _statistics(stats: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[Item, ...]]:
    values = {k: stats.get(k, d) for k, d in _STAT_DEFAULTS.items()}
    items = tuple(Item(t(f"stats.{k}"), fmt.plain(v) + ("" if k in stats else t("fmt.default_suffix")))
                  for k, v in values.items())
    return values, items


def _register(found: Sequence[Finding], specs: Mapping[str, Mapping[str, Any]], families: Sequence[FamilyView],
              when: dt.datetime) -> tuple[Finding, ...]:
    """The findings with the register's columns: root cause in words, result section, owner and due date.

    Owner and due date come from the check's policy entry (``owner``, ``remediation_days`` counted from the
    report's date); without them the register prints a visible "not provided".
    """
    section = {c.anchor: (f.number, c.check_id) for f in families for c in f.checks}
    out = []
    for f in found:
        number, check_id = section.get(f.anchor, ("", ""))
        spec = specs.get(check_id, {})
        days = spec.get("remediation_days")
        due = (fmt.date(when + dt.timedelta(days=int(days))) if isinstance(days, int) and not isinstance(days, bool)
               else "")
        out.append(dataclasses.replace(
            f, cause_text="; ".join(cause_text(c) for c in f.causes), section=number,
            owner=str(spec.get("owner") or ""), due=due))
    return tuple(out)


def _criteria(policy: StoredPolicy, run: RunRecord) -> Table:
    specs = policy.checks
    if specs:
        rows = tuple((
            str(c.get("id", fmt.DASH)), str(c.get("kind", fmt.DASH)), _severity(str(c.get("severity", "major"))),
            fmt.plain({k: v for k, v in c.items() if k not in _CHECK_KEYS}) or fmt.DASH,
        ) for c in specs)
        note = t("criteria.note_policy")
    else:
        rows = tuple((o.check_id, o.kind, _severity(o.severity.value), fmt.plain(dict(o.params)) or fmt.DASH)
                     for o in run.outcomes)
        note = t("criteria.note_outcomes")
    return Table(title=t("criteria.table"),
                 columns=(t("col.check"), t("criteria.col.kind"), t("criteria.col.severity"),
                          t("criteria.col.params")),
                 rows=rows, note=note, widths=(18, 18, 10, 54))


def _by_key(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The items of a provenance record (environment, model or data ref) in key order.

    Not in stored order: a JSON column, PostgreSQL's JSONB and ``results.json`` (sorted keys) each give
    keys back in another order, and the report must render the same from the database and from its own
    attachments (nested mappings are sorted by :func:`.fmt.plain`).
    """
    return sorted(value.items(), key=lambda kv: str(kv[0]))


def _environment(env: Mapping[str, Any]) -> tuple[tuple[Item, ...], Table]:
    items, packages = [], []
    for key, value in _by_key(env):
        if isinstance(value, Mapping) and str(key).lower() in ("packages", "versions", "package_versions"):
            packages += [(str(k), fmt.plain(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        else:
            items.append(Item(_ref_label(key), fmt.plain(value), mono=isinstance(value, Mapping)))
    table = Table(title=t("setup.packages"), columns=(t("setup.package"), t("setup.version")), rows=tuple(packages),
                  widths=(45, 55), note="" if packages else t("setup.no_packages"))
    return tuple(items), table


def _ref_label(key: Any) -> str:
    """The printed name of a provenance field: the catalogue's (``ref.<key>``, so a German report says
    "Stapelgröße", not "Batch size"), else the key humanised (a field an adapter added that no catalogue names)."""
    name = f"ref.{key}"
    return t(name) if name in messages(current_language()) else fmt.humanise(str(key))


def _refs(ref: Mapping[str, Any], fingerprint: str) -> tuple[Item, ...]:
    items = [Item(t("setup.fingerprint"), fingerprint, mono=True)]
    items += [Item(_ref_label(k), fmt.plain(v), mono=True) for k, v in _by_key(ref)
              if not (str(k).lower() in ("fingerprint", "sha256") and str(v) == fingerprint)]  # printed above
    return tuple(items)


def _remote_code(policy: StoredPolicy) -> tuple[Item, ...]:
    """The policy's ``allow_remote_code: true`` as a provenance line (absent when off: the default)."""
    if policy.document.get("allow_remote_code") is True:
        return (Item(t("setup.remote_code"), t("setup.remote_code_on")),)
    return ()


def _first(record: Mapping[str, Any], *keys: str) -> Any:
    return next((record[k] for k in keys if record.get(k) not in (None, "")), None)


def _as_mapping(record: Any) -> Mapping[str, Any]:
    if isinstance(record, Mapping):
        return record
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    try:
        return {k: v for k, v in vars(record).items() if not k.startswith("_")}
    except TypeError:  # no __dict__: nothing readable
        return {}


def _signoffs(records: Sequence[Any]) -> tuple[Signoff, ...]:
    """Sign-off records (the store's dicts, or any record with those attributes) as table rows."""
    out = []
    for record in records:
        r = _as_mapping(record)
        when = _first(r, "signed_at", "created_at", "at", "time")
        out.append(Signoff(
            name=str(_first(r, "name", "by", "signer") or fmt.not_provided()),
            function=str(_first(r, "function", "title") or fmt.not_provided()),
            role=str(_first(r, "role") or fmt.not_provided()),
            decision=str(_first(r, "decision") or fmt.not_provided()),
            time=fmt.timestamp(when) if isinstance(when, dt.datetime) else str(when or fmt.DASH),
            report_hash=str(_first(r, "report_sha256", "report_hash", "html_sha256", "hash") or fmt.DASH),
            report_id=str(_first(r, "report_id") or ""),
            comment=str(_first(r, "comment") or ""),
            record_hash=str(_first(r, "record_sha256") or ""),
        ))
    return tuple(out)


#: Signature blocks in order, each with the words a sign-off's free-text role must contain to fill it.
_BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prepared", ("prepar", "author", "ersteller")), ("reviewed", ("review", "prüf", "pruef")),
    ("approved", ("approv", "freigeb", "genehmig")))


def _decision_word(decision: str) -> str:
    """A recorded decision (approve, reject) in the report's language; anything else as recorded."""
    key = f"opinion.signoff_decision.{decision}"
    return t(key) if key in messages(current_language()) else decision


def _signature_blocks(rows: Sequence[Signoff]) -> tuple[SignatureBlock, ...]:
    """Prepared, reviewed and approved blocks, each from the latest sign-off whose role names it."""
    out = []
    for block, words in _BLOCKS:
        match = [s for s in rows if any(w in s.role.lower() for w in words)]
        title = t(f"signoff.block.{block}")
        statement = t(f"signoff.statement.{block}")
        if match:
            s = match[-1]
            out.append(SignatureBlock(title, s.name, s.function, s.time, _decision_word(s.decision), statement))
        else:
            out.append(SignatureBlock(title, statement=statement))
    return tuple(out)


def _revisions(rows: Sequence[Signoff], report_id: str, when: str) -> tuple[Item, ...]:
    """The run's report versions: each signed version with who signed it, then this one."""
    out = [Item(s.report_id or fmt.DASH, t("revision.signed", name=s.name, role=s.role,
                                              decision=_decision_word(s.decision), time=s.time)) for s in rows]
    out.append(Item(report_id, t("revision.this", date=when, n=len(rows))))
    return tuple(out)


#: Worst first: the status a traceability row prints when several checks decide it.
_WORST = ("ERROR", "FAIL", "INCONCLUSIVE", "SKIPPED", "PASS")


def _trace_row(row: Trace, families: Sequence[FamilyView]) -> TraceRow:
    """A traceability row with its links (page numbers in print) and, when checks decide it, their worst verdict;
    a tested requirement whose families did not run is not assessed."""
    kinds = {a.split(":", 1)[1] for a in row.sections if a.startswith("family:")}
    statuses = {c.status for f in families if f.kind in kinds for c in f.checks}
    coverage = row.coverage
    if coverage == "tested" and not statuses:
        coverage = "not_assessed"
    status = (next(s for s in _WORST if s in statuses) if statuses and coverage in ("tested", "partly") else "")
    return TraceRow(row.requirement, row.demand, _links(row.sections, families), row.evidence,
                    t(f"trace.coverage.{coverage}"), status)


def _short_hash(digest: str, digits: int = 16) -> str:
    return digest if len(digest) <= digits else f"{digest[:digits]}…"


def _links(anchors: Sequence[str], families: Sequence[FamilyView]) -> tuple[Link, ...]:
    titles = {a: (f"{n} {title}" if n.isdigit() else title) for a, n, title in sections()}
    by_kind = {f.kind: f for f in families}
    out = []
    for a in anchors:
        if a.startswith("family:"):
            kind = a.split(":", 1)[1]
            fam = by_kind.get(kind)
            out.append(Link(fam.anchor, f"{fam.number} {fam.title}") if fam
                       else Link("not-assessed", t("annex.trace.absent", kind=kind)))
        else:
            out.append(Link(a, titles[a]))
    return tuple(out)


def _toc(families: Sequence[FamilyView]) -> tuple[TocEntry, ...]:
    out = []
    for anchor, number, title in sections()[1:]:
        out.append(TocEntry(anchor, number if number.isdigit() else "", title, 1))
        if anchor == "results":
            out += [TocEntry(f.anchor, f.number, f.title, 2) for f in families]
    return tuple(out)


def report_language(policy: StoredPolicy) -> str:
    """The language the stored policy asks for (``report.language``); English when absent or unknown."""
    language = policy.report_language
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def build_view(
    run: RunRecord,
    *,
    report_id: str,
    version: int,
    previous: RunRecord | None = None,
    signoffs: Sequence[Mapping[str, Any]] = (),
    language: str | None = None,
    history: Sequence[RunRecord] = (),
) -> ReportView:
    """Turn a stored run into the complete, pre-formatted content of its report (pure, deterministic).

    ``language`` overrides the policy's ``report.language`` (a code of
    :data:`auditkit.i18n.LANGUAGES`). ``history`` holds earlier audits of
    the system for the trend charts of section 9 (with ``previous``; see :mod:`.trend`).
    """
    policy = StoredPolicy.parse(run.policy_text, source=f"policy of run {run.run_id}")
    with use_language(language or report_language(policy)) as lang:
        return _build(run, policy, lang, report_id=report_id, version=version, previous=previous,
                      signoffs=signoffs, history=history)


def _build(
    run: RunRecord,
    policy: StoredPolicy,
    language: str,
    *,
    report_id: str,
    version: int,
    previous: RunRecord | None,
    signoffs: Sequence[Mapping[str, Any]],
    history: Sequence[RunRecord] = (),
) -> ReportView:
    """The body of :func:`build_view`, run with the report language in force."""
    meta, system = policy.section("policy"), policy.section("system")
    stats_values, stats_items = _statistics(policy.section("statistics"))
    report_opts = policy.section("report")
    specs = {str(c.get("id")): c for c in policy.checks}
    try:
        confidence: float | None = float(stats_values["confidence"])
        adjusted = adjust_family(run.outcomes, str(stats_values["correction"]))
    except (TypeError, ValueError):
        confidence, stats_values["correction"] = None, "holm"
        adjusted = adjust_family(run.outcomes, "holm")
    # in the policy's order, whatever order the outcomes were committed in (a Ray run commits them as they finish)
    position = {check_id: i for i, check_id in enumerate(specs)}
    ordered = sorted(run.outcomes, key=lambda o: position.get(o.check_id, len(position)))
    views = [check_view(i, o, adjusted, specs.get(o.check_id, {}), confidence) for i, o in enumerate(ordered)]
    cross = erasure_vs_counterfactual(run.outcomes, confidence or 0.95)
    views = [dataclasses.replace(v, notes=(*v.notes, *cross[v.check_id])) if v.check_id in cross else v
             for v in views]
    families = group_families(views)
    timing, timing_ok = policy_timing(run, policy)
    extra = () if timing_ok else (Finding("", "criteria", t("timing.finding"), _severity("major"), "FAIL", timing,
                                          t("timing.action"), False),)
    all_findings = _register(findings(views, extra), specs, families, run.finished_at or run.started_at)
    blocking = tuple(f for f in all_findings if f.blocking)
    min_size = int(stats_values["min_group_size"]) if str(stats_values["min_group_size"]).isdigit() else 30
    cov_table, group_tables, gaps = coverage(run.outcomes, min_size)
    profile_table, base_rates = profile_section(run.data_profile)
    absent = not_assessed(run.outcomes)
    changes = compare_runs(previous, run, history) if previous is not None else None
    when = run.finished_at or run.started_at
    gate = run.gate.value if run.gate else "NOT DECIDED"
    gate_text = t(f"gate.{gate}") if run.gate else t("gate.none", state=run.state.value)
    confidentiality = str(report_opts.get("confidentiality") or t("cover.confidential"))
    standing = not_covered()
    counts = tuple(StatusCount(s.value, sum(o.status == s for o in run.outcomes)) for s in Status)
    env_items, packages = _environment(run.environment)
    provider = system.get("provider")
    auditkit_version = _first(_section(run.environment, "packages"), "auditkit") or run.environment.get("auditkit")
    if not auditkit_version or str(auditkit_version) == "not installed":
        auditkit_version = None

    highlights = [
        t("summary.checks_ran", n=len(run.outcomes),
          counts=", ".join(t("summary.count", count=c.count, status=status_word(c.status)) for c in counts)),
        tn("summary.blocking", len(blocking)),
        timing,
        t("summary.p_family", n=len(adjusted), correction=stats_values["correction"]),
        t("summary.not_assessed", n=len(absent)),
    ]
    if gaps:
        highlights.append(t("summary.gaps", n=len(gaps), min_size=min_size))
    if changes is not None:
        highlights.append(changes.summary[0])

    system_label = f"{run.system_name} {run.system_version}"
    signoff_rows = _signoffs(signoffs)
    return ReportView(
        title=str(report_opts.get("title") or t("cover.title", system=system_label)),
        report_id=report_id,
        version=f"v{version}",
        date=fmt.date(when),
        created_iso=fmt.iso_timestamp(when),
        confidentiality=confidentiality,
        system_label=system_label,
        provider=str(provider) if provider else "",
        document_control=(
            Item(t("doc.report_id"), report_id, mono=True), Item(t("doc.version"), f"v{version}"),
            Item(t("doc.date"), fmt.timestamp(when)), Item(t("doc.gate"), status_word(gate)),
            Item(t("doc.system"), system_label), _field(t("doc.provider"), provider),
            _field(t("doc.annex_iii"), system.get("annex_iii_point")),
            Item(t("doc.policy"), f"{run.policy_id} v{run.policy_version}"),
            Item(t("doc.policy_sha"), run.policy_sha256, mono=True),
            Item(t("doc.model_fp"), run.model_fingerprint, mono=True),
            Item(t("doc.dataset_fp"), run.dataset_fingerprint, mono=True),
            Item(t("doc.run_id"), run.run_id, mono=True),
            Item(t("doc.confidentiality"), confidentiality),
            Item(t("doc.legal_basis"), t("doc.legal_basis_text")),
        ),
        toc=_toc(families),
        gate=gate,
        gate_text=gate_text,
        counts=counts,
        blocking=blocking,
        highlights=tuple(highlights),
        run_error=run.error or "",
        scope=(
            _field(t("scope.system_name"), run.system_name), _field(t("scope.system_version"), run.system_version),
            _field(t("scope.provider"), provider), _field(t("scope.provider_contact"), system.get("provider_contact")),
            _field(t("scope.intended_purpose"), system.get("intended_purpose")),
            _field(t("scope.annex_iii"), system.get("annex_iii_point")),
            _field(t("scope.misuse"), system.get("foreseeable_misuse")),
            _field(t("scope.out_of_scope"), system.get("out_of_scope_uses")),
            _field(t("scope.deployer"), system.get("deployer_context")),
            _field(t("scope.oversight"), system.get("oversight_measures")),
            _field(t("scope.standards"), system.get("standards_applied")),
        ),
        policy_timing=timing,
        policy_timing_ok=timing_ok,
        policy_items=(
            Item(t("policy.id"), run.policy_id), Item(t("policy.version"), run.policy_version),
            _field(t("policy.effective"), run.policy_effective_from or meta.get("effective_from")),
            _field(t("policy.approved_by"), meta.get("approved_by")),
            _field(t("policy.supersedes"), meta.get("supersedes")),
            _field(t("policy.rationale"), meta.get("rationale")),
            Item(t("policy.sha"), run.policy_sha256, mono=True),
        ),
        statistics=stats_items,
        criteria=_criteria(policy, run),
        run_items=(
            Item(t("run.id"), run.run_id, mono=True), Item(t("run.trigger"), run.trigger),
            Item(t("run.state"), run.state.value), Item(t("run.device"), run.device),
            Item(t("run.started"), fmt.timestamp(run.started_at)),
            Item(t("run.finished"), fmt.timestamp(run.finished_at)), Item(t("run.seed"), str(run.seed)),
            Item(t("run.stat_seed"), fmt.plain(stats_values["seed"])),
        ),
        environment=env_items,
        packages=packages,
        model_ref=_refs(run.model_ref, run.model_fingerprint) + _remote_code(policy),
        dataset_ref=_refs(run.dataset_ref, run.dataset_fingerprint),
        attributes=attributes_table(policy.document),
        art4a=art4a_item(system),
        min_group_size=str(min_size),
        coverage=cov_table,
        group_tables=group_tables,
        gaps=gaps,
        data_profile=profile_table,
        base_rates=base_rates,
        training=training_items(policy.section("data")),
        correction=str(stats_values["correction"]),
        families=families,
        not_assessed=absent,
        absent_groups=absent_groups(run.outcomes),
        not_covered=standing,
        opinion=build_opinion(run, all_findings, policy.section("gate"), signoffs),
        findings=all_findings,
        shared_causes=shared_causes(all_findings),
        remediation=tuple((Link(c.anchor, c.title), r) for f in families for c in f.checks for r in c.remediation),
        residual_risk=(
            t("residual.open", n=len(all_findings), blocking=len(blocking)),
            t("residual.not_assessed", n=len(absent), m=len(standing)),
            t("residual.acceptance"),
        ),
        changes=changes,
        signoffs=signoff_rows,
        signoff_hint=t("signoff.hint"),
        signature_blocks=_signature_blocks(signoff_rows),
        revisions=_revisions(signoff_rows, report_id, fmt.timestamp(when)),
        latest_signoff=(t("cover.latest_signoff", name=signoff_rows[-1].name, role=signoff_rows[-1].role,
                          decision=_decision_word(signoff_rows[-1].decision), time=signoff_rows[-1].time)
                        if signoff_rows else ""),
        # the fingerprint's first 16 hex digits identify it (the full value is in test-log.jsonl, attached);
        # times are UTC, as the column header says
        test_log=tuple(TestLogRow(o.check_id, o.kind, str(o.version), _short_hash(o.fingerprint), str(o.seed),
                                  fmt.timestamp(o.started_at).removesuffix(" UTC"), fmt.duration(o.duration_s),
                                  o.status.value)
                       for o in run.outcomes),
        policy_text=run.policy_text,
        attachments=build_attachments(run, signoffs=signoffs, previous=previous, history=history),
        definitions=tuple(Item(k, v) for k, v in metric_definitions().items()),
        traceability=tuple(_trace_row(row, families) for row in traceability()),
        generator=f"auditkit {auditkit_version}" if auditkit_version else "auditkit",
        language=language,
    )


__all__ = ["build_view", "policy_timing", "report_language"]
