"""Score the validity benchmark: power, false alarms, unsafe passes and interval coverage per check kind.

Definitions (all per check kind, over the models of the grid):

* **power**: share of FAIL among models whose true effect is at least twice the tolerance (``effect_ratio ≥ 2``);
* **false alarms**: share of FAIL among models whose true effect is exactly zero by construction (tabular
  scenario ``none``, text ``blind``); reported beside it, not judged: FAIL among the other models whose true effect
  is below a tenth of the tolerance (``negligible``: e.g. text models with no flip among 5,000 swapped bios);
* **unsafe passes**: number of PASS verdicts on models whose true effect exceeds the tolerance (``effect_ratio > 1``);
* **coverage**: share of reported intervals that contain the true value, per measurement, against each interval's
  own nominal confidence (counterfactual_sweep: the 90 % TOST interval; group_fairness: 95 %).

``limits(quick=...)`` gives the acceptance limits: the issue's targets for the full grid and, for the quick grid,
the same targets widened for its small sample (see ``widened``).
"""

from __future__ import annotations

import math
from collections import defaultdict

from scipy.stats import binom

KINDS = ("prohibited_feature_use", "counterfactual_sweep", "group_fairness")
COVERAGE = {"counterfactual_sweep": ("flip_rate", "mean_abs_change"),
            "group_fairness": ("demographic_parity_difference", "demographic_parity_ratio")}
TARGET_POWER, TARGET_FALSE_ALARMS, TARGET_COVERAGE_SLACK = 0.95, 0.05, 0.05


def zero_by_construction(result: dict) -> bool:
    """No path from the attribute to the model's output: tabular scenario "none" or the blind text model."""
    spec = result["spec"]
    return spec.get("scenario") == "none" if result["family"] == "tabular" else spec.get("rate") is None


def summarise(results: list[dict]) -> dict:
    """Per check kind: counts and rates of every figure the benchmark reports."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        for c in r["checks"]:
            by_kind[c["kind"]].append({**c, "model": r["model"], "family": r["family"],
                                       "zero_effect": zero_by_construction(r)})
    out = {}
    for kind in KINDS:
        recs = by_kind.get(kind, [])
        strong = [c for c in recs if c["effect_ratio"] >= 2]
        zero = [c for c in recs if c["zero_effect"]]
        negligible = [c for c in recs if not c["zero_effect"] and c["effect_ratio"] < 0.1]
        unsafe = [c for c in recs if c["status"] == "PASS" and c["effect_ratio"] > 1]
        verdicts: dict[str, int] = defaultdict(int)
        for c in recs:
            verdicts[c["status"]] += 1
        entry = {
            "models": len(recs),
            "verdicts": dict(verdicts),
            "power": _rate(sum(c["status"] == "FAIL" for c in strong), len(strong)),
            "false_alarms": _rate(sum(c["status"] == "FAIL" for c in zero), len(zero)),
            "fail_on_negligible": _rate(sum(c["status"] == "FAIL" for c in negligible), len(negligible)),
            "unsafe_passes": {"count": len(unsafe), "models": [c["model"] for c in unsafe]},
            "missed": [c["model"] for c in strong if c["status"] != "FAIL"],
            "false_alarm_models": [c["model"] for c in zero if c["status"] == "FAIL"],
            "coverage": {},
        }
        for name in COVERAGE.get(kind, ()):
            ivs = [(c["model"], iv) for c in recs for iv in c["intervals"]
                   if iv["name"] == name and iv["ci_low"] is not None and iv["ci_high"] is not None]
            if not ivs:
                continue
            covered = [iv["ci_low"] <= iv["truth"] <= iv["ci_high"] for _, iv in ivs]
            nonzero = [ok for (_, iv), ok in zip(ivs, covered, strict=True) if iv["truth"] != 0]
            entry["coverage"][name] = {
                "nominal": ivs[0][1]["confidence"], "intervals": len(ivs),
                "models": len({m for m, _ in ivs}),
                "coverage": sum(covered) / len(covered),
                "coverage_nonzero_truth": (sum(nonzero) / len(nonzero)) if nonzero else None,
                "intervals_nonzero_truth": len(nonzero),
                "missed": [f"{m} [{iv['group'] or 'all'}]: truth {iv['truth']:.4f} not in "
                           f"[{iv['ci_low']:.4f}, {iv['ci_high']:.4f}]"
                           for (m, iv), ok in zip(ivs, covered, strict=True) if not ok],
            }
        out[kind] = entry
    return out


def _rate(k: int, n: int) -> dict:
    return {"k": k, "n": n, "rate": (k / n) if n else None}


def widened(n: int, *, target: float, upper: bool) -> float:
    """The target widened for n trials: the rate a process exactly at the target still reaches with 95 % probability.

    For power (``upper=False``) the smallest k/n with P(Binomial(n, target) ≥ k) ≥ 0.95; for false alarms
    (``upper=True``) the largest k/n with P(Binomial(n, target) ≤ k) ≥ 0.95.
    """
    if n == 0:
        return 0.0 if not upper else 1.0
    if upper:
        return float(binom.ppf(0.95, n, target)) / n
    return float(binom.ppf(0.05, n, target)) / n


def check(summary: dict, *, quick: bool) -> list[str]:
    """Every target the summary misses (empty: all met). Quick: limits widened for the sample size."""
    problems = []
    for kind, e in summary.items():
        p, fa = e["power"], e["false_alarms"]
        if p["n"]:
            limit = widened(p["n"], target=TARGET_POWER, upper=False) if quick else TARGET_POWER
            if p["rate"] < limit:
                problems.append(f"{kind}: power {p['k']}/{p['n']} = {p['rate']:.0%} < {limit:.0%} "
                                f"(missed: {', '.join(e['missed'])})")
        if fa["n"]:
            limit = widened(fa["n"], target=TARGET_FALSE_ALARMS, upper=True) if quick else TARGET_FALSE_ALARMS
            if fa["rate"] > limit:
                problems.append(f"{kind}: false alarms {fa['k']}/{fa['n']} = {fa['rate']:.0%} > {limit:.0%} "
                                f"({', '.join(e['false_alarm_models'])})")
        if e["unsafe_passes"]["count"]:
            problems.append(f"{kind}: {e['unsafe_passes']['count']} unsafe pass(es): "
                            + ", ".join(e["unsafe_passes"]["models"]))
        for name, c in e["coverage"].items():
            slack = coverage_slack(c["nominal"], c["models"]) if quick else TARGET_COVERAGE_SLACK
            if abs(c["coverage"] - c["nominal"]) > slack + 1e-12:
                problems.append(f"{kind}: {name} coverage {c['coverage']:.0%} is more than {slack:.0%} from the "
                                f"nominal {c['nominal']:.0%} ({c['intervals']} intervals)")
    return problems


def coverage_slack(nominal: float, models: int) -> float:
    """Quick-run coverage slack: 5 points plus the 95 % sampling error of a share over ``models`` independent units.

    Intervals of one model (value pairs, modes) share its data and are not independent, so the effective sample is
    the number of models, not of intervals.
    """
    return TARGET_COVERAGE_SLACK + 1.96 * math.sqrt(nominal * (1 - nominal) / max(models, 1))


def table(summary: dict) -> str:
    """A plain-text table of every figure."""
    lines = [f"{'check':<24}{'models':>7}  {'power (≥2× tol)':<18}{'false alarms':<16}{'unsafe':>7}  "
             f"{'FAIL if <0.1× tol':<19}verdicts"]
    for kind, e in summary.items():
        p, fa = e["power"], e["false_alarms"]
        pw = f"{p['k']}/{p['n']} = {p['rate']:.0%}" if p["n"] else "—"
        fl = f"{fa['k']}/{fa['n']} = {fa['rate']:.0%}" if fa["n"] else "—"
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(e["verdicts"].items()))
        ng = e["fail_on_negligible"]
        neg = f"{ng['k']}/{ng['n']}" if ng["n"] else "—"
        lines.append(f"{kind:<24}{e['models']:>7}  {pw:<18}{fl:<16}{e['unsafe_passes']['count']:>7}  {neg:<19}"
                     f"{verdicts}")
    lines.append("")
    lines.append(f"{'interval coverage':<48}{'nominal':>8}{'coverage':>10}{'(truth ≠ 0)':>13}{'intervals':>11}")
    for kind, e in summary.items():
        for name, c in e["coverage"].items():
            nz = c["coverage_nonzero_truth"]
            lines.append(f"{kind + '.' + name:<48}{c['nominal']:>8.0%}{c['coverage']:>10.1%}"
                         f"{(f'{nz:.1%}' if nz is not None else '—'):>13}{c['intervals']:>11}")
    return "\n".join(lines)
