"""The Python API: load a policy, run an audit, render and store its report.

Used by the CLI and by notebooks or orchestration tools that call auditkit
without a shell. Composes the policy loader with the check registry, the
runner with the store, and the store with the report renderer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit import gate
from auditkit.checks import registry
from auditkit.errors import ExecutorError, IntegrityError, ReportError, SignoffError, read_user_file
from auditkit.executor import Executor
from auditkit.gate import GatedRun, exit_code
from auditkit.policy import LoadedPolicy, StoredPolicy
from auditkit.policy import load_policy as _load_policy
from auditkit.policy.schema import CheckSpec, Policy
from auditkit.provenance import ci_commit
from auditkit.report import pades, pades_keys, render_report
from auditkit.report.attachments import MANIFEST_NAME
from auditkit.report.pades import SignedPdf
from auditkit.report.pades_keys import PadesIdentity
from auditkit.report.signing import Signer, SigningKey, SigningKeyError, load_signing_key
from auditkit.report.trend import MAX_RUNS as TREND_RUNS
from auditkit.results import GateDecision, ReportRecord, RunRecord, RunState, gate_decision
from auditkit.runner import Progress, execute
from auditkit.store import Store, open_store
from auditkit.store.integrity import RunIntegrity
from auditkit.verify import embedded_files, read_pdf, stored_signature

if TYPE_CHECKING:  # the Ray executor's module is imported only when an audit asks for it
    from auditkit.ray_executor import RayOptions


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
    resume: str | None = None,
    commit: str | None = None,
    wait_lock: float = 0.0,
    compare_to: str | None = None,
    executor: str | Executor = "local",
    ray: RayOptions | None = None,
    precision: str | None = None,
) -> GatedRun:
    """Run the audit a policy describes, store it, render its report; return the stored run and its gate.

    ``policy`` is a path or a :func:`load_policy` result. ``store`` defaults to
    :func:`open_store` (``AUDITKIT_DB_URL`` or ``sqlite:///auditkit.db``); a
    store you pass stays open. ``device`` is ``auto`` (CUDA when present),
    ``cpu`` or ``cuda``. ``trigger`` records what started the run (manual, ci,
    schedule) and ``commit`` the version-control commit it audits (default:
    ``$GITHUB_SHA``, ``$CI_COMMIT_SHA`` or ``$GIT_COMMIT``, see
    :func:`auditkit.provenance.ci_commit`). With
    ``report=False`` no report version is made; ``strict=True`` re-raises an
    exception inside a check instead of storing it as ERROR.

    Two runs of the same system and policy id never overlap: the run holds the
    store's run lock (:meth:`~auditkit.store.Store.run_lock`) and waits up to
    ``wait_lock`` seconds for another holder, then raises
    :class:`~auditkit.errors.RunLockError`. ``resume=RUN_ID`` continues an
    interrupted run (its process was killed): only its missing checks run,
    with the same seeds, after checking that the policy text, model and data
    are unchanged (:class:`~auditkit.errors.ResumeError` otherwise); the run
    then finishes and gets its report as usual.

    The result is the stored :class:`~auditkit.results.RunRecord` (``gate`` is the decision
    stored with it) carrying its effective gate verdict: ``decision`` and ``exit_code`` are what
    ``auditkit run POLICY --gate --compare-to X`` decides and exits with. ``compare_to`` is a
    baseline (``'latest'``: the latest complete run of the system before this one, or a run id)
    whose regressions are in ``verdict.diff`` and, under the policy's
    ``gate: {fail_on_regression: true}`` (which implies ``'latest'``), fail the gate. A run id
    that cannot be a baseline (unknown, another system, not complete) raises
    :class:`~auditkit.errors.CompareError` before the audit starts.

    ``executor`` says where the checks run: ``"local"`` (this process, the default), ``"ray"`` (model actors
    on a Ray cluster, configured by ``ray``: :class:`~auditkit.ray_executor.RayOptions`; needs
    ``pip install "auditkit[ray]"``) or any :class:`~auditkit.executor.Executor`. Whatever runs the checks,
    this process alone writes the store.

    ``precision`` (``auto``, ``fp32``, ``bf16``, ``fp16``) overrides ``model.precision`` of a
    ``huggingface-causal`` model; the precision used is recorded with the model in the run.
    """
    loaded = policy if isinstance(policy, LoadedPolicy) else load_policy(policy)
    runner = _executor(executor, loaded, ray, device=device, strict=strict, precision=precision)
    owns = store is None
    store = store or open_store()
    try:
        if not gate.is_latest(compare_to):  # a baseline that cannot be one is refused before the audit runs
            gate.check_baseline(store.get_run(str(compare_to)), loaded.policy.system.name)
        with store.run_lock(loaded.policy.system.name, loaded.policy.policy.id, wait_s=wait_lock) as lock:
            result = execute(loaded, store=store, device=device, trigger=trigger, progress=progress, strict=strict,
                             resume=resume, commit=commit if commit is not None else ci_commit(),
                             on_begin=lock.attach_run, executor=runner, precision=precision)
        if report:
            render_and_store(store, result.run_id)
        return gate.gated(store, store.get_run(result.run_id), compare_to)
    finally:
        if owns:
            store.close()
        if isinstance(executor, str) and runner is not None:  # the Ray connection made for this audit ends with it
            runner.close()  # type: ignore[attr-defined]


def _executor(executor: str | Executor, loaded: LoadedPolicy, ray: RayOptions | None, *, device: str,
              strict: bool, precision: str | None = None) -> Executor | None:
    """The executor ``run_audit`` hands the plan to (``None``: the runner's local one); refused before the run."""
    if not isinstance(executor, str):
        return executor
    if executor == "local":
        return None
    if executor == "ray":
        from auditkit.ray_executor import RayExecutor

        ray_executor = RayExecutor(loaded, options=ray, device=device, strict=strict, precision=precision)
        ray_executor.connect()
        return ray_executor
    raise ExecutorError(f"unknown executor {executor!r}; use 'local' (this process) or 'ray' (a Ray cluster)")


def gate_run(store: Store, run_id: str, *, compare_to: str | None = None) -> GatedRun:
    """The stored run ``run_id`` (or a unique prefix) with its effective gate verdict.

    The decision ``auditkit gate RUN [--compare-to X]`` exits with: the stored decision, turned
    into FAIL by a blocking regression against the baseline under ``fail_on_regression`` (see
    :func:`auditkit.gate.decide`).
    """
    run = verified_run(store, run_id)
    return gate.gated(store, run, compare_to)


def verified_run(store: Store, run_id: str) -> RunRecord:
    """The stored run with its gate *recomputed* from its outcomes, after checking their digests.

    Raises :class:`~auditkit.errors.IntegrityError` (exit 1) naming each changed outcome, run field or
    ``runs.gate`` when the stored rows no longer match their digests; ``runs.gate`` is never trusted on
    its own. Runs stored before digests were recorded are checked as far as they can be (their gate
    is still recomputed).
    """
    result = store.check_run(run_id)
    run_problems = [p for p in result.problems if p.part == "run"]
    if run_problems:
        raise IntegrityError("the stored run no longer matches its digests, so no gate decision can be "
                             "trusted: " + "; ".join(str(p) for p in run_problems)
                             + ". Run `auditkit db check` for every problem in the database")
    run = store.get_run(result.run_id)
    if run.state is not RunState.COMPLETE:
        return run
    spec = gate.gate_spec(run)
    return dataclasses.replace(run, gate=gate_decision(run.outcomes, inconclusive_fails=spec.inconclusive == "fail"))


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
    """The formats the run's stored policy asks for (``report.formats``; read tolerantly, so a run stored by
    an older release still renders)."""
    return StoredPolicy.parse(run.policy_text, source=f"policy of run {run.run_id}").report_formats


def _earlier_runs(store: Store, previous: RunRecord | None) -> list[RunRecord]:
    """``previous`` and the complete runs of its system before it, newest first, at most
    :data:`~auditkit.report.trend.MAX_RUNS` − 1 (the trend charts of section 9 end with the run itself)."""
    runs: list[RunRecord] = []
    while previous is not None and len(runs) < TREND_RUNS - 1:
        runs.append(previous)
        previous = store.latest_for(previous.system_name, before=previous.run_id)
    return runs


def _render(store: Store, run: RunRecord, version: int, report_id: str,
            signed_before: dt.datetime | None = None, signer: Signer | None = None,
            pending: dict[str, Any] | None = None) -> tuple[bytes, bytes | None]:
    """Render one report version; ``signed_before`` limits the sign-offs to those that version showed,
    ``signer`` signs the PDF's manifest (see :mod:`auditkit.report.signing`), ``pending`` is a sign-off
    stored together with this version (shown last in its sign-off table)."""
    previous = store.latest_for(run.system_name, before=run.run_id)
    signoffs = [s for s in store.list_signoffs(run.run_id)
                if signed_before is None or s["signed_at"] <= signed_before]
    if pending is not None:
        signoffs.append(pending)
    rendered = render_report(run, report_id=report_id, version=version, previous=previous,
                             signoffs=signoffs, formats=report_formats(run), signer=signer,
                             history=_earlier_runs(store, previous))
    return rendered.html, rendered.pdf


def render_and_store(store: Store, run_id: str, *, signer: Signer | None = None) -> ReportRecord:
    """Render a new report version of a stored run and store it (versions count up per system).

    With a ``signer`` (e.g. :meth:`SigningKey.sign <auditkit.report.signing.SigningKey.sign>`) the PDF
    carries an Ed25519 signature of its manifest.
    """
    run = store.get_run(run_id)
    return store.add_report(run.run_id,
                            render=lambda version, report_id: _render(store, run, version, report_id, signer=signer),
                            created_at=dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class Rerender:
    """Result of re-rendering a stored report: the stored record and whether the bytes still match."""

    record: ReportRecord
    html_matches: bool
    pdf_matches: bool | None
    #: The run, its report versions and sign-offs checked against their digests (:meth:`Store.check_run`).
    integrity: RunIntegrity | None = None


def rerender(store: Store, run_id: str, *, version: int | None = None) -> Rerender:
    """Re-render the stored report of a run from the database and compare it with the stored bytes.

    A run without a stored report gets its first version now. A signed stored PDF is
    re-rendered with its own embedded signature (still valid when the manifest is unchanged),
    so the comparison does not need the private key.
    """
    run = store.get_run(run_id)
    record = store.get_report(run.run_id, version=version)
    if record is None:
        if version is not None:
            raise ReportError(f"run {run.run_id[:12]} has no report version {version}; "
                              f"see `auditkit show {run.run_id[:12]}`")
        record = render_and_store(store, run.run_id)
        return Rerender(record, True, None if record.pdf is None else True, store.check_run(run.run_id))
    stored_sig = None if record.pdf is None else stored_signature(record.pdf)
    html, pdf = _render(store, run, record.version, record.report_id, signed_before=record.created_at,
                        signer=None if stored_sig is None else (lambda _manifest: stored_sig))
    pdf_match = None if record.pdf is None or pdf is None else pdf == record.pdf
    return Rerender(record, html == record.html, pdf_match, store.check_run(run.run_id))


#: The decisions a sign-off can record.
DECISIONS = ("approve", "reject")


@dataclass(frozen=True)
class SignOff:
    """A recorded sign-off: the stored record, the version it signed and the new version showing it."""

    record: dict[str, Any]
    signed: ReportRecord
    report: ReportRecord
    #: False when the same sign-off was already the run's last one (a retried command): nothing was added.
    new: bool = True
    #: The new version's PDF with the approver's PAdES signature (``pades=`` given), else None.
    pades: SignedPdf | None = None


def _require_pdf(run: RunRecord, why: str) -> None:
    if "pdf" not in report_formats(run):
        raise SignoffError(f"run {run.run_id[:12]} renders no PDF (its policy's report.formats is "
                           f"{list(report_formats(run))}), and {why}; add pdf to report.formats")


def sign_off(
    store: Store,
    run_id: str,
    *,
    name: str,
    role: str,
    decision: str,
    function: str | None = None,
    comment: str | None = None,
    signer: Signer | None = None,
    pades: PadesIdentity | None = None,
    tsa_url: str | None = None,
) -> SignOff:
    """Record a sign-off of the latest stored report version of a run, then store a new version showing it.

    The sign-off (name, function, role, decision, UTC time, SHA-256 of the signed version's PDF,
    or of its HTML when the run renders no PDF, and the previous sign-off's hash) is appended to
    the run's hash chain. Earlier report versions stay stored unchanged; the new version's
    sign-off table lists every sign-off so far. ``function`` defaults to ``"not stated"``.

    With ``pades`` (an approver's :class:`~auditkit.report.pades_keys.PadesIdentity`) the new version's PDF is
    also PAdES-signed by the approver (``tsa_url``: with an RFC 3161 timestamp); its reason names the
    decision, the role and the sign-off record's SHA-256. The stored version stays unsigned: the signed
    PDF is in :attr:`SignOff.pades`. A retried sign-off (already recorded) is signed again, not recorded again.
    """
    name, role, decision = name.strip(), role.strip(), decision.strip().lower()
    if decision not in DECISIONS:
        raise SignoffError(f"decision {decision!r} is not known; expected one of {', '.join(DECISIONS)}")
    if not name or not role:
        raise SignoffError("a sign-off needs the signer's name (--by) and role (--role), both non-empty")
    run = store.get_run(run_id)
    _check_override(run, role, decision)
    signed = store.get_report(run.run_id)
    if signed is None:
        raise SignoffError(f"run {run.run_id[:12]} has no stored report to sign; render it with "
                           f"`auditkit report {run.run_id[:12]}` and review it first")
    if signer is not None or pades is not None:
        _require_pdf(run, "the signature is embedded in the PDF")
    function, comment = (function or "").strip() or "not stated", (comment or "").strip() or None
    fields = {"name": name, "function": function, "role": role, "decision": decision, "comment": comment}
    done = _already_signed(store, run, signed, fields)
    if done is not None:
        return done if pades is None else dataclasses.replace(done, pades=_approver_signature(done, pades, tsa_url))
    signed_at = dt.datetime.now(dt.UTC)

    def render(version: int, report_id: str, pending: dict[str, Any]) -> tuple[bytes, bytes | None]:
        return _render(store, run, version, report_id, signer=signer, pending=pending)

    record, rec = store.add_signoff_with_report(
        run.run_id, **fields, signed_at=signed_at, report_sha256=signed.pdf_sha256 or signed.html_sha256,
        render=render, created_at=max(dt.datetime.now(dt.UTC), signed_at),
    )
    result = SignOff(record, signed, rec)
    return result if pades is None else dataclasses.replace(result, pades=_approver_signature(result, pades, tsa_url))


def _approver_signature(done: SignOff, identity: PadesIdentity, tsa_url: str | None) -> SignedPdf:
    """The sign-off's new version PAdES-signed by the approver (reason: decision, role, record hash)."""
    record = done.record
    assert done.report.pdf is not None  # _require_pdf
    reason = (f"{record['decision']} as {record['role']} (auditkit sign-off record sha256 "
              f"{record['record_sha256']})")
    return pades.pades_sign(done.report.pdf, identity, reason=reason, tsa_url=tsa_url)


def _check_override(run: RunRecord, role: str, decision: str) -> None:
    """An approval of a run whose gate did not pass overrides a blocking finding: only the policy's
    ``gate.override_roles`` may do that (the report's opinion page states the same rule)."""
    if decision != "approve" or run.gate is GateDecision.PASS:
        return
    gate = StoredPolicy.parse(run.policy_text).section("gate")
    roles = [str(r) for r in gate.get("override_roles") or []] if isinstance(gate.get("override_roles"), list) else []
    if role not in roles:
        allowed = (f"only the role(s) {', '.join(roles)} may" if roles else "no role may (the policy sets no "
                   "gate.override_roles)")
        raise SignoffError(
            f"run {run.run_id[:12]} did not pass its gate ({run.gate.value if run.gate else 'no decision'}); "
            f"approving it would override a blocking finding, which {allowed}. Record --decision reject, sign "
            "in an allowed role, or add the role to gate.override_roles in a new policy version")


def _already_signed(store: Store, run: RunRecord, latest: ReportRecord, fields: dict[str, Any]) -> SignOff | None:
    """The sign-off a retry repeats, or None: the run's last sign-off has exactly these fields and the
    latest report version is the one made for it (nothing was signed or rendered since).

    A command that stored its sign-off and then failed (say, writing ``--out``) and is run again must
    not append the same decision twice.
    """
    chain = store.list_signoffs(run.run_id)
    if not chain or any(chain[-1][k] != v for k, v in fields.items()):
        return None
    signed = next((r for r in store.list_reports(run.system_name) if r.report_id == chain[-1]["report_id"]), None)
    if signed is None or latest.version != signed.version + 1 or latest.created_at < chain[-1]["signed_at"]:
        return None
    return SignOff(chain[-1], signed, latest, new=False)


def sign_report(store: Store, run_id: str, key: SigningKey) -> tuple[ReportRecord, bool]:
    """The latest report version of a run signed with ``key``, and whether it was made now.

    Stored versions never change, so an unsigned (or otherwise signed) latest version is
    followed by a new, signed version; a latest version already signed with this key is returned.
    """
    run = store.get_run(run_id)
    _require_pdf(run, "the signature is embedded in the PDF")
    latest = store.get_report(run.run_id)
    if latest is not None and latest.pdf is not None:
        sig = stored_signature(latest.pdf)
        if sig is not None and sig.public_key_pem == key.public_key_pem:
            return latest, False
    return render_and_store(store, run.run_id, signer=key.sign), True


def load_signer(key: str | Path, cert: str | Path | None = None, chain: tuple[str | Path, ...] = (),
                tsa_url: str | None = None) -> SigningKey | PadesIdentity:
    """The signer ``--sign-key`` (with ``--sign-cert``, ``--sign-chain``, ``--tsa``) asks for.

    PAdES (:class:`~auditkit.report.pades_keys.PadesIdentity`) when a certificate is given or the key file
    is PKCS#12; otherwise an Ed25519 key for the manifest signature, as before. A key that is
    neither (an RSA or EC key, an encrypted key) without a certificate, or ``--sign-chain``/``--tsa``
    without PAdES, is a :class:`~auditkit.report.signing.SigningKeyError` saying to add ``--sign-cert``.
    The passphrase of an encrypted key or PKCS#12 file comes from ``$AUDITKIT_SIGN_PASSPHRASE``.
    """
    data = read_user_file(key, "signing key file", SigningKeyError, "give the path of a private key file")
    if cert is not None or pades_keys.is_pkcs12(data):
        return pades_keys.load_pades_identity(key, cert, chain)
    extra = "--sign-chain" if chain else "--tsa" if tsa_url else None
    if extra is not None:
        raise SigningKeyError(f"{extra} applies to PAdES signatures, which need the signer's X.509 certificate: "
                              "add --sign-cert CERT.pem (or give a PKCS#12 file as --sign-key)")
    try:
        return load_signing_key(key)
    except SigningKeyError:
        kind = pades_keys.describe_private_key(data)
        if kind is None or kind == "Ed25519":
            raise
        what = "an encrypted" if kind == "encrypted" else f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"
        raise SigningKeyError(f"signing key file {str(key)!r} holds {what} private key: a PAdES signature needs its "
                              "X.509 certificate, add --sign-cert CERT.pem (passphrase from "
                              f"${pades_keys.PASSPHRASE_ENV_VAR}); without a certificate --sign-key takes an "
                              "unencrypted Ed25519 key for the manifest signature") from None


@dataclass(frozen=True)
class PadesReport:
    """A stored report version and its PDF PAdES-signed (``auditkit report --sign-cert``)."""

    record: ReportRecord
    signed: SignedPdf


def pades_sign_report(store: Store, run_id: str, identity: PadesIdentity, *, version: int | None = None,
                      tsa_url: str | None = None, location: str | None = None) -> PadesReport:
    """Sign a stored report version's PDF (latest by default) with PAdES; nothing new is stored.

    The signature is an incremental update on the stored bytes, so ``auditkit verify --db`` still
    finds the stored version in the signed file. Refused when the run's stored rows no longer match
    their digests (:class:`~auditkit.errors.IntegrityError`): a tampered record is not signed.
    """
    run = store.get_run(run_id)
    _require_pdf(run, "a PAdES signature signs the PDF")
    record = store.get_report(run.run_id, version=version)
    if record is None or record.pdf is None:
        raise ReportError(f"run {run.run_id[:12]} has no stored report{'' if version is None else f' v{version}'} "
                          f"with a PDF to sign; render it with `auditkit report {run.run_id[:12]}`")
    problems = store.check_run(run.run_id).problems
    if problems:
        raise IntegrityError("refusing to sign: the stored run no longer matches its digests: "
                             + "; ".join(str(p) for p in problems) + ". Run `auditkit db check`")
    reason = f"issued audit report {record.report_id} v{record.version} (pdf sha256 {record.pdf_sha256})"
    return PadesReport(record, pades.pades_sign(record.pdf, identity, reason=reason, location=location,
                                                tsa_url=tsa_url))


def signed_pdf_path(record: ReportRecord, out_dir: str | Path) -> Path:
    """Where ``auditkit report``/``signoff`` write the PAdES-signed PDF: ``OUT/REPORT_ID.signed.pdf``."""
    return Path(out_dir) / f"{record.report_id}.signed.pdf"


def write_file(path: str | Path, data: bytes, what: str) -> Path:
    """Write ``data`` atomically; an :class:`OSError` is a :class:`~auditkit.errors.ReportError` naming the file."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise ReportError(f"cannot write the {what} {str(path)!r}: {exc.strerror or exc}; free space or fix the "
                          "permissions, then run the command again") from None
    return Path(path)


@dataclass(frozen=True)
class SignedFile:
    """``auditkit sign``: the PDF read, the file written and the signature added."""

    source: Path
    out: Path
    signed: SignedPdf


def sign_pdf_file(path: str | Path, identity: PadesIdentity, *, out: str | Path | None = None,
                  reason: str | None = None, location: str | None = None, tsa_url: str | None = None) -> SignedFile:
    """Add one more PAdES signature to an auditkit PDF report (possibly signed already); write it to ``out``.

    This is how several approvers sign one final document: each signature is an incremental update,
    every earlier signature stays valid. ``out`` defaults to ``NAME.signed.pdf`` beside the input and
    may not be the input itself; a PDF without ``manifest.json`` is not an auditkit report and is refused.
    """
    source = Path(path)
    pdf = read_pdf(source)
    manifest = (embedded_files(pdf, source=str(source)).get(MANIFEST_NAME) or [None])[0]
    if manifest is None:
        raise ReportError(f"{str(source)!r} is not an auditkit report (it embeds no {MANIFEST_NAME}); `auditkit sign` "
                          "signs the PDF reports auditkit writes")
    target = Path(out) if out is not None else source.with_name(f"{source.stem}.signed.pdf")
    if target.resolve() == source.resolve():
        raise ReportError(f"--out {str(target)!r} is the input file; give another file name (the input stays as it "
                          "is, so the earlier signatures can be compared)")
    if reason is None:
        report = (_json_object(manifest).get("report") or {})
        reason = f"approved audit report {report.get('id', source.stem)} v{report.get('version', '?')}"
    signed = pades.pades_sign(pdf, identity, reason=reason, location=location, tsa_url=tsa_url)
    return SignedFile(source, write_file(target, signed.pdf, "signed PDF"), signed)


def _json_object(raw: bytes) -> dict[str, Any]:
    import json

    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing: a temp file in the same directory, fsync, then rename.

    A crash, a full disk or a permission problem leaves either the old file or none, never a truncated
    one; the temp file is removed on failure. Raises the :class:`OSError` (callers name the path).
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _dir_writable(path: Path) -> bool:
    """Whether this process may create files in the directory ``path``."""
    return os.access(path, os.W_OK | os.X_OK)


def check_out_dir(out_dir: str | Path) -> Path:
    """Make sure ``--out`` is (or can become) a writable directory before any work is done; return it.

    A file in its place, a missing parent that cannot be created or a directory without write permission
    is a :class:`~auditkit.errors.ReportError` (exit 2) naming the path.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {str(out)!r} is a file, not a directory; give a directory for the report files "
                          "(it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the report directory --out {str(out)!r}: {exc.strerror or exc}; "
                          "give a directory you can write to") from None
    if not _dir_writable(out):
        raise ReportError(f"the report directory --out {str(out)!r} is not writable; give a directory you can "
                          "write to, or fix its permissions")
    return out


def write_report(record: ReportRecord, out_dir: str | Path) -> list[Path]:
    """Write a stored report's HTML (and PDF) to ``out_dir``; return the paths written.

    Each file is written atomically (:func:`atomic_write`); any problem is a
    :class:`~auditkit.errors.ReportError` (exit 2) naming the file, and leaves no partial file.
    The report stays stored in the database: ``auditkit report RUN --out DIR`` writes it again.
    """
    out = check_out_dir(out_dir)
    files = [(out / f"{record.report_id}.html", record.html)]
    if record.pdf is not None:
        files.append((out / f"{record.report_id}.pdf", record.pdf))
    for path, data in files:
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise ReportError(
                f"cannot write the report file {str(path)!r}: {exc.strerror or exc}; free space or fix the "
                f"permissions of --out, then write it again with `auditkit report {record.run_id[:12]} --out DIR` "
                "(the report is stored in the database)") from None
    return [path for path, _ in files]


__all__ = [
    "GatedRun",
    "atomic_write",
    "check_out_dir",
    "exit_code",
    "gate_run",
    "load_policy",
    "load_signer",
    "open_store",
    "pades_sign_report",
    "policy_json_schema",
    "render_and_store",
    "rerender",
    "run_audit",
    "sign_off",
    "sign_pdf_file",
    "sign_report",
    "signed_pdf_path",
    "write_file",
    "write_report",
]
