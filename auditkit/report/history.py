"""Section 9: what changed between the previous audit of a system and this one (Annex IV 2(f), 6).

Compares two stored runs: the artefact fingerprints (model, data, policy), the
status of every check id (before → now, new, removed) and the value of every
thresholded measurement both runs share. Pure; the caller picks which run is
"previous" (normally the store's latest earlier run of the same system).
"""

from __future__ import annotations

from auditkit.report import fmt
from auditkit.report.model import Changes, Table
from auditkit.results import RunRecord


def _changed(before: str, now: str) -> str:
    return "same" if before == now else "CHANGED"


def compare_runs(previous: RunRecord, run: RunRecord) -> Changes:
    """The changes from ``previous`` to ``run`` as view tables and summary sentences."""
    pairs = (
        ("System version", previous.system_version, run.system_version),
        ("Policy", f"{previous.policy_id} v{previous.policy_version}", f"{run.policy_id} v{run.policy_version}"),
        ("Policy SHA-256", previous.policy_sha256, run.policy_sha256),
        ("Model fingerprint", previous.model_fingerprint, run.model_fingerprint),
        ("Dataset fingerprint", previous.dataset_fingerprint, run.dataset_fingerprint),
        ("Gate decision", previous.gate.value if previous.gate else fmt.DASH,
         run.gate.value if run.gate else fmt.DASH),
    )
    fingerprints = Table(
        title="Artefacts and decision",
        columns=("Item", "Previous audit", "This audit", "Change"),
        rows=tuple((label, str(b), str(a), _changed(str(b), str(a))) for label, b, a in pairs),
        flagged=tuple(str(b) != str(a) for _, b, a in pairs),
        widths=(20, 33, 33, 14),
    )

    before = {o.check_id: o for o in previous.outcomes}
    now = {o.check_id: o for o in run.outcomes}
    ids = list(now) + [c for c in before if c not in now]
    rows, flags = [], []
    for cid in ids:
        b, a = before.get(cid), now.get(cid)
        b_s = b.status.value if b else "not run"
        a_s = a.status.value if a else "not run"
        if b is None:
            change = "new check"
        elif a is None:
            change = "removed check"
        else:
            change = "unchanged" if b_s == a_s else "status changed"
        rows.append((cid, b_s, a_s, change))
        flags.append(change != "unchanged")
    checks = Table(
        title="Check status, before → now",
        columns=("Check", "Previous", "Now", "Change"),
        rows=tuple(rows),
        flagged=tuple(flags),
    )

    m_rows = []
    for cid, a in now.items():
        b = before.get(cid)
        if b is None:
            continue
        old = {(m.name, m.group): m for m in b.measurements if m.threshold is not None}
        for m in a.measurements:
            p = old.get((m.name, m.group))
            if m.threshold is None or p is None:
                continue
            delta = (m.value - p.value) if m.value is not None and p.value is not None else None
            m_rows.append((cid, fmt.humanise(m.name), m.group or "overall", fmt.num(p.value), fmt.num(m.value),
                           fmt.num(delta), f"{p.status.value if p.status else fmt.DASH} → "
                                           f"{m.status.value if m.status else fmt.DASH}"))
    measurements = Table(
        title="Thresholded measurements present in both audits",
        columns=("Check", "Measurement", "Group", "Previous", "Now", "Difference", "Verdict"),
        rows=tuple(m_rows),
        numeric=(False, False, False, True, True, True, False),
        widths=(16, 20, 12, 11, 11, 11, 19),
    )

    summary = []
    artefacts = [label for label, b, a in pairs[:5] if str(b) != str(a)]
    summary.append("Changed since the previous audit: " + ", ".join(artefacts) + "."
                   if artefacts else "Model, data and policy are unchanged since the previous audit.")
    new = [c for c in now if c not in before]
    removed = [c for c in before if c not in now]
    moved = [r for r in rows if r[3] == "status changed"]
    if new:
        summary.append(f"New checks: {', '.join(new)}.")
    if removed:
        summary.append(f"Checks no longer run: {', '.join(removed)}.")
    summary.append(f"{len(moved)} check(s) changed status." if moved else "No shared check changed status.")
    return Changes(
        previous_run_id=previous.run_id,
        previous_date=fmt.timestamp(previous.finished_at or previous.started_at),
        fingerprints=fingerprints,
        checks=checks,
        measurements=measurements,
        summary=tuple(summary),
    )
