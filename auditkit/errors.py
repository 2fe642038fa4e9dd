"""The auditkit exception tree.

Every error a user can cause (a malformed policy, a missing column, an unknown
check kind, an unreachable database) is an :class:`AuditkitError`. Its message
says what was given, what was expected and how to fix it, so the CLI can print
it without a traceback. Anything else that escapes is a bug in auditkit.

This module imports nothing from auditkit.
"""

from __future__ import annotations

from pathlib import Path


class AuditkitError(Exception):
    """Base class of every error caused by input, configuration or environment."""

    #: Process exit code the CLI uses for this error (2 = usage / configuration).
    exit_code: int = 2


class PolicyError(AuditkitError):
    """The policy file is unreadable, malformed or inconsistent.

    ``problems`` holds one ``(yaml_path, message)`` pair per problem found, so
    a user sees every mistake at once, not one per attempt.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{path}: {msg}" if path else msg for path, msg in self.problems]
        noun = "problem" if len(lines) == 1 else "problems"
        super().__init__(f"{source}: {len(lines)} {noun} in the policy\n  " + "\n  ".join(lines))


class DataError(AuditkitError):
    """The audit data set is missing, unreadable or lacks what the policy needs."""


class ModelError(AuditkitError):
    """The model cannot be loaded or does not behave as its adapter expects."""


class StoreError(AuditkitError):
    """The results database is unreachable, out of date or inconsistent."""


class IntegrityError(StoreError):
    """Stored results no longer match their digests: a row was changed or removed outside auditkit.

    Exit code 1, like a failed gate: the stored record cannot be trusted, which is a finding, not a
    usage mistake. The message names the run and each check, field, report version or sign-off.
    """

    exit_code = 1


class ReportError(AuditkitError):
    """A report cannot be rendered (missing run, missing optional dependency)."""


class CheckConfigError(AuditkitError):
    """A check cannot run with the given parameters on this model or data."""


class RunLockError(AuditkitError):
    """Another run of the same system and policy holds the run lock (see ``auditkit run --wait-lock``)."""


class ResumeError(AuditkitError):
    """A run cannot be resumed: it is finished, or its policy, model or data changed since it began."""


class CompareError(AuditkitError):
    """Two runs cannot be compared as asked (a baseline of another system, unfinished, or the run itself)."""


class SignoffError(AuditkitError):
    """A sign-off cannot be recorded: unknown decision, empty name or role, or no report to sign."""


class ExecutorError(AuditkitError):
    """The executor asked for cannot run the audit: unknown name, its engine not installed, no usable workers."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) stopped a run after it began; the run stays resumable.

    A :class:`KeyboardInterrupt`, so code that stops on Ctrl-C still does. ``run_id`` is the
    interrupted run (state RUNNING, shown as ``interrupted``), ``done`` how many checks it has
    stored; ``auditkit run POLICY --resume RUN`` finishes it with the same seeds.
    """

    def __init__(self, run_id: str, done: int) -> None:
        self.run_id, self.done = run_id, done
        super().__init__(f"run {run_id} interrupted after {done} stored check(s); resume it with "
                         f"`auditkit run POLICY --resume {run_id[:12]}`")


def read_user_file(path: str | Path, what: str, error: type[AuditkitError], hint: str) -> bytes:
    """The bytes of a file the user named; a missing, directory or unreadable path raises ``error``.

    ``what`` names the file in the message ("signing key file"), ``hint`` says
    what to give instead. User mistakes never surface as an ``OSError`` traceback.
    """
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} {str(p)!r} does not exist; {hint}") from None
    except IsADirectoryError:
        raise error(f"{what} {str(p)!r} is a directory; {hint}") from None
    except OSError as exc:
        raise error(f"cannot read {what} {str(p)!r}: {exc.strerror or exc}") from None
