"""Every registered check is generic over its own Params, and no check module imports another check module.

Driven by the registry: a new check kind is covered as soon as it registers.
"""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

import auditkit.checks
from auditkit.checks import Check, registry

CHECKS_DIR = Path(auditkit.checks.__file__).parent
KINDS = sorted(registry.kinds())
#: The modules that define check kinds (a check may import shared helpers, never another check).
CHECK_MODULES = {cls.__module__ for cls in registry.kinds().values()}


@pytest.mark.parametrize("kind", KINDS)
def test_a_check_is_generic_over_its_declared_params(kind):
    cls = registry.get(kind)
    bases = [b for b in getattr(cls, "__orig_bases__", ()) if typing.get_origin(b) is Check]
    assert bases, f"{cls.__qualname__} must subclass Check[{cls.Params.__name__}]"
    (declared,) = typing.get_args(bases[0])
    assert declared is cls.Params, f"{cls.__qualname__} is Check[{declared}] but its Params is {cls.Params}"
    # run, layers and capture_rows take that model, so no signature needs a type-ignore
    hints = typing.get_type_hints(cls.run)
    assert hints["params"] is cls.Params


def test_no_override_is_silenced_in_the_checks():
    silenced = [f"{p.name}:{n}" for p in sorted(CHECKS_DIR.glob("*.py"))
                for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                if "type: ignore[override]" in line]
    assert not silenced, f"signatures overriding Check with a type-ignore: {silenced}"


@pytest.mark.parametrize("module", sorted(CHECK_MODULES))
def test_a_check_module_imports_no_other_check_module(module):
    source = Path(inspect.getfile(__import__(module, fromlist=["_"])))
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    others = sorted((imported & CHECK_MODULES) - {module})
    assert not others, f"{module} imports the check module(s) {others}; move shared helpers to a shared module"
