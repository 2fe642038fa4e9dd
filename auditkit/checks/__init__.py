"""Audit checks: the registry and one module per check kind.

Importing this package registers every check kind: each module in this
package other than the infrastructure below defines and ``@register``-s one
kind, so adding a kind means adding its module here (no import path ever
comes from a policy file).
"""

import importlib
import pkgutil

from auditkit.checks import registry
from auditkit.checks.base import Check, CheckContext, CheckResult, Params, check_fingerprint, check_seed

_INFRASTRUCTURE = {"base", "registry", "limits"}

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module not in _INFRASTRUCTURE and not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["Check", "CheckContext", "CheckResult", "Params", "check_fingerprint", "check_seed", "registry"]
