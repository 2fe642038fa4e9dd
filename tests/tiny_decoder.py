"""Tiny decoder language models for tests of the ``huggingface-causal`` type, built in well under a second.

``save_tiny_decoder(dest, words)`` writes a randomly initialised (seeded) Llama or
GPT-2 causal LM with a word-level fast tokenizer whose vocabulary is ``words``
plus the prompt words and the answers "Yes"/"No". ``fit_answers`` trains one to
answer "Yes" exactly when a given word is in the text (a few seconds), for tests
that need a model with a known dependence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import torch

SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]
PROMPT = "Text : {text} Question : is it good ? Answer :"
ANSWERS = {"favourable": " Yes", "unfavourable": " No"}


def words_of(text: str) -> list[str]:
    """The word-level tokenizer's words: runs of word characters and single punctuation marks."""
    return re.findall(r"\w+|[^\w\s]", text)


def tokenizer_for(words: Sequence[str]):
    """A fast word-level tokenizer: <s> before every text, <pad> for padding (left), <unk> for unknown words."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab_words = sorted(set(words) | set(words_of(PROMPT.replace("{text}", ""))) | {"Yes", "No"})
    vocab = {w: i for i, w in enumerate(SPECIALS + vocab_words)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", vocab["<s>"])])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", padding_side="left")


def build_decoder(vocab_size: int, *, arch: str = "llama", seed: int = 0, hidden: int = 32, layers: int = 2):
    """A seeded random causal LM (``llama`` or ``gpt2``) with 4 heads."""
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    if arch == "gpt2":
        return GPT2LMHeadModel(GPT2Config(vocab_size=vocab_size, n_embd=hidden, n_layer=layers, n_head=4,
                                          n_positions=128)).eval()
    return LlamaForCausalLM(LlamaConfig(vocab_size=vocab_size, hidden_size=hidden, intermediate_size=2 * hidden,
                                        num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=4,
                                        max_position_embeddings=128, tie_word_embeddings=False)).eval()


def save_tiny_decoder(dest: Path, words: Sequence[str], *, arch: str = "llama", seed: int = 0,
                      model: torch.nn.Module | None = None) -> Path:
    """Save ``model`` (default: a random tiny decoder) and a word-level tokenizer for ``words`` to ``dest``."""
    tokenizer = tokenizer_for(words)
    model = model if model is not None else build_decoder(len(tokenizer), arch=arch, seed=seed)
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)
    return dest


def fit_answers(texts: Sequence[str], labels: Sequence[int], *, arch: str = "llama", seed: int = 0,
                epochs: int = 40) -> tuple[torch.nn.Module, object]:
    """A tiny decoder trained to answer Yes (label 1) / No (label 0) after :data:`PROMPT` (answer token only)."""
    tokenizer = tokenizer_for([w for t in texts for w in words_of(t)])
    model = build_decoder(len(tokenizer), arch=arch, seed=seed)
    prompts = [PROMPT.replace("{text}", t) for t in texts]
    enc = tokenizer(prompts, padding=True, return_tensors="pt")
    yes, no = tokenizer.convert_tokens_to_ids(["Yes", "No"])
    target = torch.tensor([yes if y else no for y in labels])
    pos = (enc["attention_mask"].cumsum(-1) - 1).clamp_min(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)
        model.train()
        for _ in range(epochs):
            opt.zero_grad()
            logits = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], position_ids=pos).logits
            torch.nn.functional.cross_entropy(logits[:, -1], target).backward()
            opt.step()
        model.eval()
    finally:
        torch.set_num_threads(threads)
    return model, tokenizer
