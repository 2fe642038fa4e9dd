"""Validity benchmark of auditkit's verdicts and intervals on models with a known answer (issue #11, item 4).

Trains planted-bias models (tabular MLPs on a structural causal model; tiny BERTs on gendered bios), computes each
model's true effect independently of auditkit on a large regenerated population, audits every model through
``auditkit.run_audit`` and reports, per check kind, detection power, false alarms, unsafe passes and interval
coverage against the issue's targets.

    python benchmarks/validity/run.py --quick                 # the CI grid (8 tabular + 2 text models)
    python benchmarks/validity/run.py --jobs 2 --out v.json   # the full grid (80 tabular + 21 text models)
    python benchmarks/validity/run.py --check                 # exit 1 when a target is missed
    python benchmarks/validity/run.py --rescore v.json        # re-score stored records (no audits)

auditkit is imported as the interpreter finds it; ``PYTHONPATH=/path/to/other/tree`` scores another source tree.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))  # appended: an auditkit tree on PYTHONPATH comes first


def _one(job: tuple[str, object, str, int, bool]) -> dict:
    family, spec, workdir, rows, quick = job
    import torch

    from benchmarks.validity import tabular, text

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # deterministic and fair to a shared machine; restored for an in-process caller
    try:
        start, cpu = time.perf_counter(), time.process_time()
        module = tabular if family == "tabular" else text
        result = module.evaluate(spec, Path(workdir), audit_rows=rows, quick=quick)
    finally:
        torch.set_num_threads(threads)
    result["seconds"] = round(time.perf_counter() - start, 1)
    result["cpu_seconds"] = round(time.process_time() - cpu, 1)  # what the model costs on an idle core
    return result


def run(*, quick: bool, jobs: int = 1, workdir: Path | None = None, families: tuple[str, ...] = ("tabular", "text"),
        log=print) -> dict:
    """Run the quick or full grid; return ``{"results": [...], "summary": {...}, "seconds": ...}``."""
    from benchmarks.validity.grid import full_grid, quick_grid
    from benchmarks.validity.score import summarise

    tab, txt = quick_grid() if quick else full_grid()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="validity-") as tmp:
        wd = str(workdir or tmp)
        work = [("tabular", s, wd, 5000, quick) for s in tab if "tabular" in families]
        work += [("text", s, wd, 800 if quick else 1000, quick) for s in txt if "text" in families]
        results = []
        if jobs <= 1:
            for job in work:
                results.append(_one(job))
                _log_result(results[-1], len(results), len(work), log)
        else:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
                for r in pool.map(_one, work):
                    results.append(r)
                    _log_result(r, len(results), len(work), log)
    import auditkit

    return {"quick": quick, "auditkit": str(Path(auditkit.__file__).parent), "results": results,
            "summary": summarise(results), "seconds": round(time.perf_counter() - start, 1),
            "cpu_seconds": round(sum(r["cpu_seconds"] for r in results), 1)}


def _log_result(r: dict, i: int, n: int, log) -> None:
    verdicts = " ".join(f"{c['kind'].split('_')[0][:6]}={c['status']}" for c in r["checks"])
    log(f"[{i}/{n}] {r['model']:<40} true use {r['truth']['use_flip_rate']:7.2%}  {verdicts}  "
        f"({r['seconds']} s, {r['cpu_seconds']} s CPU)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the small CI grid (limits widened for its size)")
    parser.add_argument("--jobs", type=int, default=1, help="models audited in parallel (one torch thread each)")
    parser.add_argument("--out", type=Path, help="write every record and the summary as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--only", choices=("tabular", "text"), help="run one family only")
    parser.add_argument("--workdir", type=Path, help="keep models, data and policies here (default: a temp dir)")
    parser.add_argument("--rescore", type=Path, help="re-score the records of an earlier --out file (no audits)")
    args = parser.parse_args(argv)
    from benchmarks.validity.score import check, summarise, table

    if args.rescore:
        out = json.loads(args.rescore.read_text())
        out["summary"] = summarise(out["results"])
        args.quick = out["quick"]
    else:
        families = (args.only,) if args.only else ("tabular", "text")
        out = run(quick=args.quick, jobs=args.jobs, workdir=args.workdir, families=families)
    problems = check(out["summary"], quick=args.quick)
    out["problems"] = problems
    print()
    print(table(out["summary"]))
    print(f"\n{len(out['results'])} models in {out['seconds']:.0f} s wall, {out.get('cpu_seconds', '?')} s CPU "
          f"(auditkit from {out.get('auditkit', '?')})")
    for p in problems:
        print("MISSED:", p)
    if args.out:
        args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    return 1 if (args.check and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
