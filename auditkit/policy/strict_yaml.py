"""Strict, bounded YAML for policy files.

A policy is a release gate's only input the user writes by hand, so YAML's
forgiving corners are closed here:

* a key written twice in one mapping is an error naming both lines (PyYAML
  keeps the last one, so a second ``checks:`` block or a repeated threshold
  would silently replace the first);
* anchors/aliases are allowed only up to a small budget, and the size of the
  document with every alias expanded is bounded, so a "billion laughs" file
  fails in milliseconds instead of exhausting memory;
* nesting depth, document size and the length of any one scalar are bounded;
* a date YAML recognises but the calendar does not (``2026-13-45``) is a
  problem at its path, not a ``ValueError`` traceback.

The limits are module constants, overridable by environment variables
(``AUDITKIT_POLICY_MAX_BYTES`` ...) or per call with :class:`PolicyLimits`;
every message states the limit and how to raise it. Only
:class:`yaml.SafeLoader` is subclassed: no tag can build a Python object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import yaml

Loc = tuple[str | int, ...]

#: Largest policy file, in bytes (1 MiB); real policies are a few kB.
MAX_BYTES = 1 << 20
#: Deepest nesting of mappings/sequences (the schema itself needs 5).
MAX_DEPTH = 32
#: Most alias uses (``*name``) in one policy.
MAX_ALIASES = 32
#: Most nodes in the document with every alias expanded (bounds what validation walks).
MAX_NODES = 100_000
#: Longest single scalar (a title, a rationale, a path), in characters.
MAX_SCALAR_CHARS = 20_000

_ENV = {
    "max_bytes": "AUDITKIT_POLICY_MAX_BYTES",
    "max_depth": "AUDITKIT_POLICY_MAX_DEPTH",
    "max_aliases": "AUDITKIT_POLICY_MAX_ALIASES",
    "max_nodes": "AUDITKIT_POLICY_MAX_NODES",
    "max_scalar_chars": "AUDITKIT_POLICY_MAX_SCALAR_CHARS",
}


@dataclass(frozen=True)
class PolicyLimits:
    """Bounds on a policy document; :meth:`from_env` reads overrides from ``AUDITKIT_POLICY_*`` variables."""

    max_bytes: int = MAX_BYTES
    max_depth: int = MAX_DEPTH
    max_aliases: int = MAX_ALIASES
    max_nodes: int = MAX_NODES
    max_scalar_chars: int = MAX_SCALAR_CHARS

    @classmethod
    def from_env(cls, environ: Any = None) -> PolicyLimits:
        """The defaults, each replaced by its environment variable when set to a positive whole number.

        A malformed value is a :class:`ValueError` naming the variable (the
        caller turns it into a policy error) rather than a silently kept default.
        """
        env = os.environ if environ is None else environ
        values = {}
        for name, var in _ENV.items():
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value < 1:
                raise ValueError(f"environment variable {var}={raw!r} must be a positive whole number; "
                                 "fix or unset it")
            values[name] = value
        return cls(**values)

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable that overrides limit ``name``."""
        return _ENV[name]


class LimitExceeded(Exception):
    """A policy exceeds one of :class:`PolicyLimits`; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def _limit_hint(name: str, value: int) -> str:
    return f"the limit is {value} (raise it with ${_ENV[name]} or the loader's limits argument)"


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and depth while composing and rejects duplicate keys and bad dates.

    Construction problems (duplicate keys, impossible dates) are collected in
    :attr:`problems` as ``(node_path, line, message)`` so every one is reported
    at once; limit breaches raise :class:`LimitExceeded` at once, because
    continuing is what makes bombs expensive.
    """

    def __init__(self, stream: str, limits: PolicyLimits) -> None:
        super().__init__(stream)
        self.limits = limits
        self.problems: list[tuple[Loc, int, str]] = []
        self.paths: dict[int, Loc] = {}
        self._aliases = 0
        self._depth = 0

    # --- composing: aliases and depth ---------------------------------------------------------------

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 (PyYAML hook)
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                mark = self.peek_event().start_mark
                raise LimitExceeded(
                    f"too many aliases (*name): more than {self.limits.max_aliases} alias uses; "
                    f"{_limit_hint('max_aliases', self.limits.max_aliases)}. Policies rarely need "
                    "anchors: write the values out", mark.line + 1)
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                mark = self.peek_event().start_mark
                raise LimitExceeded(
                    f"nesting deeper than {self.limits.max_depth} levels; "
                    f"{_limit_hint('max_depth', self.limits.max_depth)}. The policy schema nests 5 levels: "
                    "check for runaway brackets or indentation", mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    # --- constructing: duplicate keys and dates ------------------------------------------------------

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # noqa: D102
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<' merges are overridable by design; their keys are not "written twice"
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable key: SafeLoader reports it below
            line = key_node.start_mark.line + 1
            if first is not None:
                path = (*self.paths.get(id(node), ()), key if isinstance(key, int | str) else str(key))
                self.problems.append((path, line, f"key {key!r} is written twice in one mapping (lines {first} and "
                                                  f"{line}); YAML would silently keep only the second. Merge the "
                                                  "two into one entry"))
            else:
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:  # noqa: D102
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            self.problems.append((self.paths.get(id(node), ()), node.start_mark.line + 1,
                                  f"{node.value!r} is not a valid date ({exc}); write a real date as "
                                  "YYYY-MM-DD, e.g. 2026-11-01"))
            return node.value


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)


def walk(node: yaml.Node, limits: PolicyLimits) -> tuple[dict[Loc, int], dict[int, Loc]]:
    """Line of every YAML path and path of every node, visiting each node once (aliases are not re-walked).

    Also enforces the scalar-length limit and the expanded-size limit
    (computed per node and memoised, so an alias bomb costs its node count,
    not its expansion) and rejects recursive aliases.
    """
    lines: dict[Loc, int] = {}
    paths: dict[int, Loc] = {}
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, Loc, bool]] = [(node, (), False)]
    while stack:
        current, loc, done = stack.pop()
        key = id(current)
        if done:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for _, _, c in _children(current))
            if sizes[key] > limits.max_nodes:
                raise LimitExceeded(
                    f"the policy expands to more than {limits.max_nodes} values once aliases are followed; "
                    f"{_limit_hint('max_nodes', limits.max_nodes)}. Remove the aliases (an alias bomb?)",
                    current.start_mark.line + 1)
            continue
        if key in active:
            raise LimitExceeded(f"recursive alias at {_fmt(loc)}: an anchor refers to itself; remove the alias",
                                current.start_mark.line + 1)
        if key in sizes:
            continue  # an alias of a node already walked
        lines.setdefault(loc, current.start_mark.line + 1)
        paths.setdefault(key, loc)
        if isinstance(current, yaml.ScalarNode) and len(current.value) > limits.max_scalar_chars:
            raise LimitExceeded(
                f"{_fmt(loc) or 'a value'} is {len(current.value)} characters long; "
                f"{_limit_hint('max_scalar_chars', limits.max_scalar_chars)}. Shorten it or refer to a document",
                current.start_mark.line + 1)
        active.add(key)
        stack.append((current, loc, True))
        for part, key_line, child in reversed(_children(current)):
            child_loc = (*loc, part)
            lines.setdefault(child_loc, key_line)
            if id(child) in active:
                raise LimitExceeded(f"recursive alias at {_fmt(child_loc)}: an anchor refers to itself; "
                                    "remove the alias", child.start_mark.line + 1)
            stack.append((child, child_loc, False))
    return lines, paths


def _children(node: yaml.Node) -> list[tuple[str | int, int, yaml.Node]]:
    """``(path part, line, child)`` per child: a mapping entry's line is its key's line."""
    if isinstance(node, yaml.MappingNode):
        return [(str(k.value) if isinstance(k, yaml.ScalarNode) else "?", k.start_mark.line + 1, v)
                for k, v in node.value]
    if isinstance(node, yaml.SequenceNode):
        return [(i, v.start_mark.line + 1, v) for i, v in enumerate(node.value)]
    return []


def _fmt(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load(text: str, limits: PolicyLimits) -> tuple[Any, dict[Loc, int], list[tuple[Loc, int, str]]]:
    """Parse ``text`` (one YAML document) under ``limits``.

    Returns the data, the line of every YAML path, and the construction
    problems (duplicate keys, impossible dates) as ``(path, line, message)``.
    Raises :class:`LimitExceeded` or :class:`yaml.YAMLError`.
    """
    loader = StrictLoader(text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines, paths = walk(node, limits)
        loader.paths = paths
        data = loader.construct_document(node)
        return data, lines, loader.problems
    finally:
        loader.dispose()
