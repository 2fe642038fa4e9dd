"""``type: mlflow``: find the model an MLflow URI names and copy its artifact directory to a local folder.

A ``models:/`` or ``runs:/`` URI is resolved through the store the user
configures, never through MLflow's defaults: ``model.tracking_uri`` (else the
``MLFLOW_TRACKING_URI`` environment variable) and ``model.registry_uri`` (else
``MLFLOW_REGISTRY_URI``, else the tracking store, as MLflow does). With neither
set the loader refuses, rather than read whatever ``./mlruns`` or ``mlflow.db``
the working directory holds. A local file store and a SQLite store work offline;
relative paths in the policy's URIs resolve against the policy's directory, and
a local store that does not exist is an error (MLflow would create an empty one).

The registry is asked first (``MlflowClient``), so that an unknown name, version,
alias or run is an error that lists what the store does hold, and so that the
version an alias or ``latest`` points to is pinned before the download: the files
read are those of the version recorded. What was resolved (registered name,
version, alias, run id, logged-model id, the store URIs with credentials removed)
is returned for the run's provenance.

MLflow is imported here with its usage telemetry off (``MLFLOW_DISABLE_TELEMETRY``,
unless the user set it), and while a local file store is read
``MLFLOW_ALLOW_FILE_STORE`` is set: MLflow 3 refuses its file store otherwise,
and auditkit only reads it. MLflow's own stores read its *global* tracking URI in
places, so the configured URIs are made global while a URI is resolved and the
previous ones restored afterwards: two threads of one process must not resolve
MLflow models at the same time. Nothing here loads a model.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from auditkit.adapters.optional import import_optional
from auditkit.errors import ModelError
from auditkit.policy.model_specs import MlflowRef, MlflowSpec

#: At most this many names, versions or artifacts are listed in an error message.
_MAX_LISTED = 20
#: Query parameters whose values are removed from a recorded URI (tokens, passwords, signatures, keys).
_SECRET_PARAM = re.compile(r"token|secret|passw|pwd|key|sig|credential|auth|sas", re.IGNORECASE)
_NOT_FOUND = "RESOURCE_DOES_NOT_EXIST"


@dataclass
class ResolvedModel:
    """A local MLflow model directory and what the store said about it (provenance fields, None when unknown)."""

    directory: Path
    record: dict[str, Any] = field(default_factory=dict)


def redact_uri(uri: str | None) -> str | None:
    """``uri`` without credentials: the user-info part (``user:password@``) becomes ``***@`` and secret-looking
    query parameters (``token=``, ``password=``, ``sig=``...) keep their name only; anything else is unchanged."""
    if not uri:
        return uri
    parts = urlsplit(uri)
    if len(parts.scheme) <= 1:  # a plain path (or a Windows drive)
        return uri
    out = uri
    if "@" in parts.netloc:  # rebuilt by hand: urlunsplit would also drop the empty authority of sqlite:////
        host = parts.netloc.rsplit("@", 1)[1]
        out = out.replace(f"//{parts.netloc}", f"//***@{host}", 1)
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
        head, _, rest = out.partition("?")
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        out = f"{head}?{query}{fragment}" if rest else out
    return out


def _listing(items: list[str]) -> str:
    if not items:
        return "none"
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def _local_store_path(uri: str) -> Path | None:
    """The file or directory of a local store URI (a path, ``file:``, ``sqlite:``), or None for a remote store."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if len(scheme) <= 1:
        return Path(uri)
    if scheme == "file":
        return Path(unquote(parts.path))
    if scheme == "sqlite":
        return Path(unquote(uri.split(":///", 1)[1])) if ":///" in uri else None
    return None


def _is_file_store(uri: str) -> bool:
    return len(urlsplit(uri).scheme) <= 1 or urlsplit(uri).scheme.lower() == "file"


def _policy_store_uri(value: str, *, base_dir: Path) -> str:
    """A store URI from the policy with a relative path made absolute against the policy's directory."""
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if len(scheme) <= 1:  # a plain path: a file store directory
        path = Path(value).expanduser()
        return (path if path.is_absolute() else base_dir / path).resolve().as_uri()
    if scheme == "file" and not parts.netloc and not value.startswith("file:/"):  # file:relative/dir
        return (base_dir / unquote(parts.path)).resolve().as_uri()
    if scheme == "sqlite" and value.startswith("sqlite:///") and not value.startswith("sqlite:////"):
        rest = value[len("sqlite:///"):]
        db, sep, query = rest.partition("?")
        if db and not Path(db).is_absolute():
            return f"sqlite:///{(base_dir / db).resolve()}{sep}{query}"
    return value


def store_uris(spec: MlflowSpec, *, base_dir: Path) -> tuple[str, str, dict[str, str]]:
    """The tracking and registry URIs to read, and where each came from (``model.tracking_uri`` or the
    environment variable); ModelError when no tracking store is configured or a local one does not exist."""
    origin: dict[str, str] = {}
    if spec.tracking_uri:
        tracking, origin["tracking_uri"] = _policy_store_uri(spec.tracking_uri, base_dir=base_dir), "policy"
    elif os.environ.get("MLFLOW_TRACKING_URI"):
        tracking, origin["tracking_uri"] = os.environ["MLFLOW_TRACKING_URI"], "MLFLOW_TRACKING_URI"
    else:
        raise ModelError(
            f"model.uri {spec.uri!r} is resolved through an MLflow tracking store, but none is configured: set "
            "model.tracking_uri in the policy (e.g. sqlite:///mlflow.db or file:mlruns, relative to the policy's "
            "directory, or your tracking server's URL) or the MLFLOW_TRACKING_URI environment variable. auditkit "
            "does not fall back to MLflow's default store in the working directory, so an audit never reads a "
            "store by accident")
    if spec.registry_uri:
        registry, origin["registry_uri"] = _policy_store_uri(spec.registry_uri, base_dir=base_dir), "policy"
    elif os.environ.get("MLFLOW_REGISTRY_URI"):
        registry, origin["registry_uri"] = os.environ["MLFLOW_REGISTRY_URI"], "MLFLOW_REGISTRY_URI"
    else:
        registry, origin["registry_uri"] = tracking, "tracking store"
    for key, uri in (("tracking_uri", tracking), ("registry_uri", registry)):
        local = _local_store_path(uri)
        if local is not None and not local.exists():
            given = getattr(spec, key) or os.environ.get(origin[key], "")
            raise ModelError(
                f"model.{key}: the MLflow store {local} does not exist (given as {given!r} by {origin[key]}; "
                "relative paths in the policy are resolved against the policy's directory). auditkit reads an "
                "existing store and never creates one: fix the path")
    return tracking, registry, origin


@contextlib.contextmanager
def _mlflow_environment(tracking: str, registry: str) -> Iterator[Any]:
    """Import MLflow with telemetry off and point it at the configured stores while inside, then restore it.

    MLflow's own stores reach for the *global* tracking URI in places (its file registry builds a bare
    ``MlflowClient()`` to read a version's logged model), so passing the URIs to a client is not enough:
    without the global set, MLflow would open its default store, creating ``mlflow.db`` in the working
    directory. The previous global URIs and the ``MLFLOW_*`` environment variables are restored on the way out;
    MLflow's file store is allowed inside (MLflow 3 refuses it otherwise; auditkit only reads it).
    """
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    temporary = {"MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}
    if _is_file_store(tracking) or _is_file_store(registry):
        temporary["MLFLOW_ALLOW_FILE_STORE"] = "true"
    touched = (*temporary, "MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
    saved_env = {k: os.environ.get(k) for k in touched}
    os.environ.update(temporary)
    try:
        mlflow = import_optional("mlflow", extra="mlflow", model_type="mlflow")
        from mlflow.tracking._model_registry import utils as registry_utils
        from mlflow.tracking._tracking_service import utils as tracking_utils

        saved_uris = (getattr(tracking_utils, "_tracking_uri", None), getattr(registry_utils, "_registry_uri", None))
        mlflow.set_tracking_uri(tracking)
        mlflow.set_registry_uri(registry)
        try:
            yield mlflow
        finally:
            mlflow.set_tracking_uri(saved_uris[0])
            mlflow.set_registry_uri(saved_uris[1])
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _not_found(exc: Exception) -> bool:
    return getattr(exc, "error_code", None) == _NOT_FOUND


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _Registry:
    """The registry and tracking lookups of one resolution, with errors that list what the store holds."""

    def __init__(self, mlflow: Any, spec: MlflowSpec, tracking: str, registry: str) -> None:
        self.mlflow = mlflow
        self.spec = spec
        self.where = f"the MLflow registry at {redact_uri(registry)}"
        self.client = mlflow.MlflowClient(tracking_uri=tracking, registry_uri=registry)
        self.exception = mlflow.exceptions.MlflowException

    def _registered(self, name: str) -> Any:
        try:
            return self.client.get_registered_model(name)
        except self.exception as exc:
            if not _not_found(exc):
                raise
        names = sorted(m.name for m in self.client.search_registered_models(max_results=1000))
        raise ModelError(f"model.uri {self.spec.uri!r}: {self.where} has no registered model {name!r}; registered "
                         f"models: {_listing(names)}. Fix the name, or check model.registry_uri") from None

    def _versions(self, name: str) -> list[int]:
        quoted = name.replace("'", "\\'")
        return sorted(int(v.version) for v in self.client.search_model_versions(f"name='{quoted}'"))

    def version(self, ref: MlflowRef) -> Any:
        """The model version a ``models:/NAME/VERSION``, ``NAME/latest`` or ``NAME@ALIAS`` URI names."""
        name = str(ref.name)
        registered = self._registered(name)
        if ref.alias is not None:
            aliases = dict(getattr(registered, "aliases", None) or {})
            if ref.alias not in aliases:
                shown = [f"@{a} (version {v})" for a, v in sorted(aliases.items())]
                raise ModelError(f"model.uri {self.spec.uri!r}: registered model {name!r} has no alias "
                                 f"{ref.alias!r}; its aliases: {_listing(shown)}. Fix the alias or use "
                                 f"models:/{name}/VERSION")
            return self.client.get_model_version(name, str(aliases[ref.alias]))
        versions = self._versions(name)
        wanted = str(versions[-1]) if ref.version == "latest" and versions else str(ref.version)
        try:
            return self.client.get_model_version(name, wanted)
        except self.exception as exc:
            if not _not_found(exc):
                raise
        raise ModelError(f"model.uri {self.spec.uri!r}: registered model {name!r} has no version {ref.version}; "
                         f"its versions: {_listing([str(v) for v in versions])}") from None

    def run(self, run_id: str) -> Any:
        try:
            return self.client.get_run(run_id)
        except self.exception as exc:
            if not _not_found(exc):
                raise
        raise ModelError(f"model.uri {self.spec.uri!r}: the MLflow tracking store has no run {run_id!r}; copy the "
                         "run id from the MLflow UI or mlflow.search_runs(), and check model.tracking_uri") from None

    def run_logged_model(self, run: Any, name: str) -> Any | None:
        """The logged model (MLflow 3) called ``name`` that ``run`` produced, or None (an MLflow 2 run artifact)."""
        quoted = name.replace("'", "\\'")
        token = None
        while True:
            page = self.client.search_logged_models(experiment_ids=[run.info.experiment_id],
                                                    filter_string=f"name = '{quoted}'", page_token=token)
            match = next((m for m in page if m.source_run_id == run.info.run_id), None)
            if match is not None or not page.token:
                return match
            token = page.token

    def run_models(self, run: Any) -> list[str]:
        """The artifact paths a ``runs:/`` URI of ``run`` can name: its logged models' names and its artifacts."""
        names: list[str] = []
        with contextlib.suppress(Exception):
            found = self.client.search_logged_models(experiment_ids=[run.info.experiment_id],
                                                     filter_string=f"source_run_id = '{run.info.run_id}'")
            names += [m.name for m in found]
        with contextlib.suppress(Exception):
            names += [a.path for a in self.client.list_artifacts(run.info.run_id)]
        return sorted(set(names))

    def logged_model(self, model_id: str) -> Any:
        try:
            return self.client.get_logged_model(model_id)
        except self.exception as exc:
            if not _not_found(exc):
                raise
        raise ModelError(f"model.uri {self.spec.uri!r}: the MLflow tracking store has no logged model "
                         f"{model_id!r}") from None


def resolve_store_model(spec: MlflowSpec, ref: MlflowRef, *, base_dir: Path, dst: Path) -> ResolvedModel:
    """Resolve a ``models:/`` or ``runs:/`` URI through the configured store and download its artifact
    directory into ``dst`` (a folder the caller owns); the record holds what the store said about it."""
    tracking, registry, origin = store_uris(spec, base_dir=base_dir)
    record: dict[str, Any] = {"tracking_uri": redact_uri(tracking), "registry_uri": redact_uri(registry)}
    with _mlflow_environment(tracking, registry) as mlflow:
        lookup = _Registry(mlflow, spec, tracking, registry)
        try:
            run = None
            if ref.kind in ("version", "alias"):
                mv = lookup.version(ref)
                # the version's own location: an alias or "latest" cannot move between lookup and download
                location = lookup.client.get_model_version_download_uri(mv.name, str(mv.version))
                record.update(registered_model=mv.name, model_version=str(mv.version), model_alias=ref.alias,
                              run_id=mv.run_id or None, logged_model_id=getattr(mv, "model_id", None) or None)
            elif ref.kind == "logged_model":
                logged = lookup.logged_model(str(ref.name))
                location = logged.artifact_location
                record.update(logged_model_id=logged.model_id, run_id=logged.source_run_id or None)
            else:
                run = lookup.run(str(ref.run_id))
                logged = lookup.run_logged_model(run, str(ref.path))
                location = (logged.artifact_location if logged is not None
                            else f"{run.info.artifact_uri.rstrip('/')}/{ref.path}")
                record.update(run_id=run.info.run_id, logged_model_id=logged.model_id if logged else None)
            record["artifact_uri"] = redact_uri(location)
            # the underlying location, not the models:/ or runs:/ URI: MLflow resolves those through its global
            # (default) store in places, which could read, or even create, a store the policy never named
            try:
                local = mlflow.artifacts.download_artifacts(artifact_uri=location, dst_path=str(dst),
                                                            tracking_uri=tracking, registry_uri=registry)
            except (lookup.exception, OSError) as exc:
                if run is None:
                    raise
                raise ModelError(f"model.uri {spec.uri!r}: run {ref.run_id} has no model at {ref.path!r} "
                                 f"({_first_line(exc)}); its logged models and artifacts: "
                                 f"{_listing(lookup.run_models(run))}") from None
        except lookup.exception as exc:
            raise ModelError(f"model.uri {spec.uri!r} could not be resolved through {lookup.where} "
                             f"(tracking store {redact_uri(tracking)}): {_first_line(exc)}") from None
    record["store_configured_by"] = origin
    return ResolvedModel(Path(local), {k: v for k, v in record.items() if v is not None})
