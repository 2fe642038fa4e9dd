"""The CI examples in docs/ci parse as YAML, run the gate with JUnit, and publish the file they write."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from typer.testing import CliRunner

from auditkit.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs" / "ci"


def _auditkit_command(lines: list[str]) -> list[str]:
    (command,) = [c for c in lines if "auditkit run" in c]
    words = shlex.split(command.replace("\\\n", " "))
    return words[words.index("auditkit"):words.index(">")] if ">" in words else words[words.index("auditkit"):]


def _check_command(words: list[str]) -> str:
    """The command uses real options of `auditkit run` and has --gate and --junit; returns the JUnit path."""
    assert words[:2] == ["auditkit", "run"] and "--gate" in words and "--junit" in words
    help_text = CliRunner().invoke(app, ["run", "--help"], terminal_width=200).output
    for word in words:
        if word.startswith("--"):
            assert word in help_text, f"{word} is not an option of auditkit run"
    return words[words.index("--junit") + 1]


def test_github_actions_example():
    doc = yaml.safe_load((DOCS / "github-actions.yml").read_text())
    steps = doc["jobs"]["audit"]["steps"]
    junit = _check_command(_auditkit_command([s["run"] for s in steps if "run" in s]))
    report = next(s for s in steps if str(s.get("uses", "")).startswith("mikepenz/action-junit-report"))
    assert report["with"]["report_paths"] == junit and report["if"] == "always()"
    assert doc["permissions"]["checks"] == "write"


def test_gitlab_ci_example():
    doc = yaml.safe_load((DOCS / "gitlab-ci.yml").read_text())
    job = doc["model-audit"]
    junit = _check_command(_auditkit_command(job["script"]))
    assert job["artifacts"]["reports"]["junit"] == junit and job["artifacts"]["when"] == "always"
