"""The Python API: load a policy, run an audit, render and store its report.

Used by the CLI and by notebooks or orchestration tools that call auditkit
without a shell. Composes the policy loader with the check registry, the
runner with the store, and the store with the report renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from auditkit.checks import registry
from auditkit.errors import ReportError
from auditkit.policy import LoadedPolicy, parse_policy
from auditkit.policy import load_policy as _load_policy
from auditkit.policy.schema import CheckSpec, Policy
from auditkit.report import render_report
from auditkit.results import ReportRecord, RunRecord
from auditkit.runner import Progress, execute
from auditkit.store import Store, open_store


def load_policy(path: str | Path) -> LoadedPolicy:
    """Load and fully validate a policy file, including every check's parameters."""
    return _load_policy(path, kinds=registry.param_models())


def run_audit(
    policy: str | Path | LoadedPolicy,
    *,
    store: Store | None = None,
    device: str = "auto",
    trigger: str = "manual",
    progress: Progress | None = None,
    report: bool = True,
    strict: bool = False,
) -> RunRecord:
    """Run the audit a policy describes, store it, render its report; return the stored run.

    ``store`` defaults to :func:`open_store` (``AUDITKIT_DB_URL`` or
    ``sqlite:///auditkit.db``). With ``report=False`` no report version is made.
    """
    loaded = policy if isinstance(policy, LoadedPolicy) else load_policy(policy)
    owns = store is None
    store = store or open_store()
    try:
        result = execute(loaded, store=store, device=device, trigger=trigger, progress=progress, strict=strict)
        if report:
            render_and_store(store, result.run_id)
        return store.get_run(result.run_id)
    finally:
        if owns:
            store.close()


def policy_json_schema() -> dict:
    """JSON Schema of the policy file, with each check kind's own parameters (for editors).

    Each entry of ``checks`` must match exactly one kind's variant: the common
    keys (id, kind, severity, title, rationale) plus that kind's parameters.
    """
    schema = Policy.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.setdefault("$defs", {})
    common = CheckSpec.model_json_schema()["properties"]
    variants = []
    for kind, cls in registry.kinds().items():
        params = cls.Params.model_json_schema(ref_template="#/$defs/{model}")
        for name, definition in params.pop("$defs", {}).items():
            defs.setdefault(name, definition)
        variants.append({
            "title": f"{kind} check",
            "description": (cls.__doc__ or "").strip().splitlines()[0],
            "type": "object",
            "properties": {**common, **params.get("properties", {}), "kind": {"const": kind}},
            "required": ["id", "kind", *params.get("required", [])],
            "additionalProperties": False,
        })
    defs["CheckSpec"] = {"title": "Check", "oneOf": variants}
    return schema


def report_formats(run: RunRecord) -> tuple[str, ...]:
    """The formats the run's policy asks for (``report.formats``)."""
    return tuple(parse_policy(run.policy_text).policy.report.formats)


def _render(store: Store, run: RunRecord, version: int, report_id: str,
            signed_before: dt.datetime | None = None) -> tuple[bytes, bytes | None]:
    """Render one report version; ``signed_before`` limits the sign-offs to those that version showed."""
    previous = store.latest_for(run.system_name, before=run.run_id)
    signoffs = [s for s in store.list_signoffs(run.run_id)
                if signed_before is None or s["signed_at"] <= signed_before]
    rendered = render_report(run, report_id=report_id, version=version, previous=previous,
                             signoffs=signoffs, formats=report_formats(run))
    return rendered.html, rendered.pdf


def render_and_store(store: Store, run_id: str) -> ReportRecord:
    """Render a new report version of a stored run and store it (versions count up per system)."""
    run = store.get_run(run_id)
    return store.add_report(run.run_id, render=lambda version, report_id: _render(store, run, version, report_id),
                            created_at=dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class Rerender:
    """Result of re-rendering a stored report: the stored record and whether the bytes still match."""

    record: ReportRecord
    html_matches: bool
    pdf_matches: bool | None


def rerender(store: Store, run_id: str, *, version: int | None = None) -> Rerender:
    """Re-render the stored report of a run from the database and compare it with the stored bytes.

    A run without a stored report gets its first version now.
    """
    run = store.get_run(run_id)
    record = store.get_report(run.run_id, version=version)
    if record is None:
        if version is not None:
            raise ReportError(f"run {run.run_id[:12]} has no report version {version}; "
                              f"see `auditkit show {run.run_id[:12]}`")
        record = render_and_store(store, run.run_id)
        return Rerender(record, True, None if record.pdf is None else True)
    html, pdf = _render(store, run, record.version, record.report_id, signed_before=record.created_at)
    pdf_match = None if record.pdf is None or pdf is None else pdf == record.pdf
    return Rerender(record, html == record.html, pdf_match)


def write_report(record: ReportRecord, out_dir: str | Path) -> list[Path]:
    """Write a stored report's HTML (and PDF) to ``out_dir``; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{record.report_id}.html"]
    paths[0].write_bytes(record.html)
    if record.pdf is not None:
        paths.append(out / f"{record.report_id}.pdf")
        paths[1].write_bytes(record.pdf)
    return paths


__all__ = [
    "load_policy",
    "open_store",
    "policy_json_schema",
    "render_and_store",
    "rerender",
    "run_audit",
    "write_report",
]
