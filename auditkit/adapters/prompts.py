"""Prompts for a decoder model that decides: the template around each audit text, and where the text sits.

A ``type: huggingface-causal`` policy gives a prompt with ``{text}`` where the
audit text goes. The prompt is cut there into a *prefix* and a *suffix* (with
``chat: true`` the cut is made in the tokenizer's chat template rendered around
the prompt as the user's message, with the assistant turn opened), and each
prompt is tokenized in three segments::

    [padding …] [BOS] prefix tokens | text tokens | suffix tokens

The segments are tokenized separately, so the text's tokens never merge with the
template's and every prompt's text span is known exactly: the last position is
always the last prompt token (the answer is predicted there, padding is on the
left), and the span of the text is what probes pool over, interventions edit,
attribution baselines blank and word alignment maps. Special-token strings inside
an audit text (``"<|endoftext|>"``) are tokenized as plain text: data never
injects control tokens. A text longer than the model's budget is truncated at its
end, never the template.

Pure tokenizer work: no model is touched here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from auditkit.errors import ModelError
from auditkit.policy.model_specs import PROMPT_FIELD

#: What stands for ``{text}`` while a chat template is rendered (a chat template may not keep braces intact).
_SENTINEL = "\u2063AUDITKIT-TEXT\u2063"


@dataclass(frozen=True)
class EncodedPrompts:
    """A left-padded batch of prompts: ids and mask ``(b, L)`` and the mask of each prompt's text tokens."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    span: torch.Tensor

    @property
    def position_ids(self) -> torch.Tensor:
        """Positions counted from each prompt's first real token, so a prompt's scores do not depend on how much
        padding its batch needed."""
        return position_ids(self.attention_mask)


def position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """0, 1, 2, … from the first real token of each left-padded row (0 on the padding)."""
    return (attention_mask.long().cumsum(-1) - 1).clamp_min(0)


class PromptCodec:
    """Turns audit texts into prompt token ids for one tokenizer, template and length limit."""

    def __init__(self, tokenizer: Any, template: str, *, chat: bool, max_length: int,
                 answers: tuple[str, str]) -> None:
        self.tokenizer = tokenizer
        self.chat = chat
        prefix, suffix = _split_template(tokenizer, template, chat)
        self.prefix_text, self.suffix_text = prefix, suffix
        self.prefix_ids = self._bos() + self._ids(prefix, split_special=False)
        self.suffix_ids = self._ids(suffix, split_special=False)
        self.answer_ids = tuple(self._ids(a, split_special=True) for a in answers)
        for which, ids in zip(("favourable", "unfavourable"), self.answer_ids, strict=True):
            if not ids:
                raise ModelError(f"model.answers.{which}: {answers[0 if which == 'favourable' else 1]!r} gives no "
                                 "token with this tokenizer; give the answer as the model writes it (e.g. \" Yes\")")
        if self.answer_ids[0] == self.answer_ids[1]:
            raise ModelError(f"model.answers: {answers[0]!r} and {answers[1]!r} give the same tokens "
                             f"{self.answer_ids[0]} with this tokenizer; choose answers the model can tell apart")
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        if pad is None:
            raise ModelError("the tokenizer has neither a pad nor an end-of-sequence token, so prompts of different "
                             "lengths cannot be batched; save the tokenizer with a pad_token")
        self.pad_id = int(pad)
        self.max_length = int(max_length)
        # a multi-token answer's first tokens follow the prompt in its teacher-forced pass: they need room too
        template = len(self.prefix_ids) + len(self.suffix_ids) + max(len(a) for a in self.answer_ids) - 1
        self.budget = self.max_length - template
        if self.budget < 1:
            raise ModelError(f"model.max_length is {self.max_length} tokens but the prompt template (with the "
                             f"answers' first tokens) alone takes {template}; raise model.max_length or shorten "
                             "model.prompt")
        # leading pad ids of the prefix (a BOS that doubles as the pad token): needed to find where padding ends
        self._prefix_pads = next((i for i, t in enumerate(self.prefix_ids) if t != self.pad_id),
                                 len(self.prefix_ids))

    def _bos(self) -> list[int]:
        """[BOS] when the tokenizer puts one before a text by itself (and the chat template does not)."""
        tok = self.tokenizer
        if self.chat or tok.bos_token_id is None:
            return []
        probe = tok("a", add_special_tokens=True)["input_ids"]
        return [int(tok.bos_token_id)] if probe and probe[0] == tok.bos_token_id else []

    def _ids(self, text: str, *, split_special: bool) -> list[int]:
        if not text:
            return []
        return list(self.tokenizer(text, add_special_tokens=False, split_special_tokens=split_special)["input_ids"])

    def text_encodings(self, texts: Sequence[str]) -> list[Any]:
        """The tokenizer's encoding of each text alone (plain text, truncated to the budget)."""
        enc = self.tokenizer(list(texts), add_special_tokens=False, split_special_tokens=True, truncation=True,
                             max_length=self.budget)
        return [enc[i] for i in range(len(texts))]

    def text_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens of each text in its prompt (after truncation)."""
        return [len(e.ids) for e in self.text_encodings(texts)]

    def prompt(self, text: str) -> str:
        """The prompt as a string (for the report): prefix, text, suffix."""
        return self.prefix_text + text + self.suffix_text

    def encode(self, texts: Sequence[str], device: torch.device, *, append: Sequence[int] = ()) -> EncodedPrompts:
        """Left-padded prompt ids of ``texts`` on ``device``; ``append`` adds the same tokens after every prompt
        (an answer's first tokens, for multi-token answers), outside the text span."""
        rows = [self.prefix_ids + e.ids + self.suffix_ids + list(append) for e in self.text_encodings(texts)]
        width = max((len(r) for r in rows), default=0)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        span = torch.zeros((len(rows), width), dtype=torch.bool)
        tail = len(self.suffix_ids) + len(append)
        for i, r in enumerate(rows):
            ids[i, width - len(r):] = torch.tensor(r, dtype=torch.long)
            mask[i, width - len(r):] = 1
            span[i, width - len(r) + len(self.prefix_ids): width - tail] = True
        return EncodedPrompts(ids.to(device), mask.to(device), span.to(device))

    def span_of(self, input_ids: torch.Tensor, appended: int = 0) -> torch.Tensor:
        """The text-span mask of prompts this codec encoded, from their ids alone (``appended`` answer tokens
        after each prompt): the padding is the leading run of pad ids, less the prefix's own."""
        not_pad = input_ids != self.pad_id
        run = torch.where(not_pad.any(-1), not_pad.long().argmax(-1), torch.full_like(input_ids[:, 0],
                                                                                    input_ids.shape[1]))
        start = (run - self._prefix_pads).clamp_min(0) + len(self.prefix_ids)
        stop = input_ids.shape[1] - len(self.suffix_ids) - appended
        pos = torch.arange(input_ids.shape[1], device=input_ids.device)
        return (pos >= start.unsqueeze(-1)) & (pos < stop)

    def word_ids(self, texts: Sequence[str]) -> list[list[int | None]]:
        """Per prompt position (as :meth:`encode` lays them out), the index of the text's word it belongs to, as
        the tokenizer numbers the words of the text alone; None for padding and template tokens."""
        encs = self.text_encodings(texts)
        width = max((len(self.prefix_ids) + len(e.ids) + len(self.suffix_ids) for e in encs), default=0)
        out = []
        for e in encs:
            words = list(e.word_ids)
            pad = width - len(self.prefix_ids) - len(words) - len(self.suffix_ids)
            out.append([None] * (pad + len(self.prefix_ids)) + words + [None] * len(self.suffix_ids))
        return out


def _split_template(tokenizer: Any, template: str, chat: bool) -> tuple[str, str]:
    """The prompt's text before and after ``{text}``, rendered through the chat template when ``chat``."""
    if not chat:
        prefix, _, suffix = template.partition(PROMPT_FIELD)
        return prefix, suffix
    if not getattr(tokenizer, "chat_template", None):
        raise ModelError("model.chat is true but the tokenizer has no chat template (tokenizer_config.json has no "
                         "chat_template); set chat: false and write the whole prompt in model.prompt")
    messages = [{"role": "user", "content": template.replace(PROMPT_FIELD, _SENTINEL)}]
    try:
        rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception as exc:  # a template error is the model directory's problem; say so
        raise ModelError(f"the tokenizer's chat template failed on the prompt ({type(exc).__name__}: {exc})") from exc
    if rendered.count(_SENTINEL) != 1:
        raise ModelError("the tokenizer's chat template does not keep the user message intact, so the audit text's "
                         "place in the prompt cannot be found; set chat: false and write the whole prompt")
    prefix, _, suffix = rendered.partition(_SENTINEL)
    return prefix, suffix
