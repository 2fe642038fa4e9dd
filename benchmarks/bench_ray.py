"""The Ray executor's overhead on the credit audit: the same audit with the local and the Ray executor (issue #17).

    python benchmarks/bench_ray.py [--policy proxy|fair] [--workers N] [--address ADDR] [--threads N]
                                   [--device auto|cpu|cuda] [--keep DIR]

Prepares the credit sample (``samples/credit``: 8,000 audit rows, an MLP, five checks of every family), then
runs its audit twice into a throwaway SQLite store: with the local executor (this process), then with the Ray
executor on ``--workers`` model actors (default 2) of one CPU each, on a new single-machine Ray instance
(``--address local``, the default) or on the cluster ``--address`` names. It prints both wall times, the Ray
instance's start-up apart from the audit, the ratio Ray/local, and the largest difference between any two
corresponding numbers of the two runs (0 when both use the same number of torch threads: ``--threads 1``).

The Ray figure includes everything an ``auditkit run --executor ray`` pays besides the cluster itself: starting
the actors (each imports auditkit and torch and loads the data and the model), the sharded shared pass, moving
tasks and outcomes, and committing each outcome on the driver.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from harness import parse_bench_args  # noqa: E402

SAMPLE = HERE.parent / "samples" / "credit" / "sample.py"
POLICIES = {"proxy": "policy.yaml", "fair": "policy-fair.yaml"}


def _options(parser) -> None:
    parser.add_argument("--policy", choices=sorted(POLICIES), default="proxy", help="which credit policy")
    parser.add_argument("--workers", type=int, default=2, help="Ray model actors, one CPU each (default 2)")
    parser.add_argument("--address", default="local", help="Ray cluster (default: a new local instance)")
    parser.add_argument("--keep", type=Path, default=None, help="prepare the sample here and keep it")


def _prepare(dest: Path) -> None:
    spec = importlib.util.spec_from_file_location("credit_sample_bench", SAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.prepare(dest)


def _numbers(outcomes) -> dict[tuple, float]:
    """Every number of every measurement, keyed by check, measurement, group and field."""
    found = {}
    for o in outcomes:
        for m in o.measurements:
            for field in ("value", "ci_low", "ci_high", "p_value"):
                value = getattr(m, field)
                if value is not None:
                    found[o.check_id, m.name, m.group, field] = float(value)
    return found


def _audit(policy: Path, db: Path, device: str, **kwargs) -> tuple[float, tuple]:
    from auditkit import api
    from auditkit.store import open_store

    with open_store(f"sqlite:///{db}") as store:
        t0 = time.perf_counter()
        gated = api.run_audit(policy, store=store, device=device, report=False, **kwargs)
        wall = time.perf_counter() - t0
        return wall, store.get_run(gated.run_id).outcomes


def main(argv: list[str] | None = None) -> int:
    args, device = parse_bench_args("auditkit Ray executor overhead on the credit audit", argv, extra=_options)
    import ray

    from auditkit.ray_executor import RayOptions

    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        sample_dir = args.keep or Path(tmp) / "credit"
        _prepare(sample_dir)
        policy = sample_dir / POLICIES[args.policy]
        local_s, local = _audit(policy, Path(tmp) / "local.db", str(device))
        t0 = time.perf_counter()
        init = {"num_cpus": args.workers, "include_dashboard": False} if args.address == "local" else {}
        ray.init(address=args.address, log_to_driver=False, **init)
        start_s = time.perf_counter() - t0
        try:
            options = RayOptions(workers=args.workers, threads=args.threads)
            ray_s, remote = _audit(policy, Path(tmp) / "ray.db", str(device), executor="ray", ray=options)
        finally:
            ray.shutdown()
    a, b = _numbers(local), _numbers(remote)
    diff = max((abs(a[k] - b[k]) for k in a if k in b and math.isfinite(a[k]) and math.isfinite(b[k])), default=0.0)
    same = set(a) == set(b) and {o.check_id: o.status for o in local} == {o.check_id: o.status for o in remote}
    print(f"ray.credit_{args.policy}.local_executor: {local_s:.1f} s")
    print(f"ray.credit_{args.policy}.ray_executor_{args.workers}_workers: {ray_s:.1f} s "
          f"(+ {start_s:.1f} s to start the Ray instance)")
    print(f"ray.credit_{args.policy}.ratio_ray_over_local: {ray_s / local_s:.2f}x")
    print(f"ray.credit_{args.policy}.same_checks_and_statuses: {same}; largest difference of any number: {diff:.2e}")
    for o in sorted(remote, key=lambda o: o.check_id):
        twin = next(x for x in local if x.check_id == o.check_id)
        print(f"  {o.check_id}: local {twin.duration_s:.1f} s, ray {o.duration_s:.1f} s ({o.status.value})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
