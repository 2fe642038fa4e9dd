"""The data profile: hand-built frames give hand-computed ranges, shares, group summaries and base rates."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from auditkit.data.profile import BaseRate, BaseRates, DataProfile, GroupSummary, Share
from auditkit.data.profiling import GroupColumn, profile_frame


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "income": [10.0, 20.0, np.nan, 40.0, 50.0, 60.0],
        "owner": ["yes", "no", "yes", None, "yes", "no"],
        "sex": ["f", "f", "f", "m", "m", "m"],
        "label": [1, 0, 1, 1, 1, 0],
    })


def _profile(frame: pd.DataFrame | None = None, declared=("m", "f")) -> DataProfile:
    f = _frame() if frame is None else frame
    return profile_frame(f, features=["income", "owner"],
                         attributes=[GroupColumn("sex", "sex", f["sex"].to_numpy(dtype=object), declared)],
                         favourable=(f["label"] == 1).to_numpy(np.int8), label="label", favourable_label="1",
                         units={"income": "kEUR"}, confidence=0.95)


def test_numeric_feature_range_missing_share_and_group_means_and_medians():
    income = _profile().columns[0]
    assert (income.name, income.role, income.kind, income.unit) == ("income", "feature", "numeric", "kEUR")
    assert income.n == 6 and income.missing_share == pytest.approx(1 / 6)
    assert (income.minimum, income.maximum) == (10.0, 60.0)
    (by_sex,) = income.by_group
    # declared order m, f; the missing income of row 2 is left out of f's mean and median, not of its size
    assert by_sex.attribute == "sex"
    assert by_sex.groups == (GroupSummary("m", 3, mean=50.0, median=50.0), GroupSummary("f", 3, mean=15.0, median=15.0))


def test_categorical_feature_shares_of_present_values_and_top_shares_per_group():
    owner = _profile().columns[1]
    assert (owner.kind, owner.unit, owner.n_categories) == ("categorical", None, 2)
    assert owner.missing_share == pytest.approx(1 / 6)
    assert owner.categories == (Share("yes", 0.6), Share("no", 0.4))  # 3 and 2 of the 5 rows with a value
    m, f = owner.by_group[0].groups
    assert f.top == (Share("yes", pytest.approx(2 / 3)), Share("no", pytest.approx(1 / 3)))
    assert m.n == 3 and m.top == (Share("no", 0.5), Share("yes", 0.5))  # tie: by text


def test_protected_column_is_profiled_but_not_split_by_itself():
    sex = _profile().columns[2]
    assert (sex.name, sex.role, sex.kind) == ("sex", "protected", "categorical")
    assert sex.categories == (Share("f", 0.5), Share("m", 0.5)) and sex.by_group == ()


def test_base_rates_with_wilson_intervals():
    (rates,) = _profile().base_rates
    m, f = rates.groups
    # 2 of 3 favourable in each group; Wilson 95 %: [0.2077, 0.9385]
    for g, name in ((m, "m"), (f, "f")):
        assert (g.group, g.n, g.favourable) == (name, 3, 2)
        assert g.rate == pytest.approx(2 / 3)
        assert (g.ci_low, g.ci_high) == (pytest.approx(0.20766, abs=1e-5), pytest.approx(0.93851, abs=1e-5))
    assert rates.disjoint_pairs() == ()


def test_base_rates_that_differ_have_disjoint_intervals():
    n = 100
    frame = pd.DataFrame({"income": np.arange(2 * n, dtype=float), "owner": ["yes"] * (2 * n),
                          "sex": ["f"] * n + ["m"] * n, "label": [1] * 90 + [0] * 10 + [1] * 10 + [0] * 90})
    (rates,) = _profile(frame, declared=("f", "m")).base_rates
    f, m = rates.groups
    assert (f.rate, m.rate) == (0.9, 0.1)
    assert (f.ci_low, f.ci_high) == (pytest.approx(0.8256, abs=1e-4), pytest.approx(0.9448, abs=1e-4))
    assert (m.ci_low, m.ci_high) == (pytest.approx(0.0552, abs=1e-4), pytest.approx(0.1744, abs=1e-4))
    assert rates.disjoint_pairs() == ((f, m),)


def test_undeclared_groups_follow_declared_ones_and_rows_without_a_group_are_left_out():
    frame = _frame()
    frame.loc[5, "sex"] = None
    frame.loc[0, "sex"] = "x"
    (rates,) = _profile(frame, declared=("m",)).base_rates
    assert [(g.group, g.n) for g in rates.groups] == [("m", 2), ("f", 2), ("x", 1)]


def test_json_round_trip_is_strict_json_and_lossless():
    profile = _profile()
    text = json.dumps(profile.to_json(), allow_nan=False)
    assert DataProfile.from_json(json.loads(text)) == profile


def test_an_all_missing_numeric_column_has_no_range():
    frame = _frame()
    frame["income"] = np.nan
    income = _profile(frame).columns[0]
    assert income.missing_share == 1.0 and income.minimum is None and income.maximum is None
    assert all(g.mean is None for g in income.by_group[0].groups)
    stored = json.loads(json.dumps(_profile(frame).to_json(), allow_nan=False))
    assert DataProfile.from_json(stored).columns[0] == income


def test_unknown_layout_version_is_refused():
    raw = _profile().to_json() | {"version": 99}
    with pytest.raises(ValueError, match="layout version 99"):
        DataProfile.from_json(raw)


def test_overlap_is_inclusive_at_a_shared_bound():
    a = BaseRate("a", 10, 5, 0.5, 0.2, 0.5)
    b = BaseRate("b", 10, 7, 0.7, 0.5, 0.9)
    c = BaseRate("c", 10, 9, 0.9, 0.6, 1.0)
    assert a.overlaps(b) and not a.overlaps(c)
    assert BaseRates("s", (a, b, c)).disjoint_pairs() == ((a, c),)


def test_text_data_profiles_its_protected_columns_only():
    frame = pd.DataFrame({"text": ["a", "b", "c", "d"], "gender": ["f", "m", "f", "m"], "y": [1, 0, 1, 1]})
    profile = profile_frame(frame, features=[], attributes=[GroupColumn("gender", "gender",
                                                                        frame["gender"].to_numpy(dtype=object))],
                            favourable=frame["y"].to_numpy(), label="y", favourable_label="1", units={},
                            confidence=0.95)
    assert [c.name for c in profile.columns] == ["gender"]
    f, m = profile.base_rates[0].groups
    assert (f.favourable, f.n, f.ci_high) == (2, 2, 1.0) and (m.favourable, m.n, m.rate) == (1, 2, 0.5)
    assert f.ci_low == pytest.approx(0.3424, abs=1e-4)  # Wilson 95 % for 2 of 2
