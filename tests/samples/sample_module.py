"""Load a bundled sample's ``sample.py`` by path, as ``auditkit demo`` and a ``file.py:function`` factory do."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_sample(path: Path, name: str) -> ModuleType:
    """The module at ``path`` (a sample's ``sample.py``), registered under ``name`` so pickling and dataclasses work."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
