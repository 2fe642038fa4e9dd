"""Shared fixture of the CLI tests: invoke ``auditkit`` in-process against a per-test SQLite database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from auditkit.cli import app


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``cli(*args)`` runs the CLI with ``$AUDITKIT_DB_URL`` pointing into ``tmp_path`` and ``$CI`` unset."""
    monkeypatch.setenv("AUDITKIT_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("CI", raising=False)
    runner = CliRunner()

    def invoke(*args: object):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke
