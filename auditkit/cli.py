"""The ``auditkit`` command line. The only module that imports everything.

User mistakes (bad policy, missing column, unreachable database) print one
clear message and exit with code 2, never a traceback. Exit codes of the gate
are documented in :mod:`auditkit.gate` and the README.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from auditkit import api, gate
from auditkit.adapters import resolve_device
from auditkit.demo import DEFAULT_SAMPLE, SAMPLES
from auditkit.diff import RunDiff, diff_runs
from auditkit.errorlog import describe, write_error_log
from auditkit.errors import (
    AuditkitError,
    CompareError,
    ExecutorError,
    ReportError,
    RunInterrupted,
    SignoffError,
)
from auditkit.fleet import (
    AuditJob,
    RunSummary,
    fleet_json,
    fleet_junit,
    load_fleet,
    make_jobs,
    plan_fleet,
    run_fleet,
    worst_exit_code,
)
from auditkit.junit import internal_error_xml, junit_xml
from auditkit.policy.model_specs import PRECISIONS
from auditkit.policy.schema import CheckSpec
from auditkit.report.pades import SignedPdf
from auditkit.report.pades_keys import PadesIdentity, load_trust_roots
from auditkit.report.signing import SigningKey, SigningKeyError, load_public_key
from auditkit.results import CheckOutcome, GateDecision, RunRecord, Status
from auditkit.store import resolve_url

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Audit ML models against a fairness and explainability policy.")
db_app = typer.Typer(no_args_is_help=True, help="Manage the results database.")
policy_app = typer.Typer(no_args_is_help=True, help="Validate policies and print their JSON Schema.")
app.add_typer(db_app, name="db")
app.add_typer(policy_app, name="policy")

err = Console(stderr=True, highlight=False, soft_wrap=True)
# piped output (CI logs, scripts) gets wide lines instead of tables wrapped at 80 columns
stdout = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
#: stderr for tables (``fleet --json`` keeps stdout for the JSON): as wide as ``stdout`` when piped
tables_err = Console(stderr=True, highlight=False, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

_STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.INCONCLUSIVE: "yellow", Status.ERROR: "magenta",
          Status.SKIPPED: "dim", GateDecision.PASS: "green", GateDecision.FAIL: "red",
          GateDecision.INCONCLUSIVE: "yellow", GateDecision.ERROR: "magenta"}

F = TypeVar("F", bound=Callable[..., Any])

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: $AUDITKIT_DB_URL, "
                                           "else sqlite:///auditkit.db).", show_default=False)]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Directory for the report files.")]
SignKeyOpt = Annotated[Path | None, typer.Option(
    "--sign-key", envvar="AUDITKIT_SIGNING_KEY", show_default=False,
    help="Private key file. Alone: an Ed25519 key (unencrypted PEM/PKCS#8 or OpenSSH) that signs the PDF's "
    "manifest.json. With --sign-cert, or a PKCS#12 file (.p12/.pfx): a PAdES signature of the PDF "
    "(passphrase from $AUDITKIT_SIGN_PASSPHRASE). Default: $AUDITKIT_SIGNING_KEY; none: unsigned.")]
SignCertOpt = Annotated[Path | None, typer.Option(
    "--sign-cert", show_default=False,
    help="X.509 certificate of --sign-key (PEM, may hold the CA chain too, or DER): sign the PDF with PAdES.")]
SignChainOpt = Annotated[list[Path] | None, typer.Option(
    "--sign-chain", show_default=False,
    help="CA certificate file (PEM or DER) for the PAdES signature; repeatable. With a self-signed root, the "
    "chain is embedded as validation data.")]
TsaOpt = Annotated[str | None, typer.Option(
    "--tsa", show_default=False,
    help="URL of an RFC 3161 time-stamp authority: the PAdES signature gets a trusted timestamp (B-T, B-LT).")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="Where the checks run: local (this process) or ray "
                                          "(model actors on a Ray cluster; pip install \"auditkit[ray]\").")]
RayWorkersOpt = Annotated[int | None, typer.Option("--ray-workers", min=1, help="Ray model actors per audit (each "
                                                   "loads the model once; default: as many as the cluster has room "
                                                   "for).", show_default=False)]
RayGpusOpt = Annotated[float | None, typer.Option("--ray-gpus", min=0.0, help="GPUs each Ray worker reserves "
                                                  "(default: the policy's execution.ray.num_gpus, else none).",
                                                  show_default=False)]
def _known_precision(value: str | None) -> str | None:
    """``--precision``: one of :data:`PRECISIONS` (refused before anything loads)."""
    if value is not None and value not in PRECISIONS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(PRECISIONS)}")
    return value


PrecisionOpt = Annotated[str | None, typer.Option(
    "--precision", callback=_known_precision, show_default=False,
    help="Weights' precision of a huggingface-causal model: auto (bf16 on a GPU, fp32 on the CPU), fp32, bf16 or "
    "fp16; overrides model.precision and is recorded in the run.")]
JunitOpt = Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML of the checks to this file "
                                               "(for GitHub Actions, GitLab CI, Jenkins).", show_default=False)]
CompareOpt = Annotated[str | None, typer.Option(
    "--compare-to", help="Compare with a baseline run: 'latest' (the latest complete run of the same system "
    "before this one) or a run id; regressions are printed, in --json and --junit, and fail the gate under "
    "gate: {fail_on_regression: true}. That policy setting alone implies 'latest'.", show_default=False)]


def _e(value: object) -> str:
    """``value`` as text with rich markup escaped: user-supplied text (group values, paths, names,
    messages) must print literally, never be read as ``[red]`` styles or raise ``MarkupError``."""
    return escape(str(value))


def _internal_error(exc: BaseException, kwargs: dict[str, Any]) -> NoReturn:
    """Report an exception auditkit did not expect: one line, traceback to a log file, exit code 4.

    Exit code 4 is distinct from the gate's 0/1/3 and from 2 (user mistakes), so CI never reads a crash as a
    passed gate or as a failed blocker. ``--json`` and ``--junit`` (when the command has them) still get a
    machine-readable record of the crash.
    """
    log = write_error_log(exc)
    what = describe(exc)
    where = f"the traceback is in {log}" if log else "the traceback could not be written to a log file"
    message = f"internal error (exit code {gate.EXIT_INTERNAL}): {what}; {where}. This is a bug in auditkit"
    err.print(f"[bold red]internal error:[/] {_e(message)}; please report it with the log file")
    junit = kwargs.get("junit")
    if isinstance(junit, Path):
        with contextlib.suppress(OSError):
            api.atomic_write(junit, internal_error_xml(message, log))
    if kwargs.get("as_json"):
        print(json.dumps(gate.internal_error_summary(message, log), indent=2))
    raise typer.Exit(gate.EXIT_INTERNAL)


def _friendly(fn: F) -> F:
    """Map every way a command can end to an honest exit code, without a traceback on the console.

    AuditkitError (a user mistake) → its one-line message, exit 2; Ctrl-C → exit 130; typer's own exits
    pass through; anything else, including a stray ``SystemExit`` from code auditkit called, is an
    internal error → exit 4 with the traceback in a log file (:func:`_internal_error`).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except AuditkitError as exc:
            err.print(f"[bold red]error:[/] {_e(exc)}", soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except RunInterrupted as exc:
            policy = kwargs.get("policy", "POLICY")
            err.print(f"[bold yellow]interrupted[/]: run {_e(exc.run_id)} keeps its {exc.done} finished "
                      f"check(s) and is resumable; finish it with "
                      f"`auditkit run {_e(policy)} --resume {_e(exc.run_id[:12])}`")
            raise typer.Exit(130) from None
        except KeyboardInterrupt:
            before = " before a run began; nothing was stored" if "policy" in kwargs else ""
            err.print(f"[bold yellow]interrupted[/]{before}")
            raise typer.Exit(130) from None
        except (Exception, SystemExit) as exc:
            _internal_error(exc, kwargs)

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
        self._p.update(self._task, description=f"{_e(spec.id)} ({_e(spec.kind)})")

    def check_finished(self, outcome: CheckOutcome) -> None:
        style = _STYLE.get(outcome.status, "")
        self._p.console.print(f"  [{style}]{outcome.status.value:<12}[/] {_e(outcome.check_id)}: {_e(outcome.summary)}",
                              soft_wrap=True)
        self._p.advance(self._task)

    def end(self) -> None:
        self._p.update(self._task, description="checks done")
        self._p.stop()


def _open(db: str | None) -> Any:
    """The store for commands that run audits (creates and migrates the database when needed)."""
    return api.open_store(db)


def _read(db: str | None) -> Any:
    """The store for commands that only read (runs, show, gate, diff, verify): never created or migrated,
    a missing file is exit 2 naming it, a read-only SQLite file opens read-only."""
    return api.open_store(db, readonly=True)


def _existing(db: str | None) -> Any:
    """The store for commands that add to stored runs (report, signoff): never created or migrated."""
    return api.open_store(db, upgrade=False, must_exist=True)


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
    junit: JunitOpt = None,
    compare_to: CompareOpt = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Finish the interrupted run RUN (id or prefix): "
                                               "only its missing checks run, with the same seeds; refused if the "
                                               "policy, model or data changed.", show_default=False)] = None,
    wait_lock: Annotated[float, typer.Option("--wait-lock", help="Seconds to wait when another run of the same "
                                             "system and policy holds the lock (default: refuse at once).")] = 0.0,
    commit: Annotated[str | None, typer.Option("--commit", help="Commit to record with the run (default: "
                                               "$GITHUB_SHA, $CI_COMMIT_SHA or $GIT_COMMIT).", show_default=False)]
    = None,
    executor: ExecutorOpt = "local",
    ray_address: Annotated[str | None, typer.Option("--ray-address", help="Ray cluster to use: auto, "
                                                    "ray://HOST:10001, HOST:PORT or local (default: $RAY_ADDRESS, "
                                                    "else a cluster on this machine, else a new local one).",
                                                    show_default=False)] = None,
    ray_workers: RayWorkersOpt = None,
    ray_gpus: RayGpusOpt = None,
    precision: PrecisionOpt = None,
) -> None:
    """Run the audit a POLICY describes, store the results and write the report."""
    loaded = api.load_policy(policy)
    ray_options = _ray_options(executor, ray_address, ray_workers, ray_gpus)
    if not no_report:
        api.check_out_dir(out)  # an unusable --out is refused before the audit, not after it
    if trigger == "manual" and os.environ.get("CI"):
        trigger = "ci"
    with _open(db) as store:
        record = api.run_audit(loaded, store=store, device=device, trigger=trigger, progress=_Bar(err),
                               report=not no_report, resume=resume, commit=commit, wait_lock=wait_lock,
                               compare_to=compare_to, executor=executor, ray=ray_options, precision=precision)
        err.print(f"run [bold]{record.run_id}[/] {'resumed and ' if resume else ''}stored in {_e(store.display_url)}")
        if not no_report:
            rep = store.get_report(record.run_id)
            for path in api.write_report(rep, out):
                err.print(f"report v{rep.version}: {_e(path)}")
    _print_comparison(record)
    _emit(record, record.verdict, as_json, junit)
    if gate_:
        raise typer.Exit(record.exit_code)


@app.command("fleet")
@_friendly
def fleet_cmd(
    fleet: Annotated[Path, typer.Argument(metavar="FLEET", help=(
        "Fleet file (YAML: 'policies:' a list of policy paths relative to it, each optionally "
        "{path, device, compare_to, precision}) or a directory whose *.yaml/*.yml files are all policies."))],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help=(
        "How many audits run at the same time, each in its own process (audits of the same system and policy "
        "id never overlap: they run one after the other)."))] = 1,
    db: DbOpt = None,
    device: DeviceOpt = "auto",
    out: OutOpt = Path("auditkit-reports"),
    no_report: Annotated[bool, typer.Option("--no-report", help="Store results without rendering reports.")]
    = False,
    junit: Annotated[Path | None, typer.Option("--junit", show_default=False, help=(
        "Write JUnit XML with one <testsuite> per audit to this file."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of per-audit summaries on stdout.")]
    = False,
    wait_lock: Annotated[float, typer.Option("--wait-lock", help=(
        "Seconds each audit waits when a run outside the fleet holds its system and policy's lock (default: "
        "that audit is refused, exit code 2, and the others go on)."))] = 0.0,
    trigger: Annotated[str, typer.Option(help="What started the runs: manual, ci or schedule.")] = "manual",
    executor: ExecutorOpt = "local",
    ray_address: Annotated[str, typer.Option("--ray-address", help=(
        "The Ray cluster the audits' checks run on with --executor ray (auto: $RAY_ADDRESS or the cluster this "
        "machine belongs to; ray://HOST:10001; HOST:PORT). It must be running: the fleet's audits share it."))]
    = "auto",
    ray_workers: RayWorkersOpt = None,
    ray_gpus: RayGpusOpt = None,
    precision: Annotated[str | None, typer.Option(
        "--precision", callback=_known_precision, show_default=False,
        help="Weights' precision of the fleet's huggingface-causal models (auto, fp32, bf16, fp16; an entry's "
        "precision: overrides it); other models run at the precision their weights are stored in.")] = None,
) -> None:
    """Audit every policy of a FLEET, JOBS at a time; print a summary table and exit with the worst exit code.

    Every policy is validated first: if any is invalid, all problems are printed and nothing runs (exit 2).
    Each audit stores its own run and report; one audit failing, erroring or crashing never stops the others.
    The exit code is the worst of the audits' codes, best to worst: 0 pass, 1 fail, 3 undecided (a blocker
    errored or was inconclusive), 2 an audit could not run (e.g. its data is missing, its lock is held), 130 an
    audit was interrupted, 4 an internal error or a crashed worker.
    """
    planned = plan_fleet(load_fleet(fleet), api.load_policy)
    if not no_report:
        api.check_out_dir(out)
    if trigger == "manual" and os.environ.get("CI"):
        trigger = "ci"
    if executor == "ray":
        from auditkit.ray_executor import check_cluster

        check_cluster(ray_address)  # the extra installed and the cluster reachable, before any audit starts
    else:
        _ray_options(executor, None, ray_workers, ray_gpus)  # --ray-workers/--ray-gpus without Ray: refused
    url = resolve_url(db)
    work = make_jobs(planned, db_url=url, device=device, trigger=trigger, report=not no_report,
                     out_dir=None if no_report else str(out), wait_lock=wait_lock, max_jobs=jobs,
                     executor=executor, ray_address=ray_address if executor == "ray" else None,
                     ray_workers=ray_workers, ray_gpus=ray_gpus, precision=precision)
    for requested in sorted({job.device for job in work}):
        resolve_device(requested)  # --device cuda without CUDA is refused before any audit starts
    with _open(url) as store:  # created and migrated once here, so the workers only open it
        where = store.display_url
    err.print(f"fleet {_e(fleet)}: {len(work)} audit(s), {min(jobs, len(work))} at a time, results in {_e(where)}")
    summaries = run_fleet(work, max_jobs=jobs, on_start=_fleet_started, on_done=_fleet_done)
    code = worst_exit_code(s.exit_code for s in summaries)
    (tables_err if as_json else stdout).print(_fleet_table(summaries))
    if junit is not None:
        try:
            junit.parent.mkdir(parents=True, exist_ok=True)
            api.atomic_write(junit, fleet_junit(summaries))
        except OSError as exc:
            raise ReportError(f"cannot write the JUnit file {junit}: {exc.strerror or exc}") from None
        err.print(f"JUnit XML: {junit}", markup=False)
    if as_json:
        print(fleet_json(summaries))
    counts = Counter(s.gate or f"no decision (exit {s.exit_code})" for s in summaries)
    err.print(f"fleet: {', '.join(f'{n} {k}' for k, n in counts.items())}; exit code {code} (the worst)")
    raise typer.Exit(code)


def _fleet_started(job: AuditJob) -> None:
    """Progress line on stderr as an audit of the fleet starts (long fleets show what is running)."""
    err.print(f"started  {_e(job.label)} ({_e(job.system)} / {_e(job.policy_id)} v{_e(job.policy_version)})")


def _fleet_done(summary: RunSummary) -> None:
    """Progress line on stderr as an audit ends: its gate and exit code, and why it has none."""
    decision = GateDecision(summary.gate) if summary.gate else None
    what = (f"[{_STYLE[decision]}]{decision.value}[/]" if decision else "[magenta]no decision[/]")
    run = f"run {summary.run_id[:12]}, " if summary.run_id else ""
    err.print(f"finished {_e(summary.label)}: {what} ({run}exit code {summary.exit_code}, {summary.seconds:.1f} s)")
    if summary.error:
        err.print(f"  {_e(summary.error)}", soft_wrap=True)


def _fleet_table(summaries: list[RunSummary]) -> Table:
    """The fleet's summary: one row per audit, in fleet order."""
    table = Table("policy file", "policy", "system", "run", "gate", "exit", "report", "seconds", box=None)
    for s in summaries:
        decision = GateDecision(s.gate) if s.gate else None
        table.add_row(_e(s.label), _e(f"{s.policy_id} v{s.policy_version}"), _e(s.system),
                      s.run_id[:12] if s.run_id else "—",
                      f"[{_STYLE[decision]}]{decision.value}[/]" if decision else "[magenta]none[/]",
                      str(s.exit_code), _e(next((p for p in s.reports if p.endswith(".pdf")), None)
                                           or (s.reports[0] if s.reports else "—")),
                      f"{s.seconds:.1f}")
    return table


def _ray_options(executor: str, address: str | None, workers: int | None, gpus: float | None) -> Any:
    """The Ray executor's options from the ``--ray-*`` flags (``None`` for the local executor, which takes none)."""
    if executor not in ("local", "ray"):
        raise ExecutorError(f"unknown executor {executor!r}; use --executor local (this process) or --executor ray "
                            "(a Ray cluster)")
    if executor != "ray":
        given = [flag for flag, value in (("--ray-address", address), ("--ray-workers", workers),
                                          ("--ray-gpus", gpus)) if value is not None]
        if given:
            raise ExecutorError(f"{', '.join(given)} only apply with --executor ray (got --executor {executor})")
        return None
    from auditkit.ray_executor import RayOptions

    return RayOptions(address=address, workers=workers, num_gpus=gpus)


@app.command("gate")
@_friendly
def gate_cmd(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], db: DbOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
             junit: JunitOpt = None, compare_to: CompareOpt = None) -> None:
    """Exit with the gate code of a stored run (0 pass, 1 fail or regression, 3 undecided or incomplete)."""
    with _read(db) as store:
        record = api.gate_run(store, run_id, compare_to=compare_to)
    _print_comparison(record)
    _emit(record, record.verdict, as_json, junit)
    raise typer.Exit(record.exit_code)


@app.command()
@_friendly
def report(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], db: DbOpt = None,
           out: OutOpt = Path("auditkit-reports"),
           version: Annotated[int | None, typer.Option(help="Report version (default: latest of the run).")] = None,
           sign_key: SignKeyOpt = None, sign_cert: SignCertOpt = None, sign_chain: SignChainOpt = None,
           tsa: TsaOpt = None,
           ) -> None:
    """Re-render a stored run's report from the database and write it to --out.

    With --sign-key (Ed25519) the latest version is signed: unless it already carries a signature by that
    key, a new version is stored whose PDF embeds an Ed25519 signature of its manifest. With --sign-cert
    (or a PKCS#12 --sign-key) the stored version is written as it is and, beside it, REPORT.signed.pdf:
    the same bytes plus a PAdES signature (nothing new is stored).
    """
    signer = _signer(sign_key, sign_cert, sign_chain, tsa)
    if isinstance(signer, PadesIdentity):
        _pades_report(run_id, db, out, signer, version, tsa)
        return
    if signer is not None:
        _sign_report(run_id, db, out, signer, version)
        return
    with _existing(db) as store:
        result = api.rerender(store, run_id, version=version)
    rec = result.record
    for path in api.write_report(rec, out):
        err.print(f"report v{rec.version}: {_e(path)}")
    problems = result.integrity.problems if result.integrity is not None else ()
    for problem in problems:
        err.print(f"[bold red]tampered:[/] {_e(problem)}", soft_wrap=True)
    if result.html_matches and result.pdf_matches in (True, None) and not problems:
        err.print(f"re-rendered from the database; identical to stored v{rec.version} (sha256 {rec.html_sha256[:16]}…)")
        return
    if not result.html_matches:
        err.print(f"[bold red]mismatch:[/] the HTML re-rendered from the stored rows differs from stored "
                  f"v{rec.version} (stored html_sha256 {rec.html_sha256}): the stored results, policy or "
                  "sign-offs no longer say what the issued report says (a changed row: see the lines above "
                  "and `auditkit db check`), or this auditkit or its templates render differently from the "
                  "one that made it (compare the report's generator with `auditkit --version`); the files "
                  "written are the stored ones", soft_wrap=True)
    elif not result.pdf_matches:  # same HTML, other PDF bytes: the PDF toolchain, not the report's content
        err.print(f"[bold red]mismatch:[/] the HTML re-renders identically but the PDF does not match stored "
                  f"v{rec.version} (stored pdf_sha256 {rec.pdf_sha256}): the stored PDF blob was replaced, or a "
                  "different WeasyPrint, Pango or fontTools version, or characters the bundled fonts lack and a "
                  "system font supplied, render it differently; the files written are the stored ones",
                  soft_wrap=True)
    raise typer.Exit(1)


@app.command()
@_friendly
def runs(db: DbOpt = None, system: Annotated[str | None, typer.Option(help="Only this system.")] = None,
         limit: Annotated[int, typer.Option(help="How many runs to list.")] = 20) -> None:
    """List stored runs, newest first."""
    with _read(db) as store:
        rows = store.list_runs(system=system, limit=limit)
    table = Table("run", "started (UTC)", "system", "policy", "state", "gate", "checks", "trigger", "commit", box=None)
    for r in rows:
        table.add_row(r.run_id[:12], r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                      _e(f"{r.system_name} {r.system_version}"), _e(f"{r.policy_id} v{r.policy_version}"),
                      _condition(r.condition()),
                      f"[{_STYLE[r.gate]}]{r.gate.value}[/]" if r.gate else "—", str(r.n_outcomes), _e(r.trigger),
                      _e((r.commit or "—")[:12]))
    stdout.print(table if rows else "no runs stored yet; start one with `auditkit run POLICY` or `auditkit demo`")


def _condition(condition: str) -> str:
    """A run's condition (complete, failed, running, interrupted), coloured for the terminal."""
    style = {"complete": "green", "failed": "red", "interrupted": "yellow"}.get(condition)
    return f"[{style}]{condition}[/]" if style else condition


@app.command()
@_friendly
def show(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], db: DbOpt = None) -> None:
    """Show one stored run: provenance, every check's verdict and measurements."""
    with _read(db) as store:
        r = store.get_run(run_id)
        reports = [x for x in store.list_reports(r.system_name) if x.run_id == r.run_id]
    stdout.print(f"[bold]run {r.run_id}[/]  {_condition(r.condition())}  gate: "
              + (f"[{_STYLE[r.gate]}]{r.gate.value}[/]" if r.gate else "—"))
    stdout.print(f"system {r.system_name} {r.system_version} · policy {r.policy_id} v{r.policy_version} "
                 f"(sha256 {r.policy_sha256[:16]}…) · device {r.device} · seed {r.seed}", markup=False)
    stdout.print(f"model {r.model_fingerprint[:16]}… · data {r.dataset_fingerprint[:16]}… · "
                 f"started {r.started_at:%Y-%m-%d %H:%M:%S} UTC", markup=False)
    stdout.print(f"trigger {r.trigger} · commit {r.commit or '—'}"
                 + (f" · resumed {r.resumed_at:%Y-%m-%d %H:%M:%S} UTC" if r.resumed_at else ""), markup=False)
    if r.condition() == "interrupted":
        stdout.print(f"[yellow]interrupted:[/] its process stopped without finishing it; finish it with "
                     f"`auditkit run POLICY --resume {r.run_id[:12]}`")
    if r.error:
        stdout.print(f"[red]error:[/] {_e(r.error)}")
    for o in r.outcomes:
        stdout.print(f"\n[{_STYLE[o.status]}]{o.status.value}[/] [bold]{_e(o.check_id)}[/] "
                     f"({_e(o.kind)}, {o.severity.value})")
        stdout.print(f"  {o.summary}", soft_wrap=True, markup=False)
        for m in o.measurements:
            if m.threshold is None:
                continue
            ci = "—" if m.ci_low is None else f"[{m.ci_low:.4f}, {m.ci_high:.4f}]"
            val = "—" if m.value is None else f"{m.value:.4f}"
            grp = f" ({m.group})" if m.group else ""
            verdict = m.status.value if m.status else "not judged"
            stdout.print(f"  {m.name}{grp}: {val} {ci} {m.comparator} {m.threshold:g} → {verdict}", markup=False)
    for rep in reports:
        stdout.print(f"\nreport v{rep.version} ({rep.report_id}) html sha256 {rep.html_sha256}", markup=False)


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
    err.print(f"preparing the {chosen.description} in {_e(out)}…")
    policies = prepare_sample(sample, out)
    db = db or f"sqlite:///{out / 'auditkit.db'}"
    written: list[Path] = []
    with _open(db) as store:
        for policy_path in policies:
            err.print(f"\n[bold]auditing[/] {_e(policy_path.name)}")
            record = api.run_audit(api.load_policy(policy_path), store=store, device=device, progress=_Bar(err))
            _print_gate(record.gate)
            written += api.write_report(store.get_report(record.run_id), out / "reports")
        err.print(f"\nresults database: {_e(store.display_url)}")
    stdout.print("\nreports written:")
    for p in written:
        stdout.print(f"  {p}", markup=False)


@db_app.command("upgrade")
@_friendly
def db_upgrade(db: DbOpt = None) -> None:
    """Create or upgrade the database schema to the latest revision (Alembic)."""
    with api.open_store(db, upgrade=False, check=False) as store:
        head = store.upgrade()
        err.print(f"{store.display_url} is at revision {head}", markup=False)


@db_app.command("check")
@_friendly
def db_check(db: DbOpt = None) -> None:
    """Verify every stored run against its digests; one line per problem. Exit 0 clean, 1 on any problem.

    Checks each outcome's digest, each run digest, the stored gate against its recomputation, each report
    version's hashes against its stored bytes and its anchored sign-off head, and each sign-off chain.
    Runs stored before digests were recorded (revision 0006) are reported as "not recorded", never as tampered.
    """
    with _read(db) as store:
        results = store.check_all()
        where = store.display_url
    problems = [p for r in results for p in r.problems]
    for r in results:
        for note in r.notes:
            err.print(f"run {_e(r.run_id)}: not recorded: {_e(note)}", soft_wrap=True)
    for problem in problems:
        stdout.print(str(problem), markup=False, soft_wrap=True)
    bad = sorted({p.run_id for p in problems})
    if problems:
        err.print(f"[bold red]{len(problems)} problem(s)[/] in {len(bad)} of {len(results)} run(s) of {_e(where)}")
        raise typer.Exit(1)
    err.print(f"[green]ok[/]: {len(results)} run(s) of {_e(where)} match their digests")


@policy_app.command("validate")
@_friendly
def policy_validate(files: Annotated[list[Path], typer.Argument(help="Policy YAML file(s).")]) -> None:
    """Validate policy files; print every problem with its YAML path."""
    for f in files:
        loaded = api.load_policy(f)
        p = loaded.policy
        err.print(f"[green]ok[/] {_e(f)}: policy {_e(p.policy.id)} v{p.policy.version}, {len(p.checks)} checks, "
                  f"sha256 {loaded.sha256[:16]}…")


@policy_app.command("trust")
@_friendly
def policy_trust(
    file: Annotated[Path, typer.Argument(help="Policy YAML file whose sklearn model is a skops archive.")],
    yes: Annotated[bool, typer.Option("--yes", help=(
        "Trust every listed type without asking, after you have reviewed the list (for scripts).")) ] = False,
) -> None:
    """Review the types a skops model file needs beyond skops' safe defaults, and list the accepted ones under
    model.trusted in the policy (comments and layout kept)."""
    from auditkit.adapters.files import resolve_file
    from auditkit.adapters.sklearn_model import untrusted_types
    from auditkit.policy.edit import add_model_trusted
    from auditkit.policy.model_specs import SKOPS_SUFFIXES

    loaded = api.load_policy(file)
    spec = loaded.policy.model
    if spec.type != "sklearn" or not spec.path.lower().endswith(SKOPS_SUFFIXES):
        what = f"model.type is {spec.type!r}" if spec.type != "sklearn" else f"model.path {spec.path!r} is a pickle"
        raise AuditkitError(
            f"{file}: {what}; `policy trust` reviews the types of a skops archive (type: sklearn, a .skops file). "
            "A pickle is all or nothing (allow_pickle: true); other types load without pickle and trust nothing")
    path = resolve_file(spec.path, base_dir=loaded.base_dir, field="model.path")
    pending = [t for t in untrusted_types(path, shown_as=spec.path) if t not in spec.trusted]
    if not pending:
        err.print(f"[green]nothing to trust[/]: every type in {_e(path.name)} is a skops default or already listed "
                  "under model.trusted")
        return
    err.print(f"{_e(path.name)} contains {len(pending)} type(s) skops does not trust by default. Loading a type "
              "can run its code: trust only types you recognise, from libraries you installed yourself.")
    accepted: list[str] = []
    for name in pending:
        if yes:
            err.print(f"  trusted: {_e(name)}")
            accepted.append(name)
            continue
        try:
            if typer.confirm(f"  trust {name}?", default=False, err=True):
                accepted.append(name)
        except (click.exceptions.Abort, typer.Abort):  # typer's own Abort is not click's
            raise AuditkitError("no answer (input ended): run `auditkit policy trust` in a terminal to answer for "
                                "each type, or pass --yes after reviewing the list; the policy is unchanged") from None
    if accepted:
        listed = add_model_trusted(file, accepted)
        after = api.load_policy(file)
        err.print(f"[green]model.trusted[/] in {_e(file)} now lists {len(listed)} type(s); policy sha256 "
                  f"{after.sha256[:16]}… (the policy changed: have it approved like any other edit)")
    refused = [t for t in pending if t not in accepted]
    if refused:
        err.print(f"[yellow]not trusted[/]: {_e(', '.join(refused))}; the model cannot be loaded until they are "
                  "listed under model.trusted or the model is saved without them")
        raise typer.Exit(1)


@policy_app.command("schema")
@_friendly
def policy_schema() -> None:
    """Print the policy JSON Schema (for editor completion and validation)."""
    print(json.dumps(api.policy_json_schema(), indent=2))


def _print_comparison(record: gate.GatedRun) -> None:
    """Print the comparison behind a run's verdict to stderr: the baseline and each regression, or that there
    was no earlier complete run to compare with. Nothing when no comparison was asked for or implied."""
    result = record.verdict
    if not result.compared:
        return
    if result.diff is None or result.baseline is None:
        err.print(f"compare: no earlier complete run of system {record.system_name!r}; regressions not checked",
                  markup=False)
        return
    regs = result.diff.regressions
    err.print(f"compared with run {result.baseline.run_id[:12]} ({result.baseline.started_at:%Y-%m-%d %H:%M} UTC): "
              f"{len(regs)} regression(s)" + ("" if result.fail_on_regression else
                                               " (reported only; the policy does not set fail_on_regression)"))
    for c in regs:
        mark = "[bold red]blocks the gate[/]" if c in result.blocking else "[yellow]reported[/]"
        err.print(f"  regression {_e(c.check_id)} ({c.severity.value}) {mark}: " + _e("; ".join(c.regressions)),
                  soft_wrap=True)


def _emit(record: RunRecord, result: gate.Verdict, as_json: bool, junit: Path | None) -> None:
    """Write the JUnit file, print the JSON summary on stdout and the gate line on stderr."""
    if junit is not None:
        try:
            junit.parent.mkdir(parents=True, exist_ok=True)
            api.atomic_write(junit, junit_xml(record, result))
        except OSError as exc:
            raise CompareError(f"cannot write the JUnit file {junit}: {exc.strerror or exc}") from None
        err.print(f"JUnit XML: {junit}", markup=False)
    if as_json:
        print(gate.summary_json(record, result))
    if result.decision is not result.stored and result.decision is not None:
        err.print(f"stored gate decision: {result.stored.value if result.stored else 'none'}; "
                  f"{len(result.blocking)} regression(s) under fail_on_regression make it FAIL")
    _print_gate(result.decision)


@app.command("diff")
@_friendly
def diff_cmd(run_a: Annotated[str, typer.Argument(help="Baseline run id (or a unique prefix).")],
             run_b: Annotated[str, typer.Argument(help="Later run id (or a unique prefix).")], db: DbOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON on stdout.")]
             = False) -> None:
    """Compare two stored runs: artefacts, check statuses, measurements (values, intervals) and regressions."""
    with _read(db) as store:
        a, b = store.get_run(run_a), store.get_run(run_b)
    if a.run_id == b.run_id:
        raise CompareError(f"both arguments name run {a.run_id[:12]}; give two different runs")
    result = diff_runs(a, b)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    _print_diff(a, b, result)


def _ci(m: Any) -> str:
    if m is None:
        return "—"
    val = "—" if m.value is None else f"{m.value:.4f}"
    return val + ("" if m.ci_low is None or m.ci_high is None else f" [{m.ci_low:.4f}, {m.ci_high:.4f}]")


def _print_diff(a: RunRecord, b: RunRecord, d: RunDiff) -> None:
    """The comparison as rich tables on stdout."""
    stdout.print(f"[bold]diff[/] {a.run_id[:12]} ({a.started_at:%Y-%m-%d %H:%M} UTC) → "
                 f"{b.run_id[:12]} ({b.started_at:%Y-%m-%d %H:%M} UTC)")
    if a.system_name != b.system_name:
        stdout.print(f"[yellow]note:[/] the runs audit different systems ({_e(a.system_name)} → {_e(b.system_name)})")
    arts = Table("item", "before", "after", "", box=None)
    for art in d.artefacts:
        arts.add_row(_e(art.label), _e(art.before), _e(art.after),
                     "[bold yellow]changed[/]" if art.changed else "same")
    stdout.print(arts)
    checks = Table("check", "severity", "before", "after", "change", "regression", box=None)
    for c in d.checks:
        st = [f"[{_STYLE[s]}]{s.value}[/]" if s else "not run" for s in (c.before, c.after)]
        checks.add_row(_e(c.check_id), c.severity.value, *st, c.change.value,
                       "[bold red]yes[/]" if c.regressed else "")
    stdout.print(checks)
    ms = Table("check", "measurement", "threshold", "before [CI]", "after [CI]", "delta", "CIs overlap", box=None)
    for c in d.checks:
        for m in c.measurements:
            ref = m.after or m.before
            assert ref is not None
            thr = f"{ref.comparator} {ref.threshold:g}"
            if m.before and m.after and (m.before.threshold, m.before.comparator) != (ref.threshold, ref.comparator):
                thr += f" (was {m.before.comparator} {m.before.threshold:g})"
            overlap = "—" if m.overlap is None else "yes" if m.overlap else "[bold]no[/]"
            ms.add_row(_e(c.check_id), _e(m.name + (f" ({m.group})" if m.group else "")), _e(thr), _e(_ci(m.before)),
                       _e(_ci(m.after)), "—" if m.delta is None else f"{m.delta:+.4f}", overlap)
    stdout.print(ms if ms.rows else "no thresholded measurements")
    if d.regressions:
        stdout.print(f"[bold red]{len(d.regressions)} regression(s):[/]")
        for c in d.regressions:
            stdout.print(f"  {c.check_id}: " + "; ".join(c.regressions), markup=False)
    else:
        stdout.print("no regressions")


def _signer(sign_key: Path | None, sign_cert: Path | None, sign_chain: list[Path] | None,
            tsa: str | None) -> SigningKey | PadesIdentity | None:
    """The signer the signing options ask for (see :func:`auditkit.api.load_signer`), or None."""
    if sign_key is None:
        extra = "--sign-cert" if sign_cert else "--sign-chain" if sign_chain else "--tsa" if tsa else None
        if extra is not None:
            raise SigningKeyError(f"{extra} needs --sign-key, the private key of the signature")
        return None
    return api.load_signer(sign_key, sign_cert, tuple(sign_chain or ()), tsa)


def _print_pades(signed: SignedPdf, path: Path, tsa: str | None) -> None:
    stamp = f", timestamp from {tsa}" if signed.timestamped else ""
    data = ", chain embedded as validation data" if signed.validation_data else ""
    err.print(f"PAdES {signed.level} signature {_e(signed.field_name)} by {_e(signed.signer)}{_e(stamp)}{data}: "
              f"{_e(path)}")


def _pades_report(run_id: str, db: str | None, out: Path, identity: PadesIdentity, version: int | None,
                  tsa: str | None) -> None:
    """``auditkit report --sign-key K --sign-cert C``: write the stored version and its PAdES-signed PDF."""
    api.check_out_dir(out)
    with _existing(db) as store:
        result = api.pades_sign_report(store, run_id, identity, version=version, tsa_url=tsa)
    rec = result.record
    for path in api.write_report(rec, out):
        err.print(f"report v{rec.version}: {_e(path)}")
    signed_path = api.write_file(api.signed_pdf_path(rec, out), result.signed.pdf, "signed PDF")
    _print_pades(result.signed, signed_path, tsa)
    err.print(f"the stored v{rec.version} stays unsigned; the signed PDF starts with its bytes "
              f"(pdf sha256 {rec.pdf_sha256})")


def _sign_report(run_id: str, db: str | None, out: Path, key: SigningKey, version: int | None) -> None:
    """``auditkit report --sign-key``: sign the latest version (a new version unless already signed by the key)."""
    if version is not None:
        raise SignoffError("--sign-key signs the latest report version by storing a new, signed one; "
                           "stored versions never change, so it cannot be combined with --version")
    with _existing(db) as store:
        rec, made = api.sign_report(store, run_id, key)
    for path in api.write_report(rec, out):
        err.print(f"report v{rec.version}: {_e(path)}")
    what = "stored new version" if made else "the latest version is already"
    err.print(f"{what} v{rec.version} signed with Ed25519 key {key.fingerprint[:16]}… "
              f"(pdf sha256 {rec.pdf_sha256})")


@app.command("signoff")
@_friendly
def signoff_cmd(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    by: Annotated[str, typer.Option("--by", help="Name of the person signing.")],
    role: Annotated[str, typer.Option("--role", help="Role in the audit, e.g. executor, reviewer, approver.")],
    decision: Annotated[str, typer.Option("--decision", help="approve or reject.")],
    function: Annotated[str | None, typer.Option("--function", help="Job title or function of the signer "
                                                 "(default: not stated).", show_default=False)] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="Comment recorded with the decision.",
                                                show_default=False)] = None,
    out: OutOpt = Path("auditkit-reports"),
    db: DbOpt = None,
    sign_key: SignKeyOpt = None,
    sign_cert: SignCertOpt = None,
    sign_chain: SignChainOpt = None,
    tsa: TsaOpt = None,
) -> None:
    """Sign off the latest report of a run (hash-chained record), then store and write a new version showing it.

    With --sign-cert (or a PKCS#12 --sign-key) the new version is also written as REPORT.signed.pdf with the
    approver's PAdES signature, whose reason names the decision, the role and the sign-off record's hash.
    """
    signer = _signer(sign_key, sign_cert, sign_chain, tsa)
    key = signer if isinstance(signer, SigningKey) else None
    identity = signer if isinstance(signer, PadesIdentity) else None
    if identity is not None:
        api.check_out_dir(out)
    with _existing(db) as store:
        result = api.sign_off(store, run_id, name=by, role=role, decision=decision, function=function,
                              comment=comment, signer=None if key is None else key.sign, pades=identity,
                              tsa_url=tsa)
    record, rec = result.record, result.report
    if not result.new:
        err.print("this sign-off was already recorded (a retry of the same command); not recorded again")
    err.print(f"{_e(record['name'])} ({_e(record['role'])}) recorded [bold]{_e(record['decision'])}[/] of "
              f"{_e(result.signed.report_id)} (sha256 {record['report_sha256']}) at "
              f"{record['signed_at']:%Y-%m-%d %H:%M:%S} UTC; sign-off record sha256 {record['record_sha256']}")
    for path in api.write_report(rec, out):
        err.print(f"report v{rec.version} with the sign-off: {_e(path)}")
    if key is not None:
        err.print(f"signed with Ed25519 key {key.fingerprint[:16]}…")
    if result.pades is not None:
        _print_pades(result.pades, api.write_file(api.signed_pdf_path(rec, out), result.pades.pdf, "signed PDF"), tsa)


@app.command("sign")
@_friendly
def sign_cmd(
    pdf: Annotated[Path, typer.Argument(help="An auditkit PDF report, signed already or not.")],
    sign_key: SignKeyOpt = None,
    sign_cert: SignCertOpt = None,
    sign_chain: SignChainOpt = None,
    tsa: TsaOpt = None,
    reason: Annotated[str | None, typer.Option("--reason", show_default=False, help=(
        "Reason recorded in the signature (default: 'approved audit report ID vN')."))] = None,
    location: Annotated[str | None, typer.Option("--location", show_default=False,
                                                 help="Location recorded in the signature.")] = None,
    out: Annotated[Path | None, typer.Option("--out", show_default=False, help=(
        "Where to write the signed PDF (default: NAME.signed.pdf beside the input; never the input)."))] = None,
) -> None:
    """Add one more PAdES signature to an auditkit PDF report (each approver in turn; earlier signatures stay valid)."""
    signer = _signer(sign_key, sign_cert, sign_chain, tsa)
    if signer is None:
        raise SigningKeyError("`auditkit sign` needs --sign-key: a PKCS#12 file, or a private key with --sign-cert")
    if not isinstance(signer, PadesIdentity):
        raise SigningKeyError(f"`auditkit sign` adds PAdES signatures, which need the signer's X.509 certificate: "
                              f"add --sign-cert CERT.pem for {str(sign_key)!r} (or give a PKCS#12 file)")
    result = api.sign_pdf_file(pdf, signer, out=out, reason=reason, location=location, tsa_url=tsa)
    _print_pades(result.signed, result.out, tsa)


@app.command("verify")
@_friendly
def verify_cmd(
    pdf: Annotated[Path, typer.Argument(help="An auditkit PDF report.")],
    db: Annotated[str | None, typer.Option("--db", show_default=False, help=(
        "Also compare with this results database: stored PDF bytes, results and the sign-off chain "
        "(no default: without --db only the PDF itself is checked)."))] = None,
    public_key: Annotated[Path | None, typer.Option("--public-key", show_default=False, help=(
        "Trusted Ed25519 public key (PEM): the report must be signed with it."))] = None,
    trust: Annotated[list[Path] | None, typer.Option("--trust", show_default=False, help=(
        "Trusted root certificate (PEM or DER; repeatable): every PAdES signature and its timestamp must "
        "chain to one. Without it, chains are reported as not checked."))] = None,
) -> None:
    """Verify a PDF report: attachment hashes, signatures (Ed25519, PAdES), page content (re-rendered from the
    embedded evidence) and (with --db) the stored record. Exit 0 verified, 1 mismatch, 3 page content not
    confirmable with this installation."""
    from auditkit.verify import verify_pdf

    trusted = load_public_key(public_key) if public_key is not None else None
    roots = load_trust_roots(trust or [])
    with err.status("verifying: re-rendering the report from its embedded evidence to compare the page content"):
        if db is None:
            result = verify_pdf(pdf, trusted_key=trusted, trust_roots=roots)
        else:
            with _read(db) as store:
                result = verify_pdf(pdf, store=store, trusted_key=trusted, database=store.display_url,
                                    trust_roots=roots)
    for f in result.findings:
        mark = "[green]ok[/]      " if f.ok else "[yellow]UNSURE[/]  " if f.inconclusive else "[bold red]MISMATCH[/]"
        stdout.print(f"{mark} ", end="")
        stdout.print(str(f), markup=False)
    name = f"{result.report_id} (run {str(result.run_id)[:12]})" if result.report_id else str(pdf)
    signed = f", signed by key {result.key_fingerprint[:16]}…" if result.key_fingerprint else ""
    signed += f", PAdES-signed by {', '.join(result.signers)}" if result.signers else ""
    signed = signed or ", not signed"
    if result.ok:
        scope = (f"and the database {result.database}" if result.database else
                 "(page content re-rendered from the embedded evidence; that the evidence is authentic takes a "
                 "signature checked with --public-key or --trust, or --db)")
        err.print(f"[green]verified[/] {_e(name)}{_e(signed)}: {len(result.findings)} checks passed {_e(scope)}")
        return
    if result.inconclusive:
        err.print(f"[yellow]not fully verified[/] {_e(name)}{_e(signed)}: nothing was found changed, but "
                  f"{len(result.problems)} check(s) could not be made with this installation (see UNSURE above)")
        raise typer.Exit(3)
    err.print(f"[bold red]verification failed[/] for {_e(name)}: {len(result.problems)} of {len(result.findings)} "
              "checks do not match")
    raise typer.Exit(1)


def main() -> None:
    """Console-script entry point: the exit code is 0-4 or 130 (Ctrl-C), never a traceback.

    Commands map their own errors (:func:`_friendly`); this catches what escapes outside a command
    (argument parsing, start-up) the same way: an unexpected exception is exit code 4 with a log file.
    """
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)
    except KeyboardInterrupt:
        err.print("[bold yellow]interrupted[/]")
        sys.exit(130)
    except Exception as exc:
        try:
            _internal_error(exc, {})
        except (typer.Exit, click.exceptions.Exit) as done:
            sys.exit(done.exit_code)


if __name__ == "__main__":
    main()
