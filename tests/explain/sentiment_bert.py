"""A tiny BERT sentiment classifier trained in the test session (seconds on a CPU).

Positive texts contain one of ``POSITIVE`` (``helpful`` is split into the
subwords ``help`` + ``##ful`` by the vocabulary), negative texts one of
``NEGATIVE``; the other words are filler. After training, the sentiment word
decides the label, so every faithful attribution method should rank it first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

POSITIVE = ["excellent", "great", "helpful"]
NEGATIVE = ["awful", "poor", "rude"]
FILLER = ["the", "service", "was", "food", "and", "staff", "very", "quite", "today", "our", "visit", "meal"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *FILLER, "excellent", "great", "help", "##ful", "awful",
         "poor", "rude", ",", "."]


def sentences(n: int, seed: int = 0, neutral: float = 0.0) -> tuple[list[str], np.ndarray]:
    """``n`` texts of 4–9 words with one sentiment word at a random position, and their labels.

    A share ``neutral`` of them has no sentiment word (some words replaced by
    [PAD]) and a coin-flip label, so the model learns that filler and [PAD] —
    the attribution reference — mean "undecided" (logit ≈ 0).
    """
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        words = list(rng.choice(FILLER, size=int(rng.integers(3, 8))))
        label = int(rng.integers(0, 2))
        if rng.random() < neutral:
            words = [w if rng.random() < 0.6 else "[PAD]" for w in words]
        else:
            words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(POSITIVE if label else NEGATIVE)))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels)


def train(root: Path, steps: int = 100, seed: int = 0) -> Path:
    """Train and save the classifier and its fast tokenizer under ``root/model``; return that directory."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    root.mkdir(parents=True, exist_ok=True)
    (root / "vocab.txt").write_text("\n".join(VOCAB) + "\n")
    tokenizer = BertTokenizerFast(vocab=str(root / "vocab.txt"))  # transformers 5: vocab=, not vocab_file=
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=2,
                        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    with torch.random.fork_rng(devices=[]):  # leave the global generator as other tests expect it
        torch.manual_seed(seed)
        model = BertForSequenceClassification(config)
    texts, labels = sentences(512, seed, neutral=0.3)
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    y = torch.as_tensor(labels)
    optimiser = torch.optim.Adam(model.parameters(), lr=5e-3)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small gains nothing from threads, and loses a lot on a busy machine
    try:
        for _ in range(steps):
            idx = torch.randint(0, len(texts), (32,), generator=gen)
            out = model(input_ids=enc["input_ids"][idx], attention_mask=enc["attention_mask"][idx], labels=y[idx])
            optimiser.zero_grad()
            out.loss.backward()
            optimiser.step()
    finally:
        torch.set_num_threads(threads)
    model.eval()
    out_dir = root / "model"
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
