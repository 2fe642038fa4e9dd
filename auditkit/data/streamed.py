"""Loading a large Parquet file for a tabular model without holding it: compact columns plus a feature stream.

One pass over the file's row groups (:class:`~auditkit.data.parquet_stream.ParquetStream`), reading only the
label, feature, protected-attribute and id columns, checks every row exactly as the in-memory loader does and
keeps per row only what the checks read whole: the favourable-outcome vector (int8) and each protected
attribute's value as text (an object array whose entries all point at a handful of shared strings). The model
inputs are validated and digested in the same pass but not kept: :class:`FeatureStream` reads them again batch
by batch for the shared prediction pass, and reads the rows a check samples (activations, counterfactual
sweeps) by position.

Value checks run on each batch's distinct values (pyarrow dictionary encoding), so a 10-million-row label
column costs a few thousand Python calls, not ten million; where a batch holds a missing or undeclared value
the in-memory validator is run on that batch to word the error, with the batch's row range added.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from auditkit.data.columns import feature_matrix, id_array, label_vector, protected_columns
from auditkit.data.parquet_stream import ParquetStream
from auditkit.data.values import as_text, column_as_text, listing
from auditkit.errors import DataError
from auditkit.policy.schema import DataSpec, ProtectedAttribute


@dataclass(frozen=True, eq=False)
class FeatureStream:
    """The model inputs of a streamed Parquet file: float32 batches in row order, or the rows at given positions.

    Each batch is converted and checked exactly as the in-memory loader converts the whole file
    (:func:`~auditkit.data.columns.feature_matrix`), so a streamed batch equals the same rows of the in-memory
    matrix. ``digest`` is the SHA-256 of the matrix's bytes in row order (row-major float32), what hashing
    the in-memory matrix gives.
    """

    stream: ParquetStream
    features: tuple[str, ...]
    digest: str = field(default="")

    @property
    def n_rows(self) -> int:
        """Rows audited."""
        return self.stream.n_rows

    def batches(self, batch_rows: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """``(first row, float32 (b, d) matrix)`` over every audited row, in file order (default batch size:
        :data:`~auditkit.data.parquet_stream.BATCH_ROWS`).

        The loader checked every value already; a batch of plain numeric columns without nulls is converted
        straight from Arrow (through float64, as :func:`~auditkit.data.columns.feature_matrix` does, so the
        float32 values are the same), any other through ``feature_matrix``. DataError if the file changed since
        it was loaded. The next batch is read and converted in a background thread while the caller works on
        the current one (pyarrow and the model both release the GIL), so decoding overlaps inference.
        """
        self.stream.check_unchanged()
        yield from _prefetched(self._converted(batch_rows))

    def _converted(self, batch_rows: int | None) -> Iterator[tuple[int, np.ndarray]]:
        for start, batch in self.stream.batches(self.features, batch_rows=batch_rows):
            X = _plain_matrix(batch)
            yield start, X if X is not None else _matrix(batch.to_pandas(), self.features, self.stream, start)

    def rows(self, positions: np.ndarray) -> np.ndarray:
        """float32 ``(len(positions), d)``: the model inputs of the rows at sorted ``positions``."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return np.zeros((0, len(self.features)), dtype=np.float32)
        return _matrix(self.stream.take(positions, self.features), self.features, self.stream, None)


def inputs_header(kind: str, fingerprint: str, dtype: np.dtype, shape: tuple[int, ...],
                  names: Sequence[str]) -> bytes:
    """What the shared pass's input digest hashes before a matrix's bytes (one definition for both readers)."""
    return f"{kind}:{fingerprint}:".encode() + f"{np.dtype(dtype).str}{tuple(shape)}{list(names)}".encode()


#: Batches read ahead of the consumer by :func:`_prefetched` (each at most a few tens of MB).
PREFETCH = 2
_DONE = object()


def _prefetched(items: Iterator[tuple[int, np.ndarray]]) -> Iterator[tuple[int, np.ndarray]]:
    """``items`` produced by a background thread up to :data:`PREFETCH` ahead; its exception is raised here.

    Stopping early (the consumer breaks or fails) tells the thread to stop at its next item.
    """
    ahead: queue.Queue = queue.Queue(maxsize=PREFETCH)
    stop = threading.Event()

    def offer(item: object) -> bool:
        """Queue ``item`` unless the consumer has stopped; False once it has."""
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            offer(exc)

    thread = threading.Thread(target=produce, name="auditkit-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = ahead.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()  # the producer notices ``stop`` within 0.1 s, even when the queue is full


def _plain_matrix(batch: pa.RecordBatch) -> np.ndarray | None:
    """float32 ``(rows, columns)`` of a batch of integer, float or boolean columns without nulls; else None."""
    X = np.empty((batch.num_rows, batch.num_columns), dtype=np.float32)
    for j, column in enumerate(batch.columns):
        kind = column.type
        if column.null_count or not (pa.types.is_integer(kind) or pa.types.is_floating(kind)
                                     or pa.types.is_boolean(kind)):
            return None
        X[:, j] = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
    return X


def _matrix(frame: pd.DataFrame, features: Sequence[str], stream: ParquetStream, start: int | None) -> np.ndarray:
    try:
        X, _ = feature_matrix(frame, features, source=stream.path.name)
    except DataError as exc:
        raise _in_rows(exc, start, len(frame)) from None
    return X


def _in_rows(exc: DataError, start: int | None, rows: int) -> DataError:
    """``exc`` with the rows of the file it counts in (a batch's row numbers start at 1 within the batch)."""
    if start is None:
        return exc
    return DataError(f"{exc} (row numbers count within rows {start + 1}–{start + rows} of the file, "
                     "which is read in batches)")


class _Coder:
    """Text of each distinct value of one column, coded over the whole file (first appearance order)."""

    def __init__(self) -> None:
        self.index: dict[str | None, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, column: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Code one batch of the column; return the batch's distinct texts (``None``: missing)."""
        encoded = column.dictionary_encode()
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        texts = column_as_text(encoded.dictionary.to_pandas())
        local = np.array([self.index.setdefault(t, len(self.index)) for t in texts], dtype=np.int32)
        idx = encoded.indices
        if idx.null_count:
            missing = self.index.setdefault(None, len(self.index))
            codes = np.where(idx.is_null().to_numpy(zero_copy_only=False), missing,
                             local[idx.fill_null(0).to_numpy(zero_copy_only=False)])
            texts = np.append(texts, None)
        else:
            codes = local[idx.to_numpy(zero_copy_only=False)]
        self.parts.append(codes.astype(np.int32))
        return texts

    def texts(self) -> np.ndarray:
        """Object array, one entry per row, each pointing at its value's one shared string."""
        values = np.empty(len(self.index), dtype=object)
        for text, code in self.index.items():
            values[code] = text
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)
        return values[codes]


@dataclass(frozen=True)
class StreamedColumns:
    """What one pass over a streamed file keeps: labels, protected attributes, ids and the feature stream."""

    y_true: np.ndarray
    protected: dict[str, np.ndarray]
    ids: np.ndarray | None
    features: FeatureStream


def read_streamed(stream: ParquetStream, spec: DataSpec, attributes: Sequence[ProtectedAttribute], *,
                  fingerprint: str) -> StreamedColumns:
    """Check and read the policy's columns of ``stream`` in one pass (see the module docstring).

    ``fingerprint`` (the file's) starts the feature digest, as it does for in-memory data.
    """
    source = stream.path.name
    if not spec.features:
        raise DataError(
            "data.features is empty; a tabular model needs its input columns: list them in data.features "
            f"in the order the model reads them (columns found in {source}: {listing(stream.names)})"
        )
    missing = [f for f in spec.features if f not in stream.names]
    if missing:
        raise DataError(
            f"{len(missing)} of the {len(spec.features)} columns in data.features not found in {source}: "
            f"{', '.join(repr(m) for m in missing)}; columns found: {listing(stream.names, 60)}"
        )
    stream.require(spec.label, field="data.label")
    with_column = [(i, a) for i, a in enumerate(attributes) if a.column]
    for i, attr in with_column:
        stream.require(attr.column, field=f"protected_attributes[{i}].column")  # type: ignore[arg-type]
    if spec.id_column:
        stream.require(spec.id_column, field="data.id_column")
    # the in-memory validator words every other attribute problem (no column, model_input) the same way
    protected_columns(pd.DataFrame({a.column: pd.Series([], dtype=object) for _, a in with_column}), attributes,
                      task="tabular", features=spec.features, source=source)
    columns = list(dict.fromkeys([*spec.features, spec.label, *(a.column for _, a in with_column),
                                  *([spec.id_column] if spec.id_column else [])]))
    favourable = as_text(spec.favourable_label)
    declared = {a.name: {as_text(v) for v in a.values} for _, a in with_column}
    label_parts: list[np.ndarray] = []
    coders = {a.name: _Coder() for _, a in with_column}
    id_parts: list[np.ndarray] = []
    digest = hashlib.sha256(inputs_header("tabular", fingerprint, np.dtype(np.float32),
                                          (stream.n_rows, len(spec.features)), spec.features))
    for start, batch in stream.batches(columns):
        frame: pd.DataFrame | None = None

        def as_frame(batch: pa.RecordBatch = batch) -> pd.DataFrame:
            return batch.to_pandas()

        label = _Coder()
        texts = label.add(batch.column(spec.label))
        if any(t is None for t in texts):
            frame = as_frame()
            try:
                label_vector(frame, spec, source=source)
            except DataError as exc:
                raise _in_rows(exc, start, batch.num_rows) from None
        label_parts.append((label.texts() == favourable).astype(np.int8))
        for _, attr in with_column:
            texts = coders[attr.name].add(batch.column(attr.column))
            if any(t is None for t in texts) or (attr.values and any(t not in declared[attr.name] for t in texts)):
                frame = frame if frame is not None else as_frame()
                try:
                    protected_columns(frame, attributes, task="tabular", features=spec.features, source=source)
                except DataError as exc:
                    raise _in_rows(exc, start, batch.num_rows) from None
        inputs = batch.select(list(spec.features))
        X = _plain_matrix(inputs)
        if X is None or not np.isfinite(X).all():  # the in-memory converter words the problem, or converts
            X = _matrix(inputs.to_pandas(), spec.features, stream, start)
        digest.update(np.ascontiguousarray(X).tobytes())
        if spec.id_column:
            frame = frame if frame is not None else as_frame()
            id_parts.append(column_as_text(frame[spec.id_column]))
    if stream.n_rows == 0:
        raise DataError(f"data.path: {source} holds no data rows; the audit needs held-out examples")
    y = np.concatenate(label_parts)
    if not y.any():  # word the error with the in-memory validator, on one row per distinct label value
        label_vector(pd.DataFrame({spec.label: _distinct(stream, spec.label)}), spec, source=source)
    ids = None
    if spec.id_column:
        ids = id_array(pd.DataFrame({spec.id_column: np.concatenate(id_parts)}), spec.id_column, source=source)
    return StreamedColumns(
        y_true=y, protected={name: coder.texts() for name, coder in coders.items()}, ids=ids,
        features=FeatureStream(stream, tuple(spec.features), digest.hexdigest()))


def _distinct(stream: ParquetStream, column: str) -> pd.Series:
    """One entry per distinct value of ``column`` (for error messages), in the column's own type."""
    parts = [batch.column(column).unique() for _, batch in stream.batches([column])]
    return pa.chunked_array(parts).unique().to_pandas()


__all__ = ["FeatureStream", "StreamedColumns", "inputs_header", "read_streamed"]
