"""Report rendering time for a stored run of 20 checks (issue 6: under 10 s on 2 CPU cores).

    python benchmarks/bench_report.py [--quick] [--checks 20] [--language en|de]

Builds a run through the store API in a temporary SQLite database: ``--checks`` outcomes (default 20)
across the five check families, each with 10 measurements (two thresholded disparities with intervals and
p-values, four rates for each of two groups), a details table (three groups' sizes and rates, or a
probe's accuracy for 12 layers, alternately), notes, and one chart
specification (heat map, line chart or bar chart), plus the measurement charts the report draws itself
(seven charts per check in all). The run is read back with ``Store.get_run`` (the report is always
rendered from the database) and timed:

* ``report.load_run``: reading the stored run back;
* ``report.view``: :func:`auditkit.report.view.build_view` (statistics, formatting, SVG charts);
* ``report.html``: view + Jinja2 HTML;
* ``report.pdf``: view + HTML + WeasyPrint PDF/A-3b with the attachments (the whole ``render_report``);
* ``report.verify``: ``auditkit verify report.pdf`` without a database (issue 15: under 15 s for a 40-page
  report on 2 cores): attachment hashes, and the page content re-rendered from the embedded evidence and
  compared byte for byte (the process's re-rendering cache is cleared before each call).

Each figure is the median of ``repeats`` timed calls after one warm-up: wall-clock seconds and the CPU
seconds of this process (rendering is single-threaded, so on an idle machine the two agree; on a busy one
the CPU time is the fairer figure). There is no raw model throughput to compare with here, so the lines
print absolute times against the target.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from harness import Timing, parse_bench_args, time_callable  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from auditkit.report import rebuild, render_report  # noqa: E402
from auditkit.report.html import render_html  # noqa: E402
from auditkit.report.view import build_view  # noqa: E402
from auditkit.results import CheckOutcome, GateDecision, Measurement, RunState, Severity, Status  # noqa: E402
from auditkit.store import open_store  # noqa: E402
from auditkit.verify import verify_pdf  # noqa: E402

TARGET_S = 10.0
VERIFY_TARGET_S = 15.0
KINDS = ("performance", "group_fairness", "prohibited_feature_use", "attribution_agreement", "counterfactual_sweep")
GROUPS = ("female", "male")
RATES = ("accuracy", "selection_rate", "fpr", "fnr")  # per group, reported without a threshold
LIMITS = (("demographic_parity_ratio", ">=", 0.8), ("demographic_parity_difference", "<=", 0.1))
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _policy_text(n: int, language: str) -> str:
    checks = "\n".join(
        f"  - {{id: check-{i:02d}, kind: {KINDS[i % 5]}, severity: {'blocker' if i % 4 == 0 else 'major'}, "
        f"min: 0.8, rationale: \"Synthetic check {i} for the report benchmark.\"}}" for i in range(n))
    return (
        "schema_version: 1\n"
        "policy: {id: bench-report, version: 1, effective_from: 2026-11-01, approved_by: Benchmark}\n"
        "system: {name: bench-system, version: 1.0.0, provider: Example Bank AG, intended_purpose: Benchmark}\n"
        "protected_attributes:\n  - {name: sex, column: sex, values: [female, male]}\n"
        "statistics: {confidence: 0.95, correction: holm, min_group_size: 30}\n"
        f"checks:\n{checks}\n"
        f"report: {{formats: [html, pdf], language: {language}}}\n"
    )


def _chart(i: int, rng: np.random.Generator) -> dict:
    names = ["integrated_gradients", "kernel_shap", "feature_ablation", "saliency"]
    if i % 3 == 0:
        values = np.round(rng.uniform(0.3, 1.0, (4, 4)), 3).tolist()
        return {"type": "heatmap", "title": f"Agreement {i}", "rows": names, "columns": names, "values": values,
                "value_label": "Spearman rank correlation", "range": [0, 1]}
    if i % 3 == 1:
        y = np.round(np.linspace(0.5, 0.8, 12) + rng.normal(0, 0.01, 12), 3).tolist()
        return {"type": "lines", "title": f"Probe accuracy {i}", "x_label": "Layer", "y_label": "Accuracy",
                "series": [{"name": "probe", "x": list(range(12)), "y": y,
                            "low": [v - 0.03 for v in y], "high": [v + 0.03 for v in y]}],
                "reference_lines": [{"y": 0.5, "label": "chance"}]}
    return {"type": "bars", "title": f"Flip rate {i}", "value_label": "Flip rate",
            "bars": [{"label": g, "value": float(rng.uniform(0, 0.1))} for g in GROUPS],
            "reference": {"value": 0.05, "label": "tolerance"}}


def _verdict(low: float, high: float, op: str, limit: float) -> Status:
    inside = (low >= limit) if op == ">=" else (high <= limit)
    outside = (high < limit) if op == ">=" else (low > limit)
    return Status.PASS if inside else Status.FAIL if outside else Status.INCONCLUSIVE


def _outcome(i: int, rng: np.random.Generator) -> CheckOutcome:
    """Like a group_fairness outcome: two thresholded overall metrics, four rates for each of two groups."""
    measurements = []
    for metric, op, limit in LIMITS:
        value, half = float(rng.uniform(0.6, 0.95) if op == ">=" else rng.uniform(0.02, 0.2)), 0.04
        measurements.append(Measurement(
            name=metric, value=value, ci_low=value - half, ci_high=value + half, threshold=limit, comparator=op,
            status=_verdict(value - half, value + half, op, limit), p_value=float(rng.uniform(0, 0.2)),
            confidence=0.95))
    for metric in RATES:
        for group in GROUPS:
            value, half = float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.01, 0.06))
            measurements.append(Measurement(name=metric, value=value, ci_low=value - half, ci_high=value + half,
                                            group=group, n=int(rng.integers(20, 2000)), confidence=0.95))
    worst = max((m.status for m in measurements if m.status), key=[Status.PASS, Status.INCONCLUSIVE, Status.FAIL].index)
    if i % 2 == 0:  # like performance / group_fairness: sizes and rates of the groups
        table = {"title": "Group sizes and rates", "columns": ["group", "n", "selected", "rate", "FPR", "FNR"],
                 "rows": [[g, int(rng.integers(20, 2000)), int(rng.integers(10, 900)), float(rng.random()),
                           float(rng.random()), float(rng.random())] for g in (*GROUPS, "nonbinary")]}
    else:  # like prohibited_feature_use: a probe per layer
        table = {"title": "Probe accuracy per layer", "columns": ["layer", "accuracy", "low", "high", "note"],
                 "rows": [[f"encoder.layer.{k}.output", float(rng.random()), float(rng.random()),
                           float(rng.random()), "linear probe, 5-fold cross-validated"] for k in range(12)]}
    return CheckOutcome(
        check_id=f"check-{i:02d}", kind=KINDS[i % 5], version=1, fingerprint=f"{i:02d}" * 32, status=worst,
        severity=Severity.BLOCKER if i % 4 == 0 else Severity.MAJOR,
        summary=f"Synthetic outcome {i}: two thresholded disparities and four rates for each of two groups.",
        measurements=tuple(measurements),
        details={"tables": [table], "notes": [f"Note {i}: synthetic data for the report benchmark."],
                 "charts": [_chart(i, rng)]},
        params={"min": 0.8, "metrics": list(RATES)}, seed=i, started_at=T0 + dt.timedelta(seconds=i),
        duration_s=float(rng.uniform(0.1, 5)))


def build_stored_run(url: str, n_checks: int, language: str = "en") -> str:
    """Write a finished run of ``n_checks`` synthetic outcomes to the store at ``url``; return its run id."""
    rng = np.random.default_rng(0)
    with open_store(url) as store:
        text = _policy_text(n_checks, language)
        run_id = store.begin_run(
            policy={"id": "bench-report", "version": "1", "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    "text": text,
                    "effective_from": dt.date(2026, 11, 1), "approved_by": "Benchmark"},
            system={"name": "bench-system", "version": "1.0.0", "provider": "Example Bank AG"},
            model={"fingerprint": "cd" * 32, "ref": {"type": "torch"}},
            dataset={"fingerprint": "ef" * 32, "ref": {"path": "data.csv", "rows": 4000}},
            seed=7, device="cpu", environment={"python": sys.version.split()[0], "packages": {"numpy": np.__version__}},
            started_at=T0)
        for i in range(n_checks):
            store.save_outcome(run_id, _outcome(i, rng))
        store.finish_run(run_id, state=RunState.COMPLETE, gate=GateDecision.FAIL,
                         finished_at=T0 + dt.timedelta(minutes=5))
    return run_id


def _timed(fn, repeats: int) -> tuple[Timing, Timing]:
    """Wall-clock and process-CPU timings of ``fn`` (one warm-up, then ``repeats`` calls)."""
    cpu: list[float] = []

    def measured() -> None:
        start = time.process_time()
        fn()
        cpu.append(time.process_time() - start)

    wall = time_callable(measured, repeats=repeats)
    samples = tuple(cpu[1:])
    return wall, Timing(statistics.median(samples), samples)


def main(argv: list[str] | None = None) -> int:
    """Build the stored run, time loading, view, HTML and PDF; print one line per figure."""

    def extra(parser) -> None:
        parser.add_argument("--checks", type=int, default=20, help="number of checks in the run (default 20)")
        parser.add_argument("--language", default="en", choices=("en", "de"), help="report language")

    args, _device = parse_bench_args(__doc__.splitlines()[0], argv, extra)
    repeats = 2 if args.quick else 5
    with tempfile.TemporaryDirectory(prefix="auditkit-bench-report-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        run_id = build_stored_run(url, args.checks, args.language)
        with open_store(url) as store:
            run = store.get_run(run_id)
            load = _timed(lambda: store.get_run(run_id), repeats)
        view = _timed(lambda: build_view(run, report_id="AR-BENCH", version=1), repeats)
        html = _timed(lambda: render_html(build_view(run, report_id="AR-BENCH", version=1)), repeats)
        pdf = _timed(lambda: render_report(run, report_id="AR-BENCH", version=1), repeats)
        rendered = render_report(run, report_id="AR-BENCH", version=1)
        pdf_path = Path(tmp) / "AR-BENCH.pdf"
        pdf_path.write_bytes(rendered.pdf or b"")
        verify = _timed(lambda: _verify_fresh(pdf_path), repeats)
        pages = len(PdfReader(pdf_path).pages)
    n = args.checks
    print(f"report: {n} checks, {sum(len(o.measurements) for o in run.outcomes)} measurements, "
          f"HTML {len(rendered.html) / 1024:,.0f} KiB, PDF {len(rendered.pdf or b'') / 1024:,.0f} KiB, "
          f"language {args.language}")
    for name, (wall, cpu) in (("load_run", load), ("view", view), ("html", html), ("pdf", pdf), ("verify", verify)):
        print(f"report.{name}: {wall.median:.3f} s wall, {cpu.median:.3f} s CPU (median of {len(wall.samples)})")
    wall, cpu = pdf
    verdict = "within" if min(wall.median, cpu.median) < TARGET_S else "OVER"
    print(f"report.target: HTML + PDF of {n} checks in {wall.median:.2f} s wall / {cpu.median:.2f} s CPU, "
          f"{verdict} the {TARGET_S:.0f} s target")
    wall, cpu = verify
    verdict = "within" if min(wall.median, cpu.median) < VERIFY_TARGET_S else "OVER"
    print(f"report.verify_target: verifying the {pages}-page PDF alone in {wall.median:.2f} s wall / "
          f"{cpu.median:.2f} s CPU, {verdict} the {VERIFY_TARGET_S:.0f} s target")
    return 0


def _verify_fresh(path: Path) -> None:
    """``verify_pdf`` as a new process would run it: nothing re-rendered yet."""
    rebuild._RENDERED.clear()
    result = verify_pdf(path)
    if not result.ok:
        raise RuntimeError(f"the benchmark report does not verify: {[str(f) for f in result.problems]}")


if __name__ == "__main__":
    sys.exit(main())
