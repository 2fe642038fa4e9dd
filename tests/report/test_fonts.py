"""Fonts ship with auditkit: the PDF embeds only the bundled DejaVu fonts, whatever the machine has installed.

The second render runs in a subprocess because fontconfig reads its configuration when it starts; that
configuration offers a different set of system fonts (Liberation where installed, otherwise none at all).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from report_samples import make_run

from auditkit.report import render_report
from auditkit.report.pdf import bundled_chart_fonts
from auditkit.resources import resource_dir

pytest.importorskip("weasyprint")

FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
         "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")
RENDER = """
import sys
from report_samples import make_run
from auditkit.report import render_report
sys.stdout.buffer.write(render_report(make_run(), report_id="AR-FONTS", version=1, formats=("html", "pdf")).pdf)
"""


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_report(make_run(), report_id="AR-FONTS", version=1, formats=("html", "pdf")).pdf


def _embedded(pdf: bytes) -> dict[str, str]:
    """Base font name -> full name in the embedded font program, for every font of every page."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            program = desc["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            found[str(font["/BaseFont"])] = TTFont(io.BytesIO(program))["name"].getDebugName(4)
    return found


def test_the_fonts_and_their_licence_ship_in_the_templates_directory():
    fonts = resource_dir("templates") / "fonts"
    for name in FONTS:
        assert TTFont(fonts / name)["name"].getDebugName(1).startswith("DejaVu Sans")
    licence = (fonts / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence and "DejaVu changes are in public domain" in licence


def test_the_stylesheet_names_only_bundled_families_for_print():
    css = (resource_dir("templates") / "report.css").read_text(encoding="utf-8")
    print_css = css.split("@media screen")[0]
    families = re.findall(r'font-family:\s*([^;]+);', print_css)
    families += [m.split('"', 1)[1] for m in re.findall(r'\bfont:[^;]*"[^;]*;', print_css)]
    assert families
    for value in families:
        for family in value.split(","):
            assert family.strip().strip('"').startswith("auditkit DejaVu Sans"), value
    for name in FONTS:
        assert f"url(fonts/{name})" in css


def test_the_pdf_embeds_only_the_bundled_dejavu_fonts(pdf):
    embedded = _embedded(pdf)
    assert embedded
    for base, full in embedded.items():
        assert re.fullmatch(r"/[A-Z]{6}\+auditkit-DejaVu-Sans(-Mono)?(-Bold)?(-Italic)?", base), base
        assert full.startswith("DejaVu Sans"), (base, full)


def test_charts_put_the_bundled_family_first():
    html = b'<svg font-family="DejaVu Sans, Arial"><text font-family="auditkit DejaVu Sans">a</text></svg>'
    assert bundled_chart_fonts(html) == (b'<svg font-family="auditkit DejaVu Sans, DejaVu Sans, Arial">'
                                         b'<text font-family="auditkit DejaVu Sans">a</text></svg>')
    escaped = b"<p>font-family=&#34;Arial&#34;</p>"
    assert bundled_chart_fonts(escaped) == escaped


def test_the_pdf_is_identical_under_a_fontconfig_with_other_system_fonts(pdf, tmp_path):
    other = Path("/usr/share/fonts/truetype/liberation")
    fontdir = other if other.is_dir() else tmp_path / "no-fonts"
    fontdir.mkdir(exist_ok=True)
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                    f"<fontconfig><dir>{fontdir}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf),
               PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    env.pop("FONTCONFIG_PATH", None)
    done = subprocess.run([sys.executable, "-c", RENDER], env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert done.stdout == pdf
