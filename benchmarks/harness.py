"""Small timing helpers for the auditkit benchmarks.

Every figure is printed as one line, ``name: value unit (ratio X.XX× vs raw)``,
where the ratio compares it with the raw model throughput measured in the same
process: absolute numbers move with the machine and its load, ratios do not
(see /work/shared/reference/performance-baseline.md).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated calls: the median and every sample."""

    median: float
    samples: tuple[float, ...]

    def rate(self, items: int) -> float:
        """Items per second at the median time."""
        return items / self.median if self.median > 0 else float("inf")


def time_callable(fn: Callable[[], object], *, warmup: int = 1, repeats: int = 5) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``repeats`` times timed with ``time.perf_counter``."""
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Timing(median=statistics.median(samples), samples=tuple(samples))


def time_interleaved(
    fns: Mapping[str, Callable[[], object]], *, warmup: int = 1, repeats: int = 5
) -> dict[str, Timing]:
    """Time several callables in alternation (a, b, c, a, b, c, ...).

    On a shared machine the speed drifts during a run; interleaving exposes every
    callable to the same drift, so the ratios between them stay meaningful.
    """
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: Timing(statistics.median(s), tuple(s)) for name, s in samples.items()}


def paired_ratio(candidate: Timing, raw: Timing) -> float:
    """Throughput ratio candidate/raw for the same work: the median over rounds of raw_time / candidate_time."""
    return statistics.median(r / c for r, c in zip(raw.samples, candidate.samples, strict=True))


def format_figure(name: str, value: float, unit: str, raw: float, ratio: float | None = None) -> str:
    """``name: value unit (ratio X.XX× vs raw)``, with thousands separators for large values."""
    shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}" if abs(value) < 10 else f"{value:,.1f}"
    if ratio is None:
        ratio = value / raw if raw else float("nan")
    return f"{name}: {shown} {unit} (ratio {ratio:.2f}× vs raw)"


@dataclass
class Section:
    """A group of figures compared against one raw throughput (e.g. rows/s of the bare model loop)."""

    title: str
    unit: str
    raw: float = 0.0
    lines: list[str] = field(default_factory=list)

    def set_raw(self, name: str, value: float) -> None:
        """Record (and print) the raw figure the other ones are divided by."""
        self.raw = value
        self.add(name, value)

    def add(self, name: str, value: float, unit: str | None = None, ratio: float | None = None) -> float:
        """Print one figure with its ratio against the raw figure (``ratio`` given, or value / raw)."""
        if ratio is None:
            ratio = value / self.raw if self.raw else float("nan")
        line = format_figure(f"{self.title}.{name}", value, unit or self.unit, self.raw, ratio)
        self.lines.append(line)
        print(line, flush=True)
        return ratio

    def compare(self, timings: Mapping[str, Timing], *, raw: str, items: int) -> dict[str, float]:
        """Print the raw timing, then every other one with its paired ratio; return the ratios."""
        self.set_raw(raw, timings[raw].rate(items))
        return {
            name: self.add(name, t.rate(items), ratio=paired_ratio(t, timings[raw]))
            for name, t in timings.items()
            if name != raw
        }


def parse_bench_args(description: str, argv: list[str] | None = None,
                     extra: Callable[[object], None] | None = None):
    """The options every benchmark script shares (``--quick``, ``--device``, ``--threads``); prints the setup line.

    Applies ``--threads``, resolves the device, and returns ``(args, device)``.
    ``extra`` may add script-specific options to the parser first.
    """
    import argparse

    import torch

    from auditkit.adapters import resolve_device

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer rows, texts and repeats (< 2 min on 2 CPU cores)")
    parser.add_argument("--device", default="auto", help="auto|cpu|cuda (default auto)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    print(f"device: {device}; torch {torch.__version__}; threads {torch.get_num_threads()}; quick={args.quick}")
    return args, device
