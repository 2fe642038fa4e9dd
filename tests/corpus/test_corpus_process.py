"""Bad-input corpus, process half: model code that ends the process, breaks, or returns what it must not.

Every case runs ``auditkit run --gate --json`` in-process against a model file written for it, and checks
what issue #12 demands: the exit code (never 0 or 1 on a broken model; 3 when a blocker could not be
computed, 2 when the model cannot even be loaded, 130 on Ctrl-C), that the message names what broke (the
exception, the row numbers), that no traceback reaches the console, and what the database holds (a COMPLETE
run with the ERROR stored, or nothing at all, or a resumable RUNNING run). One real subprocess checks that
SIGINT leaves a run resumable. Internal errors of auditkit itself exit 4 with the traceback in a log file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from analytic_audit import make_frame, write_audit
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.results import RunState, Status
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "severity": "blocker", "thresholds": {"accuracy": {"min": 0.1}}}
PERF_INFO = {**PERF, "id": "perf-info", "severity": "info"}

#: A model whose forward() behaves on the 2-row load probe and misbehaves on real batches (``BAD``).
MODEL = textwrap.dedent(
    """
    import sys
    import torch
    from torch import nn

    class Custom(BaseException):
        pass

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.bias = nn.Parameter(torch.tensor([0.5]))

        def forward(self, x):
            z = 40.0 * (x[:, 0] - self.bias)
            if x.shape[0] <= 2 and not PROBE_TOO:
                return z
    {bad}
            return z

    PROBE_TOO = {probe}

    def build():
    {build}
        return Model()
    """
)


def _model(bad: str, *, probe: bool = False, build: str = "pass") -> str:
    return MODEL.format(bad=textwrap.indent(textwrap.dedent(bad).strip(), " " * 8), probe=probe,
                        build=textwrap.indent(build, " " * 4))


#: (id, forward() misbehaviour, expected exit code, text the output must contain)
RUN_CASES = [
    ("sys-exit-0", "sys.exit(0)", 3, "SystemExit"),
    ("sys-exit-1", "sys.exit(1)", 3, "SystemExit"),
    ("sys-exit-message", "sys.exit('model gave up')", 3, "model gave up"),
    ("raise-systemexit-none", "raise SystemExit", 3, "SystemExit"),
    ("custom-baseexception", "raise Custom('deep trouble')", 3, "deep trouble"),
    ("generator-exit", "raise GeneratorExit('closed')", 3, "GeneratorExit"),
    ("runtime-error", "raise RuntimeError('CUDA kernel exploded')", 3, "CUDA kernel exploded"),
    ("value-error", "raise ValueError('bad input range')", 3, "bad input range"),
    ("nan-some-rows", "z = torch.where(x[:, 0] > 0.5, torch.full_like(z, float('nan')), z)", 3, "non-finite"),
    ("nan-all-rows", "z = torch.full_like(z, float('nan'))", 3, "non-finite"),
    ("plus-inf-logits", "z = torch.where(x[:, 0] > 0.5, torch.full_like(z, float('inf')), z)", 3, "+inf"),
    ("minus-inf-logits", "z = torch.where(x[:, 0] < 0.5, torch.full_like(z, float('-inf')), z)", 3, "-inf"),
    ("one-inf-row", "z = z.clone(); z[7] = float('inf')", 3, "at rows 7 "),
    ("inf-in-two-class-logits", "z = torch.stack([-z, z.masked_fill(x[:, 0] > 0.5, float('inf'))], 1)", 3, "+inf"),
    ("wrong-shape-rows", "return z[:-1]", 3, "shape"),
    ("wrong-shape-3d", "return z[:, None, None]", 3, "shape"),
    ("wrong-dtype-int", "return (z > 0).long()", 3, "floating-point"),
    ("not-a-tensor", "return z.tolist()", 3, "list"),
    ("returns-none", "return None", 3, "NoneType"),
]


def _audit(tmp: Path, model_py: str, checks: list[dict] | None = None, n: int = 40) -> Path:
    policy = write_audit(tmp, make_frame(n, {"female": 0.5, "male": 0.5}), checks or [PERF],
                         report={"formats": ["html"]})
    (tmp / "bad_model.py").write_text(model_py)
    doc = policy.read_text().replace("factory: step.py:build", "factory: bad_model.py:build")
    policy.write_text(doc)
    return policy


@pytest.fixture
def run_cli(tmp_path, monkeypatch):
    """``run_cli(*args)``: the CLI in-process on ``tmp_path/corpus.db``, error logs into ``tmp_path/logs``."""
    monkeypatch.setenv("AUDITKIT_DB_URL", f"sqlite:///{tmp_path / 'corpus.db'}")
    monkeypatch.setenv("AUDITKIT_ERROR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv("CI", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _runs(tmp: Path) -> list:
    db = tmp / "corpus.db"
    if not db.exists():
        return []
    with open_store(f"sqlite:///{db}", readonly=True) as store:
        return [store.get_run(r.run_id) for r in store.list_runs()]


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output and 'File "' not in output, output


@pytest.mark.parametrize(("bad", "code", "needle"), [c[1:] for c in RUN_CASES], ids=[c[0] for c in RUN_CASES])
def test_model_misbehaving_during_the_run_is_a_check_error_never_a_pass(run_cli, tmp_path, bad, code, needle):
    policy = _audit(tmp_path, _model(bad))
    result = run_cli("run", policy, "--gate", "--json", "--no-report", "--device", "cpu",
                     "--junit", tmp_path / "junit.xml")
    assert result.exit_code == code, result.output
    _no_traceback(result.output)
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == code and summary["gate"] == "ERROR"
    (check,) = summary["checks"]
    assert check["status"] == "ERROR" and needle in check["error"], check["error"]
    assert needle in result.stderr  # the progress line names what broke
    (run,) = _runs(tmp_path)
    assert run.state is RunState.COMPLETE and run.outcome("perf").status is Status.ERROR  # stored, consistent
    assert b"<error" in (tmp_path / "junit.xml").read_bytes()
    assert not list(tmp_path.glob("*.partial")) and not (tmp_path / "logs").exists()


def test_non_finite_rows_are_named_with_their_count(run_cli, tmp_path):
    policy = _audit(tmp_path, _model("z = z.clone(); z[3] = float('nan'); z[11] = float('inf'); z[12] = -z[12] / 0"))
    result = run_cli("run", policy, "--gate", "--json", "--no-report", "--device", "cpu")
    assert result.exit_code == 3
    error = json.loads(result.stdout)["checks"][0]["error"]
    assert "3 non-finite scores" in error and "at rows 3, 11, 12" in error, error
    assert "NaN" in error and "+inf" in error


def test_a_non_blocker_broken_by_sys_exit_is_error_and_the_run_completes(run_cli, tmp_path):
    policy = _audit(tmp_path, _model("sys.exit(0)"), checks=[PERF_INFO])
    result = run_cli("run", policy, "--json", "--no-report", "--device", "cpu")
    assert result.exit_code == 0  # no --gate: the run itself completed
    assert json.loads(result.stdout)["checks"][0]["status"] == "ERROR"
    (run,) = _runs(tmp_path)
    assert run.state is RunState.COMPLETE


#: (id, how the model breaks at load time, text the message must contain)
LOAD_CASES = [
    ("probe-sys-exit-0", {"bad": "sys.exit(0)", "probe": True}, "SystemExit"),
    ("probe-custom-baseexception", {"bad": "raise Custom('at load')", "probe": True}, "at load"),
    ("probe-wrong-shape", {"bad": "return z[:1]", "probe": True}, "shape"),
    ("probe-int-output", {"bad": "return (z > 0).long()", "probe": True}, "floating-point"),
    ("factory-sys-exit-0", {"bad": "pass", "build": "import sys; sys.exit(0)"}, "SystemExit"),
    ("factory-runtime-error", {"bad": "pass", "build": "raise RuntimeError('no weights here')"}, "no weights here"),
]


@pytest.mark.parametrize(("kwargs", "needle"), [c[1:] for c in LOAD_CASES], ids=[c[0] for c in LOAD_CASES])
def test_model_broken_at_load_is_exit_2_and_stores_nothing(run_cli, tmp_path, kwargs, needle):
    policy = _audit(tmp_path, _model(**kwargs))
    result = run_cli("run", policy, "--gate", "--no-report", "--device", "cpu")
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert needle in result.output and "bad_model.py" in result.output
    assert _runs(tmp_path) == []


def test_ctrl_c_inside_model_code_leaves_the_run_resumable(run_cli, tmp_path):
    checks = [{**PERF, "id": "perf-a"}, {**PERF, "id": "perf-b"}]
    flag = tmp_path / "interrupt-once"
    flag.write_text("1")
    bad = f"""
        import pathlib
        flag = pathlib.Path({str(flag)!r})
        if flag.exists() and x.shape[0] > 2:
            flag.unlink()
            raise KeyboardInterrupt
    """
    policy = _audit(tmp_path, _model(bad), checks=checks)
    result = run_cli("run", policy, "--gate", "--no-report", "--device", "cpu")
    assert result.exit_code == 130
    _no_traceback(result.output)
    (run,) = _runs(tmp_path)
    assert run.state is RunState.RUNNING and run.condition() == "interrupted"
    assert f"--resume {run.run_id[:12]}" in result.output and str(policy) in result.output
    resumed = run_cli("run", policy, "--gate", "--no-report", "--device", "cpu", "--resume", run.run_id[:12])
    assert resumed.exit_code == 0, resumed.output
    (run,) = _runs(tmp_path)
    assert run.state is RunState.COMPLETE and run.error is None


#: (id, what to break inside auditkit, command) — every unexpected exception is exit 4 with a log
INTERNAL_CASES = [
    ("run-value-error", "auditkit.api.render_and_store", ValueError("unexpected None"), "run"),
    ("run-system-exit-0", "auditkit.api.render_and_store", SystemExit(0), "run"),
    ("run-system-exit-1", "auditkit.api.load_policy", SystemExit(1), "run"),
    ("gate-recursion", "auditkit.gate.verdict", RecursionError("maximum recursion depth exceeded"), "gate"),
    ("gate-key-error", "auditkit.gate.verdict", KeyError("missing"), "gate"),
    ("runs-attribute-error", "auditkit.store.Store.list_runs", AttributeError("no attribute"), "runs"),
]


@pytest.mark.parametrize(("target", "error", "command"), [c[1:] for c in INTERNAL_CASES],
                         ids=[c[0] for c in INTERNAL_CASES])
def test_internal_errors_exit_4_with_the_traceback_in_a_log(run_cli, tmp_path, monkeypatch, target, error, command):
    policy = _audit(tmp_path, _model("pass"))
    if command != "run":  # a stored run to ask about
        assert run_cli("run", policy, "--no-report", "--device", "cpu").exit_code == 0
    run_id = _runs(tmp_path)[0].run_id if command == "gate" else None

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(target, broken)
    args = {"run": ["run", policy, "--gate", "--device", "cpu", "--out", tmp_path / "out"],
            "gate": ["gate", run_id], "runs": ["runs"]}[command]
    extra = ["--json", "--junit", tmp_path / "junit.xml"] if command in ("run", "gate") else []
    result = run_cli(*args, *extra)
    assert result.exit_code == 4, result.output
    _no_traceback(result.output)
    (log,) = (tmp_path / "logs").glob("auditkit-error-*.log")
    assert str(log) in result.output and type(error).__name__ in result.output
    assert "Traceback" in log.read_text()
    if extra:
        assert json.loads(result.stdout)["exit_code"] == 4
        assert b'name="internal-error"' in (tmp_path / "junit.xml").read_bytes()
    assert not list(tmp_path.rglob("*.partial"))


@pytest.mark.parametrize("state", ["failed", "interrupted"])
def test_a_run_that_did_not_complete_never_passes_the_gate(run_cli, tmp_path, state):
    policy = _audit(tmp_path, _model("pass"))
    assert run_cli("run", policy, "--no-report", "--device", "cpu").exit_code == 0
    (run,) = _runs(tmp_path)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'corpus.db'}")
    with engine.begin() as conn:  # a finished run edited to look crashed, with a PASS stored by mistake
        conn.execute(sa.text("UPDATE runs SET state=:s, gate='PASS', heartbeat_at=NULL WHERE run_id=:r"),
                     {"s": "failed" if state == "failed" else "running", "r": run.run_id})
    tampered = run_cli("gate", run.run_id)
    if state == "failed":  # a finished run's digest no longer matches: the edit itself is reported
        assert tampered.exit_code == 1 and "run digest" in tampered.output, tampered.output
    else:  # a run that reads as still running gets no decision at all
        assert tampered.exit_code == 3, tampered.output
    with engine.begin() as conn:  # what a crash or Ctrl-C leaves behind: no run digest (written at finish)
        conn.execute(sa.text("UPDATE runs SET digest=NULL WHERE run_id=:r"), {"r": run.run_id})
    engine.dispose()
    result = run_cli("gate", run.run_id, "--json", "--junit", tmp_path / "j.xml")
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["gate"] is None
    assert b'name="run"' in (tmp_path / "j.xml").read_bytes()


@pytest.mark.slow
def test_sigint_leaves_a_real_run_resumable_and_says_how(tmp_path):
    """A real process: SIGINT during a slow check stops it with 130, the run is resumable, the hint is printed."""
    checks = [PERF, {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"]}]
    policy = write_audit(tmp_path, make_frame(400, {"female": 0.4, "male": 0.6}), checks,
                         statistics={"bootstrap": 2_000_000}, report={"formats": ["html"]})
    db = f"sqlite:///{tmp_path / 'sig.db'}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "AUDITKIT_ERROR_LOG_DIR": str(tmp_path / "logs")}
    env.pop("CI", None)
    # the child starts with SIGINT at its default, so Python turns it into KeyboardInterrupt even when the test
    # itself runs as a background job (a non-interactive shell starts those with SIGINT ignored, and an ignored
    # signal stays ignored across exec: the run then finished with exit 0)
    proc = subprocess.Popen([sys.executable, "-m", "auditkit.cli", "run", str(policy), "--db", db, "--device", "cpu",
                             "--no-report"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Wait for the line the CLI prints when perf is stored, read from the process's own output: polling the
    # database instead raced with the writer under load (the reader saw nothing until the run had finished,
    # and the signal then reached a process that had already exited 0).
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any("perf:" in line for line in list(lines)):
            if proc.poll() is not None:
                pytest.fail(f"the run ended before it could be interrupted: {''.join(lines)}")
            if time.monotonic() > deadline:
                pytest.fail("the run never stored its first check")
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        reader.join(timeout=10)
        output = "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, output
    _no_traceback(output)
    with open_store(db, readonly=True) as store:
        (summary,) = store.list_runs()
        run = store.get_run(summary.run_id)
    assert run.state is RunState.RUNNING and run.condition() == "interrupted"
    assert [o.check_id for o in run.outcomes] == ["perf"]
    assert f"--resume {run.run_id[:12]}" in output and "resumable" in output
