"""Fixtures of the bad-input corpus: a valid audit directory per test and the in-process CLI gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from analytic_audit import MODEL_PY, make_frame
from corpus_support import Audit, base_policy
from typer.testing import CliRunner


@pytest.fixture
def audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Audit:
    """A valid audit in ``tmp_path`` (rates 0.5/0.5, 60 rows per group) with the CLI's database there too."""
    monkeypatch.setenv("AUDITKIT_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "step.py").write_text(MODEL_PY)
    make_frame(60, {"female": 0.5, "male": 0.5}).to_csv(tmp_path / "data.csv", index=False)
    a = Audit(tmp_path)
    a.write_policy(base_policy())
    return a


@pytest.fixture
def gate() -> Callable[..., object]:
    """``gate(policy_path, *extra)`` runs ``auditkit run --gate --no-report --device cpu`` in-process."""
    from auditkit.cli import app

    runner = CliRunner()

    def invoke(policy: Path | str, *extra: str):
        return runner.invoke(app, ["run", str(policy), "--gate", "--no-report", "--device", "cpu", *extra],
                             catch_exceptions=True)

    return invoke
