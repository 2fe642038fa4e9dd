"""Substitution lexicons: aligned terms for each value of a text attribute, read from CSV/TSV files.

A lexicon file is UTF-8 text. Lines starting with ``#`` and blank lines are
skipped. The first other line is the header: one column per attribute value
(``female<TAB>male``), optionally followed by a last column named ``context``.
Every further line is a row of counterparts: the cell under each value is that
value's term (empty when it has none). ``.tsv`` files are tab-separated,
``.csv`` files comma-separated (with CSV quoting).

Rules, checked on load with errors that name the file and line:

* every row has one cell per header column (a trailing ``context`` cell may be
  left out) and terms for at least two values;
* a term may not appear under two different values (it could not be mapped);
* a term listed under one value in several rows maps through the first of
  those rows, unless the rows carry different ``context``s: ``before_noun``
  (the next word starts a noun phrase: *her* book → *his* book) or
  ``elsewhere`` (*told her* → *told him*);
* a term written with a capital letter (a name, a title, a country) only
  matches capitalised text, so the name *Will* never replaces the verb *will*.

auditkit ships lexicons (``auditkit/counterfactual/lexicons/``) that a policy
names by file stem (``lexicon: gender``); other files are named by path,
relative to the policy file.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from auditkit.errors import CheckConfigError

#: Allowed values of the ``context`` column.
CONTEXTS = ("", "before_noun", "elsewhere")
_SHIPPED_DIR = Path(__file__).resolve().parent / "lexicons"
_SUFFIXES = {".tsv": "\t", ".tab": "\t", ".csv": ","}


class LexiconError(CheckConfigError):
    """A lexicon file is missing, malformed, or does not fit the attribute it is used for."""


@dataclass(frozen=True)
class LexiconRow:
    """One row of counterparts: a term per value (``None`` where a value has none), its context and origin."""

    terms: tuple[str | None, ...]
    context: str
    origin: str


@dataclass(frozen=True)
class Lexicon:
    """Aligned substitution terms: ``rows[i].terms[v]`` is value ``values[v]``'s term in row ``i``.

    ``files`` names each source file as the policy referred to it and
    ``digests`` holds their SHA-256, so a report can say exactly which lexicon
    produced its counterfactuals.
    """

    name: str
    values: tuple[str, ...]
    rows: tuple[LexiconRow, ...]
    files: tuple[str, ...]
    digests: tuple[str, ...] = ()

    def select(self, values: Sequence[str], *, attribute: str) -> Lexicon:
        """The columns of ``values``, in that order; rows with no term among them are dropped.

        A value the lexicon lacks is an error naming the lexicon's columns.
        """
        missing = [v for v in values if v not in self.values]
        if missing:
            raise LexiconError(
                f"value(s) {', '.join(map(repr, missing))} of attribute {attribute!r} are not columns of lexicon "
                f"{self.name!r} ({', '.join(self.files)}); its header names: {', '.join(self.values)}. "
                "Use those names in the attribute's 'values', or add a column to the lexicon"
            )
        index = [self.values.index(v) for v in values]
        rows = []
        for row in self.rows:
            terms = tuple(row.terms[i] for i in index)
            if any(t is not None for t in terms):
                rows.append(replace(row, terms=terms))
        return Lexicon(self.name, tuple(values), tuple(rows), self.files, self.digests)

    def merge(self, other: Lexicon) -> Lexicon:
        """This lexicon's rows followed by ``other``'s (same values); a term under two values is an error."""
        if other.values != self.values:
            raise LexiconError(f"cannot merge lexicon {other.name!r} (values {', '.join(other.values)}) into "
                               f"{self.name!r} (values {', '.join(self.values)}); select the same values first")
        merged = Lexicon(f"{self.name}+{other.name}", self.values, self.rows + other.rows, self.files + other.files,
                         self.digests + other.digests)
        check_conflicts(merged)
        return merged

    @property
    def pair_count(self) -> int:
        """Number of rows (aligned counterpart sets)."""
        return len(self.rows)

    def term_counts(self) -> dict[str, int]:
        """Distinct terms per value."""
        return {v: len({r.terms[i].lower() for r in self.rows if r.terms[i]}) for i, v in enumerate(self.values)}


def normalise_term(term: str) -> str:
    """A term as it is matched: lower case, inner whitespace collapsed."""
    return re.sub(r"\s+", " ", term.strip()).lower()


def check_conflicts(lexicon: Lexicon) -> None:
    """Raise if one term appears under two different values (the mapping would be ambiguous)."""
    seen: dict[str, tuple[int, str]] = {}
    for row in lexicon.rows:
        for v, term in enumerate(row.terms):
            if term is None:
                continue
            key = normalise_term(term)
            if key in seen and seen[key][0] != v:
                first_value, first_origin = seen[key]
                raise LexiconError(
                    f"{row.origin}: term {term!r} is listed under {lexicon.values[v]!r}, but {first_origin} lists "
                    f"it under {lexicon.values[first_value]!r}; a term can stand for one value only: remove one"
                )
            seen.setdefault(key, (v, row.origin))


def shipped_lexicons() -> dict[str, Path]:
    """The lexicons auditkit ships, by name (file stem)."""
    return {p.stem: p for p in sorted(_SHIPPED_DIR.iterdir()) if p.suffix in _SUFFIXES}


def resolve_lexicon(ref: str, *, base_dir: Path | None) -> Path:
    """The file a policy's lexicon reference names: a shipped lexicon's name, or a path relative to ``base_dir``."""
    shipped = shipped_lexicons()
    if ref in shipped:
        return shipped[ref]
    path = Path(ref).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if path.is_file():
        return path
    where = f" (relative paths resolve against {base_dir})" if base_dir is not None else ""
    raise LexiconError(
        f"lexicon {ref!r} is neither a shipped lexicon ({', '.join(shipped)}) nor an existing file: "
        f"{path} not found{where}"
    )


def read_lexicon(path: Path, *, name: str | None = None, label: str | None = None) -> Lexicon:
    """Read and check one lexicon file (see the module docstring for the format).

    ``label`` is how reports name the file (default: its path).
    """
    path = Path(path)
    delimiter = _SUFFIXES.get(path.suffix.lower())
    if delimiter is None:
        raise LexiconError(f"lexicon file {path} must end in .tsv (tab-separated) or .csv (comma-separated)")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"lexicon file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise LexiconError(f"cannot read lexicon file {path}: {exc.strerror}") from None
    header: list[str] | None = None
    header_line = 0
    rows: list[LexiconRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name}:{number}"
        try:
            cells = [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]
        except csv.Error as exc:
            raise LexiconError(f"{where}: cannot parse the line ({exc})") from None
        if header is None:
            header, header_line = _check_header(cells, where), number
            continue
        rows.append(_row(cells, header, header_line, where))
    if header is None:
        raise LexiconError(f"lexicon file {path} has no header line: the first line must name the values, "
                           "e.g. 'female<TAB>male'")
    if not rows:
        raise LexiconError(f"lexicon file {path} has a header (line {header_line}) but no rows of terms")
    values = tuple(h for h in header if h != "context")
    lexicon = Lexicon(name or path.stem, values, tuple(rows), (label or str(path),),
                      (hashlib.sha256(raw).hexdigest(),))
    check_conflicts(lexicon)
    return lexicon


def _check_header(cells: list[str], where: str) -> list[str]:
    names = [c for c in cells if c != "context"]
    problems = []
    if any(not c for c in cells):
        problems.append("a column name is empty")
    if len(set(cells)) != len(cells):
        problems.append("a column name appears twice")
    if "context" in cells and cells[-1] != "context":
        problems.append("'context' must be the last column")
    if len(names) < 2:
        problems.append(f"it names {len(names)} value(s); a lexicon needs at least two")
    if problems:
        raise LexiconError(
            f"{where}: bad header {cells!r}: {'; '.join(problems)}. The header names one column per attribute "
            "value (e.g. 'female<TAB>male'), optionally followed by 'context'"
        )
    return cells


def _row(cells: list[str], header: list[str], header_line: int, where: str) -> LexiconRow:
    has_context = header[-1] == "context"
    n_values = len(header) - has_context
    if has_context and len(cells) == n_values:
        cells = [*cells, ""]
    if len(cells) != len(header):
        raise LexiconError(
            f"{where}: {len(cells)} column(s), but the header (line {header_line}) has {len(header)} "
            f"({', '.join(header)}); every row needs exactly one cell per column (leave a cell empty when a value "
            "has no counterpart)"
        )
    context = cells[-1] if has_context else ""
    if context not in CONTEXTS:
        raise LexiconError(f"{where}: context {context!r} is not one of: (empty), "
                           f"{', '.join(c for c in CONTEXTS if c)}")
    terms = tuple(re.sub(r"\s+", " ", c) or None for c in cells[:n_values])
    bad = [t for t in terms if t is not None and not re.search(r"\w", t)]
    if bad:
        raise LexiconError(f"{where}: term(s) {', '.join(map(repr, bad))} contain no letter or digit")
    if sum(t is not None for t in terms) < 2:
        raise LexiconError(f"{where}: a row needs terms for at least two values (it has "
                           f"{sum(t is not None for t in terms)}); a term without a counterpart cannot be substituted")
    return LexiconRow(terms=terms, context=context, origin=where)


def load_lexicons(refs: Sequence[str], values: Sequence[str], *, attribute: str, base_dir: Path | None) -> Lexicon:
    """Read every referenced lexicon, select ``values`` (all of the first file's when empty) and merge them."""
    if not refs:
        raise LexiconError(
            f"attribute {attribute!r} has no lexicon: text counterfactuals substitute terms, so set its 'lexicon' "
            f"(one of {', '.join(shipped_lexicons())}, or a file) or the check's 'lexicons'"
        )
    merged: Lexicon | None = None
    for ref in refs:
        path = resolve_lexicon(ref, base_dir=base_dir)
        label = f"shipped {path.name}" if ref in shipped_lexicons() else ref
        lexicon = read_lexicon(path, name=ref, label=label)
        chosen = list(values) or list((merged or lexicon).values)
        lexicon = lexicon.select(chosen, attribute=attribute)
        merged = lexicon if merged is None else merged.merge(lexicon)
    assert merged is not None
    return merged
