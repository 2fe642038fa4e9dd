"""Tabular planted-bias models: train (seeded), plant dead units, compute the true effects, audit through auditkit.

Each ``TabularSpec`` is one model of the grid. ``build_model`` trains it deterministically on 20k rows of the SCM
(``scm.py``) whose training label carries the planted bias β, then (``dead=True``) kills 4 units and makes 2 units
nearly dead (active on ~0.05 % of rows) in every hidden layer, and (scenario ``none``) zeroes the proxy's input
weights so the model cannot depend on A at all. ``true_effects`` evaluates the finished model on a regenerated
population of 200k rows with A flipped and its descendants recomputed from the same noise: the ground truth that the
audit's verdicts and intervals are scored against. ``audit`` writes data, weights and policy to a directory and runs
``auditkit.run_audit`` (the public API only).
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml
from safetensors.torch import save_file

from . import scm
from .common import CheckRecord, audit_policy, cf_record, gf_record, group_truth, pfu_record, run_policy
from .model_factory import build

HERE = Path(__file__).resolve().parent
TRUTH_ROWS = 200_000
TRUTH_SEED = 424_242
TRAIN_ROWS = 20_000


@dataclass(frozen=True)
class TabularSpec:
    """One model of the grid: scenario (direct | proxy | none), planted bias β, seed, widths, dead units."""

    scenario: str
    beta: float
    seed: int
    widths: tuple[int, ...] = (10, 32, 32, 1)
    dead: bool = False

    @property
    def name(self) -> str:
        arch = "x".join(map(str, self.widths[1:-1]))
        return f"tab-{self.scenario}-b{self.beta:g}-s{self.seed}-{arch}{'-dead' if self.dead else ''}"

    @property
    def direct(self) -> bool:
        return self.scenario == "direct"

    @property
    def features(self) -> list[str]:
        return scm.FEATURES_DIRECT if self.direct else scm.FEATURES_NONE

    @property
    def hidden_layers(self) -> list[str]:
        """Names of the ReLU outputs in the Sequential; the audit probes and erases at the last two."""
        return [str(2 * i + 1) for i in range(len(self.widths) - 2)]


def _forward(model: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return model(torch.from_numpy(x)).squeeze(1).double().numpy()


def _plant_dead_units(model: torch.nn.Sequential, x: np.ndarray) -> None:
    """Units 0-3 of every hidden layer never fire; units 4-5 fire on ~0.05 % of the rows (the issue's failure mode)."""
    h = torch.from_numpy(x)
    with torch.no_grad():
        for i, module in enumerate(model):
            if isinstance(module, torch.nn.Linear) and i < len(model) - 1:
                pre = module(h)
                top = pre.max(dim=0).values
                module.bias[:4] -= top[:4] + 10.0
                q = torch.quantile(pre[:, 4:6], 0.9995, dim=0)
                module.bias[4:6] -= q
            h = module(h)


def _revive_rare_units(model: torch.nn.Sequential, x: np.ndarray) -> None:
    """No dead units: a hidden unit active on < 1 % of rows gets its bias moved to its median pre-activation (active
    on half the rows) and its outgoing weights zeroed, so it varies but feeds nothing (training leaves a few)."""
    h = torch.from_numpy(x)
    with torch.no_grad():
        for i, module in enumerate(model):
            if isinstance(module, torch.nn.Linear) and i < len(model) - 1:
                pre = module(h)
                rare = ((pre > 0).double().mean(dim=0) < 0.01).nonzero().flatten()
                if len(rare):
                    module.bias[rare] -= pre[:, rare].median(dim=0).values
                    model[i + 2].weight[:, rare] = 0.0
            h = module(h)


def build_model(spec: TabularSpec) -> torch.nn.Sequential:
    """Train the spec's model deterministically (one thread, seeded init and batch order)."""
    pop = scm.sample(TRAIN_ROWS, seed=1_000 + spec.seed)
    x = pop.inputs(spec.direct)
    y = pop.training_label(spec.scenario, spec.beta if spec.scenario != "none" else 0.0).astype(np.float32)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rng_state = torch.random.get_rng_state()  # restored: the caller's global RNG is left as it was
    try:
        torch.manual_seed(spec.seed)
        model = build("-".join(map(str, spec.widths)))
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)
        gen = torch.Generator().manual_seed(spec.seed)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(12):
            order = torch.randperm(len(yt), generator=gen)
            for start in range(0, len(yt), 256):
                idx = order[start : start + 256]
                loss = loss_fn(model(xt[idx]).squeeze(1), yt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        model.eval()
        if spec.dead:
            _plant_dead_units(model, x)
        else:
            _revive_rare_units(model, x)
        if spec.scenario == "none":
            with torch.no_grad():
                model[0].weight[:, spec.features.index("proxy")] = 0.0
    finally:
        torch.random.set_rng_state(rng_state)
        torch.set_num_threads(threads)
    return model


def true_effects(spec: TabularSpec, model: torch.nn.Module, rows: int = TRUTH_ROWS) -> dict:
    """Structural counterfactual effects and group metrics of ``model`` on a regenerated population."""
    pop = scm.sample(rows, seed=TRUTH_SEED)
    s = 1 / (1 + np.exp(-_forward(model, pop.inputs(spec.direct))))
    s_cf = 1 / (1 + np.exp(-_forward(model, pop.inputs(spec.direct, a=1 - pop.a))))
    d, d_cf = s >= 0.5, s_cf >= 0.5
    values = ["0", "1"] if spec.direct else ["female", "male"]
    truth = {"use_flip_rate": float(np.mean(d != d_cf)), "pairs": {}}
    # flip-only (direct effect): only the sex code changes, the proxy keeps its factual value
    if spec.direct:
        x_flip = pop.inputs(True)
        x_flip[:, -1] = 1 - x_flip[:, -1]
        s_fo = 1 / (1 + np.exp(-_forward(model, x_flip)))
    for a in (0, 1):
        rows_a = pop.a == a
        pair = f"{values[a]}→{values[1 - a]}"
        truth["pairs"][f"propagated: {pair}"] = {
            "flip_rate": float(np.mean(d[rows_a] != d_cf[rows_a])),
            "mean_abs_change": float(np.mean(np.abs(s_cf[rows_a] - s[rows_a]))),
        }
        if spec.direct:
            truth["pairs"][f"flip-only: {pair}"] = {
                "flip_rate": float(np.mean(d[rows_a] != (s_fo[rows_a] >= 0.5))),
                "mean_abs_change": float(np.mean(np.abs(s_fo[rows_a] - s[rows_a]))),
            }
        else:  # sex is not an input: changing it alone changes nothing
            truth["pairs"][f"flip-only: {pair}"] = {"flip_rate": 0.0, "mean_abs_change": 0.0}
    truth["group"] = group_truth(d.astype(int), pop.outcome(), pop.a)
    truth["dead_units"] = dead_unit_census(model, pop.inputs(spec.direct), spec.hidden_layers)
    return truth


def dead_unit_census(model: torch.nn.Sequential, x: np.ndarray, layers: list[str]) -> dict:
    """Per hidden layer: units never active and units active on fewer than 0.1 % of the rows (trained or planted)."""
    out, h = {}, torch.from_numpy(x)
    with torch.inference_mode():
        for name, module in model.named_children():
            h = module(h)
            if name in layers:
                active = (h > 0).double().mean(dim=0)
                out[name] = {"units": int(h.shape[1]), "never_active": int((active == 0).sum()),
                             "active_below_0.1%": int(((active > 0) & (active < 1e-3)).sum())}
    return out


def write_audit(spec: TabularSpec, model: torch.nn.Module, dest: Path, *, audit_rows: int, quick: bool) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    pop = scm.sample(audit_rows, seed=50_000 + spec.seed * 97 + round(spec.beta * 1000) + len(spec.widths)
                     + 7 * spec.dead + 13 * ["direct", "proxy", "none"].index(spec.scenario))
    frame = pd.DataFrame(pop.inputs(spec.direct), columns=spec.features)
    frame["sex"] = np.where(pop.a == 1, "male", "female")
    frame["y"] = pop.outcome()
    frame.to_csv(dest / "data.csv", index=False)
    shutil.copy(HERE / "model_factory.py", dest / "model_factory.py")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(dest / "model.safetensors"))
    attr = ({"name": "sex", "column": "sex_code", "values": [0, 1], "model_input": True} if spec.direct
            else {"name": "sex", "column": "sex", "values": ["female", "male"], "model_input": False})
    model_doc = {"type": "torch", "factory": "model_factory.py:build",
                 "options": {"widths": "-".join(map(str, spec.widths))}, "weights": "model.safetensors",
                 "favourable_output": 1, "decision_threshold": 0.5}
    data_doc = {"path": "data.csv", "label": "y", "favourable_label": 1, "features": spec.features}
    policy = audit_policy(spec.name, model_doc, data_doc, attr, layers=spec.hidden_layers[-2:],
                          seed=spec.seed + 1, quick=quick)
    path = dest / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def evaluate(spec: TabularSpec, workdir: Path, *, audit_rows: int, quick: bool) -> dict:
    """Build, measure the truth, audit; return one JSON-able record per check kind."""

    model = build_model(spec)
    truth = true_effects(spec, model)
    policy = write_audit(spec, model, workdir / spec.name, audit_rows=audit_rows, quick=quick)
    outcomes = run_policy(policy, workdir / spec.name)
    zero = spec.scenario == "none"  # no input depends on A: every true effect is exactly 0
    records: list[CheckRecord] = [
        pfu_record(outcomes["pfu"], truth["use_flip_rate"], zero_by_construction=zero),
        cf_record(outcomes["cf"], truth["pairs"], zero_by_construction=zero),
        gf_record(outcomes["gf"], truth["group"], zero_by_construction=zero),
    ]
    return {"model": spec.name, "family": "tabular", "spec": asdict(spec), "truth": truth,
            "checks": [asdict(r) for r in records]}
