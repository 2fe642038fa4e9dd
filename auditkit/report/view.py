"""Build the report view of a stored run: :func:`build_view` (pure, deterministic).

The view is the report's content with every decision already taken: which
sections say what, which fields are missing, how numbers are rounded, which
findings block. The policy comes from ``run.policy_text`` (the YAML stored
verbatim with the run), parsed with ``yaml.safe_load`` only, never executed.
No clock is read: the report date is the date the run finished (or started).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from auditkit.report import fmt
from auditkit.report.attachments import build_attachments
from auditkit.report.catalog import METRIC_DEFINITIONS, NOT_COVERED, SECTIONS, TRACEABILITY
from auditkit.report.checks import adjust_family, check_view, findings, group_families, not_assessed
from auditkit.report.examination import art4a_item, attributes_table, coverage
from auditkit.report.history import compare_runs
from auditkit.report.model import (
    CheckView,
    FamilyView,
    Finding,
    Item,
    Link,
    ReportView,
    Signoff,
    StatusCount,
    Table,
    TestLogRow,
    TocEntry,
    TraceRow,
)
from auditkit.results import RunRecord, Status

SIGNOFF_HINT = ("No sign-off recorded. Record one with "
                "`auditkit signoff RUN --by NAME --role ROLE --decision approve|reject`.")
_GATE_TEXT = {
    "PASS": "Release gate passed: no blocking finding.",
    "FAIL": "Release gate failed: the model must not be released as audited.",
    "INCONCLUSIVE": "Release gate inconclusive: the evidence does not decide, which is not a pass.",
    "ERROR": "Release gate in error: checks could not be computed, so no release decision is possible.",
}
_STAT_DEFAULTS: dict[str, Any] = {"confidence": 0.95, "correction": "holm", "min_group_size": 30,
                                  "bootstrap": 2000, "seed": 7}
_CHECK_KEYS = ("id", "kind", "severity", "title", "rationale")


def _parse_policy(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _section(policy: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = policy.get(key)
    return value if isinstance(value, Mapping) else {}


def _field(label: str, value: Any, *, mono: bool = False) -> Item:
    """A human-supplied field: a visible 'not provided' when empty."""
    if value is None or value == "" or value == []:
        return Item(label, fmt.NOT_PROVIDED, missing=True)
    return Item(label, fmt.plain(value), mono=mono)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def policy_timing(run: RunRecord, meta: Mapping[str, Any]) -> tuple[str, bool]:
    """The Art. 9(8) line (policy effective date vs run start) and whether it shows criteria fixed in time."""
    effective = run.policy_effective_from or _as_date(meta.get("effective_from"))
    started = fmt.date(run.started_at)
    if effective is None:
        return (f"The policy's effective date is not recorded, so the report cannot show that the acceptance "
                f"criteria were fixed before the run started on {started} (Art. 9(8)).", False)
    days = (dt.date.fromisoformat(started) - effective).days
    if days > 0:
        return (f"Policy effective from {effective.isoformat()}, {days} day{'s' if days != 1 else ''} before "
                f"the run started on {started}.", True)
    if days == 0:
        return f"Policy effective from {effective.isoformat()}, the same day the run started ({started}).", True
    return (f"Policy effective from {effective.isoformat()}, {-days} day{'s' if days != -1 else ''} AFTER the "
            f"run started on {started}: the acceptance criteria were not in force when the tests ran, "
            f"contrary to Art. 9(8).", False)


def _statistics(stats: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[Item, ...]]:
    values = {k: stats.get(k, d) for k, d in _STAT_DEFAULTS.items()}
    labels = {"confidence": "Confidence level", "correction": "Multiple-testing correction",
              "min_group_size": "Minimum group size", "bootstrap": "Bootstrap resamples", "seed": "Seed"}
    items = tuple(Item(labels[k], fmt.plain(v) + ("" if k in stats else " (default)")) for k, v in values.items())
    return values, items


def _criteria(policy: Mapping[str, Any], run: RunRecord) -> Table:
    specs = [c for c in policy.get("checks") or [] if isinstance(c, Mapping)]
    if specs:
        rows = tuple((
            str(c.get("id", fmt.DASH)), str(c.get("kind", fmt.DASH)), str(c.get("severity", "major")),
            fmt.plain({k: v for k, v in c.items() if k not in _CHECK_KEYS}) or fmt.DASH,
            str(c.get("rationale") or fmt.DASH),
        ) for c in specs)
        note = "As written in the policy; parameters not written take the check's documented defaults."
    else:
        rows = tuple((o.check_id, o.kind, o.severity.value, fmt.plain(dict(o.params)) or fmt.DASH, fmt.DASH)
                     for o in run.outcomes)
        note = "The stored policy text lists no checks; parameters are those recorded with each outcome."
    return Table(title="Checks and thresholds fixed before the run",
                 columns=("Check", "Kind", "Severity", "Thresholds and parameters", "Rationale"),
                 rows=rows, note=note, widths=(16, 17, 9, 34, 24))


def _environment(env: Mapping[str, Any]) -> tuple[tuple[Item, ...], Table]:
    items, packages = [], []
    for key, value in env.items():
        if isinstance(value, Mapping) and str(key).lower() in ("packages", "versions", "package_versions"):
            packages += [(str(k), fmt.plain(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        else:
            items.append(Item(fmt.humanise(str(key)), fmt.plain(value), mono=isinstance(value, Mapping)))
    table = Table(title="Package versions", columns=("Package", "Version"), rows=tuple(packages), widths=(45, 55),
                  note="" if packages else "The run recorded no package versions.")
    return tuple(items), table


def _refs(ref: Mapping[str, Any], fingerprint: str) -> tuple[Item, ...]:
    items = [Item("SHA-256 fingerprint", fingerprint, mono=True)]
    items += [Item(fmt.humanise(str(k)), fmt.plain(v), mono=True) for k, v in ref.items()]
    return tuple(items)


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
            name=str(_first(r, "name", "by", "signer") or fmt.NOT_PROVIDED),
            function=str(_first(r, "function", "title") or fmt.NOT_PROVIDED),
            role=str(_first(r, "role") or fmt.NOT_PROVIDED),
            decision=str(_first(r, "decision") or fmt.NOT_PROVIDED),
            time=fmt.timestamp(when) if isinstance(when, dt.datetime) else str(when or fmt.DASH),
            report_hash=str(_first(r, "report_sha256", "report_hash", "html_sha256", "hash") or fmt.DASH),
            report_id=str(_first(r, "report_id") or ""),
            comment=str(_first(r, "comment") or ""),
            record_hash=str(_first(r, "record_sha256") or ""),
        ))
    return tuple(out)


def _full_table(views: Sequence[CheckView]) -> Table:
    rows = tuple((v.check_id, m.name, m.group, m.value, m.ci, m.threshold, m.verdict, m.n, m.p_raw, m.p_adjusted)
                 for v in views for m in v.measurements)
    return Table(title="All measurements of the run",
                 columns=("Check", "Measurement", "Group", "Value", "CI", "Threshold", "Verdict", "n",
                          "p raw", "p adj."),
                 rows=rows, numeric=(False, False, False, True, False, True, False, True, True, True),
                 widths=(12, 16, 10, 7, 15, 8, 11, 6, 7, 8))


def _links(anchors: Sequence[str], families: Sequence[FamilyView]) -> tuple[Link, ...]:
    titles = {a: (f"{n} {t}" if n.isdigit() else t) for a, n, t in SECTIONS}
    by_kind = {f.kind: f for f in families}
    out = []
    for a in anchors:
        if a.startswith("family:"):
            kind = a.split(":", 1)[1]
            fam = by_kind.get(kind)
            out.append(Link(fam.anchor, f"{fam.number} {fam.title}") if fam
                       else Link("not-assessed", f"7 Not assessed (no {kind} check)"))
        else:
            out.append(Link(a, titles[a]))
    return tuple(out)


def _toc(families: Sequence[FamilyView]) -> tuple[TocEntry, ...]:
    out = []
    for anchor, number, title in SECTIONS[1:]:
        out.append(TocEntry(anchor, number if number.isdigit() else "", title, 1))
        if anchor == "results":
            out += [TocEntry(f.anchor, f.number, f.title, 2) for f in families]
    return tuple(out)


def build_view(
    run: RunRecord,
    *,
    report_id: str,
    version: int,
    previous: RunRecord | None = None,
    signoffs: Sequence[Mapping[str, Any]] = (),
) -> ReportView:
    """Turn a stored run into the complete, pre-formatted content of its report (pure, deterministic)."""
    policy = _parse_policy(run.policy_text)
    meta, system = _section(policy, "policy"), _section(policy, "system")
    stats_values, stats_items = _statistics(_section(policy, "statistics"))
    report_opts = _section(policy, "report")
    specs = {str(c.get("id")): c for c in policy.get("checks") or [] if isinstance(c, Mapping)}
    try:
        confidence: float | None = float(stats_values["confidence"])
        adjusted, p_table = adjust_family(run.outcomes, str(stats_values["correction"]))
    except (TypeError, ValueError):
        confidence, stats_values["correction"] = None, "holm"
        adjusted, p_table = adjust_family(run.outcomes, "holm")
    views = [check_view(i, o, adjusted, specs.get(o.check_id, {}), confidence) for i, o in enumerate(run.outcomes)]
    families = group_families(views)
    timing, timing_ok = policy_timing(run, meta)
    extra = () if timing_ok else (Finding("", "criteria", "Acceptance criteria not fixed before the run",
                                          "major", "FAIL", timing,
                                          "Re-run the audit under a policy dated before the run.", False),)
    all_findings = findings(views, extra)
    blocking = tuple(f for f in all_findings if f.blocking)
    min_size = int(stats_values["min_group_size"]) if str(stats_values["min_group_size"]).isdigit() else 30
    cov_table, group_tables, gaps = coverage(run.outcomes, min_size)
    absent = not_assessed(run.outcomes)
    changes = compare_runs(previous, run) if previous is not None else None
    when = run.finished_at or run.started_at
    gate = run.gate.value if run.gate else "NOT DECIDED"
    counts = tuple(StatusCount(s.value, sum(o.status == s for o in run.outcomes)) for s in Status)
    env_items, packages = _environment(run.environment)
    provider = system.get("provider")
    auditkit_version = _first(_section(run.environment, "packages"), "auditkit") or run.environment.get("auditkit")
    if not auditkit_version or str(auditkit_version) == "not installed":
        auditkit_version = None

    highlights = [
        f"{len(run.outcomes)} checks ran: " + ", ".join(f"{c.count} {c.status}" for c in counts) + ".",
        f"{len(blocking)} blocking finding{'s' if len(blocking) != 1 else ''} (blocker severity with FAIL, "
        "ERROR or INCONCLUSIVE).",
        timing,
        f"{len(adjusted)} p-values adjusted together as one family ({stats_values['correction']}).",
        f"{len(absent)} of the 5 standard check families not assessed; see section 7.",
    ]
    if gaps:
        highlights.append(f"{len(gaps)} group(s) below the minimum group size of {min_size}; see section 5.")
    if changes is not None:
        highlights.append(changes.summary[0])

    return ReportView(
        title=str(report_opts.get("title") or f"Model audit report: {run.system_name} {run.system_version}"),
        report_id=report_id,
        version=f"v{version}",
        date=fmt.date(when),
        created_iso=fmt.iso_timestamp(when),
        confidentiality=str(report_opts.get("confidentiality") or "Confidential"),
        system_label=f"{run.system_name} {run.system_version}",
        provider=str(provider) if provider else fmt.NOT_PROVIDED,
        document_control=(
            Item("Report ID", report_id, mono=True), Item("Version", f"v{version}"),
            Item("Date", fmt.timestamp(when)), Item("Gate decision", gate),
            Item("System", f"{run.system_name} {run.system_version}"), _field("Provider", provider),
            _field("Annex III point", system.get("annex_iii_point")),
            Item("Policy", f"{run.policy_id} v{run.policy_version}"),
            Item("Policy SHA-256", run.policy_sha256, mono=True),
            Item("Model fingerprint (SHA-256)", run.model_fingerprint, mono=True),
            Item("Dataset fingerprint (SHA-256)", run.dataset_fingerprint, mono=True),
            Item("Run ID", run.run_id, mono=True),
            Item("Confidentiality", str(report_opts.get("confidentiality") or "Confidential")),
            Item("Legal basis", "Test report for the technical documentation of a high-risk AI system, "
                 "Regulation (EU) 2024/1689 Annex IV point 2(g)"),
        ),
        toc=_toc(families),
        gate=gate,
        gate_text=_GATE_TEXT.get(gate, f"No gate decision was recorded (run state: {run.state.value})."),
        counts=counts,
        blocking=blocking,
        highlights=tuple(highlights),
        run_error=run.error or "",
        scope=(
            _field("System name", run.system_name), _field("System version", run.system_version),
            _field("Provider", provider), _field("Intended purpose", system.get("intended_purpose")),
            _field("Annex III point", system.get("annex_iii_point")),
            _field("Reasonably foreseeable misuse", system.get("foreseeable_misuse")),
            _field("Deployer context", system.get("deployer_context")),
            _field("Human oversight measures", system.get("oversight_measures")),
            _field("Standards applied", system.get("standards_applied")),
        ),
        policy_timing=timing,
        policy_timing_ok=timing_ok,
        policy_items=(
            Item("Policy ID", run.policy_id), Item("Policy version", run.policy_version),
            _field("Effective from", run.policy_effective_from or meta.get("effective_from")),
            _field("Approved by", meta.get("approved_by")), _field("Supersedes", meta.get("supersedes")),
            _field("Rationale", meta.get("rationale")),
            Item("Policy SHA-256", run.policy_sha256, mono=True),
        ),
        statistics=stats_items,
        criteria=_criteria(policy, run),
        run_items=(
            Item("Run ID", run.run_id, mono=True), Item("Trigger", run.trigger), Item("State", run.state.value),
            Item("Device", run.device), Item("Started", fmt.timestamp(run.started_at)),
            Item("Finished", fmt.timestamp(run.finished_at)), Item("Run seed", str(run.seed)),
            Item("Statistics seed", fmt.plain(stats_values["seed"])),
        ),
        environment=env_items,
        packages=packages,
        model_ref=_refs(run.model_ref, run.model_fingerprint),
        dataset_ref=_refs(run.dataset_ref, run.dataset_fingerprint),
        attributes=attributes_table(policy),
        art4a=art4a_item(system),
        min_group_size=str(min_size),
        coverage=cov_table,
        group_tables=group_tables,
        gaps=gaps,
        correction=str(stats_values["correction"]),
        p_family=p_table,
        families=families,
        not_assessed=absent,
        not_covered=NOT_COVERED,
        findings=all_findings,
        residual_risk=(
            f"{len(all_findings)} finding(s) remain open, {len(blocking)} of them blocking.",
            f"{len(absent)} of the 5 standard check families and {len(NOT_COVERED)} standing items were not assessed "
            "(section 7); the risks they address are unquantified.",
            "This report does not accept residual risk. Acceptance (Art. 9(5)) is the decision of the persons "
            "who sign in section 10.",
        ),
        changes=changes,
        signoffs=_signoffs(signoffs),
        signoff_hint=SIGNOFF_HINT,
        test_log=tuple(TestLogRow(o.check_id, o.kind, str(o.version), o.fingerprint, str(o.seed),
                                  fmt.timestamp(o.started_at), fmt.duration(o.duration_s), o.status.value)
                       for o in run.outcomes),
        full_table=_full_table(views),
        policy_text=run.policy_text,
        attachments=build_attachments(run),
        definitions=tuple(Item(k, v) for k, v in METRIC_DEFINITIONS.items()),
        traceability=tuple(TraceRow(t.requirement, t.demand, _links(t.sections, families), t.evidence)
                           for t in TRACEABILITY),
        generator=f"auditkit {auditkit_version}" if auditkit_version else "auditkit",
    )


__all__ = ["SIGNOFF_HINT", "build_view", "policy_timing"]
