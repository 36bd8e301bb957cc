"""The two PDF engines side by side: every industry's contract, plain, bundled, as a draft and as a blank
model text (``build --blank``), must read
and look the same whether WeasyPrint or Typst made it.

What a reader compares, measured by poppler rather than by our code: the same text (pdftotext of the
text area, header and footer left out, whitespace removed), the same number of pages give or take one,
every font embedded (pdffonts), and each page's blocks in the same places (the page images at 20 dpi:
the rows that carry ink overlap, the text's left and right edges agree, within a tolerance).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from contractgen.compose import compose, industry_spec
from contractgen.library import load_library
from contractgen.model import Article, Paragraph, Run
from contractgen.render import RenderOptions, render
from contractgen.spec import parse_spec, starter_spec
from tests.sample_contract import sample_contract

pytest.importorskip("typst")
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
VARIANTS = ("plain", "bundle", "draft", "blank")
LAYOUT_OVERLAP = 0.85
"""The least share of inked pixel rows two engines' pages must have in common (±1 pixel at 20 dpi).

Measured: 0.92–1.00 on every page of every industry; a block moved by a line or a missing table
drops a page well below."""
RULED_INK = 200
"""The grey that counts as ink on a blank model text's pages, ruled with blanks and lines to write on:
at 20 dpi poppler draws WeasyPrint's 0.75 pt rules light grey (165–190) and Typst's black, so at the
usual 160 a row of rules would count for one engine only. Measured with it: overlap 0.92–1.00, edges
within 1 pixel."""
EDGE_TOLERANCE = 3
"""How far (pixels at 20 dpi, 1.3 mm each) the text's left and right edges may lie apart; measured ≤ 2."""
TEXT_AREA = ("-x", "0", "-y", "72", "-W", "596", "-H", "698", "-r", "72")
"""pdftotext's crop to the page inside its 2.54 cm top and bottom margins: no running header or footer."""


def contract_for(industry: str, variant: str):
    if variant == "blank":
        return compose(industry_spec(industry), LIBRARY, blank=True)
    text = starter_spec(LIBRARY, industry, example=True)
    if variant == "draft":  # leave a required blank open, as a draft would
        text = text.replace("sign_date: 2026-12-01", 'sign_date: ""')
    return compose(parse_spec(text.encode(), f"{industry}.yaml"), LIBRARY, draft=variant == "draft")


def write_pdfs(tmp_path: Path, industry: str, variant: str) -> dict[str, Path]:
    contract = contract_for(industry, variant)
    paths = {}
    for engine in ("weasyprint", "typst"):
        paths[engine] = tmp_path / f"{engine}.pdf"
        paths[engine].write_bytes(render(contract, "pdf", RenderOptions(bundle=variant == "bundle", pdf_engine=engine)))
    return paths


def body_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", *TEXT_AREA, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def font_rows(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def text_area_images(pdf: Path, folder: Path) -> list[Image.Image]:
    """Each page at 20 dpi (8 px to the cm), cropped to the text area just inside the header's rule."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-gray", "-r", "20", "-x", "0", "-y", "21", "-W", "166", "-H", "192", str(pdf),
                    str(folder / "p")], check=True)
    return [Image.open(f) for f in sorted(folder.glob("p-*.pgm"))]


def inked(image: Image.Image, ink: int = 160) -> tuple[list[bool], tuple[int, int]]:
    """Which pixel rows of a page carry ink (darker than ``ink``), and the leftmost and rightmost inked column."""
    width, height = image.size
    px = image.load()
    rows, columns = [], []
    for y in range(height):
        dark = [x for x in range(width) if px[x, y] < ink]
        rows.append(bool(dark))
        columns += dark[:1] + dark[-1:]
    return rows, (min(columns), max(columns)) if columns else (0, 0)


def overlap(a: list[bool], b: list[bool]) -> float:
    """Inked rows of ``a`` that ``b`` also inks (within one pixel), over the rows either inks."""
    near = [b[i] or (i > 0 and b[i - 1]) or (i + 1 < len(b) and b[i + 1]) for i in range(len(b))]
    both = sum(x and y for x, y in zip(a, near, strict=True))
    either = sum(a) + sum(b) - both
    return both / either if either else 1.0


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_both_engines_print_the_same_contract(tmp_path: Path, industry: str, variant: str) -> None:
    pdfs = write_pdfs(tmp_path, industry, variant)
    weasy, typst = pdfs["weasyprint"], pdfs["typst"]

    if variant == "blank":
        # Every blank's label sits in small type under its gap, and poppler reads a run of such labels
        # as a column of its own or inline depending on a point's difference in height: the same
        # characters, read in another order.
        assert Counter(body_text(typst)) == Counter(body_text(weasy))
    else:
        assert body_text(typst) == body_text(weasy)
    assert abs(page_count(typst) - page_count(weasy)) <= 1
    for engine, pdf in pdfs.items():
        rows = font_rows(pdf)
        assert rows, engine
        for row in rows:  # embedded, subset, with a ToUnicode map: searchable and printable anywhere
            assert row[-5:-2] == ["yes", "yes", "yes"], (engine, row)

    pages = zip(text_area_images(weasy, tmp_path / "w"), text_area_images(typst, tmp_path / "t"), strict=False)
    for number, (w_page, t_page) in enumerate(pages, 1):
        ink = RULED_INK if variant == "blank" else 160
        (w_rows, w_edges), (t_rows, t_edges) = inked(w_page, ink), inked(t_page, ink)
        assert overlap(t_rows, w_rows) >= LAYOUT_OVERLAP, f"page {number}: blocks at other heights"
        assert all(abs(t - w) <= EDGE_TOLERANCE for t, w in zip(t_edges, w_edges, strict=True)), \
            f"page {number}: text from {t_edges} instead of {w_edges}"


def lines(pdf: Path) -> list[str]:
    """The text area's lines as pdftotext reads them, white space removed, empty lines dropped."""
    out = subprocess.run(["pdftotext", *TEXT_AREA, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [line for line in (re.sub(r"\s+", "", raw) for raw in out.splitlines()) if line]


@pytest.mark.parametrize("marks", ["《中华人民共和国民法典》", "“乙方”", "（以下简称“平台”）", "【重要】（一）", "‘丙’"])
def test_a_bracket_or_quote_ends_and_starts_lines_where_it_does_in_weasyprint(tmp_path: Path, marks: str) -> None:
    # Each paragraph moves the marks one character on, so that across them the closing mark falls at
    # the end of a line and the opening one at the start of the next, with every slack in between.
    filler = "甲方应当按照约定支付服务费用乙方应当按照约定提供服务并接受监督"
    paragraphs = tuple(Paragraph((Run(filler[: k % len(filler)] + marks + filler * 2),)) for k in range(40))
    article = Article("marks", "第一条", 1, "标点", "1.0.0", "base", paragraphs, ())
    contract = dataclasses.replace(sample_contract(), articles=(article,), annexes=())
    seen = {}
    for engine in ("weasyprint", "typst"):
        pdf = tmp_path / f"{engine}.pdf"
        pdf.write_bytes(render(contract, "pdf", RenderOptions(pdf_engine=engine)))
        seen[engine] = lines(pdf)
    assert seen["typst"] == seen["weasyprint"]
