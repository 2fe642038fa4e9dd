"""Text counterfactuals by lexicon substitution (methods.md C3).

:class:`Substituter` compiles a :class:`~auditkit.counterfactual.lexicon.Lexicon`
into one regular expression and rewrites a text from one attribute value to
another at string level:

* **word boundaries, longest match first** — terms are tried longest first, so
  *Mary Ann* is replaced as one name before *Mary*, and *mother-in-law* before
  *mother*; a term never matches inside a word or a hyphenated compound;
* **every mention**, the same way — each occurrence of a term maps to the same
  counterpart, so all mentions of an entity stay consistent;
* **swap** — mentions of the source value become the target's terms and
  mentions of the target value become the source's (as in counterfactual data
  augmentation), so *she told him* becomes *he told her*; other values stay;
* **case** — the replacement copies the case of what it replaces (*She* → *He*,
  *HER* → *HIS*); possessives (*Mary's*) and contractions keep their suffix;
* **pronoun case** — a term with several rows is resolved by its context: *her*
  before a noun phrase is the possessive (→ *his*), otherwise the object
  (→ *him*). A word list decides what starts a noun phrase (no POS tagger is
  used), so it is a heuristic and the report says so;
* **a/an agreement** — an indefinite article directly before a replaced term
  is fixed for the new term (*an Italian* ↔ *a German*, *a 25-year-old* ↔ *an
  80-year-old*).

:func:`text_variants` builds every counterfactual of a list of texts (K − 1 per
text), with coverage and the reasons texts were excluded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from auditkit.counterfactual.lexicon import Lexicon, normalise_term

# Words that never start a noun phrase after a pronoun: "told her (that|about|to|...)" is the object case.
_FUNCTION_WORD_TEXT = """
a an the this that these those some any no every each all both either neither another such what which whose
about above across after against along among around as at before behind below beneath beside besides between
beyond by despite down during except for from in inside into like near of off on onto out outside over past since
through throughout till to toward towards under underneath until unto up upon with within without via per
and but or nor so yet because although though while whereas if unless whether than when where once
i me my mine you your yours he him his she her hers it its we us our ours they them their theirs myself yourself
himself herself itself ourselves themselves who whom whose something anything nothing everything someone anyone
everyone nobody everybody somebody
is am are was were be been being has have had do does did will would shall should can could may might must
not never always often also too very really just only even still already again now then there here today
yesterday tomorrow tonight soon later twice back away home well instead ago anyway enough
quickly immediately directly personally recently finally first last
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_TEXT.split())
_NEXT_WORD = re.compile(r"[ \t]+([^\W_][\w'’-]*)")
_AN_PREFIXES = ("hour", "honest", "honor", "honour", "heir")
_A_PREFIXES = ("uni", "use", "usu", "uti", "ura", "ure", "uro", "eu", "one", "once", "ukr", "ugan", "urug", "u.s")


def starts_noun_phrase(text: str, end: int) -> bool:
    """Whether the word after position ``end`` starts a noun phrase (not a function word, not punctuation)."""
    m = _NEXT_WORD.match(text, end)
    return bool(m) and m.group(1).lower() not in _FUNCTION_WORDS


def indefinite_article(word: str) -> str:
    """``"a"`` or ``"an"`` for ``word`` by its initial sound (spelling rules with the usual exceptions)."""
    w = word.lower()
    digits = re.match(r"\d+", w)
    if digits:
        d = digits.group()
        return "an" if d.startswith("8") or d in ("11", "18") else "a"
    if w.startswith(_AN_PREFIXES):
        return "an"
    if w.startswith(_A_PREFIXES):
        return "a"
    return "an" if w[:1] in ("a", "e", "i", "o", "u") else "a"


def match_case(original: str, replacement: str) -> str:
    """``replacement`` in the case pattern of ``original``: ALL CAPS, Capitalised, or as the lexicon writes it."""
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _article_case(original: str, article: str) -> str:
    """``article`` cased like ``original``: ``AN`` → ``A``, ``A``/``An`` → ``An``/``A``, else lower case."""
    if len(original) > 1 and original.isupper():
        return article.upper()
    return article.capitalize() if original[:1].isupper() else article


def _term_pattern(term: str) -> str:
    """Regex for one term: inner whitespace flexible; a capitalised term must match a capital first letter."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    if term[:1].isupper():
        return f"(?-i:{re.escape(term[0])}){body[len(re.escape(term[0])):]}"
    return body


@dataclass(frozen=True)
class Substitution:
    """One rewritten text: the new text, the (original, replacement) pairs, and terms with no counterpart."""

    text: str
    pairs: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]


class Substituter:
    """A lexicon compiled for matching and rewriting (see the module docstring for the rules)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._index: dict[str, tuple[int, list[tuple[int, str]]]] = {}
        originals: dict[str, str] = {}
        for r, row in enumerate(lexicon.rows):
            for v, term in enumerate(row.terms):
                if term is None:
                    continue
                key = normalise_term(term)
                _, rows = self._index.setdefault(key, (v, []))
                rows.append((r, row.context))
                originals.setdefault(key, term)
        terms = sorted(originals.values(), key=lambda t: (-len(t), t))
        alternation = "|".join(_term_pattern(t) for t in terms) or r"(?!x)x"
        self._pattern = re.compile(
            rf"(?<![\w-])(?:(?P<art>an?)(?P<sp>[ \t]+))?(?P<term>{alternation})(?![\w-])", re.IGNORECASE
        )

    def mention_counts(self, text: str) -> np.ndarray:
        """How many mentions of each value's terms ``text`` contains, shape ``(K,)``."""
        counts = np.zeros(len(self.lexicon.values), dtype=np.int64)
        for m in self._pattern.finditer(text):
            counts[self._index[normalise_term(m.group("term"))][0]] += 1
        return counts

    def _row_for(self, rows: list[tuple[int, str]], text: str, end: int) -> int:
        contexts = {c for _, c in rows}
        if len(rows) == 1 or len(contexts) == 1:
            return rows[0][0]
        wanted = "before_noun" if starts_noun_phrase(text, end) else "elsewhere"
        for r, c in rows:
            if c == wanted:
                return r
        return next((r for r, c in rows if c == ""), rows[0][0])

    def substitute(self, text: str, source: int, target: int) -> Substitution:
        """Rewrite ``text`` from value ``source`` to ``target`` (and ``target``'s mentions to ``source``)."""
        pairs: list[tuple[str, str]] = []
        missing: list[str] = []

        def replace(m: re.Match[str]) -> str:
            term = m.group("term")
            value, rows = self._index[normalise_term(term)]
            if value not in (source, target):
                return m.group(0)
            to = target if value == source else source
            new = self.lexicon.rows[self._row_for(rows, text, m.end())].terms[to]
            if new is None:
                missing.append(term)
                return m.group(0)
            new = match_case(term, new)
            pairs.append((term, new))
            article = m.group("art")
            if article is None:
                return new
            fixed = indefinite_article(new)
            if fixed != article.lower():
                article = _article_case(article, fixed)
            return f"{article}{m.group('sp')}{new}"

        out = self._pattern.sub(replace, text)
        return Substitution(text=out, pairs=tuple(pairs), missing=tuple(missing))


@dataclass(frozen=True)
class TextVariants:
    """Every counterfactual of a list of texts, aligned: variant ``i`` rewrites text ``example[i]``.

    ``source_of[t]`` is the value text ``t`` mentions most (−1 when it mentions
    none or several equally); ``exclusions`` maps a reason to the texts (or,
    for one target only, ``(text, target)`` pairs) left out for it.
    """

    example: np.ndarray
    source: np.ndarray
    target: np.ndarray
    texts: list[str]
    pairs: list[tuple[tuple[str, str], ...]]
    n_texts: int
    source_of: np.ndarray
    covered: np.ndarray
    exclusions: dict[str, list] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        """Share of texts with at least one counterfactual."""
        return float(self.covered.mean()) if self.n_texts else float("nan")


def text_variants(texts: Sequence[str], substituter: Substituter, *, exclude_terms: Sequence[str] = ()) -> TextVariants:
    """All K − 1 counterfactuals of each text whose source value is clear; the rest are excluded with a reason."""
    values = substituter.lexicon.values
    k = len(values)
    excluder = (re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in exclude_terms) + r")(?![\w-])",
                           re.IGNORECASE) if exclude_terms else None)
    example: list[int] = []
    source: list[int] = []
    target: list[int] = []
    out_texts: list[str] = []
    pairs: list[tuple[tuple[str, str], ...]] = []
    source_of = np.full(len(texts), -1, dtype=np.int64)
    covered = np.zeros(len(texts), dtype=bool)
    exclusions: dict[str, list] = {}
    for t, text in enumerate(texts):
        counts = substituter.mention_counts(text)
        if counts.sum() == 0:
            exclusions.setdefault("no lexicon term in the text", []).append(t)
            continue
        if excluder is not None and (hit := excluder.search(text)):
            exclusions.setdefault(f"contains the excluded term {hit.group(0).lower()!r}", []).append(t)
            continue
        top = np.flatnonzero(counts == counts.max())
        if top.size > 1:
            names = " and ".join(values[i] for i in top)
            exclusions.setdefault(f"mentions {names} equally often (source value unclear)", []).append(t)
            continue
        a = int(top[0])
        source_of[t] = a
        for b in range(k):
            if b == a:
                continue
            sub = substituter.substitute(text, a, b)
            if sub.missing:
                reason = f"no {values[b]} counterpart for {sorted(set(sub.missing))[0]!r}"
                exclusions.setdefault(reason, []).append((t, b))
                continue
            covered[t] = True
            example.append(t)
            source.append(a)
            target.append(b)
            out_texts.append(sub.text)
            pairs.append(sub.pairs)
    return TextVariants(
        example=np.asarray(example, dtype=np.int64), source=np.asarray(source, dtype=np.int64),
        target=np.asarray(target, dtype=np.int64), texts=out_texts, pairs=pairs, n_texts=len(texts),
        source_of=source_of, covered=covered, exclusions=exclusions,
    )
