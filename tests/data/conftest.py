from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def credit_frame() -> pd.DataFrame:
    """A small tabular hold-out set: numeric features, a protected column, a 0/1 label and ids."""
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame(
        {
            "id": [f"app-{i:03d}" for i in range(n)],
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50.0, 10.0, n).round(3),
            "sex": rng.choice(["female", "male"], n),
            "debt": rng.normal(5.0, 2.0, n).round(3),
            "owns_home": rng.integers(0, 2, n).astype(bool),
            "default": rng.integers(0, 2, n),
        }
    )


@pytest.fixture
def credit_csv(tmp_path: Path, credit_frame: pd.DataFrame) -> Path:
    """``holdout.csv`` in the policy directory ``tmp_path``."""
    path = tmp_path / "holdout.csv"
    credit_frame.to_csv(path, index=False)
    return path


@pytest.fixture
def bios_jsonl(tmp_path: Path) -> Path:
    """``bios.jsonl``: short texts with a gender column and a hired label."""
    rows = [
        {"text": "She is a nurse in Lyon.", "gender": "female", "hired": "yes"},
        {"text": "He is an engineer.", "gender": "male", "hired": "no"},
        {"text": "She leads the data team.", "gender": "female", "hired": "yes"},
        {"text": "He writes compilers \u2028 for fun.", "gender": "male", "hired": "yes"},
    ]
    path = tmp_path / "bios.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    return path
