"""Audit checks: the registry and one module per check kind.

Importing this package registers the built-in kinds.
"""

from auditkit.checks import group_fairness as _group_fairness  # noqa: F401  (registers the kind)
from auditkit.checks import performance as _performance  # noqa: F401  (registers the kind)
from auditkit.checks import registry
from auditkit.checks.base import Check, CheckContext, CheckResult, Params, check_fingerprint, check_seed

__all__ = ["Check", "CheckContext", "CheckResult", "Params", "check_fingerprint", "check_seed", "registry"]
