"""Render report HTML to PDF/A-3b with WeasyPrint, without touching the network.

The URL fetcher refuses every scheme except ``data:`` and ``file:`` URLs inside
the templates directory, so neither a template mistake nor hostile text in the
data can make rendering reach out. The PDF's dates come from the HTML's
``<meta name="dcterms.created">`` (the run's date), never from the clock, and
the file identifier is a hash of the content. One clock read hides in the font
subsetter: without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools,
which stamps each embedded font's ``head.modified`` with the current time unless
``SOURCE_DATE_EPOCH`` is set (the reproducible-builds convention). Rendering
therefore sets ``SOURCE_DATE_EPOCH`` to the document date while it runs, so the
same HTML gives the same bytes.

Fonts ship with auditkit (``templates/fonts/``, DejaVu Sans and DejaVu Sans Mono): the stylesheet
loads them with ``@font-face`` under family names no installed font carries ("auditkit DejaVu
Sans"), because fontconfig prefers an installed font of the same name over an application font,
so a machine's own DejaVu (another build, another version) would otherwise win. Inline SVG charts
name their font family in an attribute the stylesheet cannot reach; :func:`bundled_chart_fonts`
puts the bundled family first there, so the charts use it too. Only characters none of the
bundled fonts has (CJK, for example) still come from the machine's fonts.

Attachments (results JSON, policy, test log, manifest and an
optional signature) are embedded as PDF/A-3 associated files with the same fixed date and the
``AFRelationship`` each one names.

WeasyPrint is imported lazily: the rest of auditkit works without it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import mimetypes
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from auditkit.errors import ReportError
from auditkit.report.model import AttachmentView
from auditkit.resources import resource_dir

PDF_VARIANT = "pdf/a-3b"
_CREATED = re.compile(rb'<meta name="dcterms\.created" content="([^"]+)"')
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ReportError(
            "PDF reports need WeasyPrint, which is not importable here "
            f"({exc}); install it with `pip install weasyprint` (and the pango system library), "
            "or render only HTML with formats=('html',)"
        ) from exc
    return weasyprint


def refuse_or_fetch(url: str, root: Path) -> tuple[bytes, str] | None:
    """Decide on one URL: ``None`` for a ``data:`` URL (let WeasyPrint decode it), the bytes and
    media type of a ``file:`` URL inside ``root``, and :class:`ReportError` for anything else.

    Pure policy, separated from WeasyPrint so that it can be tested directly.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return None
    if scheme == "file":
        path = Path(unquote(urlsplit(url).path)).resolve()
        if path.is_relative_to(root.resolve()) and path.is_file():
            return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        raise ReportError(f"refused to read {url!r}: report resources must lie inside {root}")
    raise ReportError(
        f"refused to fetch {url!r}: the report renderer never accesses the network "
        "(only data: URLs and files in the templates directory are allowed)"
    )


def make_url_fetcher(root: Path | None = None) -> Any:
    """A WeasyPrint URL fetcher that allows only ``data:`` and template-directory ``file:`` URLs."""
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcherResponse

    base = root or resource_dir("templates")

    class SafeFetcher(weasyprint.URLFetcher):  # type: ignore[misc, name-defined]
        """Refuses network schemes by raising; serves data: and local template files."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            got = refuse_or_fetch(url, base)
            if got is None:
                return super().fetch(url, headers)
            body, media_type = got
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return SafeFetcher(allowed_protocols=("data", "file"))


#: The family of the bundled sans-serif font in report.css.
BUNDLED_SANS = "auditkit DejaVu Sans"
#: A ``font-family`` attribute (only inline SVG charts have them; text from the data is escaped, so its quotes
#: are ``&#34;`` and never match) that does not already name a bundled family first.
_SVG_FONT = re.compile(rb'font-family="(?!auditkit )')


def bundled_chart_fonts(html: bytes) -> bytes:
    """``html`` with the bundled font first in every inline SVG's ``font-family`` attribute.

    The stylesheet cannot reach the font a chart names in an attribute, and fontconfig resolves a
    family such as "DejaVu Sans" to the machine's own font even when a bundled one is loaded under
    that name; only the PDF's input changes, the stored HTML keeps its screen fonts.
    """
    return _SVG_FONT.sub(b'font-family="' + BUNDLED_SANS.encode() + b", ", html)


def document_date(html: bytes) -> dt.datetime:
    """The date in the HTML's ``dcterms.created`` meta (the run's date); 1970-01-01 when absent."""
    match = _CREATED.search(html)
    if not match:
        return _EPOCH
    text = match.group(1).decode("ascii", "replace").replace("Z", "+00:00")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@contextlib.contextmanager
def _source_date_epoch(when: dt.datetime) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` to ``when`` for the duration of the block (restored afterwards)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(max(0, int(when.timestamp())))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (restored afterwards).

    WeasyPrint allocates millions of short-lived objects, and the collector's
    repeated passes over them cost about a quarter of a 20-check render
    (measured: 9.9 s → 7.6 s CPU); the garbage is almost all acyclic, so
    reference counting still frees it (peak memory +2%).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(
    html: bytes,
    *,
    attachments: Sequence[AttachmentView] = (),
    url_fetcher: Any = None,
) -> bytes:
    """The HTML report as PDF/A-3b bytes, deterministic for the same HTML and attachments."""
    weasyprint = _weasyprint()
    root = resource_dir("templates")
    fetcher = url_fetcher or make_url_fetcher(root)
    when = document_date(html)
    files = [
        weasyprint.Attachment(string=a.content, name=a.name, description=a.description, created=when,
                              modified=when, relationship=a.relationship, url_fetcher=fetcher)
        for a in attachments
    ]
    with _gc_paused(), _source_date_epoch(when):
        document = weasyprint.HTML(string=bundled_chart_fonts(html).decode("utf-8"), base_url=root.as_uri() + "/",
                                   url_fetcher=fetcher)
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=files)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf returns bytes without a target
        raise ReportError("WeasyPrint returned no PDF bytes")
    return pdf
