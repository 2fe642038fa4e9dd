"""Evidence to text: a :class:`~auditkit.evidence.Msg` rendered from the catalogue of the language in force.

Parameters are rendered before they are put into the message: a :class:`~auditkit.evidence.Q` by its unit
(:func:`auditkit.i18n.units.quantity`), a nested message as its own text, a list as its items joined by commas,
a string as it is (data values stay verbatim; escaping is the template's job), ``None`` as a dash.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from typing import Any

from auditkit.evidence import Msg, Q, decode
from auditkit.i18n import messages, t, use_language
from auditkit.i18n.units import DASH, num, quantity


def text(value: Any) -> str:
    """The text of a message, quantity or data value in the current language."""
    if isinstance(value, Msg):
        return t(value.key, **{k: text(v) for k, v in value.params.items()})
    if isinstance(value, Q):
        return quantity(value.value, value.unit)
    if value is None:
        return DASH
    if isinstance(value, bool | int | float):
        return num(value)
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sentences(msgs: Any) -> str:
    """Several messages as one paragraph (joined by a space)."""
    return " ".join(text(m) for m in msgs)


def localise(spec: Any) -> Any:
    """A chart specification (or any JSON structure) with every message and quantity replaced by its text."""
    spec = decode(spec)

    def walk(value: Any) -> Any:
        if isinstance(value, Msg | Q):
            return text(value)
        if isinstance(value, Mapping):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    return walk(spec)


def missing_keys(msgs: Any, language: str) -> list[str]:
    """Message keys used by ``msgs`` (nested ones included) that the catalogue of ``language`` lacks, or whose
    fields the message's parameters do not fill."""
    catalogue = messages(language)
    out = []
    for m in msgs:
        if m.key not in catalogue:
            out.append(f"{m.key} (missing)")
            continue
        fields = {name.split(".")[0].split("[")[0]
                  for _, name, _, _ in string.Formatter().parse(catalogue[m.key]) if name is not None}
        unfilled = sorted(fields - set(m.params))
        if unfilled:
            out.append(f"{m.key} (no value for {', '.join(unfilled)})")
            continue
        with use_language(language):
            try:
                text(m)
            except (KeyError, IndexError, ValueError) as exc:
                out.append(f"{m.key} ({type(exc).__name__}: {exc})")
    return out


__all__ = ["localise", "missing_keys", "sentences", "text"]
