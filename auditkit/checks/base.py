"""The Check protocol and the CheckContext every check runs in.

A check is a registered class with a stable ``kind``, a ``version``, a pydantic
``Params`` model (defaults from ``reference/methods.md``) and the adapter
abilities it ``requires``. Its ``run`` orchestrates; the maths lives in
:mod:`auditkit.metrics`. The :class:`CheckContext` holds what checks share: expensive
artefacts (the one batched prediction pass with its captured activations, the
attributions) come from its content-addressed :attr:`CheckContext.artefacts`
cache under typed keys, cheap derived values from :meth:`CheckContext.memo`, so
nothing is computed twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np
import pandas as pd
import torch
from pydantic import BaseModel, ConfigDict

from auditkit.adapters.base import HasCategoricalInputs, ModelAdapter, SupportsLayers
from auditkit.adapters.hooks import canonical_layers, capture
from auditkit.artefacts import ArtefactCache, ArtefactKey, LocalArtefactCache
from auditkit.chartspec import twin_table, validate_charts
from auditkit.data import AuditData
from auditkit.data.streamed import inputs_header
from auditkit.data.values import as_text, display_value, display_values
from auditkit.errors import CheckConfigError
from auditkit.evidence import Evidence, Role, ref, verdict_problems
from auditkit.i18n import LANGUAGES, use_language
from auditkit.i18n.render import localise, missing_keys, sentences
from auditkit.i18n.render import text as render_text
from auditkit.metrics.stats import derive_seed
from auditkit.policy.schema import Policy, Statistics
from auditkit.results import Measurement, Status


class Params(BaseModel):
    """Base of every check's parameter model: frozen, unknown keys forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class CheckResult:
    """What a check's ``run`` returns; the runner adds identity, timing and severity.

    ``evidence`` states what the check found as typed data (:mod:`auditkit.evidence`):
    summary and notes as message keys, the rule that decided the verdict, typed
    tables and charts. It is checked here, when the check builds it: every message
    key exists in every report language with the fields its parameters fill, every
    chart parses in every language (a chart the report could not draw, or a
    sentence it could not print, is a bug of the check: an ERROR outcome, raised in
    strict mode, never a note in a regulator's PDF); a judged result names the rule
    that decided it, and that rule never reads a measurement that contradicts the
    verdict (:func:`auditkit.evidence.verdict_problems`). The measurements the verdict
    read get the role ``decisive``, the others ``diagnostic``. ``summary`` becomes
    the English text of the evidence's summary (for terminals and JUnit).

    ``details`` holds machine-readable data only (``results.json``); the report
    does not print it.
    """

    status: Status
    evidence: Evidence
    measurements: tuple[Measurement, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""

    def __post_init__(self) -> None:
        ev = self.evidence
        problems = [p for lang in LANGUAGES for p in missing_keys(ev.messages(), lang)]
        if problems:
            raise ValueError(f"evidence messages missing from the catalogues: {', '.join(sorted(set(problems)))}")
        for lang in LANGUAGES:
            with use_language(lang):
                charts = [localise(c) for c in ev.charts]
                validate_charts({"charts": charts})
                titles = {render_text(tb.title) for tb in ev.tables}
                twins = {twin_table(c) for c in charts} - {""} - titles
                if twins:
                    raise ValueError(f"a chart names a table the evidence does not have: {', '.join(sorted(twins))}")
        reads = set(ev.verdict.reads) if ev.verdict else set()
        known = {ref(m.name, m.group) for m in self.measurements}
        if reads - known:
            raise ValueError(f"the verdict {ev.verdict.rule if ev.verdict else ''!r} reads measurements the check "
                             f"did not report: {', '.join(sorted(reads - known))}")
        problems = verdict_problems(self.status, ev.verdict, self.measurements)
        if problems:
            raise ValueError(f"the verdict contradicts its own measurements: {'; '.join(problems)}")
        object.__setattr__(self, "measurements", tuple(
            dataclasses.replace(m, role=(Role.DECISIVE if ref(m.name, m.group) in reads else Role.DIAGNOSTIC).value)
            for m in self.measurements))
        with use_language("en"):
            object.__setattr__(self, "summary", sentences(ev.summary))


@dataclass(frozen=True)
class Predictions:
    """Output of the shared prediction pass: favourable-class scores and 0/1 decisions."""

    scores: np.ndarray
    decisions: np.ndarray


@dataclass(frozen=True)
class SharedPass:
    """The artefact of the shared pass: predictions of every audit row and the captured layers' activations."""

    predictions: Predictions
    #: Layer name → pooled activations of the :attr:`CheckContext.activation_rows`, on the model's device.
    activations: Mapping[str, torch.Tensor]


@dataclass(frozen=True)
class Groups:
    """Rows partitioned into (possibly intersectional) groups of protected attributes."""

    codes: np.ndarray
    labels: tuple[str, ...]
    attributes: tuple[str, ...]
    #: ``attribute=value`` for each value declared in the policy that no audited row holds.
    absent: tuple[str, ...] = ()

    @property
    def sizes(self) -> np.ndarray:
        """Number of rows in each group."""
        return np.bincount(self.codes, minlength=len(self.labels))


class CheckContext:
    """Shared state for the checks of one run: model, data, policy settings and the caches.

    ``predictions()`` is the one batched pass over the audit data; every check
    that needs scores or decisions reads it from here. Model work is requested
    through :attr:`artefacts` under :class:`~auditkit.artefacts.ArtefactKey`-s
    (an in-process :class:`~auditkit.artefacts.LocalArtefactCache` unless the
    caller passes another cache); :meth:`memo` keeps cheap per-run values.
    """

    def __init__(self, *, adapter: ModelAdapter, data: AuditData, policy: Policy, base_dir: Path | None = None,
                 artefacts: ArtefactCache | None = None) -> None:
        self.adapter = adapter
        self.data = data
        self.policy = policy
        #: Where relative paths in the policy resolve (user lexicons, ...).
        self.base_dir = base_dir if base_dir is not None else Path.cwd()
        #: Expensive artefacts (shared pass, attributions) by content key: each computed once.
        self.artefacts: ArtefactCache = artefacts if artefacts is not None else LocalArtefactCache()
        self._cache: dict[Any, Any] = {}
        self._capture: list[str] = []
        self._capture_rows = 0
        self._pass_key: ArtefactKey | None = None

    def request_layers(self, names: Sequence[str], *, max_rows: int = 4000) -> None:
        """Ask the shared pass to capture these layers' activations (call before :meth:`predictions`).

        At most ``max_rows`` rows are kept (the largest request wins), sampled
        uniformly with the run's seed: see :attr:`activation_rows`. Names the
        adapter does not have are ignored here; the check that asked for them
        reports the problem when it runs.
        """
        if self._pass_key is not None:
            raise RuntimeError("layers must be requested before the shared prediction pass runs")
        if not isinstance(self.adapter, SupportsLayers):
            return
        available = self.adapter.named_layers()
        self._capture += [n for n in canonical_layers(self.adapter, names) if n in available and n not in self._capture]
        self._capture_rows = max(self._capture_rows, int(max_rows))

    @property
    def activation_rows(self) -> np.ndarray:
        """Sorted indices of the audit rows whose activations are captured (all rows when few enough)."""

        def compute() -> np.ndarray:
            n = self.data.n_rows
            if n <= self._capture_rows:
                return np.arange(n)
            rng = np.random.default_rng(derive_seed(self.statistics.seed, "activation-rows"))
            return np.sort(rng.choice(n, size=self._capture_rows, replace=False))

        return self.memo("activation_rows", compute)

    @property
    def sample_rows(self) -> np.ndarray:
        """Sorted indices of the rows whose model inputs checks read whole (counterfactual sweep, proxy screen).

        In-memory data: every row. Streamed data (:mod:`auditkit.data.streamed`): every row up to
        :data:`STREAMED_SAMPLE_ROWS`, else a uniform sample of that many drawn with the run's seed, so these
        checks' memory and time grow with the sample, not with the file; their intervals then describe the
        audited rows as estimated from the sample.
        """

        def compute() -> np.ndarray:
            n = self.data.n_rows
            if self.data.feature_stream is None or n <= STREAMED_SAMPLE_ROWS:
                return np.arange(n)
            rng = np.random.default_rng(derive_seed(self.statistics.seed, "sample-rows"))
            return np.sort(rng.choice(n, size=STREAMED_SAMPLE_ROWS, replace=False))

        return self.memo("sample_rows", compute)

    def all_inputs(self) -> np.ndarray:
        """The float32 model inputs of every audit row, held in memory; CheckConfigError for streamed data.

        For checks that read every row's inputs (prohibited-feature use, attribution agreement): streamed data
        is never held whole, so they say so instead of failing on a missing matrix.
        """
        if self.data.feature_stream is not None:
            raise CheckConfigError(
                f"this check reads every row's model inputs, but {self.data.source.name} "
                f"({self.data.n_rows:,} rows) is streamed, not held in memory; run this check on a smaller extract "
                "of the file, and performance, group fairness, calibration and counterfactual sweeps on the whole "
                "file")
        return self.data.X  # type: ignore[return-value]

    def sample_inputs(self) -> np.ndarray:
        """float32 model inputs of :attr:`sample_rows` (the matrix itself for in-memory data, not a copy)."""
        if self.data.feature_stream is None:
            return self.data.X  # type: ignore[return-value]
        return self.memo("sample_inputs", lambda: self.features(self.sample_rows))

    def of_sample(self, column: np.ndarray) -> np.ndarray:
        """The entries of a per-row ``column`` at :attr:`sample_rows` (the column itself for in-memory data)."""
        return column if self.data.feature_stream is None else np.asarray(column)[self.sample_rows]

    def activations(self, layer: str) -> torch.Tensor:
        """Pooled activations of ``layer`` from the shared pass, one row per :attr:`activation_rows`, on device."""
        captured = self._shared_pass().activations
        if layer not in captured:
            raise CheckConfigError(
                f"activations of layer {layer!r} were not captured in the shared pass; captured: "
                f"{', '.join(captured) or 'none'}"
            )
        return captured[layer]

    @property
    def statistics(self) -> Statistics:
        """The policy's statistics settings (confidence, bootstrap size, ...)."""
        return self.policy.statistics

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Return the cached value for ``key``, computing it once (cheap per-run values; model work goes
        through :attr:`artefacts`)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def shared_pass_key(self) -> ArtefactKey:
        """The artefact key of the shared pass; fixed at its first request (layers can no longer be added).

        Sample: a digest of the model inputs themselves (the data file's fingerprint
        alone would not do: two policies can read other columns of one file);
        model: the adapter's fingerprint; settings: the captured layers and a
        digest of the captured rows.
        """
        if self._pass_key is None:
            rows = np.ascontiguousarray(self.activation_rows if self._capture else np.arange(0), dtype=np.int64)
            self._pass_key = ArtefactKey(
                kind="predictions", method="predict",
                settings={"layers": list(self._capture), "rows": hashlib.sha256(rows.tobytes()).hexdigest()},
                sample=self._inputs_digest(), model=self.adapter.fingerprint)
        return self._pass_key

    def _inputs_digest(self) -> str:
        """SHA-256 of what the shared pass feeds the model: the input matrix, or the texts."""
        stream = self.data.feature_stream
        if stream is not None:  # digested while the loader read it: the same value as for the matrix held whole
            return stream.digest
        if self.data.kind == "tabular":
            x = np.ascontiguousarray(self.data.X)
            h = hashlib.sha256(inputs_header(self.data.kind, self.data.fingerprint, x.dtype, x.shape,
                                             self.data.feature_names))
            h.update(x.tobytes())
        else:
            h = hashlib.sha256(f"{self.data.kind}:{self.data.fingerprint}:".encode())
            for text in self.data.texts or []:
                h.update(len(text).to_bytes(8, "little"))
                h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _shared_pass(self) -> SharedPass:
        """The one batched pass over every audit row, capturing the requested layers (an artefact)."""
        return self.artefacts.get_or_compute(self.shared_pass_key(), lambda: self.pass_block(0, self.data.n_rows))

    def pass_block(self, start: int, stop: int) -> SharedPass:
        """The shared pass over audit rows ``[start, stop)`` only: their predictions, and the activations of the
        :attr:`activation_rows` among them.

        The whole range is the shared pass itself (streamed data is read batch by batch, :meth:`_predict_all`);
        a distributed executor runs blocks on several workers and joins them
        (:func:`auditkit.sharded_pass.join_blocks`). Blocks that start at a multiple of the adapter's batch size
        feed the model the very batches the whole pass would, so the joined result is bit-identical.
        """
        whole = start == 0 and stop == self.data.n_rows

        def predict() -> np.ndarray:
            if whole:
                return self._predict_all()
            if self.data.feature_stream is not None:
                return self.adapter.predict(self.features(np.arange(start, stop)))
            inputs = self.data.X if self.data.kind == "tabular" else self.data.texts
            return self.adapter.predict(inputs[start:stop])

        activations: dict[str, torch.Tensor] = {}
        if not self._capture:
            scores = predict()
        else:
            rows = self.activation_rows
            kept = rows if whole else rows[(rows >= start) & (rows < stop)] - start
            with capture(self.adapter, self._capture, stop - start, kept) as captured:
                scores = predict()
            activations = captured.tensors()
        return SharedPass(Predictions(scores=scores, decisions=self.adapter.decide(scores)), activations)

    @property
    def captured_layers(self) -> tuple[str, ...]:
        """The layers whose activations the shared pass captures (in request order)."""
        return tuple(self._capture)

    def _predict_all(self) -> np.ndarray:
        """Scores of every audit row: one ``predict`` call, or one per batch of streamed data (in row order,
        so activation capture keeps the same rows)."""
        stream = self.data.feature_stream
        if stream is None:
            return self.adapter.predict(self.data.X if self.data.kind == "tabular" else self.data.texts)
        scores = np.empty(self.data.n_rows, dtype=np.float64)
        for start, x in stream.batches():
            scores[start:start + len(x)] = self.adapter.predict(x)
        return scores

    def features(self, rows: np.ndarray) -> np.ndarray:
        """float32 model inputs of the audit rows at sorted positions ``rows`` (read from the file when streamed)."""
        stream = self.data.feature_stream
        if stream is None:
            return np.asarray(self.data.X)[np.asarray(rows, dtype=np.int64)]
        return stream.rows(rows)

    def predictions(self) -> Predictions:
        """Scores and decisions of the model on the audit data (one batched pass, an artefact).

        The same pass captures the activations of every requested layer.
        """
        return self._shared_pass().predictions

    @property
    def categorical_groups(self) -> dict[str, list[str]]:
        """The run's declared categorical variables: ``data.feature_groups`` (prefix rules resolved), plus, as a
        one-column group, every ``data.categorical`` column and every input the model itself treats as categories
        (a tree ensemble's categorical splits, the columns a scikit-learn pipeline encodes): their codes name
        categories, not amounts, so counterfactuals redraw them and proxy screening tests them as one categorical
        variable instead of moving them along quantiles."""
        declared = {name: list(cols) for name, cols in self.policy.data.groups.items()}
        taken = {c for cols in declared.values() for c in cols}
        coded = list(self.policy.data.categorical)  # text categories held as codes
        if isinstance(self.adapter, HasCategoricalInputs):
            coded += self.adapter.categorical_features
        declared.update({c: [c] for c in dict.fromkeys(coded) if c not in taken})
        return declared

    @property
    def coded_inputs(self) -> list[str]:
        """Inputs holding category codes one column each (the one-column groups of :attr:`categorical_groups`):
        a mean of codes, or a code moved along a direction, names no category."""
        return [c for c, cols in self.categorical_groups.items() if cols == [c]]

    def proxy_screen(self, attribute: str, exclude: Sequence[str] = ()) -> Any:
        """Proxy screening of ``attribute`` over the tabular inputs (methods.md A3), computed once per run.

        Returns :class:`auditkit.metrics.proxies.ProxyReport`; ``exclude`` names the
        attribute's own input columns. Shared by the prohibited-feature and
        counterfactual checks. Screens :attr:`sample_rows` (every row of in-memory data).
        """
        from auditkit.metrics.proxies import detect_proxies

        def compute() -> Any:
            return detect_proxies(self.sample_inputs(), self.of_sample(self.data.protected[attribute]),
                                  self.data.feature_names,
                                  exclude=exclude, level=self.statistics.confidence,
                                  seed=derive_seed(self.statistics.seed, "proxies", attribute),
                                  resamples=self.statistics.bootstrap, groups=self.categorical_groups)

        return self.memo(("proxy_screen", attribute, tuple(exclude)), compute)

    def groups(self, attributes: Sequence[str]) -> Groups:
        """Group codes for the given attributes; several attributes give intersectional groups.

        Labels read ``sex=female`` or ``sex=female & age=18-25``; groups are
        ordered by the declared attribute values (then by first appearance).
        """
        return self.memo(("groups", tuple(attributes)), lambda: self._groups(tuple(attributes)))

    def _groups(self, attributes: tuple[str, ...]) -> Groups:
        """Factorise each attribute column once and label each distinct combination, never each row.

        A protected column may hold very long strings (a 200 kB cell); copying
        the column to a fixed-width string array, or building one label per
        row, would allocate gigabytes. Labels are built per distinct value and
        capped by :func:`display_value`.
        """
        if not attributes:
            raise CheckConfigError("the check names no protected attribute; add 'attributes: [name]'")
        codes_by_attr, uniques_by_attr = [], []
        for name in attributes:
            if name not in self.data.protected:
                raise CheckConfigError(
                    f"attribute {name!r} has no data column in this data set; "
                    f"attributes with data: {', '.join(sorted(self.data.protected)) or 'none'}"
                )
            codes, uniques = pd.factorize(np.asarray(self.data.protected[name], dtype=object), use_na_sentinel=False)
            codes_by_attr.append(np.asarray(codes, dtype=np.int64))  # factorize gives intp: no copy
            uniques_by_attr.append([str(u) if as_text(u) is None else as_text(u) for u in uniques])
        declared = {a.name: [as_text(v) for v in a.values] for a in self.policy.protected_attributes}
        combos, key, table = _distinct_rows(codes_by_attr, [len(u) for u in uniques_by_attr])
        shown = {a: display_values(u) for a, u in zip(attributes, uniques_by_attr, strict=True)}

        def rank(combo: np.ndarray) -> tuple:
            values = [uniques_by_attr[j][int(c)] for j, c in enumerate(combo)]
            ranks = [declared.get(a, []).index(v) if v in declared.get(a, []) else len(declared.get(a, []))
                     for a, v in zip(attributes, values, strict=True)]
            return (*ranks, values)

        order = sorted(range(len(combos)), key=lambda k: rank(combos[k]))
        position = np.empty(len(combos), dtype=np.int64)
        position[order] = np.arange(len(combos))
        labels = tuple(" & ".join(f"{a}={shown[a][int(c)]}" for a, c in zip(attributes, combos[k], strict=True))
                       for k in order)
        absent = tuple(f"{a}={display_value(v)}" for a, u in zip(attributes, uniques_by_attr, strict=True)
                       for v in declared.get(a, []) if v is not None and v not in set(u))
        return Groups(codes=position[table][key], labels=labels, attributes=attributes, absent=absent)


#: Rows of streamed data whose model inputs checks that need whole rows read (:attr:`CheckContext.sample_rows`).
STREAMED_SAMPLE_ROWS = 200_000

def _distinct_rows(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)`` without its full-length copies.

    Returns ``(combos, key, table)``: ``combos`` are the sorted distinct rows and ``table[key]`` is the
    inverse (a row's position among them), left unapplied so that a caller mapping positions further
    (``mapping[table][key]``) allocates one full-length array, not two.

    Each column ``j`` holds codes in ``[0, sizes[j])``; one mixed-radix key per row orders the rows as the
    lexicographic row order does, so the distinct keys, turned back into digits, are the sorted distinct rows.
    Where the keys span at most 2**24 values, a presence table replaces the sort. A single column is its own
    key (not copied).
    """
    if len(codes) == 1:
        key = np.asarray(codes[0], dtype=np.int64)
    else:
        key = np.zeros(len(codes[0]), dtype=np.int64)
        for column, size in zip(codes, sizes, strict=True):
            key *= max(size, 1)
            key += column
    span = int(np.prod([max(s, 1) for s in sizes], dtype=np.float64))
    if span <= 1 << 24:
        keys = np.flatnonzero(np.bincount(key, minlength=span))
        table = np.zeros(span, dtype=np.int64)
        table[keys] = np.arange(keys.size)
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        key, table = np.asarray(inverse, dtype=np.int64).reshape(-1), np.arange(keys.size, dtype=np.int64)
    digits = []
    for size in reversed(sizes):
        digits.append(keys % max(size, 1))
        keys = keys // max(size, 1)
    return np.stack(digits[::-1], axis=1).astype(np.int64), key, table


P = TypeVar("P", bound=Params)


class Check(ABC, Generic[P]):
    """A registered audit check, generic over its parameter model ``P``.

    Subclasses name their model (``class MyCheck(Check[MyParams])``), set the
    class attributes and implement :meth:`run`; ``run``, :meth:`layers` and
    :meth:`capture_rows` then take ``MyParams`` without overriding a wider
    signature.
    """

    kind: ClassVar[str]
    version: ClassVar[int]
    title: ClassVar[str]
    Params: ClassVar[type[Params]]
    requires: ClassVar[tuple[type, ...]] = ()
    #: The closed set of rule ids that can decide this kind's verdict (``Verdict.rule``); each has the
    #: criterion message ``<kind>.rule.<rule id>`` in every catalogue.
    rules: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def layers(cls, params: P) -> Sequence[str] | None:
        """Layers whose activations the check needs from the shared pass (``None``: all the adapter has).

        Checks that probe no representation keep the default (an empty list).
        """
        return []

    @classmethod
    def capture_rows(cls, params: P) -> int:
        """How many audit rows' activations the check needs (a seeded sample when the data has more)."""
        return 4000

    @abstractmethod
    def run(self, ctx: CheckContext, params: P, *, seed: int) -> CheckResult:
        """Run the check on ``ctx`` with validated ``params`` and a check-specific ``seed``."""


def check_fingerprint(kind: str, version: int, params: BaseModel) -> str:
    """Identity of a check configuration across runs: hash of (kind, version, canonical params)."""
    canonical = json.dumps(
        {"kind": kind, "version": version, "params": params.model_dump(mode="json")},
        sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_seed(run_seed: int, check_id: str, kind: str) -> int:
    """The seed one check draws from: stable across re-runs, resumes and added checks."""
    return derive_seed(run_seed, check_id, kind)
