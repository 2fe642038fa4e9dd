"""Data that does not fit in memory: the streamed shared pass against raw inference, and the audit's peak memory.

    python benchmarks/bench_stream.py [--rows N] [--quick] [--repeats N] [--skip-audit] [--skip-ratio]
                                      [--device auto|cpu|cuda] [--threads N] [--keep DIR]

Issue #17 item 4. A synthetic Parquet file with a known structure, seeded and written in row groups without
ever holding it whole:

* ``--rows`` rows (default 10,000,000; ``--quick``: 50,000), row groups of 262,144 rows;
* 8 numeric inputs and the protected attribute ``sex`` (0/1, a model input); ``x1`` is a proxy of sex (its mean
  moves 0.8 with it); the label follows ``x0 + 0.5·x2 − 0.4·sex`` through a logistic link, so a model that
  learns it treats women (sex = 1) less favourably at equal ``x0``, ``x2``: the counterfactual sweep has a
  known non-zero flip rate;
* an unused 64-byte text column, which the streamed reader must never decode;
* a 4-layer ReLU MLP (9 → 64 → 64 → 64 → 1) trained for one epoch on 50,000 generated rows.

Figures, each against its issue target:

1. ``stream.shared_pass``: the streamed shared prediction pass (``CheckContext.predictions()`` on the streamed
   data: Parquet decode, checks and the model) against a raw ``model(batch)`` loop under ``inference_mode``
   over the same rows held in memory, at the adapter's batch size; timed in alternation, the ratio is
   ``raw time / streamed time`` (target ≥ 0.8×).
2. ``stream.peak_rss``: the peak resident memory (``ru_maxrss``) of a full ``run_audit`` of performance, group
   fairness and a counterfactual sweep (stored in SQLite, no report), each in a fresh subprocess, at 1/10 of
   the rows and at all of them (at 10M: 1M and 10M); growth ≤ 1.5× from the small to the large file, and
   < 4 GiB at 10M.

The benchmark streams at every size (``auditkit.data.loader.STREAM_BYTES`` is set to 0 in the audit
subprocesses), so both sizes take the same code path.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from harness import paired_ratio, parse_bench_args, time_interleaved  # noqa: E402

ROWS, QUICK_ROWS, GROUP_ROWS, TRAIN_ROWS = 10_000_000, 50_000, 262_144, 50_000
TARGET_RATIO, TARGET_GROWTH, TARGET_GIB = 0.8, 1.5, 4.0
FEATURES = [f"x{i}" for i in range(8)] + ["sex"]

MODEL = '''
import numpy as np
import pyarrow.parquet as pq
import torch
from torch import nn


def build(data: str, rows: int = 50000, seed: int = 0):
    """A 4-layer ReLU MLP trained for one epoch (Adam, batches of 512) on the first ``rows`` rows, seeded."""
    torch.manual_seed(seed)
    cols = [f"x{i}" for i in range(8)] + ["sex"]
    first = next(pq.ParquetFile(data).iter_batches(batch_size=rows, columns=cols + ["y"]))
    x = torch.tensor(np.column_stack([first.column(c).to_numpy().astype(np.float32) for c in cols]))
    y = torch.tensor(first.column("y").to_numpy().astype(np.float32))[:, None]
    net = nn.Sequential(nn.Linear(9, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                        nn.Linear(64, 1))
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for idx in torch.randperm(len(x)).split(512):
        opt.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(net(x[idx]), y[idx]).backward()
        opt.step()
    return net.eval()
'''


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Write the synthetic file (see the module docstring) one row group at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    try:
        for start in range(0, rows, GROUP_ROWS):
            n = min(GROUP_ROWS, rows - start)
            sex = rng.integers(0, 2, n).astype(np.int8)
            x = rng.normal(size=(n, 8)).astype(np.float32)
            x[:, 1] += 0.8 * sex
            logit = x[:, 0] + 0.5 * x[:, 2] - 0.4 * sex
            y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
            cols = {f"x{i}": x[:, i] for i in range(8)}
            cols.update(sex=sex, y=y, note=pa.array(np.full(n, "n" * 64, dtype=object), pa.string()))
            table = pa.table(cols)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=GROUP_ROWS)
    finally:
        if writer is not None:
            writer.close()


def write_policy(root: Path, rows: int) -> Path:
    """The data, the model factory and a policy with performance, group fairness and a counterfactual sweep."""
    data = root / "stream.parquet"
    generate(data, rows)
    (root / "stream_model.py").write_text(MODEL)
    policy = {
        "schema_version": 1,
        "policy": {"id": "stream-bench", "version": 1, "effective_from": "2026-01-01", "approved_by": "benchmark"},
        "system": {"name": "stream-synthetic", "version": "1"},
        "model": {"type": "torch", "factory": "stream_model.py:build",
                  "options": {"data": str(data), "rows": min(TRAIN_ROWS, rows)}},
        "data": {"path": data.name, "label": "y", "favourable_label": 1, "features": FEATURES},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1], "model_input": True,
                                  "reference": 0}],
        "statistics": {"seed": 11},
        "checks": [
            {"id": "performance", "kind": "performance", "attributes": ["sex"],
             "thresholds": {"accuracy": {"min": 0.6}}},
            {"id": "parity-sex", "kind": "group_fairness", "attributes": ["sex"],
             "thresholds": {"demographic_parity_ratio": {"min": 0.8}}},
            {"id": "cf-sex", "kind": "counterfactual_sweep", "attribute": "sex", "mode": "flip_only"},
        ],
    }
    path = root / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def audit_child(policy: Path, device: str) -> dict:
    """One streamed audit in this (fresh) process: its wall time, peak RSS and the checks' statuses."""
    import auditkit
    from auditkit.data import loader
    from auditkit.store import open_store

    loader.STREAM_BYTES = 0  # stream at every size: both sizes take the same path
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'audit.db'}") as store:
        record = auditkit.run_audit(policy, store=store, device=device, report=False)
    return {"seconds": time.perf_counter() - start, "peak_gib": peak_resident_gib(),
            "maxrss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,  # Linux: KiB
            "checks": {o.check_id: [o.status.value, round(o.duration_s, 1)] for o in record.outcomes}}


def peak_resident_gib() -> float:
    """This process's own peak resident memory: ``VmHWM`` of ``/proc/self/status`` (Linux), in GiB.

    Not ``ru_maxrss``: Linux carries the parent's peak at fork into the child's ``ru_maxrss`` across
    ``exec``, so a child started by a large parent would report the parent's size. ``ru_maxrss`` is printed
    too; it equals ``VmHWM`` when the parent is the smaller.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def shared_pass_ratio(policy: Path, device, repeats: int) -> tuple[float, float, float]:
    """Median seconds of the raw loop and of the streamed shared pass over the same rows, and their paired ratio."""
    import pyarrow.parquet as pq
    import torch

    from auditkit.adapters import load_adapter
    from auditkit.checks import CheckContext
    from auditkit.data import load_data
    from auditkit.policy import load_policy

    loaded = load_policy(policy)
    pol = loaded.policy
    adapter = load_adapter(pol.model, base_dir=loaded.base_dir, device=device, feature_names=FEATURES)
    data = load_data(pol.data, pol.protected_attributes, base_dir=loaded.base_dir, task="tabular", stream=True)
    table = pq.read_table(data.source, columns=FEATURES)
    X = np.column_stack([table.column(c).to_numpy().astype(np.float32) for c in FEATURES])
    del table
    model, batch = adapter.model, adapter.batch_size

    def raw() -> None:
        out = np.empty(len(X))
        with torch.inference_mode():
            for start in range(0, len(X), batch):
                xb = torch.from_numpy(X[start:start + batch]).to(adapter.device)
                out[start:start + batch] = torch.sigmoid(model(xb)).squeeze(-1).cpu().numpy()

    def streamed() -> None:
        CheckContext(adapter=adapter, data=data, policy=pol).predictions()  # a fresh context: a fresh pass

    timing = time_interleaved({"raw": raw, "streamed": streamed}, warmup=0, repeats=repeats)
    return timing["raw"].median, timing["streamed"].median, paired_ratio(timing["streamed"], timing["raw"])


def main(argv: list[str] | None = None) -> int:
    def extra(parser) -> None:
        parser.add_argument("--rows", type=int, default=None, help=f"audit rows (default {ROWS:,})")
        parser.add_argument("--keep", type=Path, default=None, help="write the data, model and policy here")
        parser.add_argument("--repeats", type=int, default=None,
                            help="rounds of the shared-pass timing (default 3; 1 from 5M rows)")
        parser.add_argument("--skip-audit", action="store_true", help="time the shared pass only")
        parser.add_argument("--skip-ratio", action="store_true", help="measure the audits' memory only")
        parser.add_argument("--audit-child", type=Path, default=None, help=argparse_hidden())

    args, device = parse_bench_args(__doc__.splitlines()[0], argv, extra)
    if args.audit_child:
        print(json.dumps(audit_child(args.audit_child, device.type)))
        return 0
    rows = args.rows or (QUICK_ROWS if args.quick else ROWS)
    small = max(rows // 10, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        policies = {}
        for n in (small, rows):
            (root / str(n)).mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            policies[n] = write_policy(root / str(n), n)
            size = (root / str(n) / "stream.parquet").stat().st_size / 2**20
            print(f"stream.generate[{n}]: {time.perf_counter() - start:.1f} s, {size:,.0f} MiB on disk")
        peaks = {}  # the audits first, in subprocesses started while this process is still small
        for n in () if args.skip_audit else (small, rows):
            cmd = [sys.executable, str(Path(__file__).resolve()), "--audit-child", str(policies[n]),
                   "--device", device.type]
            if args.threads:
                cmd += ["--threads", str(args.threads)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            child = json.loads(out)
            peaks[n] = child["peak_gib"]
            checks = ", ".join(f"{k} {s} {t} s" for k, (s, t) in child["checks"].items())
            print(f"stream.audit[{n}]: {child['seconds']:.1f} s, peak RSS {child['peak_gib']:.2f} GiB "
                  f"(ru_maxrss {child['maxrss_gib']:.2f} GiB; {checks})")
        if peaks:
            growth = peaks[rows] / peaks[small]
            print(f"stream.peak_rss_growth[{small}→{rows}]: {growth:.2f}× (target ≤ {TARGET_GROWTH}×); "
                  f"peak at {rows:,} rows {peaks[rows]:.2f} GiB (target < {TARGET_GIB:.0f} GiB)")
        if args.skip_ratio:
            return 0
        raw_s, streamed_s, ratio = shared_pass_ratio(policies[rows], device, args.repeats or
                                                     (1 if rows >= 5_000_000 else 3))
        print(f"stream.shared_pass[{rows}]: raw {raw_s:.1f} s, streamed {streamed_s:.1f} s "
              f"(ratio {ratio:.2f}× vs raw, target ≥ {TARGET_RATIO}×)")
    return 0


def argparse_hidden() -> str:
    """Help text of the internal ``--audit-child`` option (hidden from ``--help``)."""
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    raise SystemExit(main())
