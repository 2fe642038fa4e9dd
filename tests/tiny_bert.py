"""A tiny BERT sequence classifier trained in seconds, for tests that need a real transformer.

``train_tiny_bert(dest, texts, labels)`` builds a word-level vocabulary from the
texts, trains ``BertForSequenceClassification`` (2 layers, hidden size 32) with
a fixed seed and saves model and fast tokenizer to ``dest`` for the
``huggingface`` adapter. Import it from tests as ``from tiny_bert import ...``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import torch

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text.lower())


def train_tiny_bert(dest: Path, texts: Sequence[str], labels: Sequence[int], *, extra_words: Sequence[str] = (),
                    epochs: int = 30, seed: int = 0) -> Path:
    """Train and save a tiny BERT classifier on ``texts``; return ``dest``.

    Every source of randomness is pinned: the seed, and one intra-op thread with
    deterministic algorithms while training, because the order of a parallel
    reduction changes float sums and so, over 30 epochs, the trained model (a
    leaky model trained on a loaded machine once came out different).
    """
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        return _train(dest, texts, labels, extra_words=extra_words, epochs=epochs, seed=seed)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def _train(dest: Path, texts: Sequence[str], labels: Sequence[int], *, extra_words: Sequence[str], epochs: int,
           seed: int) -> Path:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    dest.mkdir(parents=True, exist_ok=True)
    vocab = sorted({w for t in texts for w in _words(t)} | {w.lower() for w in extra_words})
    (dest / "vocab.txt").write_text("\n".join(SPECIALS + vocab) + "\n")
    tokenizer = BertTokenizerFast(vocab=str(dest / "vocab.txt"), do_lower_case=True)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(SPECIALS) + len(vocab), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64, num_labels=2)
    model = BertForSequenceClassification(config)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=64, return_tensors="pt")
    y = torch.tensor(list(labels))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=gen)
        for start in range(0, len(y), 64):
            idx = order[start : start + 64]
            out = model(input_ids=enc["input_ids"][idx], attention_mask=enc["attention_mask"][idx], labels=y[idx])
            opt.zero_grad()
            out.loss.backward()
            opt.step()
    model.eval()
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)
    return dest
