"""Read the policy text stored with a run, tolerantly: :class:`StoredPolicy`.

A run stores its policy verbatim (``RunRecord.policy_text``), validated when the
run began. Reading it back later must not depend on the schema of the auditkit
that reads it: a policy stored by an older release may carry keys this release
no longer knows, lack ``schema_version``, or name files that are gone. So the
strict loader (:func:`auditkit.policy.loader.parse_policy`) is the wrong tool
here; this reader parses the YAML with the safe loader only, never executes it,
keeps every section as written, and validates only the few settings a caller
acts on (the ``gate:`` section, ``report.formats``, ``report.language``,
``policy.effective_from``), each on its own, ignoring keys it does not know.

Used by the gate (:mod:`auditkit.gate`), the API (report formats) and the report
view (:mod:`auditkit.report.view`), so the three read a stored policy the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from auditkit.errors import PolicyError
from auditkit.policy.schema import GateSpec, ReportSpec

#: The report formats this release renders, in the order a policy lists them by default.
KNOWN_FORMATS: tuple[str, ...] = ("html", "pdf")


def _as_date(value: Any) -> dt.date | None:
    """A date written in YAML (already a date, a datetime or ISO text), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class StoredPolicy:
    """The policy a run was made under, read back from its stored text without the strict schema.

    ``document`` is the parsed YAML mapping (empty when the text is not a YAML
    mapping); ``readable`` says whether it was one. Sections are read with
    :meth:`section`, which gives an empty mapping for a missing or malformed
    section, so a report of an old run renders whatever the text holds.
    """

    text: str
    document: Mapping[str, Any] = field(default_factory=dict)
    readable: bool = True
    #: Where the text came from, for error messages (e.g. ``policy of run 3f2a…``).
    source: str = "<stored policy>"

    @classmethod
    def parse(cls, text: str, *, source: str = "<stored policy>") -> StoredPolicy:
        """Parse stored policy ``text``; never raises (an unreadable text gives an empty document)."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return cls(text, {}, False, source)
        if not isinstance(data, dict):
            return cls(text, {}, False, source)
        return cls(text, data, True, source)

    def section(self, key: str) -> Mapping[str, Any]:
        """The top-level section ``key`` as written; empty when absent or not a mapping."""
        value = self.document.get(key)
        return value if isinstance(value, Mapping) else {}

    @property
    def checks(self) -> tuple[Mapping[str, Any], ...]:
        """The ``checks`` entries that are mappings, in policy order (others are skipped)."""
        entries = self.document.get("checks")
        return tuple(c for c in entries if isinstance(c, Mapping)) if isinstance(entries, list) else ()

    @property
    def gate(self) -> GateSpec:
        """The ``gate:`` section, its known keys validated (unknown keys of older or newer releases ignored).

        A gate decision must never be weakened by a misread setting, so a known key with a
        value this release cannot read, or a text that is not a YAML mapping, is a
        :class:`~auditkit.errors.PolicyError` (exit 2) rather than a silent default.
        """
        if not self.readable:
            raise PolicyError(self.source, [("", "the stored policy text is not a YAML mapping; its gate "
                                                 "settings cannot be read")])
        raw = self.document.get("gate")
        if raw is not None and not isinstance(raw, Mapping):
            raise PolicyError(self.source, [("gate", f"expected a mapping, got {type(raw).__name__}")])
        known = {k: v for k, v in (raw or {}).items() if k in GateSpec.model_fields}
        try:
            return GateSpec.model_validate(known)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in ("gate", *err["loc"]))
            raise PolicyError(self.source, [(where, err["msg"])]) from None

    @property
    def report_formats(self) -> tuple[str, ...]:
        """``report.formats``: the formats of this release it lists, in order; the schema's default when it
        lists none (absent, malformed, or only formats this release does not render)."""
        raw = self.section("report").get("formats")
        listed = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        formats = tuple(dict.fromkeys(f for f in listed if f in KNOWN_FORMATS))
        return formats or tuple(ReportSpec.model_fields["formats"].get_default(call_default_factory=True))

    @property
    def report_language(self) -> str | None:
        """``report.language`` as written (None when absent or not text); the report layer decides
        whether it has that language's catalogue."""
        value = self.section("report").get("language")
        return value if isinstance(value, str) and value else None

    @property
    def effective_from(self) -> dt.date | None:
        """``policy.effective_from`` as a date (None when absent or not a date)."""
        return _as_date(self.section("policy").get("effective_from"))


__all__ = ["KNOWN_FORMATS", "StoredPolicy"]
