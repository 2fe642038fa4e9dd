"""Fixtures for the explain tests: small tabular models behind auditkit's own adapters, and a tiny trained BERT."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from auditkit.adapters import load_adapter
from auditkit.adapters.base import ModelAdapter
from auditkit.policy.schema import ModelSpec

CPU = torch.device("cpu")

#: Models the tests load as "models.py:<factory>" (a file next to the "policy").
MODELS = textwrap.dedent(
    """
    import torch
    from torch import nn

    WEIGHTS = [1.0, -2.0, 3.0, -4.0, 5.0, 0.5, -1.5, 2.5, -0.25, 0.75, 1.25, -3.5]


    def linear(d=5, bias=0.3):
        model = nn.Linear(d, 1)
        with torch.no_grad():
            model.weight.copy_(torch.tensor(WEIGHTS[:d])[None, :])
            model.bias.fill_(bias)
        return model


    def mlp(d=8, hidden=32, seed=0):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(d, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.ReLU(),
                             nn.Linear(hidden, 1))


    class Focused(nn.Module):
        '''A "trained" MLP whose logit depends strongly on x0, x1, x2 and hardly on the rest.'''

        def __init__(self, d=8, seed=0):
            super().__init__()
            torch.manual_seed(seed)
            self.net = nn.Sequential(nn.Linear(d, 16), nn.Tanh(), nn.Linear(16, 1))
            with torch.no_grad():
                w = 0.05 * torch.randn(16, d)
                w[:, 0] += 2.0
                w[:8, 1] -= 1.5
                w[8:, 2] += 0.8
                self.net[0].weight.copy_(w)
                self.net[0].bias.zero_()
                self.net[2].weight.copy_(torch.linspace(-1, 1, 16)[None, :] + 0.5)
                self.net[2].bias.zero_()

        def forward(self, x):
            return self.net(x)


    def focused(d=8, seed=0):
        return Focused(d, seed)


    class Detached(nn.Module):
        '''Differentiable-looking, but the forward pass leaves autograd.'''

        def __init__(self, d=5):
            super().__init__()
            self.lin = nn.Linear(d, 1)

        def forward(self, x):
            return self.lin(x.detach())


    class Rounded(nn.Module):
        '''Piecewise constant: the gradients are zero everywhere.'''

        def __init__(self, d=5):
            super().__init__()
            self.lin = nn.Linear(d, 1)

        def forward(self, x):
            return self.lin(torch.round(x))


    def detached(d=5):
        return Detached(d)


    def rounded(d=5):
        return Rounded(d)


    class Steep(nn.Module):
        '''A steep logistic ridge: IG on the probability needs more than 50 steps.'''

        def __init__(self, d=3):
            super().__init__()
            self.lin = nn.Linear(d, 1)
            with torch.no_grad():
                self.lin.weight.fill_(200.0)
                self.lin.bias.fill_(-100.0)

        def forward(self, x):
            return self.lin(x)


    def steep(d=3):
        return Steep(d)
    """
)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding models.py."""
    root = tmp_path_factory.mktemp("explain-models")
    (root / "models.py").write_text(MODELS)
    return root


@pytest.fixture(scope="session")
def tabular_adapter(model_dir: Path) -> Callable[..., ModelAdapter]:
    """Factory: ``tabular_adapter("linear", d=5)`` → a TorchTabularAdapter for ``models.py:linear``."""

    def make(factory: str, d: int, **options: object) -> ModelAdapter:
        spec = ModelSpec(type="torch", factory=f"models.py:{factory}", options={"d": d, **options})
        return load_adapter(spec, base_dir=model_dir, device=CPU, feature_names=[f"x{i}" for i in range(d)])

    return make


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT sentiment classifier trained for this session (see ``sentiment_bert.py``)."""
    from sentiment_bert import train

    return train(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def tiny_bert(tiny_bert_dir: Path) -> ModelAdapter:
    """The tiny BERT behind auditkit's Hugging Face adapter."""
    spec = ModelSpec(type="huggingface", path=str(tiny_bert_dir))
    return load_adapter(spec, base_dir=tiny_bert_dir.parent, device=CPU, feature_names=[])
