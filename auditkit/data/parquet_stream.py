"""Reading a Parquet file in row groups, only the columns asked for (data that does not fit in memory).

:class:`ParquetStream` opens the file's footer, checks that every column the
policy names exists (a :class:`~auditkit.errors.DataError` names the missing
column and the columns found), then hands out the rows in record batches of
just the requested columns (:meth:`ParquetStream.batches`) or the rows at
given positions (:meth:`ParquetStream.take`, which decodes only the row groups
that hold them). Nothing here keeps a whole column: callers reduce each batch
to the compact arrays they need.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from auditkit.data.values import did_you_mean, listing
from auditkit.errors import DataError

#: Rows per record batch: 65,536 rows of 50 float64 columns are 25 MiB, small next to the data and large
#: enough that the per-batch cost of the model call and of pyarrow is negligible.
BATCH_ROWS = 65_536


@dataclass(frozen=True)
class ParquetStream:
    """One Parquet file read lazily: its schema, its row count and its row groups' boundaries.

    ``limit`` caps the rows read (``data.max_rows``): batches stop there and
    :attr:`n_rows` counts only the rows audited.
    """

    path: Path
    names: tuple[str, ...]
    rows_in_file: int
    #: Row index of each row group's first row, and the file's row count last (``(groups + 1,)``).
    starts: np.ndarray
    limit: int | None = None
    #: ``(size, modification time in ns)`` of the file when it was opened.
    stamp: tuple[int, int] = (0, 0)

    @classmethod
    def open(cls, path: Path, *, limit: int | None = None) -> ParquetStream:
        """Read the footer of ``path``; DataError when it is not Parquet."""
        try:
            meta = pq.ParquetFile(path).metadata
        except Exception as exc:
            raise DataError(
                f"data.path: {path.name} could not be read as parquet ({type(exc).__name__}: {exc}); "
                "check the file, or set data.format if the suffix is misleading"
            ) from exc
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
        names = tuple(str(n) for n in meta.schema.to_arrow_schema().names)
        return cls(path=path, names=names, rows_in_file=int(meta.num_rows), starts=starts, limit=limit,
                   stamp=_stamp(path))

    def check_unchanged(self) -> None:
        """DataError if the file's size or modification time differs from when it was opened.

        Streamed data is read again by later passes; a file rewritten in between would no longer be the
        fingerprinted one.
        """
        if _stamp(self.path) != self.stamp:
            raise DataError(f"data.path: {self.path} changed after it was loaded; audit a file that is not being "
                            "written, or rerun the audit")

    @property
    def n_rows(self) -> int:
        """Rows audited: the file's rows, or ``limit`` when smaller."""
        return self.rows_in_file if self.limit is None else min(self.limit, self.rows_in_file)

    def require(self, column: str, *, field: str) -> None:
        """DataError unless ``column`` is in the file, naming the policy ``field`` and the columns found."""
        if column not in self.names:
            raise DataError(
                f"column {column!r} ({field}) not found in {self.path.name}{did_you_mean(column, self.names)}; "
                f"columns found: {listing(self.names)}"
            )

    def batches(self, columns: Sequence[str], *, batch_rows: int | None = None,
                ) -> Iterator[tuple[int, pa.RecordBatch]]:
        """``(first row, batch)`` of only ``columns``, in file order, up to :attr:`n_rows` rows.

        ``batch_rows`` defaults to :data:`BATCH_ROWS`.
        Only the column chunks of ``columns`` are decoded, one row group at a
        time (a file written as one huge row group is decoded whole); a large
        column no check needs is never read.
        """
        size = batch_rows or BATCH_ROWS
        file = pq.ParquetFile(self.path)
        for g in range(len(self.starts) - 1):
            first = int(self.starts[g])
            if first >= self.n_rows:
                return
            # one row group at a time: pyarrow's iter_batches keeps the decoded file in its memory pool until
            # the iteration ends (measured: the whole 470 MiB of a 10M-row file), read_row_group does not
            table = file.read_row_group(g, columns=list(columns), use_threads=False)
            table = table.slice(0, min(table.num_rows, self.n_rows - first))
            for batch in table.to_batches(max_chunksize=size):
                yield first, batch
                first += batch.num_rows
            del table

    def take(self, rows: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
        """The rows at sorted positions ``rows`` (of the audited rows), only ``columns``, as a DataFrame.

        Decodes only the row groups that hold one of the rows.
        """
        self.check_unchanged()
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= self.n_rows):
            raise IndexError(f"row positions must lie in [0, {self.n_rows}); got {rows.min()}..{rows.max()}")
        file = pq.ParquetFile(self.path)
        group_of = np.searchsorted(self.starts, rows, side="right") - 1
        parts = []
        for g in np.unique(group_of):
            local = rows[group_of == g] - self.starts[g]
            table = file.read_row_group(int(g), columns=list(columns), use_threads=False)
            parts.append(table.take(pa.array(local)))
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        frame = pa.concat_tables(parts).to_pandas()
        frame.columns = [str(c) for c in frame.columns]
        return frame


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


__all__ = ["BATCH_ROWS", "ParquetStream"]
