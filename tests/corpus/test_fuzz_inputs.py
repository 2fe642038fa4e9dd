"""Fuzz pass over the input half: random mutations of a small valid policy and data set through the gate.

Hypothesis mutates the YAML text (deleted, duplicated, re-indented or
replaced lines, hostile tokens: anchors, aliases, tags, impossible dates,
brackets, NUL) and the CSV (repeated headers, non-finite or non-numeric
cells, undeclared groups, dropped rows and columns, truncation). For every
input the gate must exit with a known code, print no traceback and raise
nothing; and for inputs an independent oracle classifies as invalid (the
corpus's classes: duplicate YAML keys, a repeated CSV header, a feature
cell that is not a finite number) it must never exit 0 or 1. Bounded and
derandomised so that CI is deterministic and takes well under two minutes.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from analytic_audit import MODEL_PY, make_frame
from corpus_support import EXIT_CODES, base_policy, output_of
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from auditkit.cli import app

POLICY = yaml.safe_dump(base_policy(), sort_keys=False)
FRAME = make_frame(60, {"female": 0.5, "male": 0.5})  # passes the gate unmutated (exit 0)
DATA = FRAME.to_csv(index=False)

YAML_TOKENS = [
    "", "~", "[]", "{}", "&a x", "*a", "&a [*a]", "*undefined", "2026-13-45", "2026-02-30", "1e999", "-1", "0",
    ".nan", ".inf", "true", "'", '"', "[", "{", "- x", ": :", "\t", "\x00", "é", "[[[[[[[[",
    "!!python/object:os.system", "!!binary AAAA", "<<: *a", "x" * 3000, "0x1F", "0o17", "+.inf", "2026-01-01T25:61:00",
    "? [a, b]",
]
CSV_TOKENS = ["", "nan", "inf", "-inf", "abc", "1e40", "male", "female", "other", '"', ",", "x" * 2000, "[/]", "1", "0"]


@st.composite
def policy_texts(draw: st.DrawFn) -> str:
    lines = POLICY.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "replace_value", "replace_line", "indent", "dedent",
                                   "insert"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "replace_value":
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(YAML_TOKENS))}"
        elif op == "replace_line":
            lines[i] = draw(st.sampled_from(YAML_TOKENS))
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        else:
            lines.insert(i, draw(st.text(max_size=30)))
    return "\n".join(lines) + "\n"


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    rows = [r[:] for r in csv.reader(io.StringIO(DATA))]
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["cell", "cell", "dup_header", "drop_row", "drop_column", "add_column",
                                   "truncate"]))
        if op == "cell":
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:
                c = draw(st.integers(0, len(rows[r]) - 1))
                rows[r][c] = draw(st.sampled_from(CSV_TOKENS))
        elif op == "dup_header" and len(rows[0]) > 1:
            c = draw(st.integers(1, len(rows[0]) - 1))
            rows[0][c] = rows[0][draw(st.integers(0, c - 1))]
        elif op == "drop_row" and len(rows) > 1:
            del rows[draw(st.integers(0, len(rows) - 1))]
        elif op == "drop_column" and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows = [[v for j, v in enumerate(r) if j != c] for r in rows]
        elif op == "add_column":
            rows = [[*r, draw(st.sampled_from(CSV_TOKENS))] for r in rows]
        elif op == "truncate":
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            text = out.getvalue()
            return text[: draw(st.integers(0, len(text)))]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- the oracle: inputs the corpus classifies as invalid, decided without auditkit's own parser ----------------------


def _duplicate_yaml_keys(text: str) -> bool:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception:  # not composable: the gate must reject it anyway, but this oracle does not decide it
        return False
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            keys = [(k.tag, k.value) for k, _ in n.value if isinstance(k, yaml.ScalarNode)
                    and k.tag != "tag:yaml.org,2002:merge"]
            if len(keys) != len(set(keys)):
                return True
            stack += [v for _, v in n.value]
        elif isinstance(n, yaml.SequenceNode):
            stack += list(n.value)
    return False


def _bad_csv(text: str) -> bool:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return False
    header = [h for h in rows[0] if h]
    if len(header) != len(set(header)):
        return True
    if rows[0][:2] != ["x", "noise"] or any(len(r) != len(rows[0]) for r in rows[1:] if r):
        return False  # columns moved or ragged: other errors decide it
    for r in rows[1:]:
        for cell in r[:2]:
            try:
                v = float(cell)
            except ValueError:
                return True
            if not math.isfinite(v) or abs(v) > float(np.finfo(np.float32).max):
                return True
    return False


_runner = CliRunner()


def _gate(policy: str, data: str) -> tuple[int, str, BaseException | None]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "step.py").write_text(MODEL_PY)
        (root / "data.csv").write_text(data, encoding="utf-8")
        (root / "policy.yaml").write_text(policy, encoding="utf-8", errors="surrogatepass")
        result = _runner.invoke(app, ["run", str(root / "policy.yaml"), "--gate", "--no-report", "--device", "cpu",
                                      "--db", f"sqlite:///{root / 'cli.db'}"], catch_exceptions=True)
        return result.exit_code, output_of(result), result.exception


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(policy=st.one_of(st.just(POLICY), policy_texts()), data=st.one_of(st.just(DATA), csv_texts()))
def test_random_mutations_never_crash_or_pass_invalid_input(policy, data):
    code, text, exc = _gate(policy, data)
    assert code in EXIT_CODES, f"exit {code}:\n{text}"
    assert "Traceback" not in text, text
    assert exc is None or isinstance(exc, SystemExit), f"uncaught {exc!r}:\n{text}"
    event(f"exit {code}")
    if _duplicate_yaml_keys(policy) or _bad_csv(data):
        event("invalid by the oracle")
        assert code not in (0, 1), f"invalid input passed the gate with exit {code}:\n{policy}\n---\n{data}\n{text}"
