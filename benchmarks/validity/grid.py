"""The benchmark's model grids: the full grid (the benchmark) and the quick grid (the CI test).

Tabular effects are planted through β (``scm.py``); the resulting true flip rates of A (200k-row structural
counterfactual) run from 0 to ~27 %, with the β = 0 proxy models and the β = 0.03 / 0.06 ones landing at 1–4 %,
around the 1 % tolerance. Text effects are planted through the share of gender-following training labels.
"""

from __future__ import annotations

from .tabular import TabularSpec
from .text import TextSpec

WIDE = (10, 128, 128, 64, 1)


def full_grid() -> tuple[list[TabularSpec], list[TextSpec]]:
    tab = [TabularSpec("proxy", b, s, dead=d) for b in (0.0, 0.03, 0.06, 0.1, 0.2, 0.4, 0.8)
           for d in (False, True) for s in (0, 1, 2)]
    tab += [TabularSpec("direct", b, s, dead=d) for b in (0.0, 0.05, 0.15, 0.3) for d in (False, True) for s in (0, 1)]
    tab += [TabularSpec("none", 0.0, s, dead=d) for d in (False, True) for s in (0, 1, 2, 3, 4)]
    tab += [TabularSpec(sc, b, s, widths=WIDE, dead=s == 1)
            for sc, b in (("proxy", 0.0), ("proxy", 0.06), ("proxy", 0.2), ("proxy", 0.8), ("direct", 0.15),
                          ("none", 0.0)) for s in (0, 1)]
    text = [TextSpec(r, s) for r in (None, 0.0, 0.05, 0.1, 0.2, 0.4, 0.9) for s in (0, 1, 2)]
    return tab, text


def quick_grid() -> tuple[list[TabularSpec], list[TextSpec]]:
    tab = [
        TabularSpec("proxy", 0.2, 0),
        TabularSpec("proxy", 0.2, 0, dead=True),
        TabularSpec("proxy", 0.06, 1, dead=True),
        TabularSpec("proxy", 0.8, 1, dead=True),
        TabularSpec("direct", 0.15, 0),
        TabularSpec("none", 0.0, 0),
        TabularSpec("none", 0.0, 1, dead=True),
        TabularSpec("proxy", 0.4, 0, widths=WIDE, dead=True),
    ]
    text = [TextSpec(0.4, 0), TextSpec(None, 0)]
    return tab, text
