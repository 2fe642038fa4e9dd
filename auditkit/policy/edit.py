"""Edits auditkit makes to a policy file on the user's behalf, keeping its comments and layout.

Policies are reviewed documents: their comments carry the rationale a regulator
reads, so a tool that rewrites one through a plain YAML dump would destroy it.
Edits go through ruamel.yaml's round-trip mode (comments, key order and quoting
kept; it builds no Python objects from tags, like safe loading), and the edited
text is validated as a policy before it replaces the file, atomically.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from auditkit.errors import PolicyError
from auditkit.policy.loader import canonical_text, parse_policy


def add_model_trusted(path: Path, types: Sequence[str]) -> list[str]:
    """Append ``types`` to ``model.trusted`` of the policy at ``path`` (created when absent); return the new list.

    Types already listed are not repeated. Raises :class:`PolicyError` when the
    file has no ``model`` mapping or the edited policy would not validate; the
    file is then left as it was.
    """
    path = Path(path)
    text = canonical_text(path.read_bytes())
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's long lines
    data = yaml.load(text)
    model = data.get("model") if isinstance(data, CommentedMap) else None
    if not isinstance(model, CommentedMap):
        raise PolicyError(str(path), [("model", "the policy has no model mapping to add trusted types to")])
    trusted = model.get("trusted")
    if trusted is None:
        trusted = CommentedSeq()
        model["trusted"] = trusted
    for t in types:
        if t not in trusted:
            trusted.append(t)
    out = io.StringIO()
    yaml.dump(data, out)
    edited = out.getvalue()
    parse_policy(edited, source=str(path), base_dir=path.resolve().parent)  # never write an invalid policy
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(edited)
        os.chmod(tmp, path.stat().st_mode & 0o7777)  # keep the policy's permissions (mkstemp makes it 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return list(trusted)
