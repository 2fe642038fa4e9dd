"""Section 9: what changed between the previous audit of a system and this one (Annex IV 6; Art. 43(4)).

Compares two stored runs: the artefact fingerprints (model, data, policy), the
status of every check id (before → now, new, removed) and the value of every
thresholded measurement both runs share. Pure; the caller picks which run is
"previous" (normally the store's latest earlier run of the same system).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auditkit.diff import Change, diff_runs
from auditkit.i18n import status, t
from auditkit.report import fmt
from auditkit.report.model import Changes, Table
from auditkit.report.trend import MAX_RUNS, trend_charts
from auditkit.results import RunRecord

_ITEM_KEYS = {"system_version": "changes.system_version", "policy": "doc.policy", "policy_sha256": "doc.policy_sha",
              "model": "changes.model_fp", "dataset": "changes.dataset_fp", "gate": "doc.gate"}
_CHANGE_KEYS = {"unchanged": "changes.unchanged", "status changed": "changes.status_changed",
                "new check": "changes.new", "removed check": "changes.removed"}


def _changed(before: str, now: str) -> str:
    return t("changes.same") if before == now else t("changes.changed")


def _item(key: str, label: str) -> str:
    """An artefact's label in the report language (the diff's English label for an unknown key)."""
    return t(_ITEM_KEYS[key]) if key in _ITEM_KEYS else label


def _status(code: object) -> str:
    return status(str(getattr(code, "value", code))) if code is not None else t("changes.not_run")


def compare_runs(previous: RunRecord, run: RunRecord, history: Sequence[RunRecord] = ()) -> Changes:
    """The changes from ``previous`` to ``run`` as view tables and summary sentences.

    ``history`` holds the earlier audits of the system for the trend charts
    (:mod:`.trend`; ``previous`` is always among them), newest or oldest first.

    The comparison itself is :func:`auditkit.diff.diff_runs` (shared with
    ``auditkit diff`` and the regression gate); this only formats it.
    """
    diff = diff_runs(previous, run)
    shown = [a for a in diff.artefacts if a.key != "system"]
    fingerprints = Table(
        title=t("changes.artefacts"),
        columns=(t("changes.col.item"), t("changes.col.previous_audit"), t("changes.col.this_audit"),
                 t("changes.col.change")),
        rows=tuple((_item(a.key, a.label), status(a.before) if a.key == "gate" else a.before,
                    status(a.after) if a.key == "gate" else a.after, _changed(a.before, a.after)) for a in shown),
        flagged=tuple(a.changed for a in shown),
        widths=(20, 33, 33, 14),
    )

    rows = tuple((c.check_id, _status(c.before), _status(c.after),
                  t(_CHANGE_KEYS.get(c.change.value, "changes.changed"))) for c in diff.checks)
    checks = Table(
        title=t("changes.status_table"),
        columns=(t("col.check"), t("changes.col.previous"), t("changes.col.now"), t("changes.col.change")),
        rows=rows,
        flagged=tuple(c.change is not Change.UNCHANGED for c in diff.checks),
    )

    m_rows = []
    for c in diff.checks:
        for d in c.measurements:
            p, m = d.before, d.after
            if p is None or m is None:
                continue
            m_rows.append((c.check_id, fmt.humanise(m.name), m.group or t("fmt.overall"), fmt.num(p.value),
                           fmt.num(m.value), fmt.num(d.delta), f"{status(p.status.value) if p.status else fmt.DASH} → "
                                                               f"{status(m.status.value) if m.status else fmt.DASH}"))
    measurements = Table(
        title=t("changes.measurements"),
        columns=(t("col.check"), t("col.measurement"), t("col.applies_to"), t("changes.col.previous"),
                 t("changes.col.now"), t("changes.col.difference"), t("col.verdict")),
        rows=tuple(m_rows),
        numeric=(False, False, False, True, True, True, False),
        widths=(16, 20, 12, 11, 11, 11, 19),
    )

    summary = []
    artefacts = [_item(a.key, a.label) for a in shown if a.key != "gate" and a.changed]
    summary.append(t("changes.summary_changed", items=", ".join(artefacts))
                   if artefacts else t("changes.summary_same"))
    new, removed, moved = diff.new_checks, diff.removed_checks, diff.status_changes
    if new:
        summary.append(t("changes.summary_new", ids=", ".join(new)))
    if removed:
        summary.append(t("changes.summary_removed", ids=", ".join(removed)))
    summary.append(t("changes.summary_moved", n=len(moved)) if moved else t("changes.summary_none_moved"))
    return Changes(
        previous_run_id=previous.run_id,
        previous_date=fmt.timestamp(previous.finished_at or previous.started_at),
        fingerprints=fingerprints,
        checks=checks,
        measurements=measurements,
        summary=tuple(summary),
        **_trends(previous, run, history),
    )


def _trends(previous: RunRecord, run: RunRecord, history: Sequence[RunRecord]) -> dict[str, Any]:
    """The trend fields of :class:`Changes`: charts over ``history`` and ``previous`` (each run once)."""
    earlier = {r.run_id: r for r in (*history, previous) if r.run_id != run.run_id}
    charts, omitted = trend_charts(tuple(earlier.values()), run)
    return {"trends": charts, "trends_omitted": omitted,
            "trend_lead": t("changes.trend_lead", n=MAX_RUNS) if charts else ""}
