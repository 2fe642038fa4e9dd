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
from auditkit.fleet import FleetFile

DOCS = Path(__file__).resolve().parents[1] / "docs"


#: Options of ``auditkit fleet`` that the Ray executor adds (issue #17 items 1-2); the KubeRay example already
#: uses them. Each one is accepted here only while the CLI lacks it, so once it lands it is checked like the rest.
RAY_OPTIONS = {"--executor", "--ray-address"}


def _options(name: str) -> set[str]:
    command = typer.main.get_command(app)
    return {opt for param in command.commands[name].params for opt in getattr(param, "opts", [])}


def _assert_valid_args(args: list[str], pending: set[str] = frozenset()) -> None:
    """``args`` (after ``auditkit``) are ``run POLICY.yaml ...`` or ``fleet FLEET.yaml ...`` with real options."""
    assert args[0] in ("run", "fleet") and args[1].endswith(".yaml")
    options = _options(args[0])
    unknown = {a for a in args if a.startswith("--")} - options - (pending - options)
    assert not unknown, f"options the CLI does not have: {unknown}"


def _assert_valid_run_args(args: list[str]) -> None:
    assert args[0] == "run"
    _assert_valid_args(args)


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


def test_cron_lines_use_real_options() -> None:
    text = (DOCS / "scheduling.md").read_text()
    blocks = re.findall(r"```cron\n(.*?)\n```", text, flags=re.S)
    commands = []
    for block in blocks:
        fields = block.split()
        assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
        words = shlex.split(block.split("&&", 1)[1].split(">>")[0])
        args = words[words.index("auditkit") + 1 :]
        _assert_valid_args(args)
        commands.append(args[0])
    assert commands == ["run", "fleet"]


def test_kubernetes_fleet_cronjob_example_is_valid() -> None:
    doc = yaml.safe_load((DOCS / "k8s-cronjob-fleet.yaml").read_text())
    assert doc["apiVersion"] == "batch/v1" and doc["kind"] == "CronJob"
    spec = doc["spec"]
    assert len(spec["schedule"].split()) == 5 and spec["concurrencyPolicy"] == "Forbid"
    assert spec["jobTemplate"]["spec"]["backoffLimit"] == 0
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["auditkit"]
    args = [str(a) for a in container["args"]]
    _assert_valid_args(args)
    assert args[0] == "fleet" and int(args[args.index("--jobs") + 1]) >= 1
    assert args[args.index("--trigger") + 1] == "schedule"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert all(args[args.index(opt) + 1].startswith(tuple(mounts)) for opt in ("--out", "--junit"))
    assert "AUDITKIT_DB_URL" in {e["name"] for e in container["env"]}


def test_kuberay_rayjob_example_runs_the_fleet_on_the_cluster() -> None:
    doc = yaml.safe_load((DOCS / "kuberay-rayjob.yaml").read_text())
    assert doc["apiVersion"] == "ray.io/v1" and doc["kind"] == "RayJob"
    spec = doc["spec"]
    assert spec["shutdownAfterJobFinishes"] is True and spec["ttlSecondsAfterFinished"] > 0
    assert isinstance(yaml.safe_load(spec["runtimeEnvYAML"])["env_vars"], dict)
    words = shlex.split(spec["entrypoint"].split("&&", 1)[1])
    assert words[0] == "auditkit"
    args = words[1:]
    _assert_valid_args(args, pending=RAY_OPTIONS)
    assert args[0] == "fleet"
    assert args[args.index("--executor") + 1] == "ray" and args[args.index("--ray-address") + 1] == "auto"
    assert args[args.index("--db") + 1] == "$AUDITKIT_DB_URL" and "--junit" in args
    cluster = spec["rayClusterSpec"]
    assert isinstance(cluster["rayVersion"], str)
    pods = [cluster["headGroupSpec"]["template"]] + [g["template"] for g in cluster["workerGroupSpecs"]]
    assert all({"groupName", "replicas", "minReplicas", "maxReplicas"} <= set(g) for g in cluster["workerGroupSpecs"])
    for pod in pods:  # every pod sees the database URL and the shared audit volume
        (container,) = pod["spec"]["containers"]
        assert "AUDITKIT_DB_URL" in {e["name"] for e in container["env"]}
        claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]}
        assert {m["name"] for m in container["volumeMounts"]} <= set(claims)
        assert "/audit" in {m["mountPath"] for m in container["volumeMounts"]}
    assert cluster["headGroupSpec"]["rayStartParams"]["dashboard-host"] == "0.0.0.0"


def test_the_documented_fleet_file_is_valid() -> None:
    text = (DOCS / "scheduling.md").read_text()
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S) if b.startswith("# fleet.yaml")]
    fleet = FleetFile.model_validate(yaml.safe_load(block))
    assert len(fleet.policies) == 3 and fleet.policies[2].device == "cuda"


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
