"""Where two renderings of a PDF differ: the pages whose text differs and the object the first changed byte is in.

``auditkit verify`` re-renders a report from its embedded evidence and compares bytes; when they
differ, a reader needs to know *where*: the page numbers whose visible text differs (what a person
reads), and, for changes that leave the text alone (a colour, a font, an image, the file structure),
the PDF object that holds the first differing byte, named by its role: the content stream of page
3, the attachment ``results.json``, an embedded font, the XMP metadata, the cross-reference table.
The expected rendering is intact, so its structure names the objects; the received file may be
damaged and is only read as bytes and, where it parses, as text. Page texts are cached by content
(a few recent PDFs), so comparing many copies against one rendering extracts its text once.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import IndirectObject

_OBJ = re.compile(rb"(\d+) (\d+) obj\b")
_XREF = re.compile(rb"\bxref\s|\bstartxref\b|\btrailer\b")


@dataclass(frozen=True)
class PageText:
    """A page whose text differs between the expected and the received PDF, with the first differing line."""

    page: int
    expected: str
    found: str


@dataclass(frozen=True)
class ByteDifference:
    """The first byte where two PDFs differ and what holds it in the expected one."""

    offset: int
    where: str


def first_difference(expected: bytes, found: bytes) -> int | None:
    """The offset of the first differing byte (the shorter length when one is a prefix), None when equal."""
    if expected == found:
        return None
    limit = min(len(expected), len(found))
    lo, hi = 0, limit
    while lo < hi:  # binary search over equal prefixes: O(log n) slice comparisons, not a Python byte loop
        mid = (lo + hi) // 2
        if expected[lo:mid + 1] == found[lo:mid + 1]:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _ref(value: object) -> int | None:
    return value.idnum if isinstance(value, IndirectObject) else None


def _roles(reader: PdfReader) -> dict[int, str]:
    """Object number → role, for the objects a reader can name (pages, content, fonts, images, attachments)."""
    roles: dict[int, str] = {}
    root = reader.trailer["/Root"]
    for key, role in (("/Metadata", "the XMP metadata (PDF/A declaration)"), ("/Names", "the name tree"),
                      ("/OutputIntents", "the output intent (colour profile)")):
        if (n := _ref(root.raw_get(key) if key in root else None)) is not None:
            roles.setdefault(n, role)
    if (n := _ref(reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None)) is not None:
        roles[n] = "the document information (title, dates)"
    roles.setdefault(reader.trailer.raw_get("/Root").idnum, "the document catalogue")
    for number, page in enumerate(reader.pages, start=1):
        if page.indirect_reference is not None:
            roles.setdefault(page.indirect_reference.idnum, f"the page object of page {number}")
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        for ref in (contents if isinstance(contents, list) else [contents]):
            if (n := _ref(ref)) is not None:
                roles[n] = f"the content stream of page {number}"
        for n, role in _resources(page):
            roles.setdefault(n, role)
    for intent in root.get("/OutputIntents") or []:
        profile = intent.get_object().raw_get("/DestOutputProfile") if "/DestOutputProfile" in intent.get_object() \
            else None
        if (n := _ref(profile)) is not None:
            roles[n] = "the colour profile of the PDF/A output intent"
    for name, spec in _attachment_specs(reader):
        roles.setdefault(spec[0], f"the file specification of attachment {name}")
        if spec[1] is not None:
            roles[spec[1]] = f"the attachment {name}"
    return roles


def _resources(page: object) -> Iterator[tuple[int, str]]:
    resources = page.get("/Resources", {})  # type: ignore[attr-defined]
    fonts = resources.get("/Font") or {}
    for font in fonts.values():
        font_obj = font.get_object()
        if (n := _ref(font)) is not None:
            yield n, "a font dictionary"
        if (n := _ref(font_obj.raw_get("/ToUnicode") if "/ToUnicode" in font_obj else None)) is not None:
            yield n, "the text map (ToUnicode) of a font"
        for descendant in font_obj.get("/DescendantFonts") or []:
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is None:
                continue
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if (n := _ref(descriptor.get_object().raw_get(key) if key in descriptor.get_object() else None)):
                    yield n, "an embedded font program"
    for xobject in (resources.get("/XObject") or {}).values():
        if (n := _ref(xobject)) is not None:
            yield n, "an image or form XObject (a drawing resource the pages share)"


def _attachment_specs(reader: PdfReader) -> Iterator[tuple[str, tuple[int, int | None]]]:
    root = reader.trailer["/Root"]
    names = root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", []) if "/Names" in root else []
    for i in range(0, len(names) - 1, 2):
        spec_ref = names[i + 1]
        spec = spec_ref.get_object()
        stream = (spec.get("/EF") or {}).get("/F") if hasattr(spec, "get") else None
        if (n := _ref(spec_ref)) is not None:
            yield str(names[i]), (n, stream.idnum if isinstance(stream, IndirectObject) else None)


def locate(expected: bytes, offset: int) -> str:
    """What holds byte ``offset`` of the intact PDF ``expected``: the header, an object named by its role,
    the cross-reference table and trailer, or the end of the file."""
    if offset >= len(expected):
        return "after the end of the re-rendered file (bytes were appended)"
    starts = [(m.start(), int(m.group(1))) for m in _OBJ.finditer(expected)]
    if not starts or offset < starts[0][0]:
        return "the file header"
    xref = next((m.start() for m in _XREF.finditer(expected, starts[-1][0])), len(expected))
    if offset >= xref:
        return "the cross-reference table or trailer"
    number = next(n for start, n in reversed(starts) if start <= offset)
    try:
        reader: PdfReader | None = PdfReader(io.BytesIO(expected))
        roles = _roles(reader)  # type: ignore[arg-type]
    except Exception:  # naming is best effort: the object number still locates it
        roles = {}
        reader = None
    return f"object {number}, {roles.get(number) or _by_type(reader, number)}"


#: Names of objects by ``/Type`` when no page or attachment refers to them directly.
_TYPES = {"/ObjStm": "a compressed object stream (page tree, page and annotation dictionaries, fonts' metrics)",
          "/XRef": "the cross-reference stream"}


def _by_type(reader: PdfReader | None, number: int) -> str:
    try:
        kind = reader.get_object(number).get("/Type") if reader is not None else None
    except Exception:  # an object pypdf cannot read is named generically
        kind = None
    return _TYPES.get(str(kind), "a PDF object (drawing resources or structure)")


#: What a page that cannot be read says in place of its text.
UNREADABLE = "(unreadable: its content stream is damaged)"


def _page_text(page: object) -> str:
    try:
        return page.extract_text() or ""  # type: ignore[attr-defined]
    except Exception:  # a damaged stream: the page is reported as unreadable, the others still compared
        return UNREADABLE


@functools.lru_cache(maxsize=4)
def _page_texts(pdf: bytes) -> tuple[str, ...] | None:
    """The text of every page in reading order (:data:`UNREADABLE` for a damaged page), None when the
    PDF's structure does not parse at all."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)
    except Exception:  # a damaged file: the caller reports it as such
        return None
    return tuple(_page_text(page) for page in pages)


def _first_line_difference(a: str, b: str) -> tuple[str, str]:
    lines_a, lines_b = a.splitlines(), b.splitlines()
    for x, y in zip(lines_a, lines_b, strict=False):
        if x != y:
            return x.strip(), y.strip()
    n = min(len(lines_a), len(lines_b))
    return " ".join(lines_a[n:n + 1]).strip(), " ".join(lines_b[n:n + 1]).strip()


def text_differences(expected: bytes, found: bytes) -> list[PageText] | None:
    """The pages whose extracted text differs (a page present in only one counts), None when ``found``
    does not parse (a damaged file)."""
    want, got = _page_texts(expected), _page_texts(found)
    if want is None or got is None:
        return None
    out = []
    for page in range(1, max(len(want), len(got)) + 1):
        a = want[page - 1] if page <= len(want) else ""
        b = got[page - 1] if page <= len(got) else ""
        if a != b:
            x, y = _first_line_difference(a, b)
            out.append(PageText(page, x or "(no page)" if page > len(want) else x, y or "(no page)"))
    return out


def byte_difference(expected: bytes, found: bytes) -> ByteDifference | None:
    """The first differing byte of ``found`` against ``expected`` and what holds it; None when equal."""
    offset = first_difference(expected, found)
    return None if offset is None else ByteDifference(offset, locate(expected, offset))


__all__ = ["ByteDifference", "PageText", "byte_difference", "first_difference", "locate", "text_differences"]
