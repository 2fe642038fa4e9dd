from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.data import bytes_sha256, file_sha256
from auditkit.data.io import detect_format
from auditkit.data.values import as_text, column_as_text, count_values, format_counts
from auditkit.errors import DataError


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "1"),
        (np.int64(1), "1"),
        (1.0, "1"),
        (np.float32(2.0), "2"),
        (0.5, "0.5"),
        ("1", "1"),
        (True, "True"),
        (np.bool_(False), "False"),
        ("female", "female"),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
    ],
)
def test_as_text(value, text):
    assert as_text(value) == text


def test_column_as_text_paths_agree():
    columns = [
        pd.Series([1, 0, 1]),
        pd.Series([1.0, 0.0, 1.0]),
        pd.Series(["1", "0", "1"]),
        pd.Series([1, 0, 1], dtype=object),
        pd.Series([1, 0, 1], dtype="Int64"),
    ]
    for series in columns:
        assert column_as_text(series).tolist() == ["1", "0", "1"]
    assert column_as_text(pd.Series([True, False])).tolist() == ["True", "False"]
    assert column_as_text(pd.Series(["a", None, "b"])).tolist() == ["a", None, "b"]
    assert column_as_text(pd.Series([1.0, np.nan])).tolist() == ["1", None]


def test_counts_are_sorted_and_formatted():
    counts = count_values(np.array(["b", "a", "b", None, "c", "a", "b"], dtype=object))
    assert counts == [("b", 3), ("a", 2), ("c", 1)]
    assert format_counts(counts, limit=2) == "'b' (3 rows), 'a' (2 rows) and 1 more values"


def test_fingerprint_functions(tmp_path: Path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc" * 1_000_000)
    expected = hashlib.sha256(b"abc" * 1_000_000).hexdigest()
    assert file_sha256(path) == bytes_sha256(path.read_bytes()) == expected


def test_detect_format():
    assert detect_format(Path("a.CSV"), "auto") == "csv"
    assert detect_format(Path("a.ndjson"), "auto") == "jsonl"
    assert detect_format(Path("a.pq"), "auto") == "parquet"
    assert detect_format(Path("a.txt"), "csv") == "csv"
    with pytest.raises(DataError, match="suffix '\\(none\\)'"):
        detect_format(Path("data"), "auto")
