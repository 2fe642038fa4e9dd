"""Loading torch models from a policy: factories, state-dict files and TorchScript archives.

Three sources, each with errors that say what was given and how to fix it:

* a factory ``"package.module:function"`` (imported with importlib; when the
  module is not installed it is also looked for in the policy's directory) or
  ``"file.py:function"`` (a file relative to the policy, loaded under a unique
  module name), called with ``**model.options``, returning an ``nn.Module``;
* optional weights: ``.safetensors`` or a ``torch.save`` state dict, which is
  only ever read with ``weights_only=True`` (no arbitrary pickles);
* a TorchScript archive, read with ``torch.jit.load``.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import itertools
import pickle
import re
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

from auditkit.adapters.files import resolve_file
from auditkit.errors import ModelError

_module_counter = itertools.count()
#: Name prefix of the modules loaded from "file.py:function" factories.
FILE_MODULE_PREFIX = "_auditkit_factory_"
_MAX_LISTED = 10


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def _import_file(path: Path, ref: str) -> ModuleType:
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:12]
    name = f"{FILE_MODULE_PREFIX}{digest}_{next(_module_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModelError(f"model.factory {ref!r}: {path} cannot be loaded as a Python module; it must be a .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise ModelError(
            f"model.factory {ref!r}: running {path} failed with {type(exc).__name__}: {exc}; "
            "fix the error in that file (run `python` on it to see the traceback)"
        ) from exc
    return module


def _import_dotted(module_name: str, ref: str, base_dir: Path) -> ModuleType:
    def missing_self(exc: ModuleNotFoundError) -> bool:
        return exc.name is not None and (module_name == exc.name or module_name.startswith(exc.name + "."))

    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if not missing_self(exc):
            raise ModelError(
                f"model.factory {ref!r}: importing {module_name} failed because its dependency "
                f"{exc.name!r} is not installed; install it (pip install ...)"
            ) from exc
    except Exception as exc:
        raise ModelError(
            f"model.factory {ref!r}: importing {module_name} failed with {type(exc).__name__}: {exc}"
        ) from exc
    # Not installed: look next to the policy, as a source checkout keeps it there.
    sys.path.insert(0, str(base_dir))
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if missing_self(exc):
            raise ModelError(
                f"model.factory {ref!r}: module {module_name!r} was not found among the installed packages "
                f"nor in the policy's directory {base_dir}; check the spelling, install the package, "
                "or point to a file with 'path/to/file.py:function'"
            ) from exc
        raise ModelError(
            f"model.factory {ref!r}: importing {module_name} failed because its dependency "
            f"{exc.name!r} is not installed; install it"
        ) from exc
    except Exception as exc:
        raise ModelError(
            f"model.factory {ref!r}: importing {module_name} failed with {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        if sys.path and sys.path[0] == str(base_dir):
            del sys.path[0]


def build_from_factory(
    ref: str, options: Mapping[str, Any], *, base_dir: Path
) -> tuple[torch.nn.Module, dict[str, str]]:
    """Import and call a model factory; return the module and where it came from.

    ``ref`` is ``"package.module:function"`` or ``"file.py:function"``. The
    returned dict records the factory and the file it was loaded from.
    """
    module_part, sep, func_name = ref.rpartition(":")
    if not sep or not module_part or not func_name:
        raise ModelError(
            f"model.factory {ref!r} is not of the form 'package.module:function' or 'file.py:function'; "
            "add the name of the function that builds the model after a colon"
        )
    if module_part.endswith(".py") or "/" in module_part or "\\" in module_part:
        source = resolve_file(module_part, base_dir=base_dir, field="model.factory")
        module = _import_file(source, ref)
        origin = str(source)
    else:
        module = _import_dotted(module_part, ref, base_dir)
        origin = str(getattr(module, "__file__", None) or module_part)
    func = getattr(module, func_name, None)
    if func is None or not callable(func):
        candidates = sorted(
            n
            for n, v in vars(module).items()
            if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
        )
        close = difflib.get_close_matches(func_name, candidates, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problem = "is not callable" if func is not None else "was not found"
        raise ModelError(
            f"model.factory {ref!r}: function {func_name!r} {problem} in {origin}{hint}; "
            f"callables defined there: {_listing(candidates) or 'none'}"
        )
    try:
        model = func(**dict(options))
    except Exception as exc:
        raise ModelError(
            f"model.factory {ref!r}: calling {func_name}(**model.options) with options "
            f"{dict(options)!r} raised {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(model, torch.nn.Module):
        raise ModelError(
            f"model.factory {ref!r} returned {type(model).__module__}.{type(model).__qualname__}; "
            "expected a torch.nn.Module; make the function return the model itself"
        )
    return model, {"factory": ref, "factory_origin": origin}


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """Read a state dict from ``.safetensors`` or a ``torch.save`` file (``weights_only=True`` only)."""
    if path.suffix.lower() == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return load_file(str(path), device="cpu")
        except (SafetensorError, OSError, ValueError) as exc:
            raise ModelError(
                f"model.weights: {path} is not a readable safetensors file ({exc}); re-save it with "
                "safetensors.torch.save_file(model.state_dict(), path)"
            ) from exc
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"GLOBAL ([\w.]+)", str(exc))
        detail = f"it references {found.group(1)}" if found else str(exc).strip().splitlines()[0]
        raise ModelError(
            f"model.weights: {path} was refused: it contains pickled Python objects that are not plain "
            f"tensors ({detail}). auditkit loads weights only with torch.load(weights_only=True), "
            "never arbitrary pickles; re-save the weights with torch.save(model.state_dict(), path) "
            "or as .safetensors"
        ) from exc
    except Exception as exc:
        raise ModelError(
            f"model.weights: {path} could not be read by torch.load ({type(exc).__name__}: {exc}); "
            "expected a state dict saved with torch.save(model.state_dict(), path) or a .safetensors file"
        ) from exc
    if not isinstance(obj, Mapping):
        raise ModelError(
            f"model.weights: {path} holds a {type(obj).__name__}, expected a state dict (a mapping of "
            "parameter names to tensors); save it with torch.save(model.state_dict(), path)"
        )
    bad = [f"{k!r} ({type(v).__name__})" for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise ModelError(
            f"model.weights: {path} is a mapping but not a state dict: entries {_listing(bad)} are not tensors "
            "(a training checkpoint?); save only model.state_dict()"
        )
    return dict(obj)


def apply_state_dict(model: torch.nn.Module, state: Mapping[str, torch.Tensor], *, path: Path) -> None:
    """``load_state_dict(strict=True)``, with a message listing missing, unexpected and mis-shaped keys."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mis_shaped = sorted(
        f"{k} (file {tuple(state[k].shape)}, model {tuple(expected[k].shape)})"
        for k in set(expected) & set(state)
        if tuple(state[k].shape) != tuple(expected[k].shape)
    )
    if missing or unexpected or mis_shaped:
        parts = []
        if missing:
            parts.append(f"missing keys (in the model, not in the file): {_listing(missing)}")
        if unexpected:
            parts.append(f"unexpected keys (in the file, not in the model): {_listing(unexpected)}")
        if mis_shaped:
            parts.append(f"shape mismatches: {_listing(mis_shaped)}")
        hint = ""
        if unexpected and all(k.startswith("module.") for k in unexpected):
            hint = " The file's keys start with 'module.' (saved from DataParallel): save model.module.state_dict()."
        raise ModelError(
            f"model.weights: {path} does not match the model built by model.factory; "
            + "; ".join(parts)
            + f". Check that the factory and its options build the architecture the weights were saved from.{hint}"
        )
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise ModelError(f"model.weights: loading {path} into the model failed: {exc}") from exc


def load_torchscript(path: Path, device: torch.device) -> torch.jit.ScriptModule:
    """Load a TorchScript archive onto ``device`` (torch's deprecation notice for TorchScript is muted)."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*torch.jit.*")
            return torch.jit.load(str(path), map_location=device)
    except Exception as exc:
        raise ModelError(
            f"model.torchscript: {path} is not a loadable TorchScript archive ({type(exc).__name__}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}); save one with "
            "torch.jit.save(torch.jit.script(model), path), or use model.factory + model.weights for a state dict"
        ) from exc
