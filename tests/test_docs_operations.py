"""The scheduling and Python API docs: the Kubernetes CronJob parses, its CLI options exist, examples run."""

from __future__ import annotations

import ast
import os
import re
import shlex
from pathlib import Path

import typer
import yaml

import auditkit
from auditkit.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _run_options() -> set[str]:
    command = typer.main.get_command(app)
    return {opt for param in command.commands["run"].params for opt in getattr(param, "opts", [])}


def _assert_valid_run_args(args: list[str]) -> None:
    assert args[0] == "run" and args[1].endswith(".yaml")
    unknown = {a for a in args if a.startswith("--")} - _run_options()
    assert not unknown, f"options the CLI does not have: {unknown}"


def test_kubernetes_cronjob_example_is_valid() -> None:
    doc = yaml.safe_load((DOCS / "k8s-cronjob.yaml").read_text())
    assert doc["apiVersion"] == "batch/v1" and doc["kind"] == "CronJob"
    spec = doc["spec"]
    assert len(spec["schedule"].split()) == 5 and spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    (container,) = pod["containers"]
    assert container["command"] == ["auditkit"]
    args = [str(a) for a in container["args"]]
    _assert_valid_run_args(args)
    assert args[args.index("--trigger") + 1] == "schedule"
    float(args[args.index("--wait-lock") + 1])
    env = {e["name"] for e in container["env"]}
    assert {"AUDITKIT_DB_URL", "GIT_COMMIT"} <= env


def test_cron_line_uses_real_options() -> None:
    text = (DOCS / "scheduling.md").read_text()
    (block,) = re.findall(r"```cron\n(.*?)\n```", text, flags=re.S)
    fields = block.split()
    assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
    words = shlex.split(block.split("&&", 1)[1].split(">>")[0])
    _assert_valid_run_args(words[words.index("auditkit") + 1 :])


def test_python_api_examples_parse_and_name_real_exports() -> None:
    text = (DOCS / "python-api.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 3
    for block in blocks:
        tree = ast.parse(block)
        used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name) and n.value.id == "auditkit"}
        assert used <= set(auditkit.__all__), used - set(auditkit.__all__)
    for name in re.findall(r"^\| `(\w+)\(", text, flags=re.M):
        assert name in auditkit.__all__ and getattr(auditkit, name).__doc__


def test_notebook_example_runs(analytic, tmp_path, monkeypatch) -> None:
    policy = analytic({"female": 0.4, "male": 0.6}, [{"id": "perf", "kind": "performance",
                                                       "thresholds": {"accuracy": {"min": 0.1}}}],
                      report={"formats": ["html"]})
    block = re.findall(r"```python\n(.*?)```", (DOCS / "python-api.md").read_text(), flags=re.S)[0]
    code = block.split("# In Jupyter")[0].replace("policies/credit-scoring-eu.yaml", str(policy))
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "python-api.md", "exec"), namespace)  # the documented example itself
    assert namespace["run"].gate is auditkit.GateDecision.PASS
    assert all(Path(p).is_file() for p in namespace["paths"]) and os.path.exists("audits.db")
