"""How the interval checks (performance, group_fairness) state one judged measurement against its limit.

Both kinds say the same things about a measurement with a threshold: its name (with its group, a data value),
its limit, and the value with its interval in the measurement's unit. Only the catalogue prefix (the kind) and
which unit a metric has differ, so one :class:`Statements` per kind builds the messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditkit.evidence import Msg, Q, Unit
from auditkit.results import Measurement


@dataclass(frozen=True)
class Statements:
    """The messages of ``kind`` (``<kind>.measure.*``, ``<kind>.for_group``, ``<kind>.limit.min|max``)."""

    kind: str
    unit_of: Callable[[str], Unit]

    def name(self, m: Measurement) -> Msg:
        """The measurement's name in the report's language, with its group (data) when it has one."""
        name = Msg(f"{self.kind}.measure.{m.name}")
        return name if m.group is None else Msg(f"{self.kind}.for_group", measure=name, group=m.group)

    def limit(self, metric: str, comparator: str | None, threshold: float | None) -> Msg:
        """The policy's limit of ``metric`` (``>= 0.800``, ``<= 10.0 pp``)."""
        side = "min" if comparator == ">=" else "max"
        return Msg(f"{self.kind}.limit.{side}", threshold=Q(threshold, self.unit_of(metric)))

    def interval(self, m: Measurement) -> dict[str, Any]:
        """Parameters shared by every sentence that states a judged measurement against its limit."""
        u = self.unit_of(m.name)
        return {"measure": self.name(m), "value": Q(m.value, u), "ci_low": Q(m.ci_low, u),
                "ci_high": Q(m.ci_high, u), "limit": self.limit(m.name, m.comparator, m.threshold)}


__all__ = ["Statements"]
