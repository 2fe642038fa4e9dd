"""Report message catalogues: one per language, looked up by key (``t("section.summary")``).

Every fixed string the report prints (section titles, table headers, sentences,
status and severity words, "not provided") lives in a catalogue module here:
:mod:`.en` (the reference) and :mod:`.de`. A catalogue is a plain ``dict`` of
key → text; texts may hold ``str.format`` fields (``{n}``), and every language
must have exactly the keys and the fields of English (a test enforces it). To add
a language, copy ``en.py`` to ``<code>.py``, translate the values, and add the
code to :data:`LANGUAGES` and to ``ReportSpec.language`` in the policy schema.

The language in force is a context variable set by :func:`use_language` for the
duration of one view build, so that formatting helpers deep in the view code
(:mod:`auditkit.report.fmt`) need no extra argument and two reports rendered
in parallel threads do not see each other's language. Checks write no text:
they state typed evidence (:mod:`auditkit.evidence`) whose messages live here, the
frame's in ``en.py``/``de.py`` and each check kind's in ``kinds/<kind>.py`` (all
languages of one kind in one module, so a kind's author edits one file).
:mod:`.render` turns evidence into text, :mod:`.units` formats numbers by unit.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import cache

from auditkit.errors import ReportError

#: The report languages auditkit ships, English first (the reference catalogue).
LANGUAGES: tuple[str, ...] = ("en", "de")
DEFAULT_LANGUAGE = "en"

_current: ContextVar[str] = ContextVar("auditkit_report_language", default=DEFAULT_LANGUAGE)


@cache
def messages(language: str) -> Mapping[str, str]:
    """The catalogue of ``language`` (key → text); :class:`ReportError` for a language auditkit lacks."""
    if language not in LANGUAGES:
        raise ReportError(
            f"unknown report language {language!r}; auditkit has catalogues for {', '.join(LANGUAGES)} "
            "(set report.language in the policy to one of them)"
        )
    module = importlib.import_module(f"{__name__}.{language}")
    out = dict(module.MESSAGES)
    for kind in _kind_modules():  # each check kind's own messages (summaries, rules, tables, notes)
        for key, text in kind.MESSAGES[language].items():
            if key in out:
                raise ReportError(f"message {key!r} of {kind.__name__} is already in the {language!r} catalogue")
            out[key] = text
    return out


@cache
def _kind_modules() -> tuple[object, ...]:
    """The modules of :mod:`auditkit.i18n.kinds`: one per check kind, ``MESSAGES = {language: {key: text}}``."""
    from auditkit.i18n import kinds

    return tuple(importlib.import_module(f"{kinds.__name__}.{m.name}")
                 for m in sorted(pkgutil.iter_modules(kinds.__path__), key=lambda m: m.name))


def current_language() -> str:
    """The language in force (``"en"`` outside :func:`use_language`)."""
    return _current.get()


@contextlib.contextmanager
def use_language(language: str) -> Iterator[str]:
    """Make ``language`` the language of :func:`t` and of :mod:`~auditkit.report.fmt` inside the block."""
    messages(language)  # fail before anything is built
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


def t(key: str, /, **fields: object) -> str:
    """The text of ``key`` in the current language, with ``fields`` filled in.

    A missing key is a :class:`ReportError`: a report never prints a key name or
    silently falls back to another language.
    """
    catalogue = messages(_current.get())
    try:
        text = catalogue[key]
    except KeyError:
        raise ReportError(f"report message {key!r} is missing from the {_current.get()!r} catalogue") from None
    return text.format(**fields) if fields else text


def tn(key: str, n: int, /, **fields: object) -> str:
    """``key + ".one"`` when ``n == 1``, else ``key + ".other"``, with ``n`` and ``fields`` filled in."""
    return t(f"{key}.{'one' if n == 1 else 'other'}", n=n, **fields)


def status(code: str) -> str:
    """The word for a status or gate code (``FAIL``, ``NOT DECIDED``) in the current language."""
    key = f"status.{code}"
    return t(key) if key in messages(_current.get()) else code


def severity(code: str) -> str:
    """The word for a severity code (``blocker``) in the current language; unknown codes as given."""
    key = f"severity.{code}"
    return t(key) if key in messages(_current.get()) else code


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "current_language", "messages", "severity", "status", "t", "tn",
           "use_language"]
