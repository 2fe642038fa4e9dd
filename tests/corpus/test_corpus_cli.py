"""Bad-input corpus, CLI half: rich markup in user text, unusable ``--out``/``--junit`` paths, sign-off retries.

User text (group values, system names, paths, signer names, comments, run ids) must print literally: ``[/]``
never raises ``MarkupError`` and ``[red]`` never vanishes. An unusable output path is exit 2 naming it,
before any work where possible, and leaves no partial file. A sign-off is stored together with the report
version that shows it: a crash while rendering leaves neither, and a retry never duplicates it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from analytic_audit import make_frame, write_audit
from typer.testing import CliRunner

import auditkit
import auditkit.api
from auditkit.cli import app
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "severity": "blocker", "thresholds": {"accuracy": {"min": 0.1}}}
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "info", "attributes": ["sex"]}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``cli(*args)``: the CLI in-process on ``tmp_path/cli.db``, cwd ``tmp_path``, error logs in ``logs/``."""
    monkeypatch.setenv("AUDITKIT_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("AUDITKIT_ERROR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _clean(result) -> None:
    assert "Traceback" not in result.output and "MarkupError" not in result.output, result.output


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    """A database with one complete run and its HTML report v1 (built once, copied per case)."""
    tmp = tmp_path_factory.mktemp("cli-stored")
    policy = write_audit(tmp, make_frame(40, {"female": 0.5, "male": 0.5}), [PERF], report={"formats": ["html"]})
    with open_store(f"sqlite:///{tmp / 'cli.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu")
    return {"db": tmp / "cli.db", "run_id": run.run_id, "policy": policy}


@pytest.fixture
def copied(stored, tmp_path) -> str:
    """The stored database copied to ``tmp_path/cli.db`` (the ``cli`` fixture's database); the run id."""
    shutil.copy(stored["db"], tmp_path / "cli.db")
    return stored["run_id"]


# ----------------------------------------------------------------- markup in data, names, paths

GROUP_VALUES = ["[/]", "[red]alarm", "[bold]x[/bold]", "[/red]", "[link=https://example.org]y", "a\\[b]"]


@pytest.mark.parametrize("value", GROUP_VALUES)
def test_markup_in_a_group_value_prints_literally(cli, tmp_path, value):
    policy = write_audit(tmp_path, make_frame(60, {value: 0.3, "plain": 0.7}), [PERF, PARITY],
                         statistics={"min_group_size": 10})
    result = cli("run", policy, "--gate", "--no-report", "--device", "cpu", "--json")
    assert result.exit_code == 0, result.output
    _clean(result)
    assert value in json.loads(result.stdout)["checks"][1]["summary"]
    assert value in result.stderr  # the progress line shows the value as written
    shown = cli("show", json.loads(result.stdout)["run_id"])
    assert shown.exit_code == 0 and value in shown.stdout, shown.output


@pytest.mark.parametrize("commit", ["[red]abc[/]", "[/]", "x[bold]y"])
def test_markup_in_the_commit_prints_literally_in_runs_and_show(cli, tmp_path, commit):
    policy = write_audit(tmp_path, make_frame(40, {"female": 0.5, "male": 0.5}), [PERF])
    first = cli("run", policy, "--no-report", "--device", "cpu", "--json", "--commit", commit)
    second = cli("run", policy, "--no-report", "--device", "cpu", "--json", "--commit", commit + "2")
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    a, b = json.loads(first.stdout)["run_id"], json.loads(second.stdout)["run_id"]
    for args in (["runs"], ["show", a], ["diff", a, b]):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        _clean(result)
        assert args[0] == "diff" or commit in result.stdout, (args, result.stdout)  # diff shows no commits


@pytest.mark.parametrize("folder", ["[red]policies", "[/]", "a[b]c"])
def test_markup_in_a_missing_policy_path_is_printed_literally(cli, tmp_path, folder):
    missing = tmp_path / folder / "policy.yaml"
    result = cli("run", missing, "--gate")
    assert result.exit_code == 2
    _clean(result)
    assert str(missing) in result.output
    assert not (tmp_path / "cli.db").exists()


def test_markup_in_the_out_path_is_printed_literally(cli, copied, tmp_path):
    out = tmp_path / "[bold]reports[/]"
    result = cli("report", copied, "--out", out)
    assert result.exit_code == 0, result.output
    _clean(result)
    assert str(out) in result.output and _files(out) == ["analytic-system-v1.html"]


@pytest.mark.parametrize(("name", "role", "comment"), [
    ("[/]", "reviewer", None),
    ("[red]Eve[/red]", "[bold]approver", "looks [green]fine[/]"),
    ("Mallory \\[x]", "executor", "[/][/][/]"),
])
def test_markup_in_signer_name_role_and_comment_is_stored_and_printed_literally(cli, copied, tmp_path, name, role,
                                                                                 comment):
    extra = ["--comment", comment] if comment else []
    result = cli("signoff", copied, "--by", name, "--role", role, "--decision", "approve", "--out", tmp_path / "o",
                 *extra)
    assert result.exit_code == 0, result.output
    _clean(result)
    assert f"{name} ({role}) recorded approve" in result.output
    with open_store(f"sqlite:///{tmp_path / 'cli.db'}", readonly=True) as store:
        (signoff,) = store.list_signoffs(copied)
    assert (signoff["name"], signoff["role"], signoff["comment"]) == (name, role, comment)


# ----------------------------------------------------------------- unusable --out and --junit


def _full_disk(monkeypatch) -> None:
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(auditkit.api.os, "fsync", no_space)


def _file_in_the_way(tmp: Path, monkeypatch) -> Path:
    (tmp / "taken").write_text("x")
    return tmp / "taken"


def _under_a_file(tmp: Path, monkeypatch) -> Path:
    return _file_in_the_way(tmp, monkeypatch) / "sub"


def _read_only_dir(tmp: Path, monkeypatch) -> Path:
    """A directory without write permission (root ignores modes: then the permission test itself says no)."""
    locked = tmp / "locked"
    locked.mkdir(mode=0o555)
    if os.geteuid() == 0:
        monkeypatch.setattr(auditkit.api, "_dir_writable", lambda path: False)
    return locked


def _disk_full(tmp: Path, monkeypatch) -> Path:
    _full_disk(monkeypatch)
    return tmp / "out"


OUT_CASES = [
    # (id, prepare(tmp, monkeypatch) -> --out path, text the message must contain)
    ("out-is-a-file", _file_in_the_way, "is a file"),
    ("out-under-a-file", _under_a_file, "cannot create"),
    ("out-not-writable", _read_only_dir, "is not writable"),
    ("disk-full", _disk_full, "No space left on device"),
]


@pytest.mark.parametrize(("prepare", "needle"), [c[1:] for c in OUT_CASES], ids=[c[0] for c in OUT_CASES])
@pytest.mark.parametrize("verb", ["report", "run"])
def test_an_unusable_out_is_exit_2_and_leaves_no_partial_file(cli, stored, copied, tmp_path, monkeypatch, prepare,
                                                              needle, verb):
    out = prepare(tmp_path, monkeypatch)
    before = _files(tmp_path)
    args = ["report", copied] if verb == "report" else ["run", stored["policy"], "--device", "cpu"]
    result = cli(*args, "--out", out)
    assert result.exit_code == 2, result.output
    _clean(result)
    assert str(out) in result.output and needle in result.output
    assert not [f for f in _files(tmp_path) if f.endswith(".partial") or f.endswith((".html", ".pdf"))]
    if needle != "No space left on device":  # refused before the audit: no run stored
        assert _files(tmp_path) == before
        with open_store(f"sqlite:///{tmp_path / 'cli.db'}", readonly=True) as store:
            assert len(store.list_runs()) == 1


@pytest.mark.parametrize("where", ["a-directory", "under-a-file"])
def test_an_unusable_junit_path_is_exit_2(cli, copied, tmp_path, where):
    (tmp_path / "taken").write_text("x")
    junit = tmp_path if where == "a-directory" else tmp_path / "taken" / "junit.xml"
    result = cli("gate", copied, "--junit", junit)
    assert result.exit_code == 2, result.output
    _clean(result)
    assert str(junit) in result.output and not [f for f in _files(tmp_path) if f.endswith(".partial")]


# ----------------------------------------------------------------- sign-off: one transaction, no duplicate retries


def _signoffs_and_versions(tmp_path: Path, run_id: str) -> tuple[int, list[int]]:
    with open_store(f"sqlite:///{tmp_path / 'cli.db'}", readonly=True) as store:
        return len(store.list_signoffs(run_id)), [r.version for r in store.list_reports("analytic-system")]


SIGN = ["--by", "Ada", "--role", "approver", "--decision", "approve"]


@pytest.mark.parametrize("error", [RuntimeError("renderer crashed"), MemoryError(), SystemExit(0)],
                         ids=["runtime-error", "memory-error", "system-exit"])
def test_a_crash_while_rendering_the_signed_version_stores_no_signoff(cli, copied, tmp_path, monkeypatch, error):
    def crash(*args, **kwargs):
        raise error

    with monkeypatch.context() as patch:
        patch.setattr(auditkit.api, "render_report", crash)
        result = cli("signoff", copied, *SIGN, "--out", tmp_path / "o")
    assert result.exit_code == 4, result.output
    _clean(result)
    assert _signoffs_and_versions(tmp_path, copied) == (0, [1])  # neither the sign-off nor a new version
    assert _files(tmp_path / "o") == []
    retry = cli("signoff", copied, *SIGN, "--out", tmp_path / "o")
    assert retry.exit_code == 0, retry.output
    assert _signoffs_and_versions(tmp_path, copied) == (1, [1, 2])


def test_a_retry_after_the_out_folder_failed_does_not_duplicate_the_signoff(cli, copied, tmp_path, monkeypatch):
    with monkeypatch.context() as patch:
        _full_disk(patch)
        result = cli("signoff", copied, *SIGN, "--out", tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and _files(tmp_path / "o") == []
    assert _signoffs_and_versions(tmp_path, copied) == (1, [1, 2])  # stored with its version, atomically
    retry = cli("signoff", copied, *SIGN, "--out", tmp_path / "o")
    assert retry.exit_code == 0, retry.output
    assert _signoffs_and_versions(tmp_path, copied) == (1, [1, 2])  # the same sign-off, not a second one
    assert "already recorded" in retry.output
    assert _files(tmp_path / "o") == ["analytic-system-v2.html"]
    other = cli("signoff", copied, "--by", "Bob", "--role", "reviewer", "--decision", "reject", "--out",
                tmp_path / "o")
    assert other.exit_code == 0 and _signoffs_and_versions(tmp_path, copied) == (2, [1, 2, 3])
