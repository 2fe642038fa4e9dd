"""``auditkit policy trust``: review a skops archive's non-default types, write the accepted ones into the policy
with its comments kept, and never change the policy on a refusal or a missing answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters"))  # the black-box model helpers live there
from tabular_models import FEATURES, save_sklearn, training_arrays, write_audit

from auditkit import api
from auditkit.cli import app
from auditkit.errors import ModelError

sio = pytest.importorskip("skops.io")
TREE_PREDICTOR = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"
PERF = [{"id": "perf", "kind": "performance", "thresholds": {"accuracy": {"min": 0.5}}}]


def hgb_policy(tmp: Path) -> Path:
    """A policy over a HistGradientBoosting model (its TreePredictor is not a skops default), with a comment."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    policy = write_audit(tmp, "sklearn", PERF)
    x, y = training_arrays(0, n=400)
    sio.dump(HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(x, y), tmp / "hgb.skops")
    text = policy.read_text().replace("path: model.skops", "path: hgb.skops  # reviewed by model risk")
    policy.write_text("# credit model policy: keep this comment\n" + text)
    return policy


def cli(*args: object, input: str | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def test_an_accepted_type_is_written_with_the_comments_kept_and_the_model_then_loads(tmp_path):
    policy = hgb_policy(tmp_path)
    with pytest.raises(ModelError, match=r"model\.trusted"):
        api.run_audit(policy, store=None, device="cpu", report=False)
    result = cli("policy", "trust", policy, input="y\n")
    assert result.exit_code == 0, result.output
    assert TREE_PREDICTOR in result.output and "now lists 1 type(s)" in result.output
    text = policy.read_text()
    assert text.startswith("# credit model policy: keep this comment\n") and "# reviewed by model risk" in text
    assert yaml.safe_load(text)["model"]["trusted"] == [TREE_PREDICTOR]
    record = api.run_audit(policy, store=None, device="cpu", report=False)
    assert record.model_ref["trusted_types"] == [TREE_PREDICTOR]
    again = cli("policy", "trust", policy)
    assert again.exit_code == 0 and "nothing to trust" in again.output


def test_a_refused_type_or_a_missing_answer_leaves_the_policy_unchanged(tmp_path):
    policy = hgb_policy(tmp_path)
    before = policy.read_bytes()
    refused = cli("policy", "trust", policy, input="n\n")
    assert refused.exit_code == 1 and "not trusted" in refused.output
    # no terminal and no answer (as in CI): click's prompt meets end of input
    silent = subprocess.run([sys.executable, "-m", "auditkit.cli", "policy", "trust", str(policy)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert silent.returncode == 2 and "--yes" in silent.stderr and "Traceback" not in silent.stderr, silent.stderr
    assert policy.read_bytes() == before
    scripted = cli("policy", "trust", policy, "--yes")
    assert scripted.exit_code == 0 and f"trusted: {TREE_PREDICTOR}" in scripted.output
    assert yaml.safe_load(policy.read_text())["model"]["trusted"] == [TREE_PREDICTOR]


def test_models_that_are_not_skops_archives_have_nothing_to_trust(tmp_path):
    policy = write_audit(tmp_path, "xgboost", PERF)
    result = cli("policy", "trust", policy)
    assert result.exit_code == 2 and "model.type is 'xgboost'" in result.output
    (tmp_path / "sk").mkdir()
    save_sklearn(tmp_path / "sk" / "model.skops", seed=0)
    plain = write_audit(tmp_path / "sk", "sklearn", PERF)
    assert FEATURES and cli("policy", "trust", plain).output.count("nothing to trust") == 1
