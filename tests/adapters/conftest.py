from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import torch

# A helper module the tests reference as "tiny_model.py:build" (a file next to the "policy").
TINY_MODEL_SOURCE = textwrap.dedent(
    """
    import torch
    from torch import nn


    class TinyMLP(nn.Module):
        def __init__(self, d_in=4, hidden=8, out=1):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(0.1),
                nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out),
            )

        def forward(self, x):
            return self.net(x)


    class Cube(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 6)

        def forward(self, x):
            return self.lin(x).reshape(-1, 3, 2)


    def build(d_in=4, hidden=8, out=1, seed=0):
        torch.manual_seed(seed)
        return TinyMLP(d_in, hidden, out)


    def build_cube():
        return Cube()


    def not_a_module():
        return {"weights": [1, 2, 3]}


    def broken(**options):
        raise RuntimeError("cannot build without the secret sauce")


    NOT_CALLABLE = 3
    """
)


@pytest.fixture
def tiny_model_source() -> str:
    """Source of the helper model module."""
    return TINY_MODEL_SOURCE


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A policy directory holding tiny_model.py."""
    (tmp_path / "tiny_model.py").write_text(TINY_MODEL_SOURCE)
    return tmp_path


@pytest.fixture(scope="session")
def tiny_module(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The helper module imported directly, to build reference models for comparisons."""
    path = tmp_path_factory.mktemp("ref") / "ref_tiny_model.py"
    path.write_text(TINY_MODEL_SOURCE)
    spec = importlib.util.spec_from_file_location("ref_tiny_model", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["ref_tiny_model"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def reference_model(tiny_module: ModuleType) -> Callable[..., torch.nn.Module]:
    """``reference_model(seed=0, out=1)``: the TinyMLP the helper's ``build`` returns, in eval mode."""

    def make(seed: int = 0, out: int = 1, hidden: int = 8) -> torch.nn.Module:
        return tiny_module.build(seed=seed, out=out, hidden=hidden).eval()

    return make
