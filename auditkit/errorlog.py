"""Internal-error logs: the traceback of an exception auditkit did not expect, written to a file.

The console only ever gets one line naming the exception and this file (exit code 4, see
:mod:`auditkit.gate`); the CLI and the fleet's worker processes write the same kind of log.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path

#: Environment variable naming the directory for internal-error logs (default: the system temp directory).
ERROR_LOG_DIR_ENV = "AUDITKIT_ERROR_LOG_DIR"


def write_error_log(exc: BaseException) -> Path | None:
    """Write the traceback of an internal error to ``auditkit-error-<UTC time>-<pid>.log``; return its path.

    The directory is ``$AUDITKIT_ERROR_LOG_DIR`` or the system temp directory. None when it cannot be
    written (the one-line message still goes out; the traceback is never printed to the console).
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    folder = Path(os.environ.get(ERROR_LOG_DIR_ENV) or tempfile.gettempdir())
    path = folder / f"auditkit-error-{stamp}-{os.getpid()}.log"
    text = (f"auditkit internal error at {dt.datetime.now(dt.UTC).isoformat()} (pid {os.getpid()})\n"
            f"command: {' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(exc)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def describe(exc: BaseException) -> str:
    """``TypeName: first line of the message`` (at most 300 characters), for the one-line console message."""
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
