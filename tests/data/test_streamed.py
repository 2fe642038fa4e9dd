"""Streamed Parquet data (issue #17 item 4): the same audit as in memory, only the policy's columns read.

A Parquet file of several row groups is audited twice through :func:`auditkit.run_audit`: read whole, and
streamed (the size threshold set to zero). Performance, group fairness and a counterfactual sweep with proxy
screening must give the same verdicts and the same numbers, and the run records the same data fingerprint.
The reader is watched at pyarrow's own entry points to show that a large column no check needs is never
decoded, and a missing column's error names it and the columns found.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import auditkit
from auditkit.data import loader, parquet_stream
from auditkit.data.loader import load_data
from auditkit.errors import DataError
from auditkit.metrics import fairness, roc
from auditkit.policy.schema import DataSpec, ProtectedAttribute
from auditkit.store import open_store

MODEL = textwrap.dedent(
    """
    import torch
    from torch import nn


    def build():
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    """
)
FEATURES = ["x0", "x1", "x2", "sex"]
ROWS, GROUP_ROWS = 900, 128
CHECKS = [
    {"id": "perf", "kind": "performance", "attributes": ["sex"], "per_group_thresholds": True,
     "thresholds": {"accuracy": {"min": 0.3}, "selection_rate": {"max": 0.95}}},
    {"id": "fair", "kind": "group_fairness", "attribute": "sex"},
    {"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex", "refit_resamples": 50},
]


def _frame(rows: int = ROWS) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    sex = rng.integers(0, 2, rows)
    frame = pd.DataFrame(rng.normal(size=(rows, 3)), columns=FEATURES[:3])
    frame["x1"] += 0.8 * sex  # a proxy of sex for the counterfactual's screen
    frame["sex"] = sex
    frame["group"] = np.where(sex == 1, "female", "male")
    frame["y"] = (frame["x0"] + 0.3 * rng.normal(size=rows) > 0).astype(int)
    frame["blob"] = ["z" * 2000] * rows  # never read: no check names it
    return frame


def _write(tmp: Path, frame: pd.DataFrame) -> Path:
    path = tmp / "data.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=GROUP_ROWS)
    return path


def _policy(tmp: Path) -> Path:
    (tmp / "model.py").write_text(MODEL)
    _write(tmp, _frame())
    policy = {
        "schema_version": 1,
        "policy": {"id": "stream", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "stream-system", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build"},
        "data": {"path": "data.parquet", "label": "y", "favourable_label": 1, "features": FEATURES},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1], "model_input": True}],
        "statistics": {"bootstrap": 200, "seed": 5},
        "checks": CHECKS,
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def _audit(policy: Path, db: Path):
    with open_store(f"sqlite:///{db}") as store:
        return auditkit.run_audit(policy, store=store, device="cpu", report=False)


def test_a_streamed_audit_equals_the_in_memory_audit(tmp_path, monkeypatch):
    policy = _policy(tmp_path)
    whole = _audit(policy, tmp_path / "whole.db")
    monkeypatch.setattr(loader, "STREAM_BYTES", 0)  # every Parquet file is streamed now
    streamed = _audit(policy, tmp_path / "streamed.db")
    assert whole.dataset_fingerprint == streamed.dataset_fingerprint
    for check in CHECKS:
        a, b = whole.outcome(check["id"]), streamed.outcome(check["id"])
        assert a.status.value not in ("ERROR", "SKIPPED"), a.summary
        assert a.status == b.status, (check["id"], a.summary, b.summary)
        assert len(a.measurements) == len(b.measurements) > 0
        for x, y in zip(a.measurements, b.measurements, strict=True):
            assert (x.name, x.group, x.status, x.n) == (y.name, y.group, y.status, y.n)
            for field in ("value", "ci_low", "ci_high"):
                u, v = getattr(x, field), getattr(y, field)
                assert (u is None and v is None) or u == pytest.approx(v, rel=1e-12, abs=1e-12), (x.name, field)


class _Reads:
    """The columns pyarrow was asked to decode, recorded at ``ParquetFile``'s readers, calling through."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.columns: set[str] = set()
        for name in ("iter_batches", "read_row_group", "read", "read_row_groups"):
            self._wrap(monkeypatch, name)

    def _wrap(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        original = getattr(pq.ParquetFile, name)
        reads = self

        def recording(file, *args, columns=None, **kwargs):
            reads.columns.update(columns if columns is not None else file.schema_arrow.names)
            return original(file, *args, columns=columns, **kwargs)

        monkeypatch.setattr(pq.ParquetFile, name, recording)


def _spec(**overrides) -> DataSpec:
    return DataSpec(**{"path": "data.parquet", "label": "y", "favourable_label": 1, "features": FEATURES,
                       **overrides})


ATTRIBUTES = [ProtectedAttribute(name="sex", column="sex", values=[0, 1], model_input=True),
              ProtectedAttribute(name="gender", column="group", values=["female", "male"])]


def test_only_the_policy_columns_are_read_and_they_equal_the_whole_read(tmp_path, monkeypatch):
    _write(tmp_path, _frame())
    whole = load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=False)
    reads = _Reads(monkeypatch)
    data = load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=True)
    assert data.X is None and data.feature_stream is not None
    batches = np.concatenate([x for _, x in data.feature_stream.batches(batch_rows=100)])
    picked = data.feature_stream.rows(np.array([0, 127, 128, 899]))
    assert reads.columns == {*FEATURES, "y", "group"}  # never "blob"
    assert np.array_equal(batches, whole.X) and np.array_equal(picked, whole.X[[0, 127, 128, 899]])
    assert np.array_equal(data.y_true, whole.y_true)
    for name in ("sex", "gender"):
        assert data.protected[name].tolist() == whole.protected[name].tolist()
    assert data.fingerprint == whole.fingerprint and data.n_rows == whole.n_rows == ROWS
    assert data.describe()["columns"] == whole.describe()["columns"]
    # the shared pass's artefact key reads the same input digest from either reader
    from auditkit.checks.base import CheckContext

    def digest(d):
        return CheckContext(adapter=None, data=d, policy=None)._inputs_digest()  # type: ignore[arg-type]

    assert digest(data) == digest(whole)


def test_max_rows_stops_the_stream(tmp_path):
    _write(tmp_path, _frame())
    whole = load_data(_spec(max_rows=300), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=False)
    data = load_data(_spec(max_rows=300), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=True)
    assert data.n_rows == 300 and data.rows_in_file == ROWS
    assert np.array_equal(np.concatenate([x for _, x in data.feature_stream.batches()]), whole.X)
    assert np.array_equal(data.y_true, whole.y_true)


def test_a_missing_column_names_it_and_the_columns_found(tmp_path):
    _write(tmp_path, _frame())
    with pytest.raises(DataError) as err:
        load_data(_spec(label="outcome"), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=True)
    assert "'outcome'" in str(err.value) and "columns found" in str(err.value)
    for column in ("x0", "sex", "group", "blob"):
        assert column in str(err.value)
    with pytest.raises(DataError, match=r"'income'.*columns found"):
        load_data(_spec(features=[*FEATURES, "income"]), ATTRIBUTES, base_dir=tmp_path, task="tabular",
                  stream=True)


def test_bad_values_in_a_later_batch_are_reported_with_their_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet_stream, "BATCH_ROWS", GROUP_ROWS)
    frame = _frame()
    frame["group"] = frame["group"].astype(object)
    frame.loc[700, "group"] = "other"
    _write(tmp_path, frame)
    with pytest.raises(DataError, match=r"protected_attributes\[1\].*'other'.*rows 641–768"):
        load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=True)


def test_block_wise_counts_and_auc_equal_the_whole_column_ones(monkeypatch):
    rng = np.random.default_rng(0)
    n = 5000
    scores = np.round(rng.random(n), 2)  # many ties
    y = (rng.random(n) < scores).astype(np.int8)
    codes = rng.integers(0, 3, n)
    counts = fairness.confusion_counts(y, (scores >= 0.5).astype(np.int8), codes, 3)
    _, shares = roc.score_distribution(scores, codes, 3)
    auc = roc.roc_auc(scores, y, 0.95)
    monkeypatch.setattr(fairness, "COUNT_BLOCK", 333)
    monkeypatch.setattr(roc, "BLOCK_ROWS", 333)
    assert np.array_equal(fairness.confusion_counts(y, (scores >= 0.5).astype(np.int8), codes, 3), counts)
    assert np.array_equal(roc.score_distribution(scores, codes, 3)[1], shares)
    blocked = roc.roc_auc(scores, y, 0.95)
    assert blocked.auc == auc.auc and blocked.method == auc.method == "delong"
    assert (blocked.ci_low, blocked.ci_high) == pytest.approx((auc.ci_low, auc.ci_high), rel=1e-12)


def test_read_ahead_hands_over_the_producer_error_and_stops_when_the_consumer_does():
    from auditkit.data.streamed import _prefetched

    def items(fail_at: int):
        for i in range(10):
            if i == fail_at:
                raise DataError(f"bad batch {i}")
            yield i, np.zeros((1, 1), dtype=np.float32)

    seen = []
    with pytest.raises(DataError, match="bad batch 3"):
        for start, _ in _prefetched(items(3)):
            seen.append(start)
    assert seen == [0, 1, 2]
    first = next(iter(_prefetched(items(99))))  # abandoned after one item: the producer must not hang
    assert first[0] == 0
    assert [s for s, _ in _prefetched(items(99))] == list(range(10))


@pytest.mark.parametrize("sizes", [[2], [5, 3], [2, 7, 4], [3000, 3000, 3]])
def test_intersectional_groups_are_numpy_unique_rows_without_the_copies(sizes):
    from auditkit.checks.base import _distinct_rows

    rng = np.random.default_rng(len(sizes))
    codes = [rng.integers(0, max(1, s - 1), 4000) for s in sizes]  # the last code of each column unused
    combos, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    ours, key, table = _distinct_rows(codes, sizes)
    assert np.array_equal(ours, combos) and np.array_equal(table[key], np.asarray(inverse).reshape(-1))


def test_a_check_that_reads_every_rows_inputs_says_streamed_data_is_not_held(tmp_path):
    from auditkit.checks.base import CheckContext
    from auditkit.errors import CheckConfigError

    _write(tmp_path, _frame())
    data = load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=True)
    ctx = CheckContext(adapter=None, data=data, policy=None)  # type: ignore[arg-type]
    with pytest.raises(CheckConfigError, match=r"data.parquet \(900 rows\) is streamed"):
        ctx.all_inputs()
    assert np.array_equal(ctx.sample_inputs(), load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular",
                                                         stream=False).X)


def test_streamed_data_is_profiled_on_its_seeded_sample_of_rows(tmp_path, monkeypatch):
    from auditkit.data.profiling import profile_audit_data

    monkeypatch.setattr(loader, "FRAME_ROWS", 100)
    _write(tmp_path, _frame())
    data = load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=True)
    assert len(data.frame) == 100 and data.frame_rows is not None and np.all(np.diff(data.frame_rows) > 0)
    whole = _frame().iloc[data.frame_rows].reset_index(drop=True)
    assert np.array_equal(data.frame["x0"].to_numpy(), whole["x0"].to_numpy())
    profile = profile_audit_data(data, ATTRIBUTES, units={}, confidence=0.95)
    assert profile.n_rows == 100
    expected = profile_audit_data(load_data(_spec(), ATTRIBUTES, base_dir=tmp_path, task="tabular", stream=False),
                                  ATTRIBUTES, units={}, confidence=0.95)
    assert expected.n_rows == ROWS  # the whole read profiles every row
    assert [c.name for c in profile.columns] == [c.name for c in expected.columns]
