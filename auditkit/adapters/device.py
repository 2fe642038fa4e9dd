"""Device selection and weight fingerprints shared by every adapter.

``resolve_device`` turns the CLI's ``--device`` string into a ``torch.device``
with an error that says how to fix it. ``state_dict_sha256`` hashes a module's
weights independently of the file format they were stored in, so a model's
identity in the run record survives a conversion from ``torch.save`` to
safetensors.
"""

from __future__ import annotations

import hashlib

import torch

from auditkit.errors import ModelError

_DEVICE_CHOICES = "auto|cpu|cuda"
_FINGERPRINT_VERSION = b"auditkit-weights-v1\n"


def resolve_device(spec: str) -> torch.device:
    """Map ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"`` to a torch device.

    ``"auto"`` picks CUDA when available, else the CPU. Asking for CUDA on a
    machine without it is a :class:`ModelError` suggesting ``--device cpu``,
    never a silent fall back to the CPU.
    """
    text = str(spec).strip().lower()
    if text == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if text == "cpu":
        return torch.device("cpu")
    if text == "cuda" or text.startswith("cuda:"):
        index = text.partition(":")[2]
        if index and not index.isdigit():
            raise ModelError(f"device {spec!r} is not valid; expected one of {_DEVICE_CHOICES} (or cuda:N)")
        if not torch.cuda.is_available():
            raise ModelError(
                f"device {spec!r} was requested but CUDA is not available on this machine "
                f"(torch {torch.__version__}, torch.cuda.is_available() is False); "
                "run with --device cpu, or --device auto to use a GPU only when there is one"
            )
        if index and int(index) >= torch.cuda.device_count():
            raise ModelError(
                f"device {spec!r} was requested but this machine has {torch.cuda.device_count()} CUDA "
                f"device(s), numbered from 0; use --device cuda:0 .. cuda:{torch.cuda.device_count() - 1}"
            )
        return torch.device(text)
    raise ModelError(f"device {spec!r} is not known; expected one of {_DEVICE_CHOICES}")


def state_dict_sha256(module: torch.nn.Module) -> str:
    """SHA-256 over a module's state dict: every tensor's name, dtype, shape and raw bytes.

    Keys are visited in sorted order and each tensor is moved to the CPU and made
    contiguous first, so the hash depends on the weights only, not on the file
    format, the device or the memory layout.
    """
    digest = hashlib.sha256(_FINGERPRINT_VERSION)
    state = module.state_dict()
    for name in sorted(state):
        tensor = state[name]
        if not isinstance(tensor, torch.Tensor):
            continue
        flat = tensor.detach().to("cpu").contiguous().reshape(-1)
        header = f"{name}\0{str(flat.dtype).removeprefix('torch.')}\0{tuple(tensor.shape)}\0{flat.numel()}\n"
        digest.update(header.encode("utf-8"))
        if flat.numel():
            digest.update(flat.view(torch.uint8).numpy().data)
    return digest.hexdigest()


def parameter_count(module: torch.nn.Module) -> int:
    """Number of distinct trainable-or-not parameters (shared tensors counted once)."""
    seen: set[int] = set()
    total = 0
    for p in module.parameters():
        if id(p) not in seen:
            seen.add(id(p))
            total += p.numel()
    return total


def module_dtype(module: torch.nn.Module) -> torch.dtype:
    """The dtype of the module's first floating-point parameter or buffer (float32 if it has none)."""
    for t in [*module.parameters(), *module.buffers()]:
        if t.is_floating_point():
            return t.dtype
    return torch.float32
