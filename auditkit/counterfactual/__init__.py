"""Counterfactual generators (methods.md C2–C3) and the batched sweeps the ``counterfactual_sweep`` check runs.

* :mod:`~auditkit.counterfactual.tabular` — flip-only, propagated (proxy maps) and grid variants of rows;
* :mod:`~auditkit.counterfactual.lexicon` and :mod:`~auditkit.counterfactual.text` — substitution lexicons
  (shipped in ``lexicons/``, or files named in the policy) and the case-preserving, longest-match-first rewriter;
* :mod:`~auditkit.counterfactual.sweep` — stacks every variant and scores it in one ``predict`` call per chunk;
* :mod:`~auditkit.counterfactual.refit` — the propagated counterfactual's bootstrap, refitting the proxy mapping
  in every resample;
* :mod:`~auditkit.counterfactual.tabular_sweep`, :mod:`~auditkit.counterfactual.text_sweep` — the two sweeps
  from data to paired results; :mod:`~auditkit.counterfactual.analysis` and
  :mod:`~auditkit.counterfactual.details` turn them into metrics and report material.

The statistics themselves live in :mod:`auditkit.metrics.counterfactual` (pure functions).
"""

from __future__ import annotations

from auditkit.counterfactual.lexicon import Lexicon, LexiconError, load_lexicons, read_lexicon, shipped_lexicons
from auditkit.counterfactual.tabular import (
    AttributeInputs,
    CategoryMap,
    ProxyMap,
    attribute_inputs,
    fit_category_maps,
    fit_proxy_maps,
    flip,
    propagate,
)
from auditkit.counterfactual.text import Substituter, Substitution, TextVariants, text_variants

__all__ = [
    "AttributeInputs",
    "CategoryMap",
    "Lexicon",
    "LexiconError",
    "ProxyMap",
    "Substituter",
    "Substitution",
    "TextVariants",
    "attribute_inputs",
    "fit_category_maps",
    "fit_proxy_maps",
    "flip",
    "load_lexicons",
    "propagate",
    "read_lexicon",
    "shipped_lexicons",
    "text_variants",
]
