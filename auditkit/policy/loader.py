"""Load a policy from YAML into a validated :class:`~auditkit.policy.schema.Policy`.

Errors name the YAML path (``checks[2].max_flip_rate``), the line, the bad
value and the fix, and all problems are reported at once. YAML is parsed with
the safe loader only. The check kinds and their parameter models are passed
in by the caller (the registry lives in :mod:`auditkit.checks`, downstream of
this package), so the loader stays free of check code.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from auditkit.errors import PolicyError
from auditkit.policy import strict_yaml
from auditkit.policy.model_types import MODEL_TYPES, model_type
from auditkit.policy.schema import SCHEMA_VERSION, Policy
from auditkit.policy.strict_yaml import LimitExceeded, PolicyLimits

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy plus its provenance.

    ``text`` is the canonical text (UTF-8, BOM removed, ``\\n`` line endings)
    and ``sha256`` its hash: both are stored with every run so the report can
    prove which policy, fixed before the run, judged it. ``base_dir`` is where
    relative paths in the policy resolve. ``check_params`` maps each check id to
    its validated parameter model.
    """

    policy: Policy
    text: str
    sha256: str
    source: str
    base_dir: Path
    check_params: Mapping[str, BaseModel] = field(default_factory=dict)


def canonical_text(raw: bytes) -> str:
    """Decode policy bytes to the canonical text that is hashed and stored."""
    text = raw.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _limits(limits: PolicyLimits | None, source: str) -> PolicyLimits:
    if limits is not None:
        return limits
    try:
        return PolicyLimits.from_env()
    except ValueError as exc:
        raise PolicyError(source, [("", str(exc))]) from None


def load_policy(
    path: str | Path,
    *,
    kinds: Mapping[str, type[BaseModel]] | None = None,
    limits: PolicyLimits | None = None,
) -> LoadedPolicy:
    """Read, parse and validate the policy at ``path``.

    ``kinds`` maps each known check kind to its ``Params`` model; when given,
    unknown kinds and bad parameters are reported with their YAML path.
    ``limits`` bounds size, nesting, aliases and scalar length (default:
    :class:`~auditkit.policy.strict_yaml.PolicyLimits` from the environment).
    Only regular files are read, and never more than the size limit, so
    ``/dev/zero`` or a FIFO cannot hang the loader.
    """
    p = Path(path)
    limits = _limits(limits, str(p))
    raw = _read_bounded(p, limits)
    try:
        text = canonical_text(raw)
    except UnicodeDecodeError as exc:
        raise PolicyError(str(p), [("", f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8")]) from None
    return parse_policy(text, source=str(p), base_dir=p.resolve().parent, kinds=kinds, limits=limits)


def read_yaml(path: str | Path, *, limits: PolicyLimits | None = None) -> tuple[Any, Mapping[Loc, int]]:
    """Read a YAML file other than a policy (a fleet file) with the same bounds and strictness.

    Returns the data and the line of every YAML path; an unreadable, oversized, non-UTF-8 or malformed file
    is a :class:`~auditkit.errors.PolicyError` naming it (callers re-raise its ``problems`` as their own error).
    """
    p = Path(path)
    limits = _limits(limits, str(p))
    try:
        text = canonical_text(_read_bounded(p, limits))
    except UnicodeDecodeError as exc:
        raise PolicyError(str(p), [("", f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8")]) from None
    return _parse_yaml(text, str(p), limits)


def validation_problems(exc: ValidationError, lines: Mapping[Loc, int]) -> list[tuple[str, str]]:
    """``(YAML path with its line, fix-it message)`` for each error of a pydantic model validated from YAML."""
    return _translate(exc, (), lines)


def _read_bounded(p: Path, limits: PolicyLimits) -> bytes:
    """The file's bytes; a missing, non-regular, unreadable or oversized file is a PolicyError."""
    import stat

    try:
        st = p.stat()
    except FileNotFoundError:
        raise PolicyError(str(p), [("", f"file not found: {p.resolve()}; check the path")]) from None
    except OSError as exc:
        raise PolicyError(str(p), [("", f"cannot read the file: {exc.strerror or exc}")]) from None
    if stat.S_ISDIR(st.st_mode):
        raise PolicyError(str(p), [("", f"{p} is a directory, not a policy file; give the path of the YAML file")])
    if not stat.S_ISREG(st.st_mode):
        raise PolicyError(str(p), [("", f"{p} is not a regular file (a device, pipe or socket); "
                                        "give the path of a YAML file")])
    if st.st_size > limits.max_bytes:
        raise PolicyError(str(p), [("", _too_big(st.st_size, limits))])
    try:
        with p.open("rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise PolicyError(str(p), [("", f"cannot read the file: {exc.strerror or exc}")]) from None
    if len(raw) > limits.max_bytes:
        raise PolicyError(str(p), [("", _too_big(len(raw), limits))])
    return raw


def _too_big(size: int, limits: PolicyLimits) -> str:
    return (f"the policy is {size} bytes, more than the limit of {limits.max_bytes} bytes "
            f"(raise it with ${PolicyLimits.variable('max_bytes')} or the loader's limits argument); "
            "a policy is a few kB of YAML: check that this is the right file")


def parse_policy(
    text: str,
    *,
    source: str = "<policy>",
    base_dir: Path | None = None,
    kinds: Mapping[str, type[BaseModel]] | None = None,
    limits: PolicyLimits | None = None,
) -> LoadedPolicy:
    """Validate policy ``text`` (already canonical) as :func:`load_policy` does for a file."""
    limits = _limits(limits, source)
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise PolicyError(source, [("", _too_big(len(text.encode("utf-8", "surrogatepass")), limits))])
    data, lines = _parse_yaml(text, source, limits)
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise PolicyError(source, [("", f"the policy must be a YAML mapping of sections, got {_kind(data)}")])
    version = data.get("schema_version")
    if version is not None and version != SCHEMA_VERSION:
        raise PolicyError(
            source,
            [("schema_version", f"this auditkit reads schema_version {SCHEMA_VERSION}, got {version!r}; "
                                "upgrade auditkit or convert the policy")],
        )
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        problems.extend(_translate(exc, (), lines))
        raise PolicyError(source, problems) from None
    problems.extend(_cross_check(policy, lines))
    params: dict[str, BaseModel] = {}
    if kinds is not None:
        for i, check in enumerate(policy.checks):
            model = kinds.get(check.kind)
            if model is None:
                problems.append(_unknown_kind(i, check.kind, kinds, lines))
                continue
            try:
                params[check.id] = model.model_validate(check.params)
            except ValidationError as exc:
                problems.extend(_translate(exc, ("checks", i), lines))
                continue
            problems.extend(_attribute_refs(i, params[check.id], policy, lines))
    if problems:
        raise PolicyError(source, problems)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedPolicy(policy, text, sha, source, base_dir or Path.cwd(), params)


# --- YAML -------------------------------------------------------------------------------------------


def _parse_yaml(text: str, source: str, limits: PolicyLimits) -> tuple[Any, dict[Loc, int]]:
    """Strict, bounded safe-load (see :mod:`auditkit.policy.strict_yaml`) and every node path's line.

    Duplicate keys and impossible dates are reported together, with their
    paths and lines, before the schema is checked.
    """
    try:
        data, lines, problems = strict_yaml.load(text, limits)
    except LimitExceeded as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise PolicyError(source, [("", f"{where}{exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(source, [("", f"{where}invalid YAML: {problem}")]) from None
    except (ValueError, OverflowError) as exc:  # a PyYAML constructor choking on a value it recognised
        raise PolicyError(source, [("", f"invalid YAML value: {exc}; quote the value if it is meant as text")]) \
            from None
    if problems:
        raise PolicyError(source, [(f"{format_path(loc)} (line {line})" if loc else f"line {line}", msg)
                                   for loc, line, msg in sorted(problems, key=lambda p: p[1])])
    return data, lines


# --- error translation ------------------------------------------------------------------------------


def format_path(loc: Loc) -> str:
    """``("checks", 2, "max_flip_rate")`` → ``checks[2].max_flip_rate``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _where(loc: Loc, lines: Mapping[Loc, int]) -> str:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return f"{format_path(loc)} (line {lines[loc[:n]]})" if loc else f"line {lines[loc[:n]]}"
    return format_path(loc)


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", type(None): "nothing (null)"}.get(
        type(value), type(value).__name__
    )


def _show(value: Any) -> str:
    s = repr(value)
    return s if len(s) <= 60 else s[:57] + "..."


_TYPE_NAMES = {
    "int_parsing": "a whole number", "int_type": "a whole number", "int_from_float": "a whole number",
    "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "a string (quote it)", "list_type": "a list",
    "dict_type": "a mapping (key: value pairs)", "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "date_parsing": "a date like 2026-11-01", "date_from_datetime_parsing": "a date like 2026-11-01",
    "date_type": "a date like 2026-11-01", "date_from_datetime_inexact": "a date like 2026-11-01",
}


def _message(err: Mapping[str, Any]) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "required key is missing; add it"
    if kind in _TYPE_NAMES:
        return f"must be {_TYPE_NAMES[kind]}, got {_show(value)}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {_show(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}[kind]
        bound = next(iter(v for k, v in ctx.items() if k in ("gt", "ge", "lt", "le")), "?")
        return f"must be {op} {bound}, got {_show(value)}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length', 0)}"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} item(s), got {ctx.get('actual_length')}"
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"])


_SYNTHETIC_LOC = ("function-", "union[", "[key]")  # pydantic's own loc parts, not YAML keys


def _model_union(loc: Loc, err: Mapping[str, Any]) -> tuple[Loc, str | None]:
    """The ``model`` union's own loc parts and errors, as YAML paths and fix-it messages.

    pydantic puts the chosen variant's tag into the path (``model.torch.factory``)
    and reports a bad or missing tag on ``model`` itself; the policy author wrote
    ``model.factory`` and ``model.type``.
    """
    if loc[:1] != ("model",):
        return loc, None
    if err["type"] == "union_tag_invalid":
        known = " or ".join(", ".join(repr(t) for t in MODEL_TYPES).rsplit(", ", 1))
        return ("model", "type"), f"must be one of {known}, got {_show(err['ctx'].get('tag'))}"
    if err["type"] == "union_tag_not_found":
        return ("model", "type"), f"required key is missing; add it (one of {', '.join(MODEL_TYPES)})"
    if len(loc) > 1 and loc[1] in MODEL_TYPES:
        return ("model", *loc[2:]), None
    return loc, None


def _translate(exc: ValidationError, prefix: Loc, lines: Mapping[Loc, int]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(_SYNTHETIC_LOC)))
        message = None
        if not prefix:
            loc, message = _model_union(loc, err)
        loc = (*prefix, *loc)
        if err["type"] == "unknown_key":
            loc = (*loc, err["ctx"]["key"])
        pair = (_where(loc, lines), message or _message(err))
        if pair not in out:
            out.append(pair)
    return out


# --- cross-field rules ------------------------------------------------------------------------------


def _cross_check(policy: Policy, lines: Mapping[Loc, int]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, attr in enumerate(policy.protected_attributes):
        if attr.name in seen:
            problems.append((_where(("protected_attributes", i, "name"), lines),
                             f"attribute name {attr.name!r} is already used by "
                             f"protected_attributes[{seen[attr.name]}]"))
        seen.setdefault(attr.name, i)
    ids: dict[str, int] = {}
    for i, check in enumerate(policy.checks):
        if check.id in ids:
            problems.append((_where(("checks", i, "id"), lines),
                             f"check id {check.id!r} is already used by checks[{ids[check.id]}]; ids must be unique"))
        ids.setdefault(check.id, i)
    kind = model_type(policy.model.type)
    if kind.needs_features and not policy.data.features:
        problems.append((_where(("data", "features"), lines),
                         f"a {kind.name} tabular model needs 'features': the input columns in the order the model "
                         "expects"))
    problems.extend(_model_options(policy, lines))
    if kind.task == "text" and not policy.data.text_column:
        problems.append((_where(("data", "text_column"), lines),
                         f"a {kind.name} text model needs 'text_column': the column holding the text"))
    problems.extend(_units(policy, lines))
    for i, attr in enumerate(policy.protected_attributes):
        if attr.model_input and attr.column and attr.column not in policy.data.features:
            problems.append((_where(("protected_attributes", i, "model_input"), lines),
                             f"model_input is true but column {attr.column!r} is not in data.features; "
                             "add it there or set model_input: false"))
    return problems


def _units(policy: Policy, lines: Mapping[Loc, int]) -> list[tuple[str, str]]:
    """Every ``data.units`` key must be a profiled column: a model input or a protected attribute's column."""
    columns = list(dict.fromkeys([*policy.data.features, *(a.column for a in policy.protected_attributes if a.column)]))
    problems = []
    for column in policy.data.units:
        if column not in columns:
            close = difflib.get_close_matches(column, columns, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            found = ", ".join(columns) or "none"
            problems.append((_where(("data", "units", column), lines),
                             f"unit given for column {column!r}, which is neither in data.features nor a protected "
                             f"attribute's column{hint}; columns found: {found}. Fix the name or remove the entry"))
    return problems


def _model_options(policy: Policy, lines: Mapping[Loc, int]) -> list[tuple[str, str]]:
    """A type with an option allow-list (``type: huggingface``: ``from_pretrained``) gets only those options.

    ``trust_remote_code: true`` runs Python code from the model directory, so it
    also needs the policy's top-level ``allow_remote_code: true``, which applies
    only to types that can run such code. ``type: torch`` options are the
    factory's own keyword arguments and stay free.
    """
    problems: list[tuple[str, str]] = []
    kind = model_type(policy.model.type)
    if not kind.remote_code and policy.allow_remote_code:
        which = ", ".join(t.name for t in MODEL_TYPES.values() if t.remote_code)
        problems.append((_where(("allow_remote_code",), lines),
                         f"allow_remote_code applies to type: {which} models only; remove it"))
    choices_by_key = type(policy.model).option_choices
    if choices_by_key is None:
        return problems
    allowed = ", ".join(sorted(choices_by_key))
    for key, value in getattr(policy.model, "options", {}).items():
        where = _where(("model", "options", key), lines)
        if key not in choices_by_key:
            close = difflib.get_close_matches(key, sorted(choices_by_key), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append((where, f"option {key!r} is not passed to a {kind.name} model{hint}; allowed options: "
                                    f"{allowed}. Remove it"))
            continue
        choices = choices_by_key[key]
        if choices is not None and not any(value == c and type(value) is type(c) for c in choices):
            problems.append((where, f"must be one of {', '.join(map(str, choices))}, got {_show(value)}"))
        if key == "trust_remote_code" and value is True and not policy.allow_remote_code:
            problems.append((where, "trust_remote_code: true runs Python code from the model directory; it needs "
                                    "'allow_remote_code: true' at the top level of the policy (printed in the "
                                    "report's provenance). Add it only for a model directory you trust, or remove "
                                    "the option"))
    return problems


def _unknown_kind(i: int, kind: str, kinds: Mapping[str, Any], lines: Mapping[Loc, int]) -> tuple[str, str]:
    close = difflib.get_close_matches(kind, sorted(kinds), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (_where(("checks", i, "kind"), lines),
            f"unknown check kind {kind!r}{hint}; known kinds: {', '.join(sorted(kinds))}")


def _attribute_refs(i: int, params: BaseModel, policy: Policy, lines: Mapping[Loc, int]) -> list[tuple[str, str]]:
    """Every attribute a check names must be declared under protected_attributes."""
    declared = [a.name for a in policy.protected_attributes]
    problems = []
    for key in ("attribute", "attributes"):
        value = getattr(params, key, None)
        names = [value] if isinstance(value, str) else list(value or [])
        for j, name in enumerate(names):
            if name not in declared:
                loc = ("checks", i, key) if isinstance(value, str) else ("checks", i, key, j)
                problems.append((_where(loc, lines),
                                 f"attribute {name!r} is not declared; declared protected_attributes: "
                                 f"{', '.join(declared)}"))
    return problems
