"""Render a :class:`~auditkit.report.model.ReportView` to one standalone HTML file (UTF-8 bytes).

Templates are found only through :func:`auditkit.resources.resource_dir`, so a
wheel and a source checkout render the same way. Autoescaping is on and
undefined names are errors, so a typo in a template fails loudly instead of
printing nothing. The stylesheet and the one script (``report.js``: table sort and filter, collapsible
annexes, navigation highlight on screen) are inlined and the charts are inline SVG: the file fetches
nothing and reads the same offline, in ten years, as today, with or without JavaScript.

Fixed text comes from the message catalogue of the view's language: templates
call ``t("key")`` (and ``status(code)``, ``severity(code)`` for the words of
status and severity codes), rendered with that language in force.

Identifiers (check ids, method, feature and layer names, row ids) go through the ``ident`` filter:
the stylesheet turns automatic hyphenation and mid-word breaks off in tables, and ``ident`` gives
a line break opportunity (``<wbr>``) after ``_`` and ``/``, and after ``-`` and ``.`` between a
letter or digit and a letter, so ``integrated_gradients`` may break as ``integrated_`` /
``gradients`` but a number such as ``-0.26`` or ``0.646`` never breaks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from auditkit import i18n
from auditkit.errors import ReportError
from auditkit.report.checks import measurement_layout
from auditkit.report.model import ReportView
from auditkit.resources import resource_dir

TEMPLATE = "report.html.j2"
#: Where an identifier may break, always between letters or digits: after `_` or `/`; after `-` or `.` before a letter.
_IDENT_BREAK = re.compile(r"(?<=[0-9A-Za-z][_/])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z][-.])(?=[A-Za-z])")
STYLESHEET = "report.css"
#: The screen behaviour (table sort and filter, collapsible annexes, navigation highlight), inlined as the report's
#: only script; WeasyPrint runs no script, and without JavaScript the page reads as the printed report does.
SCRIPT = "report.js"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The Jinja2 environment over the shipped templates (built once per process)."""
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(t=i18n.t, status=i18n.status, severity=i18n.severity, measurement_layout=measurement_layout)
    env.filters["ident"] = ident
    return env


def ident(value: Any) -> Markup:
    """``value`` escaped, with ``<wbr>`` where an identifier may break across lines (see the module doc)."""
    return Markup(_IDENT_BREAK.sub("<wbr>", str(escape(value))))


def render_html(view: ReportView) -> bytes:
    """The report as UTF-8 HTML bytes; the same view always gives the same bytes."""
    css = (resource_dir("templates") / STYLESHEET).read_text(encoding="utf-8")
    js = (resource_dir("templates") / SCRIPT).read_text(encoding="utf-8")
    if "</" in js:  # the script is inlined: it must not be able to close its own <script> element
        raise ReportError(f"{SCRIPT} must not contain '</'")
    with i18n.use_language(view.language):
        text = _environment().get_template(TEMPLATE).render(v=view, css=css, js=js)
    return text.encode("utf-8")
