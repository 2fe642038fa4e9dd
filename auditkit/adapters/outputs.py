"""The output convention: raw model outputs → the favourable-class score.

A model returns either one logit per row (shape ``(n,)`` or ``(n, 1)``: the
logit of output class 1, so P(class 1) = sigmoid) or one logit per class
(shape ``(n, k)`` with k ≥ 2: softmax). ``ModelSpec.favourable_output`` says
which class is the favourable outcome. Every adapter funnels its raw output
through :func:`favourable_score`, so all of them agree on what "the score" is,
and validates it once on load with :func:`check_output`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from auditkit.adapters.base import OutputKind
from auditkit.errors import ModelError

_OUTPUT_KINDS = ("probability", "logit")


def output_classes(shape: tuple[int, ...]) -> int:
    """Number of output classes implied by an output shape: 2 for a single logit, k for ``(n, k)``."""
    if len(shape) == 1 or (len(shape) == 2 and shape[1] == 1):
        return 2
    return int(shape[1])


def favourable_score(raw: torch.Tensor, favourable_output: int, output: OutputKind) -> torch.Tensor:
    """Map a raw model output to the favourable-class score, shape ``(n,)``, differentiably.

    Single logit z (class 1): P = sigmoid(z) for favourable_output 1, sigmoid(−z)
    for 0; the logit is z or −z. k ≥ 2 logits: P = softmax(z)[:, fav]; the logit
    is log p_fav − log(1 − p_fav), computed from log-softmax and a logsumexp over
    the other classes so it stays finite when p is close to 0 or 1.
    """
    if output not in _OUTPUT_KINDS:
        raise ValueError(f"output must be one of {', '.join(_OUTPUT_KINDS)}, got {output!r}")
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.ndim == 1:
        z = raw if favourable_output == 1 else -raw
        return torch.sigmoid(z) if output == "probability" else z
    if output == "probability":
        return torch.softmax(raw, dim=1)[:, favourable_output]
    log_p = torch.log_softmax(raw, dim=1)
    others = torch.cat([log_p[:, :favourable_output], log_p[:, favourable_output + 1 :]], dim=1)
    return log_p[:, favourable_output] - torch.logsumexp(others, dim=1)


def check_output(raw: Any, *, n_rows: int, favourable_output: int, what: str, batch: str = "a probe batch") -> str:
    """Validate one probe output; return a short description of the output convention.

    ``what`` names the model in messages, ``batch`` the rows it was given. Raises :class:`ModelError` naming the
    expected and the actual shape when the output is not a tensor of shape
    ``(n,)``, ``(n, 1)`` or ``(n, k≥2)``, or when ``favourable_output`` is not one
    of its classes.
    """
    expected = f"a tensor of shape ({n_rows},), ({n_rows}, 1) or ({n_rows}, k) with k >= 2"
    if not isinstance(raw, torch.Tensor):
        raise ModelError(
            f"{what} returned {type(raw).__name__} for {batch} of {n_rows} rows; expected {expected} "
            "(one logit per row, or one logit per class). Return the logits tensor from forward()."
        )
    shape = tuple(raw.shape)
    ok = raw.ndim in (1, 2) and shape[0] == n_rows
    if not ok:
        raise ModelError(
            f"{what} returned an output of shape {shape} for {batch} of {n_rows} rows; expected {expected}."
        )
    if not raw.is_floating_point():
        raise ModelError(
            f"{what} returned a {raw.dtype} output; expected floating-point logits. "
            "Return raw logits, not class labels."
        )
    classes = output_classes(shape)
    if favourable_output >= classes:
        kind = "a single logit (classes 0 and 1)" if raw.ndim == 1 or shape[1] == 1 else f"{classes} classes"
        raise ModelError(
            f"model.favourable_output is {favourable_output} but {what} returns {kind} "
            f"(output shape {shape}); set model.favourable_output to a class index from 0 to {classes - 1}."
        )
    if raw.ndim == 1 or shape[1] == 1:
        return "sigmoid(single logit of class 1)"
    return f"softmax over {classes} classes"


def require_finite(scores: np.ndarray, *, what: str) -> np.ndarray:
    """Return ``scores`` if every one is finite; else ModelError naming how many and where.

    A NaN score would silently become an unfavourable decision (NaN >= t is
    false), so it is an error, never a prediction.
    """
    bad = ~np.isfinite(scores)
    if bad.any():
        rows = ", ".join(str(int(i)) for i in np.flatnonzero(bad)[:5])
        raise ModelError(
            f"{what} produced {int(bad.sum())} non-finite scores (NaN or inf) out of {scores.size}, "
            f"first at rows {rows}; check the model for overflow or invalid weights"
        )
    return scores


class NonFiniteRows:
    """Collects the rows whose raw model output (logits) is NaN or ±inf, batch by batch.

    A +inf logit gives a probability of exactly 1 and passes :func:`require_finite`, yet it is
    an overflow, not a confident prediction; so the raw output is judged. Keeps the count and
    the first few row indices for the message.
    """

    SHOWN = 5

    def __init__(self) -> None:
        self.count = 0
        self.rows: list[int] = []
        self.kinds: set[str] = set()

    def add(self, raw: torch.Tensor, start: int) -> None:
        """Record the non-finite rows of one batch whose first row has index ``start``."""
        finite = torch.isfinite(raw)
        if bool(finite.all()):
            return
        row_bad = ~finite if finite.ndim == 1 else ~finite.all(dim=1)
        idx = torch.nonzero(row_bad).flatten().cpu()
        self.count += int(idx.numel())
        self.rows += [start + int(i) for i in idx[: max(0, self.SHOWN - len(self.rows))]]
        vals = raw[~finite]
        self.kinds |= {k for k, m in (("NaN", torch.isnan(vals)), ("+inf", vals == float("inf")),
                                      ("-inf", vals == float("-inf"))) if bool(m.any())}

    def raise_if_any(self, what: str, n: int) -> None:
        """ModelError naming the count out of ``n``, the first rows (0-based positions) and the kinds."""
        if not self.count:
            return
        rows = ", ".join(map(str, self.rows)) + (", ..." if self.count > len(self.rows) else "")
        raise ModelError(
            f"{what} produced {self.count} non-finite scores (logits {', '.join(sorted(self.kinds))}) out of {n}, "
            f"at rows {rows} (0-based positions in the audit data); scores must be finite: check the model "
            "for overflow, division by zero or invalid weights"
        )
