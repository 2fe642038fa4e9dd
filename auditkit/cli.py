"""The ``auditkit`` command line. The only module that imports everything.

User mistakes (bad policy, missing column, unreachable database) print one
clear message and exit with code 2, never a traceback. Exit codes of the gate
are documented in :mod:`auditkit.gate` and the README.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from auditkit import api, gate
from auditkit.demo import DEFAULT_SAMPLE, SAMPLES
from auditkit.errors import AuditkitError
from auditkit.policy.schema import CheckSpec
from auditkit.results import CheckOutcome, GateDecision, Status

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Audit ML models against a fairness and explainability policy.")
db_app = typer.Typer(no_args_is_help=True, help="Manage the results database.")
policy_app = typer.Typer(no_args_is_help=True, help="Validate policies and print their JSON Schema.")
app.add_typer(db_app, name="db")
app.add_typer(policy_app, name="policy")

err = Console(stderr=True, highlight=False, soft_wrap=True)
# piped output (CI logs, scripts) gets wide lines instead of tables wrapped at 80 columns
stdout = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)

_STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.INCONCLUSIVE: "yellow", Status.ERROR: "magenta",
          Status.SKIPPED: "dim", GateDecision.PASS: "green", GateDecision.FAIL: "red",
          GateDecision.INCONCLUSIVE: "yellow", GateDecision.ERROR: "magenta"}

F = TypeVar("F", bound=Callable[..., Any])

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: $AUDITKIT_DB_URL, "
                                           "else sqlite:///auditkit.db).", show_default=False)]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Directory for the report files.")]


def _friendly(fn: F) -> F:
    """Turn AuditkitError into a one-line message and exit code 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AuditkitError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("[bold red]interrupted[/]; completed checks are stored, the run is marked failed")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


class _Bar:
    """Rich progress bar on stderr, one step per check."""

    def __init__(self, console: Console) -> None:
        self._p = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=console, transient=False)
        self._task: Any = None

    def begin(self, total: int) -> None:
        self._p.start()
        self._task = self._p.add_task("checks", total=total)

    def check_started(self, spec: CheckSpec) -> None:
        self._p.update(self._task, description=f"{spec.id} ({spec.kind})")

    def check_finished(self, outcome: CheckOutcome) -> None:
        style = _STYLE.get(outcome.status, "")
        self._p.console.print(f"  [{style}]{outcome.status.value:<12}[/] {outcome.check_id}: {outcome.summary}",
                              soft_wrap=True)
        self._p.advance(self._task)

    def end(self) -> None:
        self._p.update(self._task, description="checks done")
        self._p.stop()


def _open(db: str | None) -> Any:
    return api.open_store(db)


def _print_gate(decision: GateDecision | None) -> None:
    if decision is None:
        err.print("gate: [magenta]no decision[/] (the run did not complete)")
        return
    err.print(f"gate: [bold {_STYLE[decision]}]{decision.value}[/] (exit code {gate.exit_code(decision)})")


@app.command()
@_friendly
def run(
    policy: Annotated[Path, typer.Argument(help="Policy YAML file.")],
    db: DbOpt = None,
    device: DeviceOpt = "auto",
    out: OutOpt = Path("auditkit-reports"),
    gate_: Annotated[bool, typer.Option("--gate", help="Exit non-zero unless the gate passes (see exit codes).")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
    no_report: Annotated[bool, typer.Option("--no-report", help="Store results without rendering a report.")]
    = False,
    trigger: Annotated[str, typer.Option(help="What started the run: manual, ci or schedule.")] = "manual",
) -> None:
    """Run the audit a POLICY describes, store the results and write the report."""
    loaded = api.load_policy(policy)
    if trigger == "manual" and os.environ.get("CI"):
        trigger = "ci"
    with _open(db) as store:
        record = api.run_audit(loaded, store=store, device=device, trigger=trigger, progress=_Bar(err),
                               report=not no_report)
        err.print(f"run [bold]{record.run_id}[/] stored in {store.display_url}")
        if not no_report:
            rep = store.get_report(record.run_id)
            for path in api.write_report(rep, out):
                err.print(f"report v{rep.version}: {path}")
    if as_json:
        print(gate.summary_json(record))
    _print_gate(record.gate)
    if gate_:
        raise typer.Exit(gate.exit_code(record.gate))


@app.command("gate")
@_friendly
def gate_cmd(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], db: DbOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False) -> None:
    """Exit with the gate code of a stored run (0 pass, 1 fail, 3 undecided)."""
    with _open(db) as store:
        record = store.get_run(run_id)
    if as_json:
        print(gate.summary_json(record))
    _print_gate(record.gate)
    raise typer.Exit(gate.exit_code(record.gate))


@app.command()
@_friendly
def report(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], db: DbOpt = None,
           out: OutOpt = Path("auditkit-reports"),
           version: Annotated[int | None, typer.Option(help="Report version (default: latest of the run).")] = None
           ) -> None:
    """Re-render a stored run's report from the database and write it to --out."""
    with _open(db) as store:
        result = api.rerender(store, run_id, version=version)
    rec = result.record
    for path in api.write_report(rec, out):
        err.print(f"report v{rec.version}: {path}")
    if result.html_matches and result.pdf_matches in (True, None):
        err.print(f"re-rendered from the database; identical to stored v{rec.version} (sha256 {rec.html_sha256[:16]}…)")
    else:
        err.print(f"[yellow]warning:[/] re-rendering gives different bytes than stored v{rec.version} "
                  "(was auditkit or a template upgraded?); the files written are the stored ones")


@app.command()
@_friendly
def runs(db: DbOpt = None, system: Annotated[str | None, typer.Option(help="Only this system.")] = None,
         limit: Annotated[int, typer.Option(help="How many runs to list.")] = 20) -> None:
    """List stored runs, newest first."""
    with _open(db) as store:
        rows = store.list_runs(system=system, limit=limit)
    table = Table("run", "started (UTC)", "system", "policy", "state", "gate", "checks", box=None)
    for r in rows:
        table.add_row(r.run_id[:12], r.started_at.strftime("%Y-%m-%d %H:%M:%S"), f"{r.system_name} {r.system_version}",
                      f"{r.policy_id} v{r.policy_version}", r.state.value,
                      f"[{_STYLE[r.gate]}]{r.gate.value}[/]" if r.gate else "—", str(r.n_outcomes))
    stdout.print(table if rows else "no runs stored yet; start one with `auditkit run POLICY` or `auditkit demo`")


@app.command()
@_friendly
def show(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], db: DbOpt = None) -> None:
    """Show one stored run: provenance, every check's verdict and measurements."""
    with _open(db) as store:
        r = store.get_run(run_id)
        reports = [x for x in store.list_reports(r.system_name) if x.run_id == r.run_id]
    stdout.print(f"[bold]run {r.run_id}[/]  {r.state.value}  gate: "
              + (f"[{_STYLE[r.gate]}]{r.gate.value}[/]" if r.gate else "—"))
    stdout.print(f"system {r.system_name} {r.system_version} · policy {r.policy_id} v{r.policy_version} "
              f"(sha256 {r.policy_sha256[:16]}…) · device {r.device} · seed {r.seed}")
    stdout.print(f"model {r.model_fingerprint[:16]}… · data {r.dataset_fingerprint[:16]}… · "
              f"started {r.started_at:%Y-%m-%d %H:%M:%S} UTC")
    if r.error:
        stdout.print(f"[red]error:[/] {r.error}")
    for o in r.outcomes:
        stdout.print(f"\n[{_STYLE[o.status]}]{o.status.value}[/] [bold]{o.check_id}[/] ({o.kind}, {o.severity.value})")
        stdout.print(f"  {o.summary}", soft_wrap=True)
        for m in o.measurements:
            if m.threshold is None:
                continue
            ci = "—" if m.ci_low is None else f"[{m.ci_low:.4f}, {m.ci_high:.4f}]"
            val = "—" if m.value is None else f"{m.value:.4f}"
            grp = f" ({m.group})" if m.group else ""
            verdict = m.status.value if m.status else "not judged"
            stdout.print(f"  {m.name}{grp}: {val} {ci} {m.comparator} {m.threshold:g} → {verdict}", markup=False)
    for rep in reports:
        stdout.print(f"\nreport v{rep.version} ({rep.report_id}) html sha256 {rep.html_sha256}")


@app.command()
@_friendly
def demo(
    out: Annotated[Path, typer.Option("--out", help="Working directory for the sample, database and reports.")]
    = Path("auditkit-demo"),
    db: DbOpt = None,
    device: DeviceOpt = "auto",
    sample: Annotated[str, typer.Option("--sample", help="Which bundled sample to audit: " + "; ".join(
        f"{name} ({s.title})" for name, s in SAMPLES.items()) + ".")] = DEFAULT_SAMPLE,
) -> None:
    """Audit a bundled sample (credit scoring by default) end to end and write its HTML and PDF reports."""
    from auditkit.demo import demo_sample, prepare_sample

    chosen = demo_sample(sample)  # an unknown name fails here, listing the known samples
    out = out.resolve()
    err.print(f"preparing the {chosen.description} in {out}…")
    policies = prepare_sample(sample, out)
    db = db or f"sqlite:///{out / 'auditkit.db'}"
    written: list[Path] = []
    with _open(db) as store:
        for policy_path in policies:
            err.print(f"\n[bold]auditing[/] {policy_path.name}")
            record = api.run_audit(api.load_policy(policy_path), store=store, device=device, progress=_Bar(err))
            _print_gate(record.gate)
            written += api.write_report(store.get_report(record.run_id), out / "reports")
        err.print(f"\nresults database: {store.display_url}")
    stdout.print("\nreports written:")
    for p in written:
        stdout.print(f"  {p}")


@db_app.command("upgrade")
@_friendly
def db_upgrade(db: DbOpt = None) -> None:
    """Create or upgrade the database schema to the latest revision (Alembic)."""
    with api.open_store(db, upgrade=False, check=False) as store:
        head = store.upgrade()
        err.print(f"{store.display_url} is at revision {head}")


@policy_app.command("validate")
@_friendly
def policy_validate(files: Annotated[list[Path], typer.Argument(help="Policy YAML file(s).")]) -> None:
    """Validate policy files; print every problem with its YAML path."""
    for f in files:
        loaded = api.load_policy(f)
        p = loaded.policy
        err.print(f"[green]ok[/] {f}: policy {p.policy.id} v{p.policy.version}, {len(p.checks)} checks, "
                  f"sha256 {loaded.sha256[:16]}…")


@policy_app.command("schema")
@_friendly
def policy_schema() -> None:
    """Print the policy JSON Schema (for editor completion and validation)."""
    print(json.dumps(api.policy_json_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)


if __name__ == "__main__":
    main()
