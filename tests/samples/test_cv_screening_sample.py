"""The CV-screening sample: deterministic bios and models, a working cache, and the known ground truth.

The sample's value is that the audit answer is known in advance: cv-leaky
uses gender (its shortlisting rates differ strongly by gender, and swapping a
bio's gendered words changes many decisions), cv-clean cannot (its tokenizer
anonymises the bio, so a swap changes nothing). These tests pin that ground
truth on the models as auditkit loads them, with plain numpy and a gender swap
written here, and check that the intervals the audit computes fall clearly on
the expected side of each policy threshold. Tests that load or train MiniLM
are marked ``slow``; the sample is prepared once per module.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from fairlearn.metrics import demographic_parity_ratio
from report_acceptance import assert_reports_state_their_rules, golden_problems
from sample_module import load_sample
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.demo import SAMPLES, demo_sample
from auditkit.errors import AuditkitError
from auditkit.policy.schema import Policy
from auditkit.resources import resource_dir
from auditkit.results import GateDecision, Status
from auditkit.store import open_store

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "samples" / "cv-screening"
POLICIES = {"cv-leaky": "policy.yaml", "cv-clean": "policy-clean.yaml"}
VERSIONS = {"cv-leaky": "3.1.0", "cv-clean": "3.2.0"}
Z95 = 1.959963984540054


def _load_sample() -> ModuleType:
    return load_sample(SAMPLE_DIR / "sample.py", "cv_screening_sample_under_test")


@pytest.fixture(scope="module")
def sample() -> ModuleType:
    return _load_sample()


@pytest.fixture(scope="module")
def prepared(sample: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return sample.prepare(tmp_path_factory.mktemp("cv-a"))


def _read_jsonl(path: Path) -> pd.DataFrame:
    return pd.DataFrame.from_records([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])


@pytest.fixture(scope="module")
def holdout(prepared: dict[str, Path]) -> pd.DataFrame:
    return _read_jsonl(prepared["holdout"])


# ------------------------------------------------------------------ helpers


def _swap_gender(text: str, sample: ModuleType) -> str:
    """A small word-level gender swap: aligned first names, she/he, her/his, herself/himself, Ms./Mr.

    Case-preserving and word-bounded. The bios never use "her" as an object,
    so her → his is always right here.
    """
    pairs = {"she": "he", "he": "she", "her": "his", "his": "her", "herself": "himself", "himself": "herself",
             "ms.": "mr.", "mr.": "ms."}  # fmt: skip
    for female, male in zip(sample.FEMALE_NAMES, sample.MALE_NAMES, strict=True):
        pairs[female.lower()], pairs[male.lower()] = male.lower(), female.lower()

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        new = pairs.get(word.lower())
        if new is None:
            return word
        return new.capitalize() if word[0].isupper() else new

    return re.sub(r"\b(?:Ms\.|Mr\.|[A-Za-z]+)", replace, text)


def _twins(frame: pd.DataFrame) -> np.ndarray:
    """For each row, the row index of its matched-pair partner."""
    position = {(p, g): i for i, (p, g) in enumerate(zip(frame["pair_id"], frame["gender"], strict=True))}
    other = {"female": "male", "male": "female"}
    return np.array([position[(p, other[g])] for p, g in zip(frame["pair_id"], frame["gender"], strict=True)])


def _wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return centre - half, centre + half


def _fairness(
    decision: np.ndarray, favourable: np.ndarray, female: np.ndarray, *, n_boot: int = 2000, seed: int = 7
) -> dict[str, tuple[float, float, float]]:
    """Point estimate and stratified-bootstrap 95% percentile interval of the policy's parity metrics."""
    rng = np.random.default_rng(seed)

    def rates(d: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return d.mean(axis=-1), (d * y).sum(axis=-1) / y.sum(axis=-1)

    per_group = []
    for mask in (female, ~female):
        d, y = decision[mask], favourable[mask]
        idx = rng.integers(0, d.size, size=(n_boot, d.size))
        per_group.append((rates(d, y), rates(d[idx], y[idx])))

    def metrics(f: tuple[np.ndarray, ...], m: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        (sr_f, tpr_f), (sr_m, tpr_m) = f, m
        return {
            "dp_ratio": np.minimum(sr_f, sr_m) / np.maximum(sr_f, sr_m),
            "dp_difference": np.abs(sr_f - sr_m),
            "eo_difference": np.abs(tpr_f - tpr_m),
        }

    point = metrics(per_group[0][0], per_group[1][0])
    boot = metrics(per_group[0][1], per_group[1][1])
    return {k: (float(point[k]), float(np.quantile(boot[k], 0.025)), float(np.quantile(boot[k], 0.975))) for k in point}


# ---------------------------------------------------------------- generator


def test_generator_is_deterministic_with_matched_pairs(sample: ModuleType) -> None:
    a, b = sample.generate(400, 3), sample.generate(400, 3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(sample.generate(400, 4))
    assert a["application_id"].is_unique
    assert set(a["gender"]) == {"female", "male"} and (a["gender"] == "female").sum() == 200
    assert set(a["template_id"]) == set(range(len(sample.TEMPLATES)))
    twin = _twins(a)
    # The two bios of a pair differ exactly by the gender swap, and share the qualification and the true label.
    assert [_swap_gender(t, sample) for t in a["text"]] == a["text"].iloc[twin].tolist()
    for column in ("template_id", "surname", "role", "years_experience", "track_record", "n_skills", "skills",
                   "degree_level", "city", "employer", "shortlisted"):  # fmt: skip
        assert (a[column].to_numpy() == a[column].to_numpy()[twin]).all(), column
    with pytest.raises(ValueError, match="even"):
        sample.generate(5, 1)


def test_labels_follow_the_documented_structure(sample: ModuleType) -> None:
    frame = sample.generate(20_000, 5)
    female = (frame["gender"] == "female").to_numpy()
    y, hist = frame["shortlisted"].to_numpy(), frame["hist_shortlisted"].to_numpy()
    assert y[female].mean() == y[~female].mean()  # matched pairs: identical base rates
    assert 0.4 < y.mean() < 0.6
    assert (hist[~female] == y[~female]).all()  # men's records are the true decisions
    assert (hist <= y).all() and hist[female].mean() < 0.75 * y[female].mean()  # women needed more merit
    # The true label depends on the qualification: the track record dominates.
    by_record = frame.groupby("track_record")["shortlisted"].mean()
    assert by_record.is_monotonic_increasing and by_record[0] < 0.05 and by_record[3] > 0.95


def test_anonymiser_in_the_tokenizer_matches_the_python_one_and_removes_gender(sample: ModuleType) -> None:
    frame = sample.generate(600, 11)
    normalizer = sample.build_tokenizer(anonymising=True).backend_tokenizer.normalizer
    gendered = re.compile(
        r"\b(?:she|he|her|his|hers|him|herself|himself|ms|mr|"
        + "|".join(n.lower() for n in sample.FEMALE_NAMES + sample.MALE_NAMES)
        + r")\b"
    )
    for text in frame["text"]:
        anonymous = sample.anonymise(text)
        assert normalizer.normalize_str(text) == anonymous
        assert not gendered.search(anonymous), anonymous
        assert sample.anonymise(_swap_gender(text, sample)) == anonymous
    # A first name from another lexicon, or another title, next to the sample's surname is anonymised too.
    for text in ("I can vouch for Tom Keller.", "I can vouch for Dr. Keller.", "I can vouch for Anne-Marie Keller."):
        assert normalizer.normalize_str(text) == sample.anonymise(text) == "i can vouch for the candidate."
    plain = sample.build_tokenizer(anonymising=False).backend_tokenizer.normalizer
    assert plain.normalize_str("She is Anna Keller.") == "she is anna keller."


def test_train_head_is_deterministic_and_leaves_torch_state_alone(sample: ModuleType) -> None:
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.normal(size=(600, 8)) * [1, 2, 3, 1, 1, 1, 1, 1] + 5, dtype=torch.float32)
    y = (x[:, 0] - 5 - 0.5 * (x[:, 1] - 5) > 0).long().numpy()
    threads, state = torch.get_num_threads(), torch.random.get_rng_state()
    w1, b1 = sample.train_head(x, y, seed=1)
    w2, b2 = sample.train_head(x, y, seed=1)
    assert torch.equal(w1, w2) and torch.equal(b1, b2)
    assert torch.get_num_threads() == threads and torch.equal(torch.random.get_rng_state(), state)
    # The folded head applies to raw features and separates the classes.
    pred = ((x @ w1.T + b1).argmax(dim=1)).numpy()
    assert (pred == y).mean() > 0.97
    with pytest.raises(ValueError, match="one label per row"):
        sample.train_head(x, y[:-1], seed=1)


# ----------------------------------------------------------------- policies


@pytest.mark.parametrize("variant", list(POLICIES))
def test_policies_validate_and_match_the_sample(sample: ModuleType, variant: str) -> None:
    policy = Policy.model_validate(yaml.safe_load((SAMPLE_DIR / POLICIES[variant]).read_text(encoding="utf-8")))
    assert policy.policy.id == "cv-screening-eu"
    assert policy.system.name == "cv-screening-assistant" and policy.system.version == VERSIONS[variant]
    assert policy.system.annex_iii_point == "4(a)"
    assert policy.model.type == "huggingface" and policy.model.path == f"models/{variant}"
    assert policy.model.favourable_output == 1 and sample.LABELS[1] == "shortlisted"
    assert (policy.model.batch_size, policy.model.max_length) == (32, sample.MAX_LENGTH)
    assert policy.data.path == "data/holdout.jsonl" and policy.data.text_column == "text"
    assert policy.data.label == "shortlisted" and policy.data.favourable_label == 1
    gender = policy.attribute("gender")
    assert gender.column == "gender" and gender.reference == "male" and gender.model_input is False
    assert [(c.id, c.kind) for c in policy.checks] == [
        ("screening-accuracy", "performance"), ("gender-selection-parity", "group_fairness"),
        ("gender-not-used", "prohibited_feature_use"), ("gender-swap", "counterfactual_sweep"),
        ("explanation-agreement", "attribution_agreement"),
    ]  # fmt: skip
    assert policy.checks[2].params["group_column"] == "pair_id"  # a bio and its gender-swapped twin in one fold
    assert gender.lexicon == "gender" and policy.checks[3].params["lexicons"] == ["names_gender"]
    assert policy.checks[1].params["thresholds"]["demographic_parity_ratio"] == {"min": 0.8}


# --------------------------------------------------------------------- demo


def test_demo_table_lists_the_sample_with_its_files() -> None:
    entry = demo_sample("cv-screening")
    assert entry.policies == ("policy.yaml", "policy-clean.yaml")
    assert set(entry.files) == set(_load_sample()._SAMPLE_FILES)
    for name in entry.files:
        assert (resource_dir("samples") / entry.folder / name).is_file(), name
    assert "credit" in SAMPLES
    with pytest.raises(AuditkitError, match="known samples: credit, credit-trees, cv-screening"):
        demo_sample("cv-scoring")


def test_demo_rejects_an_unknown_sample_listing_the_known_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--sample", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown demo sample 'nope'" in result.output and "credit, credit-trees, cv-screening" in result.output
    assert not (tmp_path / "nope").exists()


# ------------------------------------------------------------------ prepare


@pytest.mark.slow
def test_prepare_writes_the_data_and_loadable_model_directories(
    sample: ModuleType, prepared: dict[str, Path], holdout: pd.DataFrame
) -> None:
    train = _read_jsonl(prepared["train"])
    assert (len(train), len(holdout)) == (sample.N_TRAIN, sample.N_HOLDOUT)
    assert not set(train["pair_id"]) & set(holdout["pair_id"])
    assert not set(train["application_id"]) & set(holdout["application_id"])
    expected = sample.generate(sample.N_TRAIN + sample.N_HOLDOUT, sample.DATA_SEED)
    expected = expected[expected["pair_id"].isin(set(holdout["pair_id"]))].reset_index(drop=True)
    pd.testing.assert_frame_equal(holdout, expected)  # the JSONL round trip is exact
    for variant in sample.VARIANTS:
        directory = prepared[variant]
        assert sorted(p.name for p in directory.iterdir()) == sorted(sample.MODEL_FILES)
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        assert config["architectures"] == ["BertForSequenceClassification"]
        assert config["id2label"] == {"0": "not_shortlisted", "1": "shortlisted"}
    manifest = json.loads(prepared["manifest"].read_text(encoding="utf-8"))
    assert manifest["spec"]["n_train"] == sample.N_TRAIN and manifest["spec"]["data_seed"] == sample.DATA_SEED
    assert len(manifest["sha256"]) == 2 + 2 * len(sample.MODEL_FILES)
    root = prepared["manifest"].parents[1]
    for name in ("sample.py", "policy.yaml", "policy-clean.yaml", "README.md"):
        assert (root / name).is_file(), name


@pytest.mark.slow
def test_prepare_cache_skips_work_and_keeps_files(sample: ModuleType, prepared: dict[str, Path]) -> None:
    files = sample._files(prepared)
    stamps = {k: p.stat().st_mtime_ns for k, p in files.items()}
    start = time.perf_counter()
    again = sample.prepare(prepared["manifest"].parents[1])
    assert time.perf_counter() - start < 1.5
    assert again == prepared
    assert {k: p.stat().st_mtime_ns for k, p in files.items()} == stamps


@pytest.mark.slow
def test_prepare_is_byte_deterministic_and_its_cache_checks_spec_and_files(
    sample: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The whole pipeline (generate, embed, fit, save) at a small size, twice.
    monkeypatch.setattr(sample, "N_TRAIN", 120)
    monkeypatch.setattr(sample, "N_HOLDOUT", 40)
    first, second = sample.prepare(tmp_path / "a"), sample.prepare(tmp_path / "b")
    for key, path in sample._files(first).items():
        assert path.read_bytes() == sample._files(second)[key].read_bytes(), key
    assert first["manifest"].read_bytes() == second["manifest"].read_bytes()
    assert capsys.readouterr().err == ""  # no progress bars or load reports
    manifest, outputs = first["manifest"], sample._outputs(tmp_path / "a")
    assert sample._cache_valid(manifest, outputs)
    with monkeypatch.context() as m:
        m.setattr(sample, "GENERATOR_VERSION", "changed")
        assert not sample._cache_valid(manifest, outputs)
    with monkeypatch.context() as m:
        m.setattr(sample, "_HIST_PENALTY_WOMEN", 0.5)
        assert not sample._cache_valid(manifest, outputs)
    assert sample._cache_valid(manifest, outputs)
    with (outputs["cv-clean"] / "tokenizer.json").open("a", encoding="utf-8") as f:
        f.write("\n")
    assert not sample._cache_valid(manifest, outputs)


@pytest.mark.slow
def test_command_line_entry_uses_the_cache(
    sample: ModuleType, prepared: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert sample.main([str(prepared["manifest"].parents[1])]) == 0
    assert "cv-leaky" in capsys.readouterr().out
    assert sample.main(["a", "b"]) == 2


# ------------------------------------------------------------- ground truth


@pytest.fixture(scope="module")
def outcomes(prepared: dict[str, Path], holdout: pd.DataFrame) -> dict[str, dict]:
    """Both models as auditkit loads them (the policies' model sections), scored on the holdout bios."""
    from auditkit.adapters import load_adapter

    root = prepared["manifest"].parents[1]
    female = (holdout["gender"] == "female").to_numpy()
    favourable = holdout["shortlisted"].to_numpy()
    twin = _twins(holdout)
    result: dict[str, dict] = {"female": female, "favourable": favourable, "twin": twin}
    for variant, policy_file in POLICIES.items():
        policy = Policy.model_validate(yaml.safe_load((root / policy_file).read_text(encoding="utf-8")))
        adapter = load_adapter(policy.model, base_dir=root, device=torch.device("cpu"), feature_names=[])
        score = adapter.predict(holdout["text"].tolist())
        decision = (score >= policy.model.decision_threshold).astype(np.int64)
        correct = decision == favourable
        result[variant] = {
            "adapter": adapter,
            "score": score,
            "decision": decision,
            "accuracy": float(correct.mean()),
            "accuracy_ci": _wilson(int(correct.sum()), correct.size),
            "group_accuracy": (float(correct[female].mean()), float(correct[~female].mean())),
            "selection": (float(decision[female].mean()), float(decision[~female].mean())),
            "fairness": _fairness(decision, favourable, female),
            # The partner's bio is this bio with its gendered words swapped (checked below).
            "swap_flip_rate": float((decision != decision[twin]).mean()),
            "swap_score_shift_women": float((score[twin] - score)[female].mean()),
        }
    return result


@pytest.mark.slow
def test_the_gender_swap_of_each_holdout_bio_is_its_partner(
    sample: ModuleType, holdout: pd.DataFrame, outcomes: dict
) -> None:
    swapped = [_swap_gender(text, sample) for text in holdout["text"]]
    assert swapped == holdout["text"].iloc[outcomes["twin"]].tolist()
    # cv-clean's tokenizer turns a bio and its swap into the same token ids.
    clean, leaky = outcomes["cv-clean"]["adapter"].tokenizer, outcomes["cv-leaky"]["adapter"].tokenizer
    texts = holdout["text"].tolist()
    assert clean(texts)["input_ids"] == clean(swapped)["input_ids"]
    assert leaky(texts)["input_ids"] != leaky(swapped)["input_ids"]


@pytest.mark.slow
def test_leaky_model_fails_parity_with_confidence_and_reacts_to_gender_swaps(outcomes: dict) -> None:
    leaky = outcomes["cv-leaky"]
    sr_women, sr_men = leaky["selection"]
    assert sr_women < sr_men
    ratio, _, ratio_hi = leaky["fairness"]["dp_ratio"]
    diff, diff_lo, _ = leaky["fairness"]["dp_difference"]
    eo, eo_lo, _ = leaky["fairness"]["eo_difference"]
    assert ratio < 0.65 and ratio_hi < 0.75  # wholly below the four-fifths threshold
    assert diff > 0.15 and diff_lo > 0.1
    assert eo > 0.2 and eo_lo > 0.15  # qualified women are screened out
    assert leaky["swap_flip_rate"] > 0.12  # a substantial share of decisions follow the gendered words
    assert leaky["swap_score_shift_women"] > 0.05  # and in one direction: as a man, a woman scores higher


@pytest.mark.slow
def test_clean_model_passes_parity_and_ignores_gender_swaps(outcomes: dict) -> None:
    clean = outcomes["cv-clean"]
    ratio, ratio_lo, _ = clean["fairness"]["dp_ratio"]
    diff, _, diff_hi = clean["fairness"]["dp_difference"]
    eo, _, eo_hi = clean["fairness"]["eo_difference"]
    assert ratio >= 0.9 and ratio_lo > 0.84
    assert diff < 0.05 and diff_hi < 0.085
    assert eo < 0.05 and eo_hi < 0.085
    assert clean["swap_flip_rate"] < 0.02
    assert np.abs(clean["score"] - clean["score"][outcomes["twin"]]).max() < 1e-4


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(POLICIES))
def test_accuracy_is_reasonable_overall_and_per_group(outcomes: dict, variant: str) -> None:
    model = outcomes[variant]
    assert model["accuracy"] >= 0.75
    assert model["accuracy_ci"][0] > 0.72  # the policy's floor of 0.7 is met on the whole interval
    assert min(model["group_accuracy"]) > 0.7
    assert 0.2 < np.mean(model["selection"]) < 0.6


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(POLICIES))
def test_numpy_parity_ratio_agrees_with_fairlearn(outcomes: dict, variant: str) -> None:
    decision, y, female = outcomes[variant]["decision"], outcomes["favourable"], outcomes["female"]
    gender = np.where(female, "female", "male")
    ours = outcomes[variant]["fairness"]["dp_ratio"][0]
    assert demographic_parity_ratio(y, decision, sensitive_features=gender) == pytest.approx(ours)


# --------------------------------------------------------------- end to end


@pytest.mark.slow
def test_demo_command_audits_the_sample_end_to_end(prepared: dict[str, Path], tmp_path: Path) -> None:
    # Seed the demo folder with the prepared data and models, so prepare() finds its cache.
    root = prepared["manifest"].parents[1]
    for part in ("data", "models"):
        shutil.copytree(root / part, tmp_path / "cv-screening" / part)
    result = CliRunner().invoke(
        app, ["demo", "--sample", "cv-screening", "--out", str(tmp_path), "--device", "cpu"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert written == ["cv-screening-assistant-v1.html", "cv-screening-assistant-v1.pdf",
                       "cv-screening-assistant-v2.html", "cv-screening-assistant-v2.pdf"]  # fmt: skip
    assert str(tmp_path / "reports" / "cv-screening-assistant-v2.pdf") in result.stdout
    store = open_store(f"sqlite:///{tmp_path / 'auditkit.db'}")
    try:
        runs = {r.system_version: store.get_run(r.run_id) for r in store.list_runs(system="cv-screening-assistant")}
    finally:
        store.close()
    # typed evidence (issue #13) changed how results are stated, not what was computed
    assert golden_problems([runs["3.1.0"], runs["3.2.0"]], "cv-screening.json") == []
    for run in runs.values():  # each report prints the deciding rule; the German one has no English sentence
        assert_reports_state_their_rules(run)
    assert {v: r.gate for v, r in runs.items()} == {"3.1.0": GateDecision.FAIL, "3.2.0": GateDecision.PASS}
    # Acceptance (d) of prohibited_feature_use on the MiniLM encoder: the head trained on labels that follow
    # the gendered words uses gender; the one behind blind screening does not (and neither one reacts
    # differently in the counterfactual swap than its prohibited-feature verdict says).
    status = {v: {o.check_id: o.status for o in r.outcomes} for v, r in runs.items()}
    assert status["3.1.0"]["gender-not-used"] is Status.FAIL, runs["3.1.0"].outcome("gender-not-used").summary
    assert status["3.1.0"]["gender-swap"] is Status.FAIL
    assert status["3.2.0"]["gender-not-used"] is Status.PASS, runs["3.2.0"].outcome("gender-not-used").summary
    assert status["3.2.0"]["gender-swap"] is Status.PASS
    leaky = runs["3.1.0"].outcome("gender-not-used")
    assert leaky.measurement("probe_balanced_accuracy", "pooler").ci_low > 0.9  # encoded, and
    assert leaky.measurement("erasure_flip_rate", "pooler").ci_low > 0.01  # erasing it changes decisions
    # the explainers ran on the real encoder (agreement may be low: a warning, never an error)
    assert {status[v]["explanation-agreement"] for v in status} <= {Status.PASS, Status.INCONCLUSIVE}
