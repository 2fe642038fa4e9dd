from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.data import AuditData, load_data
from auditkit.errors import DataError
from auditkit.policy.schema import DataSpec, ProtectedAttribute

FEATURES = ["income", "age", "debt"]
SEX = ProtectedAttribute(name="sex", column="sex", values=["female", "male"], reference="male")


def tabular(base: Path, attributes=(SEX,), **spec: object) -> AuditData:
    fields = {"path": "holdout.csv", "label": "default", "favourable_label": 0, "features": FEATURES, **spec}
    return load_data(DataSpec(**fields), list(attributes), base_dir=base, task="tabular")


def rewrite(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False)


# -- happy paths ------------------------------------------------------------------------------


def test_tabular_csv(tmp_path, credit_csv, credit_frame):
    data = tabular(tmp_path)
    assert data.kind == "tabular" and data.n_rows == 40 and data.texts is None
    assert data.X.dtype == np.float32 and data.X.shape == (40, 3)
    np.testing.assert_allclose(data.X, credit_frame[FEATURES].to_numpy(dtype=np.float32))
    assert data.y_true.dtype == np.int8
    np.testing.assert_array_equal(data.y_true, (credit_frame["default"] == 0).to_numpy().astype(np.int8))
    assert data.protected["sex"].dtype == object
    assert list(data.protected["sex"]) == list(credit_frame["sex"])
    assert data.feature_names == FEATURES and data.source == credit_csv
    assert list(data.frame.columns) == list(credit_frame.columns)


def test_csv_and_parquet_agree(tmp_path, credit_csv, credit_frame):
    credit_frame.to_parquet(tmp_path / "holdout.parquet", index=False)
    credit_frame.to_parquet(tmp_path / "holdout.pq", index=False)
    from_csv = tabular(tmp_path)
    for name in ("holdout.parquet", "holdout.pq"):
        from_parquet = tabular(tmp_path, path=name)
        np.testing.assert_array_equal(from_csv.X, from_parquet.X)
        np.testing.assert_array_equal(from_csv.y_true, from_parquet.y_true)
        np.testing.assert_array_equal(from_csv.protected["sex"], from_parquet.protected["sex"])
        assert from_parquet.describe()["format"] == "parquet"
    assert from_csv.fingerprint != from_parquet.fingerprint


def test_values_compared_as_text(tmp_path, credit_csv, credit_frame):
    as_string = tabular(tmp_path, favourable_label="0")
    as_int = tabular(tmp_path, favourable_label=0)
    np.testing.assert_array_equal(as_string.y_true, as_int.y_true)
    # a float label column (1.0, 0.0) still matches YAML 1; integer-coded attributes match YAML ints
    frame = credit_frame.assign(default=credit_frame["default"].astype(float), sex=(credit_frame["sex"] == "male") * 1)
    rewrite(credit_csv, frame)
    coded = ProtectedAttribute(name="sex", column="sex", values=[0, "1"])
    data = tabular(tmp_path, attributes=[coded], favourable_label=1)
    np.testing.assert_array_equal(data.y_true, (credit_frame["default"] == 1).to_numpy())
    assert set(data.protected["sex"]) == {"0", "1"}


def test_bool_feature_and_max_rows(tmp_path, credit_csv, credit_frame):
    data = tabular(tmp_path, features=["owns_home", "age"], max_rows=7)
    assert data.n_rows == 7 and len(data.frame) == 7 and data.y_true.shape == (7,)
    np.testing.assert_array_equal(data.X[:, 0], credit_frame["owns_home"].head(7).astype(np.float32))
    assert data.describe()["rows_in_file"] == 40 and data.describe()["max_rows"] == 7


def test_arrays_are_read_only(tmp_path, credit_csv):
    data = tabular(tmp_path)
    for array in (data.X, data.y_true, data.protected["sex"]):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[1]


def test_describe(tmp_path, credit_csv):
    data = tabular(tmp_path, id_column="id")
    info = data.describe()
    json.dumps(info)
    assert info["path"] == "holdout.csv" and info["format"] == "csv" and info["n_rows"] == 40
    assert info["columns"] == ["id", "age", "income", "sex", "debt", "owns_home", "default"]
    assert info["fingerprint"] == hashlib.sha256(credit_csv.read_bytes()).hexdigest()
    assert info["label"] == "default" and info["favourable_label"] == 0
    assert info["features"] == FEATURES and info["protected_attributes"] == ["sex"]
    assert data.ids is not None and data.ids[0] == "app-000"


def test_fingerprint_stable_and_sensitive_to_one_byte(tmp_path, credit_csv):
    first, again = tabular(tmp_path), tabular(tmp_path)
    assert first.fingerprint == again.fingerprint
    raw = bytearray(credit_csv.read_bytes())
    position = raw.index(b"female")
    raw[position] = ord("F")  # 'female' -> 'Female' in one row: one byte changed
    credit_csv.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="'Female' \\(1 row\\)"):
        tabular(tmp_path)
    changed = tabular(tmp_path, attributes=[])
    assert changed.fingerprint != first.fingerprint


def test_text_jsonl(tmp_path, bios_jsonl):
    spec = DataSpec(path="bios.jsonl", label="hired", favourable_label="yes", text_column="text")
    attributes = [
        ProtectedAttribute(name="gender", column="gender", values=["female", "male"]),
        ProtectedAttribute(name="gender_terms", lexicon="gender"),
    ]
    data = load_data(spec, attributes, base_dir=tmp_path, task="text")
    assert data.kind == "text" and data.X is None and data.feature_names == []
    assert data.texts[0] == "She is a nurse in Lyon." and "\u2028" in data.texts[3]
    assert data.y_true.tolist() == [1, 0, 1, 1]
    assert list(data.protected) == ["gender"]  # the lexicon attribute has no column
    assert data.describe()["text_column"] == "text" and data.describe()["format"] == "jsonl"


def test_text_csv(tmp_path):
    pd.DataFrame({"bio": ["a b", "c d"], "y": [1, 0]}).to_csv(tmp_path / "t.csv", index=False)
    spec = DataSpec(path="t.csv", label="y", favourable_label=1, text_column="bio")
    data = load_data(spec, [], base_dir=tmp_path, task="text")
    assert data.texts == ["a b", "c d"] and data.y_true.tolist() == [1, 0]


# -- errors -----------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as err:
        tabular(tmp_path, path="data/nope.csv")
    assert str(tmp_path / "data" / "nope.csv") in str(err.value) and "was not found" in str(err.value)


def test_unknown_suffix_lists_formats(tmp_path, credit_csv):
    (tmp_path / "holdout.xlsx").write_bytes(credit_csv.read_bytes())
    with pytest.raises(DataError) as err:
        tabular(tmp_path, path="holdout.xlsx")
    msg = str(err.value)
    assert "'.xlsx'" in msg and ".csv (csv)" in msg and ".parquet (parquet)" in msg and ".jsonl (jsonl)" in msg
    assert tabular(tmp_path, path="holdout.xlsx", format="csv").n_rows == 40  # an explicit format wins


def test_unreadable_files(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match=r"bad.parquet could not be read as parquet"):
        tabular(tmp_path, path="bad.parquet")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"empty.csv is empty"):
        tabular(tmp_path, path="empty.csv")
    (tmp_path / "header.csv").write_text("income,age,debt,default\n")
    with pytest.raises(DataError, match="holds no data rows"):
        tabular(tmp_path, path="header.csv")
    (tmp_path / "bad.jsonl").write_text('{"text": "ok", "y": 1}\n{"text": "broken\n')
    with pytest.raises(DataError, match=r"line 2 of bad.jsonl is not valid JSON"):
        load_data(
            DataSpec(path="bad.jsonl", label="y", favourable_label=1, text_column="text"),
            [],
            base_dir=tmp_path,
            task="text",
        )
    (tmp_path / "list.jsonl").write_text("[1, 2]\n")
    with pytest.raises(DataError, match=r"line 1 of list.jsonl holds a JSON list"):
        load_data(
            DataSpec(path="list.jsonl", label="y", favourable_label=1, text_column="text"),
            [],
            base_dir=tmp_path,
            task="text",
        )


def test_label_column_missing(tmp_path, credit_csv):
    with pytest.raises(DataError) as err:
        tabular(tmp_path, label="defualt")
    msg = str(err.value)
    assert msg.startswith("column 'defualt' (data.label) not found in holdout.csv (did you mean 'default'?)")
    assert "columns found: id, age, income, sex, debt, owns_home, default" in msg


def test_label_with_missing_values(tmp_path, credit_csv, credit_frame):
    frame = credit_frame.astype({"default": float})
    frame.loc[[3, 9], "default"] = np.nan
    rewrite(credit_csv, frame)
    with pytest.raises(DataError, match=r"label column 'default' \(data.label\) .* 2 missing values at rows 3, 9"):
        tabular(tmp_path)


def test_favourable_label_absent(tmp_path, credit_csv, credit_frame):
    with pytest.raises(DataError) as err:
        tabular(tmp_path, favourable_label="repaid")
    msg = str(err.value)
    assert "favourable_label 'repaid' (data.favourable_label) does not occur in label column 'default'" in msg
    n0, n1 = (credit_frame["default"] == 0).sum(), (credit_frame["default"] == 1).sum()
    assert f"'0' ({n0} rows)" in msg and f"'1' ({n1} rows)" in msg
    assert "the policy gives text ('repaid') while the column holds numbers" in msg

    rewrite(credit_csv, credit_frame.assign(default=credit_frame["default"].map({0: "good", 1: "bad"})))
    with pytest.raises(DataError) as err:
        tabular(tmp_path, favourable_label=1)
    msg = str(err.value)
    assert "the policy gives a number (1) while the column holds text" in msg and "'good'" in msg
    with pytest.raises(DataError, match="did you mean 'good'"):
        tabular(tmp_path, favourable_label="Good")


def test_empty_features(tmp_path, credit_csv):
    with pytest.raises(DataError, match=r"data.features is empty; a tabular model needs its input columns"):
        tabular(tmp_path, features=[])


def test_all_missing_features_listed(tmp_path, credit_csv):
    with pytest.raises(DataError) as err:
        tabular(tmp_path, features=["income", "salary", "age", "loans"])
    msg = str(err.value)
    assert "2 of the 4 columns in data.features not found in holdout.csv: 'salary', 'loans'" in msg
    assert "columns found: id, age, income" in msg


def test_non_numeric_feature(tmp_path, credit_csv):
    with pytest.raises(DataError) as err:
        tabular(tmp_path, features=["income", "sex"])
    msg = str(err.value)
    assert "'sex' has 40 non-numeric values, e.g. 'female', 'male'" in msg or "'male', 'female'" in msg
    assert "one-hot" in msg


def test_mostly_numeric_feature_names_bad_values(tmp_path, credit_csv, credit_frame):
    frame = credit_frame.astype({"income": object})
    frame.loc[5, "income"] = "unknown"
    frame.loc[8, "income"] = "12,5"
    rewrite(credit_csv, frame)
    with pytest.raises(DataError, match=r"'income' has 2 non-numeric values, e.g. 'unknown', '12,5'"):
        tabular(tmp_path)


def test_nan_and_inf_features(tmp_path, credit_csv, credit_frame):
    frame = credit_frame.copy()
    frame.loc[[1, 2, 30], "income"] = np.nan
    frame.loc[4, "debt"] = np.inf
    rewrite(credit_csv, frame)
    with pytest.raises(DataError) as err:
        tabular(tmp_path)
    msg = str(err.value)
    assert "'income': 3 missing (NaN) at rows 1, 2, 30" in msg
    assert "'debt': 1 infinite" in msg and "row 4" in msg


def test_text_column_problems(tmp_path):
    frame = pd.DataFrame({"text": ["fine", None, "  ", 7, "ok"], "y": [1, 0, 1, 0, 1]})
    frame.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    spec = {"path": "t.jsonl", "label": "y", "favourable_label": 1}
    with pytest.raises(DataError, match=r"data.text_column is not set"):
        load_data(DataSpec(**spec), [], base_dir=tmp_path, task="text")
    with pytest.raises(DataError, match=r"column 'txt' \(data.text_column\) not found in t.jsonl \(did you mean"):
        load_data(DataSpec(**spec, text_column="txt"), [], base_dir=tmp_path, task="text")
    with pytest.raises(DataError) as err:
        load_data(DataSpec(**spec, text_column="text"), [], base_dir=tmp_path, task="text")
    msg = str(err.value)
    assert "1 missing at row 1" in msg and "1 not text (int) at row 3" in msg and "1 empty or blank at row 2" in msg


def test_protected_column_missing(tmp_path, credit_csv):
    attribute = ProtectedAttribute(name="sex", column="sexx", values=["female", "male"])
    with pytest.raises(DataError) as err:
        tabular(tmp_path, attributes=[attribute])
    assert str(err.value).startswith(
        "column 'sexx' (protected_attributes[0].column) not found in holdout.csv (did you mean 'sex'?); "
        "columns found: id, age, income"
    )


def test_undeclared_attribute_values(tmp_path, credit_csv, credit_frame):
    frame = credit_frame.copy()
    frame.loc[[0, 1, 2], "sex"] = "diverse"
    frame.loc[3, "sex"] = "F"
    rewrite(credit_csv, frame)
    with pytest.raises(DataError) as err:
        tabular(tmp_path)
    msg = str(err.value)
    assert "holds values not declared in protected_attributes[0].values [female, male]" in msg
    assert "'diverse' (3 rows), 'F' (1 row)" in msg


def test_missing_attribute_values(tmp_path, credit_csv, credit_frame):
    frame = credit_frame.copy()
    frame.loc[[6, 7], "sex"] = None
    rewrite(credit_csv, frame)
    with pytest.raises(DataError, match=r"protected attribute 'sex' \(column 'sex'.* 2 missing values at rows 6, 7"):
        tabular(tmp_path)


def test_attribute_values_optional(tmp_path, credit_csv):
    data = tabular(tmp_path, attributes=[ProtectedAttribute(name="sex", column="sex")])
    assert set(data.protected["sex"]) == {"female", "male"}


def test_lexicon_attribute_on_tabular_data(tmp_path, credit_csv):
    with pytest.raises(DataError, match=r"protected_attributes\[0\] \('gender'\) has a lexicon but no column"):
        tabular(tmp_path, attributes=[ProtectedAttribute(name="gender", lexicon="gender")])


def test_model_input_must_match_features(tmp_path, credit_csv):
    used = ProtectedAttribute(name="age_group", column="age", model_input=False)
    with pytest.raises(DataError, match=r"column 'age' .* is in data.features.*model_input is false"):
        tabular(tmp_path, attributes=[used])
    claimed = ProtectedAttribute(name="sex", column="sex", model_input=True)
    with pytest.raises(DataError, match=r"model_input is true but column 'sex' is not in data.features"):
        tabular(tmp_path, attributes=[claimed])
    ok = ProtectedAttribute(name="age_group", column="age", model_input=True)
    assert "age_group" in tabular(tmp_path, attributes=[ok]).protected


def test_fields_for_the_other_kind(tmp_path, credit_csv, bios_jsonl):
    with pytest.raises(DataError, match=r"data.text_column .* is for text models"):
        tabular(tmp_path, text_column="sex")
    spec = DataSpec(path="bios.jsonl", label="hired", favourable_label="yes", text_column="text", features=["x"])
    with pytest.raises(DataError, match=r"data.features is for tabular models"):
        load_data(spec, [], base_dir=tmp_path, task="text")


def test_id_column_checks(tmp_path, credit_csv, credit_frame):
    with pytest.raises(DataError, match=r"column 'ident' \(data.id_column\) not found"):
        tabular(tmp_path, id_column="ident")
    frame = credit_frame.copy()
    frame.loc[5, "id"] = "app-000"
    rewrite(credit_csv, frame)
    with pytest.raises(DataError, match=r"is not unique: 2 rows share ids, e.g. 'app-000'"):
        tabular(tmp_path, id_column="id")
