"""Reading the audit data file: path resolution, format detection, CSV / Parquet / JSONL.

Each reader returns a plain ``pandas.DataFrame`` with the file's own column
types; every problem (missing file, unknown suffix, unparsable content) is a
:class:`~auditkit.errors.DataError` that names the file and says what to fix.
"""

from __future__ import annotations

import io
import json
import stat
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from auditkit.errors import DataError

#: Suffix → format for ``format: auto``.
SUFFIX_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FORMATS = ("csv", "parquet", "jsonl")


def resolve_data_path(value: str, *, base_dir: Path) -> Path:
    """Resolve ``data.path`` against the policy's directory; DataError with the resolved path if absent."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path(base_dir) / path
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        state = "was not found"
    except OSError as exc:
        state = f"cannot be read ({exc.strerror or exc})"
    else:
        if stat.S_ISREG(mode):
            return path
        state = ("is a directory, not a file" if stat.S_ISDIR(mode)
                 else "is not a regular file (a device, pipe or socket such as /dev/zero)")
    raise DataError(
        f"data.path: {path} {state} (given as {value!r}; relative paths are resolved against the "
        f"policy's directory {base_dir}); point data.path at a CSV, Parquet or JSONL file"
    )


def detect_format(path: Path, declared: str) -> str:
    """The file format: ``declared`` unless it is ``auto``, else from the suffix."""
    if declared != "auto":
        if declared not in FORMATS:
            raise DataError(f"data.format {declared!r} is not supported; expected auto, {', '.join(FORMATS)}")
        return declared
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(f"{s} ({f})" for s, f in SUFFIX_FORMATS.items())
        raise DataError(
            f"data.path: cannot tell the format of {path.name} from its suffix {path.suffix or '(none)'!r}; "
            f"known suffixes: {known}. Rename the file or set data.format to one of {', '.join(FORMATS)}"
        )
    return fmt


def read_frame(raw: bytes, fmt: str, *, path: Path) -> pd.DataFrame:
    """Parse the file's bytes ``raw`` as a DataFrame; DataError if it cannot be parsed or holds no rows.

    Parsing the same bytes that were fingerprinted guarantees the fingerprint
    describes exactly what was audited.
    """
    try:
        if fmt == "csv":
            check_unique_names(_csv_header(raw), path, "header row")
            frame = pd.read_csv(io.BytesIO(raw), low_memory=False, encoding="utf-8")
        elif fmt == "parquet":
            check_unique_names(_parquet_names(raw), path, "schema")
            frame = pd.read_parquet(io.BytesIO(raw))
        elif fmt == "jsonl":
            frame = _read_jsonl(raw, path)
        else:
            raise DataError(f"data.format {fmt!r} is not supported; expected one of {', '.join(FORMATS)}")
    except DataError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"data.path: {path.name} is empty; expected a {fmt.upper()} file with a header row") from exc
    except UnicodeDecodeError as exc:
        raise DataError(
            f"data.path: {path.name} is not UTF-8 text ({exc}); re-save it as UTF-8"
            + (" or check that it is really a CSV file" if fmt == "csv" else "")
        ) from exc
    except Exception as exc:
        raise DataError(
            f"data.path: {path.name} could not be read as {fmt} ({type(exc).__name__}: {exc}); "
            "check the file, or set data.format if the suffix is misleading"
        ) from exc
    if frame.empty or len(frame) == 0:
        raise DataError(f"data.path: {path.name} holds no data rows; the audit needs held-out examples")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _csv_header(raw: bytes) -> list[str]:
    """The CSV header row exactly as written (pandas would rename a repeated ``x`` to ``x.1`` silently)."""
    head = pd.read_csv(io.BytesIO(raw), header=None, nrows=1, dtype=str, encoding="utf-8",
                       keep_default_na=False)
    return [str(v) for v in head.iloc[0].tolist()] if len(head) else []


def _parquet_names(raw: bytes) -> list[str]:
    """Top-level column names from the Parquet schema, repeats included."""
    import pyarrow.parquet as pq

    return list(pq.read_schema(io.BytesIO(raw)).names)


def check_unique_names(names: Sequence[str], path: Path, where: str) -> None:
    """DataError naming both positions (1-based) of the first repeated column name, and any others."""
    first: dict[str, int] = {}
    repeats: list[str] = []
    for pos, name in enumerate(names, start=1):
        if name == "":
            continue
        if name in first:
            repeats.append(f"{_short(name)!r} at columns {first[name]} and {pos}")
        else:
            first[name] = pos
    if repeats:
        more = f" (and {len(repeats) - 3} more)" if len(repeats) > 3 else ""
        raise DataError(
            f"data.path: the {where} of {path.name} names a column twice: {'; '.join(repeats[:3])}{more} "
            "(1-based positions). Readers would silently rename or drop one, so the audit could read the wrong "
            "column; give every column a unique name"
        )


def _short(name: str, limit: int = 80) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _read_jsonl(raw: bytes, path: Path) -> pd.DataFrame:
    """One JSON object per line (blank lines ignored); errors name the line."""
    rows: list[dict] = []
    # split on "\n" only: str.splitlines would also split on U+2028, which JSON strings may hold
    for number, line in enumerate(raw.decode("utf-8-sig").split("\n"), start=1):
        if line.strip():
            rows.append(_json_object(line, number, path))
    return pd.DataFrame.from_records(rows)


def _unique_keys(pairs: list[tuple[str, object]], number: int, path: Path) -> dict:
    """A JSON object's dict; a key written twice (json keeps the last silently) is a DataError."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise DataError(
                f"data.path: line {number} of {path.name} holds key {_short(key)!r} twice; JSON would keep only "
                "the last value; give each key once"
            )
        out[key] = value
    return out


def _json_object(line: str, number: int, path: Path) -> dict:
    try:
        obj = json.loads(line, object_pairs_hook=lambda pairs: _unique_keys(pairs, number, path))
    except json.JSONDecodeError as exc:
        raise DataError(
            f"data.path: line {number} of {path.name} is not valid JSON ({exc.msg}, column {exc.colno}); "
            "JSONL needs one complete JSON object per line"
        ) from exc
    if not isinstance(obj, dict):
        raise DataError(
            f"data.path: line {number} of {path.name} holds a JSON {type(obj).__name__}, "
            'expected an object such as {"text": "...", "label": 1}'
        )
    return obj
