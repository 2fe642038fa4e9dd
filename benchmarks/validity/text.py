"""Text planted-bias models: tiny BERTs whose training labels depend on gendered words at graded rates.

A bio is ``"{Name} is a {role} . {She|He} has {years} years of experience ."`` with the name drawn from aligned
female/male pairs of auditkit's ``names_gender`` lexicon. The true label is ``years ≥ 5``; a model's training label
is the applicant's gender (male → 1) with probability ``rate`` and the true label otherwise, so the model learns to
use the gendered words to a graded degree. ``rate = None`` is the *blind* model: trained on gender-neutral bios
("Someone is a nurse . They has ..."), so names and pronouns are out of its vocabulary and all read as
``[UNK]``: its true effect is exactly zero by construction.

The true effect is measured independently of auditkit: 5,000 fresh bios are rewritten by this module's own
generator with the other gender's paired name and pronoun (same role, same years, same everything else) and both
versions are scored with the saved model.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import yaml

from .common import CheckRecord, audit_policy, cf_record, gf_record, group_truth, pfu_record, run_policy

REPO = Path(__file__).resolve().parents[2]
NAME_PAIRS = [("Amanda", "Adam"), ("Betsy", "Alan"), ("Courtney", "Andrew"), ("Ellen", "Frank"),
              ("Heather", "Harry"), ("Katie", "Jack"), ("Kristin", "Josh"), ("Melanie", "Justin"),
              ("Mary", "John"), ("Emily", "Michael"), ("Sarah", "David"), ("Jennifer", "James")]
PRONOUN = ("She", "He")
ROLES = ["engineer", "nurse", "teacher", "analyst", "designer", "manager"]
VALUES = ("female", "male")
TRUTH_BIOS = 5_000
TRUTH_SEED = 77_001


@dataclass(frozen=True)
class TextSpec:
    """One tiny BERT: the share of training labels that follow gender (None: the blind model) and a seed."""

    rate: float | None
    seed: int
    train_rows: int = 600

    @property
    def name(self) -> str:
        return f"text-{'blind' if self.rate is None else f'r{self.rate:g}'}-s{self.seed}"


@dataclass(frozen=True)
class Bio:
    g: int  # 0 female, 1 male
    pair: int
    role: str
    years: int

    def text(self, g: int | None = None, *, neutral: bool = False) -> str:
        g = self.g if g is None else g
        who, pron = ("Someone", "They") if neutral else (NAME_PAIRS[self.pair][g], PRONOUN[g])
        return f"{who} is a {self.role} . {pron} has {self.years} years of experience ."

    @property
    def name(self) -> str:
        return NAME_PAIRS[self.pair][self.g]


def bios(n: int, seed: int) -> list[Bio]:
    rng = np.random.default_rng(seed)
    return [Bio(g=int(rng.integers(0, 2)), pair=int(rng.integers(0, len(NAME_PAIRS))),
                role=str(rng.choice(ROLES)), years=int(rng.integers(1, 10))) for _ in range(n)]


def _tiny_bert():
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.append(tests)
    from tiny_bert import train_tiny_bert

    return train_tiny_bert


def build_model(spec: TextSpec, dest: Path) -> Path:
    """Train the spec's tiny BERT (seeded, one thread, deterministic algorithms, fixed batch order) into ``dest``."""
    train = bios(spec.train_rows, seed=3_000 + spec.seed)
    rng = np.random.default_rng(4_000 + spec.seed)
    rate = spec.rate or 0.0
    labels = [b.g if rng.random() < rate else int(b.years >= 5) for b in train]
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        with torch.random.fork_rng(devices=[]):  # the caller's global RNG state is left as it was
            return _tiny_bert()(dest, [b.text(neutral=spec.rate is None) for b in train], labels, seed=spec.seed)
    finally:
        torch.use_deterministic_algorithms(deterministic)
        torch.set_num_threads(threads)


def _scores(model_dir: Path, texts: list[str]) -> np.ndarray:
    from transformers import AutoTokenizer, BertForSequenceClassification

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = BertForSequenceClassification.from_pretrained(model_dir).eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(texts), 256):
            enc = tok(texts[start : start + 256], padding=True, truncation=True, max_length=32, return_tensors="pt")
            out.append(torch.softmax(model(**enc).logits.double(), dim=-1)[:, 1].numpy())
    return np.concatenate(out)


def true_effects(model_dir: Path) -> dict:
    """Swap each bio's name and pronoun for the other gender's with our own generator and score both versions."""
    pop = bios(TRUTH_BIOS, seed=TRUTH_SEED)
    g = np.array([b.g for b in pop])
    s = _scores(model_dir, [b.text() for b in pop])
    s_cf = _scores(model_dir, [b.text(1 - b.g) for b in pop])
    d, d_cf = s >= 0.5, s_cf >= 0.5
    truth = {"use_flip_rate": float(np.mean(d != d_cf)), "pairs": {}}
    for a in (0, 1):
        rows = g == a
        truth["pairs"][f"{VALUES[a]}→{VALUES[1 - a]}"] = {
            "flip_rate": float(np.mean(d[rows] != d_cf[rows])),
            "mean_abs_change": float(np.mean(np.abs(s_cf[rows] - s[rows])))}
    y = np.array([int(b.years >= 5) for b in pop])
    truth["group"] = group_truth(d.astype(int), y, g)
    return truth


def write_audit(spec: TextSpec, model_dir: Path, dest: Path, *, audit_rows: int, quick: bool) -> Path:
    rows = bios(audit_rows, seed=90_000 + 31 * spec.seed + (0 if spec.rate is None else round(1000 * spec.rate)))
    with (dest / "audit.jsonl").open("w") as f:
        for i, b in enumerate(rows):
            f.write(json.dumps({"id": f"b{i}", "text": b.text(), "gender": VALUES[b.g], "name": b.name,
                                "shortlisted": int(b.years >= 5)}) + "\n")
    model_doc = {"type": "huggingface", "path": str(model_dir), "batch_size": 64, "max_length": 32,
                 "favourable_output": 1, "decision_threshold": 0.5}
    data_doc = {"path": "audit.jsonl", "format": "jsonl", "text_column": "text", "label": "shortlisted",
                "favourable_label": 1, "id_column": "id"}
    attr = {"name": "gender", "column": "gender", "values": list(VALUES), "lexicon": "gender", "model_input": False}
    policy = audit_policy(spec.name, model_doc, data_doc, attr, layers=["encoder.layer.1", "pooler"],
                          seed=spec.seed + 11, quick=quick, group_column="name", text=True)
    path = dest / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def evaluate(spec: TextSpec, workdir: Path, *, audit_rows: int, quick: bool) -> dict:
    """Train, measure the truth, audit; return one JSON-able record per check kind."""
    dest = workdir / spec.name
    dest.mkdir(parents=True, exist_ok=True)
    model_dir = build_model(spec, dest / "model")
    truth = true_effects(model_dir)
    policy = write_audit(spec, model_dir, dest, audit_rows=audit_rows, quick=quick)
    outcomes = run_policy(policy, dest)
    blind = spec.rate is None  # names and pronouns are all [UNK]: every true effect is exactly 0
    records: list[CheckRecord] = [
        pfu_record(outcomes["pfu"], truth["use_flip_rate"], zero_by_construction=blind),
        cf_record(outcomes["cf"], truth["pairs"], zero_by_construction=blind),
        gf_record(outcomes["gf"], truth["group"], zero_by_construction=blind),
    ]
    return {"model": spec.name, "family": "text", "spec": asdict(spec), "truth": truth,
            "checks": [asdict(r) for r in records]}
