"""prohibited_feature_use on models with a known answer: used → FAIL; encoded but unused → PASS; unrelated → PASS."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml

import auditkit
from auditkit.results import Status
from auditkit.store import open_store

# Hidden layer (8 units): h = ReLU(Wx + 3) with unit 0 = x, unit 1 = the proxy, units 2-7 fixed mixtures of
# both; the output reads unit 0 and (with weight proxy_weight) unit 1 only. With proxy_weight = 0 the proxy,
# and so sex, is encoded in the hidden layer but the output ignores it.
MODEL_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build(proxy_weight: float = 0.0, threshold: float = 0.0):
        model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
        mix = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.5, -0.5], [0.2, 0.8],
                            [-0.3, 0.6], [0.7, 0.1], [-0.4, -0.4]])
        with torch.no_grad():
            model[0].weight.copy_(mix)
            model[0].bias.fill_(3.0)
            model[2].weight.zero_()
            model[2].weight[0, 0] = 4.0
            model[2].weight[0, 1] = proxy_weight
            model[2].bias.fill_(-12.0 - 3.0 * proxy_weight - 4.0 * threshold)
        return model
    """
)

CHECK = {"id": "sex-not-used", "kind": "prohibited_feature_use", "attribute": "sex", "severity": "blocker",
         "n_permutations": 49, "random_draws": 10, "max_probe_examples": 800, "folds": 4, "layers": ["1"]}


def _write(tmp_path, *, proxy_weight: float, related: bool, n: int = 1600, seed: int = 0, threshold: float = 0.0):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], size=n)
    x = rng.normal(size=n)
    proxy = (np.where(sex == "female", -1.0, 1.0) + 0.5 * rng.normal(size=n)) if related else rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "proxy": proxy, "sex": sex, "y": (x > 0).astype(int)})
    frame.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "model.py").write_text(MODEL_PY)
    policy = {
        "schema_version": 1,
        "policy": {"id": "pfu", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "pfu", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build",
                  "options": {"proxy_weight": proxy_weight, "threshold": threshold}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", "proxy"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 500, "seed": 1},
        "checks": [CHECK],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


def _run(policy, tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        return auditkit.run_audit(policy, store=store, device="cpu", report=False).outcome("sex-not-used")


def test_two_input_model_fails_where_sex_enters_although_its_2d_layer_cannot_separate_it(tmp_path):
    """The 2-input toy reads sex through its proxy, but its hidden layer is two-dimensional (x and the proxy).

    Removing as much of the layer's variance unrelated to sex in random directions removes part of x and flips
    at least as many decisions as erasing sex: the erasure cannot show that sex *specifically* matters, so that
    layer's rule says so. Where sex enters the model (its proxy, moved by the propagated counterfactual of the
    inputs) the effect is far beyond the tolerance and beyond a placebo that moves the same input with permuted
    labels, so the model FAILS, as it must.
    """
    out = _run(_write(tmp_path, proxy_weight=4.0, related=True), tmp_path)
    assert out.status is Status.FAIL, out.summary
    assert out.details["rules"] == {"1": "effect_not_beyond_control",
                                    "inputs": "input_counterfactual_beyond_tolerance_and_placebo"}
    moved = out.measurement("input_counterfactual_flip_rate", "inputs")
    assert moved.status is Status.FAIL and moved.ci_low > 0.3
    assert moved.value > out.measurement("input_placebo_flip_rate_p95", "inputs").value
    fr = out.measurement("erasure_flip_rate", "1")
    assert fr.ci_low > 0.01 and fr.status is Status.FAIL
    assert fr.value <= out.measurement("random_control_flip_rate_p95", "1").value
    assert "not specific to sex" in out.summary
    # the inputs' counterfactual decides (it reads a FAIL); the erasure's flip rate above the tolerance is diagnostic
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule == "input_counterfactual_beyond_tolerance_and_placebo"
    assert "input_counterfactual_flip_rate@inputs" in verdict.reads and "erasure_flip_rate@1" not in verdict.reads
    # the one proxy flagged and attributed is the finding's cause
    assert {f.cause for f in out.evidence.findings} == {"feature:proxy"}
    # the erasure itself is complete: the probe falls to about chance after it
    assert out.measurement("probe_accuracy_after_erasure", "1").ci_high < 0.55
    # the proxy screening names the input that carries sex, and the inputs jointly reveal it
    screen = next(t for t in out.evidence.tables if t.title.key == "prohibited_feature_use.table.proxies.title")
    assert screen.rows[0][0] == "proxy" and screen.rows[0][3] is not None and screen.rows[0][-1] is True
    assert out.measurement("proxy_joint_auc").ci_low > 0.9


# A 10 -> 32 -> 32 -> 1 ReLU MLP with fixed seeded weights (built, not trained: the same on every machine). Input
# f9 is a proxy of sex; ``proxy_scale`` scales its first-layer weights (0: the model cannot use sex at all). At the
# erased layer ("3", the second ReLU) six units never fire and two fire on ~0.05% of rows: an eraser fitted on
# them writes sex back into them, which made the check unable to FAIL such models before.
DEAD_UNITS_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build(proxy_scale: float = 1.0, dead: int = 6, nearly_dead: int = 2):
        gen = torch.Generator().manual_seed(20261205)
        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
        sample = torch.randn(20000, 10, generator=gen)
        with torch.no_grad():
            for layer in (model[0], model[2], model[4]):
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen) / layer.weight.shape[1] ** 0.5)
                layer.bias.copy_(0.1 * torch.randn(layer.bias.shape, generator=gen))
            model[0].weight[:, 9] *= proxy_scale
            pre = model[2](model[1](model[0](sample)))
            model[2].bias[:dead] -= pre[:, :dead].max(dim=0).values + 1.0
            model[2].bias[dead:dead + nearly_dead] -= torch.quantile(pre[:, dead:dead + nearly_dead], 0.9995, dim=0)
            model[4].bias -= model(sample)[:, 0].median()
        return model
    """
)


def _population(n: int, seed: int):
    rng = np.random.default_rng(seed)
    sex = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 10))
    noise = rng.normal(size=n)
    X[:, 9] = 0.9 * (2 * sex - 1) + 0.45 * noise  # a strong proxy: correlation ≈ 0.9 with sex
    return X, sex, noise


def _write_dead(tmp_path, proxy_scale: float, n: int = 4000):
    X, sex, _ = _population(n, 0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(10)])
    frame["sex"] = np.where(sex == 1, "male", "female")
    frame["y"] = (X[:, 0] > 0).astype(int)
    frame.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "model.py").write_text(DEAD_UNITS_PY)
    policy = {
        "schema_version": 1,
        "policy": {"id": "pfu", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "pfu", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build", "options": {"proxy_scale": proxy_scale}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": [f"f{i}" for i in range(10)]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 500, "seed": 1},
        "checks": [{**CHECK, "layers": ["3"], "max_probe_examples": 1000, "attribution_examples": 0}],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


def _true_flip_rate(tmp_path, proxy_scale: float) -> float:
    """Structural counterfactual on a large regenerated population: sex flipped, the proxy's noise kept."""
    import importlib.util

    import torch

    spec = importlib.util.spec_from_file_location("dead_units_model", tmp_path / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build(proxy_scale)
    X, sex, noise = _population(200_000, 9)
    X_cf = X.copy()
    X_cf[:, 9] = 0.9 * (1 - 2 * sex) + 0.45 * noise
    with torch.no_grad():
        d = model(torch.tensor(X, dtype=torch.float32))[:, 0] > 0
        d_cf = model(torch.tensor(X_cf, dtype=torch.float32))[:, 0] > 0
        hidden = model[3](model[2](model[1](model[0](torch.tensor(X[:20000], dtype=torch.float32)))))
    active = (hidden > 0).float().mean(dim=0)
    assert int((active == 0).sum()) >= 6 and int(((active > 0) & (active < 0.002)).sum()) >= 2  # dead, nearly dead
    return float((d != d_cf).float().mean())


def test_model_with_dead_units_that_uses_sex_through_a_proxy_fails(tmp_path):
    path = _write_dead(tmp_path, proxy_scale=2.0)
    assert _true_flip_rate(tmp_path, 2.0) > 0.2  # the known answer: flipping sex changes over 20% of decisions
    out = _run(path, tmp_path)
    assert out.status is Status.FAIL, out.summary
    assert out.details["rules"] == {"3": "erasure_effect_beyond_tolerance_and_control",
                                    "inputs": "input_counterfactual_beyond_tolerance_and_placebo"}
    fr = out.measurement("erasure_flip_rate", "3")
    assert fr.ci_low > 0.01 and fr.value > out.measurement("random_control_flip_rate_p95", "3").value
    # the dead and nearly-dead units do not leak the attribute back: from about 0.9 before erasure, the probe falls to
    # near chance after it (what is left, ~0.55, is the eraser's estimation error over 24 units on 2,000 fit rows)
    assert out.measurement("probe_balanced_accuracy", "3").value > 0.85
    assert out.measurement("probe_accuracy_after_erasure", "3").value < 0.6
    assert any(n.key == "prohibited_feature_use.note.dead_units" and n.params["layer"] == "3"
               for n in out.evidence.notes)
    assert "it is used" in out.summary
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule == "erasure_effect_beyond_tolerance_and_control" and "erasure_flip_rate@3" in verdict.reads


def test_flips_beyond_max_effect_examples_are_counted_on_a_stratified_sample_and_still_fail_the_proxy(tmp_path):
    """The erasure, its control and the input counterfactual cost what max_effect_examples rows cost."""
    path = _write_dead(tmp_path, proxy_scale=2.0)
    policy = yaml.safe_load(path.read_text())
    policy["checks"][0]["max_effect_examples"] = 600
    path.write_text(yaml.safe_dump(policy))
    out = _run(path, tmp_path)
    assert out.status is Status.FAIL, out.summary
    fr = out.measurement("erasure_flip_rate", "3")
    assert fr.n == 600 and fr.ci_low > 0.01
    note = next(n for n in out.evidence.notes if n.key == "prohibited_feature_use.note.effect_sample")
    assert note.params["rows"].value == 600 and note.params["total"].value == 4000 - 2000  # half fit the eraser
    assert note.params["limit"].value == 600


def test_model_with_dead_units_that_cannot_use_sex_passes(tmp_path):
    path = _write_dead(tmp_path, proxy_scale=0.0)
    assert _true_flip_rate(tmp_path, 0.0) == 0.0
    out = _run(path, tmp_path)
    assert out.status is Status.PASS, out.summary
    assert out.details["rules"] == {"3": "not_encoded_at_layer"}
    # the verdict is the probe at the decision layer, never the erasure's flip rate there
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule == "not_encoded_at_layer" and "probe_balanced_accuracy@3" in verdict.reads
    assert not any(r.startswith("erasure_flip_rate") for r in verdict.reads)


def test_encoded_but_unused_passes_and_says_both(tmp_path):
    # decisions at x > 1.5, away from the bulk of x: at x = 0 the chance difference of x between the sexes in the
    # fit rows, which the estimated direction of sex carries, moves enough rows across the boundary in the full
    # swap (~1%) that "not used" cannot be shown; 4,000 rows halve the spread of that chance difference
    out = _run(_write(tmp_path, proxy_weight=0.0, related=True, threshold=1.5, n=4000), tmp_path)
    probe = out.measurement("probe_balanced_accuracy", "1")
    assert probe.ci_low > 0.8 and probe.p_value == pytest.approx(1 / 50)  # the smallest p 49 permutations give
    assert out.status is Status.PASS, out.summary
    assert out.details["rules"] == {"1": "complete_erasure_effect_within_tolerance"}
    assert out.measurement("erasure_flip_rate", "1").ci_high <= 0.01
    assert out.measurement("shift_flip_rate", "1").ci_high <= 0.01
    assert "linearly decodable" in out.summary and "it is not used" in out.summary
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule == "complete_erasure_effect_within_tolerance"
    assert {"erasure_flip_rate@1", "shift_flip_rate@1"} <= set(verdict.reads)


def test_model_unrelated_to_the_attribute_passes(tmp_path):
    out = _run(_write(tmp_path, proxy_weight=4.0, related=False), tmp_path)
    probe = out.measurement("probe_balanced_accuracy", "1")
    assert probe.ci_low < 0.56  # nothing to decode
    assert out.status is Status.PASS, out.summary
    assert "not shown to be linearly decodable" in out.summary and "shown not to be linearly encoded" in out.summary
    assert _assert_verdict_reads_agree(out).rule == "not_encoded_at_layer"


def test_activations_come_from_the_shared_pass(tmp_path, monkeypatch):
    """Probing adds no second forward pass over the audit data: only the erasure passes on the eval split."""
    from auditkit.adapters.torch_model import TorchTabularAdapter

    calls = []
    original = TorchTabularAdapter.predict

    def counting(self, inputs, **kw):
        calls.append(len(inputs))
        return original(self, inputs, **kw)

    monkeypatch.setattr(TorchTabularAdapter, "predict", counting)
    _run(_write(tmp_path, proxy_weight=0.0, related=True, n=1000), tmp_path)
    assert calls.count(1000) == 1  # the one shared pass over all the data
    assert all(c == 500 for c in calls[1:12])  # erasure + 10 random draws on the eval half
    assert sum(calls[12:14]) == 500  # the shift along the erased directions: one pass per value of sex
    # the inputs' counterfactual: point estimate, 200 refit resamples and 10 placebo draws on the eval half,
    # stacked into few large calls
    assert sum(calls[14:]) == 500 * (1 + 200 + 10) and len(calls[14:]) <= 2


@pytest.mark.parametrize(
    ("change", "fragment", "status"),
    [
        ({"layers": ["nope"]}, "layer(s) 'nope' do not exist", Status.ERROR),
        ({"erase_at": ["1", "9"]}, "layer(s) '9' do not exist", Status.ERROR),
        ({"group_column": "missing"}, "group_column 'missing' is not in the data", Status.ERROR),
    ],
)
def test_bad_parameters_give_clear_reasons(tmp_path, change, fragment, status):
    policy = _write(tmp_path, proxy_weight=0.0, related=True, n=600)
    doc = yaml.safe_load(policy.read_text())
    doc["checks"][0].update(change)
    policy.write_text(yaml.safe_dump(doc))
    out = _run(policy, tmp_path)
    assert out.status is status and fragment in (out.error or out.summary)


def test_single_valued_attribute_is_skipped_and_tiny_groups_inconclusive(tmp_path):
    policy = _write(tmp_path, proxy_weight=0.0, related=True, n=600)
    frame = pd.read_csv(tmp_path / "data.csv")
    frame["sex"] = "female"
    frame.to_csv(tmp_path / "data.csv", index=False)
    assert _run(policy, tmp_path).status is Status.SKIPPED
    frame["sex"] = ["male"] * 5 + ["female"] * (len(frame) - 5)
    frame.to_csv(tmp_path / "data.csv", index=False)
    out = _run(policy, tmp_path)
    assert out.status is Status.INCONCLUSIVE and "Too few examples" in out.summary
    assert _assert_verdict_reads_agree(out).rule == "too_few_examples_per_value"


# Linear model over [x, sex_code] (sex a model input): logit = 2x + b·sex_code + c. With the background mean as
# the reference, Integrated Gradients is exact: φ = w ⊙ (x − x̄), so the attribute's share is known in closed form.
LINEAR_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build(b: float = 0.0):
        model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
        with torch.no_grad():
            model[0].weight.copy_(torch.eye(2))
            model[0].bias.zero_()
            model[1].weight.copy_(torch.tensor([[2.0, b]]))
            model[1].bias.fill_(-b / 2)
        return model
    """
)


def _write_direct(tmp_path, b: float, n: int = 1200):
    rng = np.random.default_rng(3)
    sex = rng.integers(0, 2, size=n)
    x = rng.normal(size=n)
    pd.DataFrame({"x": x, "sex_code": sex, "y": (x > 0).astype(int)}).to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "model.py").write_text(LINEAR_PY)
    policy = {
        "schema_version": 1,
        "policy": {"id": "pfu", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "pfu", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build", "options": {"b": b}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", "sex_code"]},
        "protected_attributes": [{"name": "sex", "column": "sex_code", "values": [0, 1], "model_input": True}],
        "statistics": {"bootstrap": 500, "seed": 1},
        "checks": [{**CHECK, "layers": ["0"]}],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path, x, sex


@pytest.mark.parametrize("b", [0.0, 3.0])
def test_attribution_mass_of_a_protected_input_matches_closed_form(tmp_path, b):
    path, x, sex = _write_direct(tmp_path, b)
    out = _run(path, tmp_path)
    share = out.measurement("protected_attribution_share", "sex_code")
    # population value of E[|b(s − s̄)| / (|2(x − x̄)| + |b(s − s̄)|)]; the run uses 200 rows and a background mean
    a, c = np.abs(2 * (x - x.mean())), np.abs(b * (sex - sex.mean()))
    expected = float(np.mean(c / (a + c)))
    assert share.ci_low - 0.02 <= expected <= share.ci_high + 0.02
    notes = {n.key for n in out.evidence.notes}
    if b == 0:
        assert share.value == 0 and share.ci_high == 0
        # encoded at layer 0 (an identity), unused by the head; LEACE also moves x by its sample covariance
        # with sex, which flips a few decisions at the boundary x = 0, so use is not shown to be absent either
        assert out.status is not Status.FAIL, out.summary
        assert "prohibited_feature_use.note.input_share_flagged" not in notes
        assert out.measurement("protected_in_top3_rate", "sex_code").value == 0.0
    else:
        assert share.ci_low > 0.05 and "prohibited_feature_use.note.input_share_flagged" in notes
        assert out.measurement("protected_in_top3_rate", "sex_code").value == 1.0  # two inputs, both non-zero
        # in two dimensions erasing any one direction flips many decisions, so the random control (A2.6) keeps
        # the erasure from deciding; the direct use is the flip-only counterfactual's to decide
        assert out.status is not Status.PASS, out.summary
        # sex is a model input: the findings name the attribute, not a proxy
        assert {f.cause for f in out.evidence.findings} == {"attribute:sex"}
    _assert_verdict_reads_agree(out)


# --- the verdict as evidence: rule ids, what each rule reads, and the catalogue ---------------------------------


def _assert_verdict_reads_agree(out):
    """The invariants of typed evidence: PASS reads no FAIL/INCONCLUSIVE, FAIL reads a FAIL, INCONCLUSIVE no FAIL."""
    from auditkit.checks.prohibited_feature_use import ProhibitedFeatureUseCheck
    from auditkit.evidence import ref

    verdict = out.evidence.verdict
    assert verdict is not None and verdict.rule in ProhibitedFeatureUseCheck.rules
    read = [m for m in out.measurements if ref(m.name, m.group) in verdict.reads]
    assert len(read) == len(verdict.reads)
    assert all(m.role == ("decisive" if m in read else "diagnostic") for m in out.measurements)
    statuses = {m.status for m in read}
    if out.status is Status.PASS:
        assert not statuses & {Status.FAIL, Status.INCONCLUSIVE}
        assert out.evidence.findings == ()
    elif out.status is Status.FAIL:
        assert Status.FAIL in statuses
    else:
        assert Status.FAIL not in statuses
    if out.status is not Status.PASS:
        assert out.evidence.findings and all(f.cause for f in out.evidence.findings)
    return verdict


def test_every_rule_has_its_criterion_and_name_in_every_language():
    from auditkit.checks._sae_section import SAE_RULES
    from auditkit.checks.prohibited_feature_use import RULES, ProhibitedFeatureUseCheck
    from auditkit.i18n import LANGUAGES, messages

    # the SAE section's passing rules never decide alone (a PASS is the layers' rule), but are named in tables
    assert set(RULES) - set(SAE_RULES) < set(ProhibitedFeatureUseCheck.rules)
    for lang in LANGUAGES:
        for rule in {*ProhibitedFeatureUseCheck.rules, *SAE_RULES}:
            assert f"prohibited_feature_use.rule.{rule}" in messages(lang), (lang, rule)
            assert f"prohibited_feature_use.rule_name.{rule}" in messages(lang), (lang, rule)


def test_every_measurement_has_a_name_in_every_language():
    import re

    from auditkit.i18n import LANGUAGES, messages

    source = (__import__("pathlib").Path(__file__).parents[2] / "auditkit/checks/prohibited_feature_use.py").read_text()
    names = set(re.findall(r'(?:Measurement|measure)\(\s*"([a-z0-9_]+)"', source))
    assert "erasure_flip_rate" in names and len(names) >= 15
    for lang in LANGUAGES:
        assert [n for n in names if f"prohibited_feature_use.measure.{n}" not in messages(lang)] == []


def _probe(ba: float, lo: float, hi: float, p: float = 0.001):
    from auditkit.metrics.probing import ProbeResult

    return ProbeResult(ba, 0.5, lo, hi, 0.5, ba - 0.5, p, 49, 1.0, 800)


def _erasure(flip=0.001, ci=(0.0, 0.005), p95=0.02, after=None, shift=0.001, shift_ci=(0.0, 0.005), **extra):
    return {"n": 800, "flips": round(flip * 800), "after": after or _probe(0.5, 0.47, 0.53), "rank": 1,
            "dropped_columns": 0, "kept": 1, "components": 16, "shift_flip_rate": shift, "shift_ci": shift_ci,
            "flip_rate": flip, "flip_ci": ci,
            "mac": 0.01, "mac_ci": (0.009, 0.011), "kl": 0.001, "delta_accuracy": 0.0,
            "delta_accuracy_ci": (-0.01, 0.01), "gap_before": 0.1, "gap_before_ci": (0.08, 0.12), "gap_after": 0.1,
            "gap_after_ci": (0.08, 0.12), "delta_gap_ci": (-0.02, 0.02), "variance_share": 0.1,
            "collateral_share": 0.05, "control_variance_share": 0.1,
            "rand_fr_p95": p95, "rand_kl_p95": 0.001, "rand_fr_median": p95 / 2, "rand_p": 0.05,
            "rand_fr": [p95 / 2] * 10, **extra}


def _synthetic(layers: dict, inputs=None, sae=None):
    """``_verdict`` on given probes and erasures (one entry per erased layer: (probe before, erasure)) and, when
    given, an SAE section (:func:`_sae_section`)."""
    from auditkit.checks.prohibited_feature_use import ProhibitedFeatureParams, _verdict

    params = ProhibitedFeatureParams(attribute="sex", random_draws=10)
    probes = {name: {"probe": p, "mdl_task": 1.0, "mdl_control": 1.0} for name, (p, _) in layers.items()}
    erasures = {name: e for name, (_, e) in layers.items()}
    return _verdict(params, ["female", "male"], probes, erasures, 0.95, "holm", inputs, sae)


def _sae_section(rule: str, flips: tuple[float, float, float] = (0.0, 0.0, 0.005), fve: float = 0.95):
    """An SAE section decided by ``rule``, with the measurements that rule reads."""
    from auditkit.checks._sae_section import GROUP, SAE_RULES, SaeSection
    from auditkit.evidence import Msg
    from auditkit.results import Measurement

    status = SAE_RULES[rule]
    section = SaeSection(layer="3", rule=rule, summary=Msg("prohibited_feature_use.summary.sae.no_feature",
                                                             attribute="sex", layer="3", fve=fve, low=fve, high=fve,
                                                             features=64, tested=10))
    section.measurements = [
        Measurement("sae_variance_explained", fve, fve - 0.01, fve + 0.01, threshold=0.7, comparator=">=",
                    status=Status.PASS if fve - 0.01 >= 0.7 else Status.INCONCLUSIVE, group=GROUP, n=500,
                    confidence=0.95, unit="share"),
        Measurement("sae_top_feature_auc", 0.8, 0.75, 0.85, group=GROUP, n=500, confidence=0.95, unit="score"),
        Measurement("sae_ablation_flip_rate", *flips, threshold=0.01, comparator="<=", status=(
            Status.FAIL if flips[1] > 0.01 else Status.PASS if flips[2] <= 0.01 else Status.INCONCLUSIVE),
            group=GROUP, n=500, confidence=0.95, unit="rate"),
        Measurement("sae_random_control_flip_rate_p95", 0.004, group=GROUP, unit="rate")]
    assert status is not None
    return section


NOT_ENCODED = _probe(0.50, 0.48, 0.52, p=0.5)
ENCODED = _probe(0.90, 0.88, 0.92)


@pytest.mark.parametrize(
    ("before", "erasure", "status", "rule", "reads"),
    [
        # the fair credit model's case: nothing linear to use at the decision layer, although erasing there flips
        # 5.8% [5.2%, 6.4%] (FAIL): the verdict reads the probe, never that flip rate
        (NOT_ENCODED, _erasure(0.058, (0.052, 0.064)), Status.PASS, "not_encoded_at_layer",
         {"probe_balanced_accuracy@3"}),
        (ENCODED, _erasure(0.2, (0.18, 0.22)), Status.FAIL, "erasure_effect_beyond_tolerance_and_control",
         {"erasure_flip_rate@3", "random_control_flip_rate_p95@3", "probe_balanced_accuracy@3"}),
        (ENCODED, _erasure(0.2, (0.18, 0.22), p95=0.5), Status.INCONCLUSIVE, "effect_not_beyond_control",
         {"random_control_flip_rate_p95@3", "probe_balanced_accuracy@3"}),
        (_probe(0.56, 0.54, 0.58), _erasure(0.2, (0.18, 0.22)), Status.INCONCLUSIVE, "encoded_too_weakly_to_erase",
         {"probe_balanced_accuracy@3"}),
        (_probe(0.56, 0.49, 0.60, p=0.3), _erasure(), Status.INCONCLUSIVE, "encoding_undecided",
         {"probe_balanced_accuracy@3"}),
        (ENCODED, _erasure(), Status.PASS, "complete_erasure_effect_within_tolerance",
         {"erasure_flip_rate@3", "probe_accuracy_after_erasure@3", "shift_flip_rate@3", "probe_balanced_accuracy@3"}),
        (ENCODED, _erasure(after=_probe(0.7, 0.65, 0.75)), Status.INCONCLUSIVE, "erasure_incomplete",
         {"erasure_flip_rate@3", "probe_accuracy_after_erasure@3"}),
        # the swap only withholds a PASS: above the tolerance it is not read (the criterion says why)
        (ENCODED, _erasure(shift=0.05, shift_ci=(0.04, 0.06)), Status.INCONCLUSIVE,
         "shift_effect_not_within_tolerance", {"erasure_flip_rate@3", "probe_accuracy_after_erasure@3"}),
        (ENCODED, _erasure(shift=0.01, shift_ci=(0.005, 0.02)), Status.INCONCLUSIVE,
         "shift_effect_not_within_tolerance",
         {"erasure_flip_rate@3", "probe_accuracy_after_erasure@3", "shift_flip_rate@3"}),
        (ENCODED, _erasure(0.012, (0.006, 0.02)), Status.INCONCLUSIVE, "effect_interval_straddles_tolerance",
         {"erasure_flip_rate@3"}),
    ],
)
def test_each_layer_rule_is_the_verdict_and_reads_what_decided_it(before, erasure, status, rule, reads):
    out = _synthetic({"3": (before, erasure)})
    assert out.status is status and out.details["rules"] == {"3": rule}
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule == rule and set(verdict.reads) == reads
    assert out.evidence.tables[1].rows[0][-1].key == f"prohibited_feature_use.rule_name.{rule}"
    if rule == "not_encoded_at_layer":
        flip_rate = next(m for m in out.measurements if m.name == "erasure_flip_rate")
        assert flip_rate.status is Status.FAIL and flip_rate.role == "diagnostic"  # shown, but not decisive
        from auditkit.evidence import Msg
        from auditkit.i18n.render import text

        criterion = text(Msg(f"prohibited_feature_use.rule.{verdict.rule}", **verdict.params))
        assert "not linearly encoded at 3" in criterion and "erasure flip rate there is diagnostic only" in criterion
    if rule == "effect_interval_straddles_tolerance":
        assert any(n.key == "prohibited_feature_use.note.straddles" for n in out.evidence.notes)


def test_several_erased_layers_pass_together_and_a_failing_layer_decides():
    both = _synthetic({"1": (NOT_ENCODED, _erasure(0.058, (0.052, 0.064))), "3": (ENCODED, _erasure())})
    assert both.status is Status.PASS
    verdict = _assert_verdict_reads_agree(both)
    assert verdict.rule == "all_erased_layers_pass" and verdict.params["layers"] == ["1", "3"]
    assert "erasure_flip_rate@1" not in verdict.reads and "erasure_flip_rate@3" in verdict.reads
    failing = _synthetic({"1": (ENCODED, _erasure(0.012, (0.006, 0.02))), "3": (ENCODED, _erasure(0.2, (0.18, 0.22)))})
    assert failing.status is Status.FAIL
    assert _assert_verdict_reads_agree(failing).rule == "erasure_effect_beyond_tolerance_and_control"
    assert [f.message.key for f in failing.evidence.findings] == ["prohibited_feature_use.finding.undecided",
                                                                  "prohibited_feature_use.finding.erasure_used"]


def _inputs(flip, ci, placebo_p95=0.02):
    from auditkit.counterfactual.intervention import InputIntervention

    return InputIntervention(moved=("proxy",), n=800, flip_rate=flip, ci=ci, placebo_p95=placebo_p95,
                             placebo_median=None if placebo_p95 is None else placebo_p95 / 2, placebo_draws=10,
                             resamples=50)


@pytest.mark.parametrize(
    ("inputs", "status", "rule", "reads"),
    [
        (_inputs(0.3, (0.27, 0.33)), Status.FAIL, "input_counterfactual_beyond_tolerance_and_placebo",
         {"input_counterfactual_flip_rate@inputs", "input_placebo_flip_rate_p95@inputs"}),
        (_inputs(0.3, (0.27, 0.33), None), Status.FAIL, "input_substitution_beyond_tolerance",
         {"input_counterfactual_flip_rate@inputs"}),
        # above the tolerance but not beyond its placebo: it withholds the PASS and is not read as a failure
        (_inputs(0.03, (0.02, 0.04), 0.05), Status.INCONCLUSIVE, "input_counterfactual_not_within_tolerance",
         {"probe_balanced_accuracy@3", "input_placebo_flip_rate_p95@inputs"}),
        (_inputs(0.01, (0.005, 0.02)), Status.INCONCLUSIVE, "input_counterfactual_not_within_tolerance",
         {"probe_balanced_accuracy@3", "input_counterfactual_flip_rate@inputs", "input_placebo_flip_rate_p95@inputs"}),
        (_inputs(0.001, (0.0, 0.005)), Status.PASS, "not_encoded_at_layer",
         {"probe_balanced_accuracy@3", "input_counterfactual_flip_rate@inputs"}),
    ],
)
def test_the_inputs_counterfactual_decides_or_withholds(inputs, status, rule, reads):
    out = _synthetic({"3": (NOT_ENCODED, _erasure(0.058, (0.052, 0.064)))}, inputs)
    assert out.status is status
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule == rule and set(verdict.reads) == reads
    if status is Status.PASS:
        assert verdict.params["inputs"].key == "prohibited_feature_use.rule.clause.inputs_within"
    else:
        assert out.details["rules"]["inputs"] == rule
