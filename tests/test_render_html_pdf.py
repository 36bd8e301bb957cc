"""The HTML and PDF renderers, checked the way a reader of the printed contract would check them.

PDF facts come from poppler (pdftotext, pdffonts, pdfinfo), not from our own code: the text reads
back in order, the Chinese fonts are embedded, the metadata is set, the bytes repeat, annexes start
on their own pages, and nothing outside the package is ever fetched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen.errors import UsageError
from contractgen.model import Article, Clause, Contract, Paragraph, Run
from contractgen.render import RenderOptions, render
from contractgen.render.html import ASSETS_DIR, render_html, render_html_bytes, stylesheet_text
from tests.sample_contract import sample_contract

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

HOSTILE = ('<img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">'
           '<div style="background: url(file:///etc/passwd)"></div><script>alert(1)</script>')
TITLE = "酒店住宿服务反馈和评价合同"
HEADINGS = ("第一条　总则", "第二条　服务评价", "第三条　违约责任")


# --------------------------------------------------------------------------- helpers

def squash(text: str) -> str:
    """Text without any whitespace (pdftotext breaks lines and splits runs where it likes)."""
    return re.sub(r"\s+", "", text)


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"doc-{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    tail = ["-"] if tool == "pdftotext" else []
    done = subprocess.run([tool, *args, str(path), *tail], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """pdftotext's text, one string per page."""
    return poppler("pdftotext", pdf, tmp_path, "-enc", "UTF-8").split("\f")[:-1]


def info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    out = poppler("pdfinfo", pdf, tmp_path, "-isodates")
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def with_provider_name(contract: Contract, name: str) -> Contract:
    provider = contract.parties[1]
    run = dataclasses.replace(provider.name, text=name, raw=name)
    return dataclasses.replace(contract, parties=(contract.parties[0], dataclasses.replace(provider, name=run)))


class _Tags(HTMLParser):
    """Every start tag of an HTML document, and the text of its body (what a reader sees)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_body = self._in_body or tag == "body"

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.text.append(data)


def parse(document: str) -> _Tags:
    parser = _Tags()
    parser.feed(document)
    parser.close()
    return parser


# Tags the template itself writes; a value may never add one.
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "div", "p", "span", "strong", "h1",
                 "h2", "h3", "header", "section", "table", "colgroup", "col", "thead", "tbody", "tr",
                 "th", "td", "svg", "path"}


# --------------------------------------------------------------------------- HTML

def test_html_is_one_self_contained_file_styled_like_the_pdf() -> None:
    document = render_html(sample_contract(), RenderOptions())
    tags = parse(document).tags
    # the very stylesheet the PDF is printed with, inlined; nothing linked or loaded
    assert stylesheet_text() in document
    assert '@bottom-center' in document and 'counter(pages)' in document
    assert "link" not in tags and "script" not in tags and "img" not in tags
    assert "src=" not in document and "href=" not in document
    assert render_html_bytes(sample_contract(), RenderOptions()) == document.encode("utf-8")


def test_html_marks_values_with_their_variable() -> None:
    document = render_html(sample_contract(), RenderOptions())
    assert '<span class="v" data-var="provider.name">上海浦江酒店管理有限公司</span>' in document
    assert '<span class="v" data-var="penalty">人民币 12,800.00 元（大写：壹万贰仟捌佰元整）</span>' in document


def test_html_shows_parties_articles_clauses_and_signatures_in_order() -> None:
    text = squash("".join(parse(render_html(sample_contract(), RenderOptions())).text))
    expected = [TITLE, "合同编号：HT-2026-001", "甲方（客人）：李明", "乙方（酒店）：上海浦江酒店管理有限公司",
                "根据《中华人民共和国民法典》", *HEADINGS[:2], "2.1评价方式乙方应根据", "（1）在线评价；",
                HEADINGS[2], "3.1乙方未按照约定", "（以下无正文）", "甲方（签字）", "乙方（盖章）：上海浦江酒店管理有限公司",
                "法定代表人或授权代表（签字）", "日期：2026年12月1日", "签订地点：上海市浦东新区"]
    positions = [text.index(squash(s)) for s in expected]
    assert positions == sorted(positions)
    assert "附件一" not in text  # annexes only with bundle or part


def test_html_escapes_hostile_values() -> None:
    contract = with_provider_name(sample_contract(), HOSTILE)
    document = render_html(contract, RenderOptions(bundle=True))
    parsed = parse(document)
    assert set(parsed.tags) <= TEMPLATE_TAGS
    assert "img" not in parsed.tags and "script" not in parsed.tags and "link" not in parsed.tags
    assert HOSTILE in "".join(parsed.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40).filter(lambda s: "\r" not in s and "\x00" not in s))
def test_any_value_stays_text_in_html(value: str) -> None:
    parsed = parse(render_html(with_provider_name(sample_contract(), value), RenderOptions()))
    assert set(parsed.tags) <= TEMPLATE_TAGS
    assert value in "".join(parsed.text)


def test_draft_html_shows_blank_labels_and_a_watermark() -> None:
    draft = render_html(sample_contract(draft=True), RenderOptions())
    final = render_html(sample_contract(), RenderOptions())
    assert '<span class="blank" data-var="evaluation_days"><span class="blank-label">评价期限</span></span>' in draft
    assert '<div class="watermark"' in draft and "尚有 1 处待填写：评价期限" in draft
    assert '<div class="watermark"' not in final and "草稿" not in "".join(parse(final).text)


def test_html_file_has_anchors_to_link_to_and_the_print_document_does_not() -> None:
    """A reviewer links to ``contract.html#clause-…``; in the PDF the ids would only cost layout time."""
    from contractgen.render.html import document_html

    screen = render_html(sample_contract(), RenderOptions(bundle=True))
    for anchor in ('id="article-introduction"', 'id="clause-evaluation.time"', 'id="annex-privacy-policy"'):
        assert anchor in screen
    assert " id=" not in document_html(sample_contract(), RenderOptions(bundle=True), for_print=True)


def test_part_renders_that_annex_alone_and_bundle_appends_all() -> None:
    part = squash("".join(parse(render_html(sample_contract(), RenderOptions(part="privacy-policy"))).text))
    assert part.startswith(squash("附件二：隐私保护政策"))
    assert "第一条" not in part and "附件一" not in part and "（以下无正文）" not in part
    bundle = squash("".join(parse(render_html(sample_contract(), RenderOptions(bundle=True))).text))
    end = bundle.index("（以下无正文）")
    assert end < bundle.index("附件一：酒店服务评价表") < bundle.index("附件二：隐私保护政策")


def test_unknown_part_names_the_annexes() -> None:
    with pytest.raises(UsageError, match="hotel-evaluation-form, privacy-policy"):
        render_html(sample_contract(), RenderOptions(part="nope"))


def test_form_is_a_table_with_a_box_per_item_and_level() -> None:
    document = render_html(sample_contract(), RenderOptions(part="hotel-evaluation-form"))
    # 3 rating items × 5 levels
    assert document.count('<td class="box"><span class="box-glyph">☐</span></td>') == 15
    for text in ("<th>入住日期</th>", "<th>房间号</th>", '<th class="level">非常不满意</th>',
                 '<td class="item">前台服务热情</td>', "<th>意见和建议</th>", "评价人（签字）："):
        assert text in document


# --------------------------------------------------------------------------- PDF

@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """One render of each kind, shared by the PDF tests (WeasyPrint is the slow part)."""
    return {
        "final": render(sample_contract(), "pdf"),
        "again": render(sample_contract(), "pdf"),
        "bundle": render(sample_contract(), "pdf", RenderOptions(bundle=True)),
        "part": render(sample_contract(), "pdf", RenderOptions(part="hotel-evaluation-form")),
        "draft": render(sample_contract(draft=True), "pdf"),
    }


def test_pdf_text_reads_back_in_order(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    pages = pages_text(pdfs["final"], tmp_path)
    assert len(pages) >= 1
    text = squash("".join(pages))
    expected = [TITLE, "合同编号：HT-2026-001", "甲方（客人）：李明", *HEADINGS[:2],
                "2.1评价方式乙方应根据实际情况选择适当的评价方式", "（1）在线评价；", "（2）电话评价。",
                "甲方应在服务完成后7日内进行评价，详见第三条。", HEADINGS[2], "（以下无正文）",
                "乙方（盖章）：上海浦江酒店管理有限公司"]
    positions = [text.index(squash(s)) for s in expected]
    assert positions == sorted(positions)
    assert text.count(squash("第1页共")) == 1  # the footer, once per page


def test_pdf_embeds_subset_chinese_fonts(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    rows = [line.split() for line in poppler("pdffonts", pdfs["bundle"], tmp_path).splitlines()[2:]]
    names = {row[0].split("+", 1)[1] for row in rows}
    assert {"contractgen-Serif-SC", "contractgen-Sans-SC-Bold"} <= names  # compact Noto copies (fonts.py)
    for row in rows:  # every font, CJK or not: embedded (emb), subset (sub), with a ToUnicode map (uni)
        assert row[-5:-2] == ["yes", "yes", "yes"], row


def test_pdf_metadata(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    meta = info(pdfs["final"], tmp_path)
    assert meta["Title"] == TITLE
    assert meta["Subject"] == "酒店服务"
    assert "HT-2026-001" in meta["Keywords"]
    assert meta["CreationDate"].startswith("2026-12-01") and meta["ModDate"].startswith("2026-12-01")
    assert meta["Page size"].startswith("595.276 x 841.89")  # A4
    assert info(pdfs["part"], tmp_path)["Title"] == f"{TITLE}　附件一：酒店服务评价表"


def test_pdf_is_byte_identical_when_rendered_twice(pdfs: dict[str, bytes]) -> None:
    assert pdfs["final"] == pdfs["again"]
    assert pdfs["final"] != pdfs["bundle"]


def test_pdf_without_sign_date_takes_source_date_epoch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    contract = dataclasses.replace(sample_contract(), sign_date=None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    first, second = render(contract, "pdf"), render(contract, "pdf")
    assert first == second
    assert info(first, tmp_path)["CreationDate"].startswith("2026-01-01T00:00:00")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert "CreationDate" not in info(render(contract, "pdf"), tmp_path)  # never the clock


def test_bundle_puts_each_annex_on_a_new_page_after_the_contract(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    pages = [squash(p) for p in pages_text(pdfs["bundle"], tmp_path)]
    end = next(i for i, p in enumerate(pages) if "（以下无正文）" in p)
    form = next(i for i, p in enumerate(pages) if "附件一：酒店服务评价表" in p)
    policy = next(i for i, p in enumerate(pages) if "附件二：隐私保护政策" in p)
    assert end < form < policy
    # each annex heading opens its page, right under the running header
    assert pages[form].index("附件一：酒店服务评价表") < 40
    assert pages[policy].index("附件二：隐私保护政策") < 40
    assert "☐" in pages[form]


def test_part_pdf_is_the_annex_alone(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    text = squash("".join(pages_text(pdfs["part"], tmp_path)))
    assert text.startswith(squash("附件一：酒店服务评价表《酒店住宿服务反馈和评价合同》附件"))
    assert "第一条" not in text and "附件二" not in text
    assert text.count("☐") == 15


def test_draft_pdf_is_marked_and_its_text_stays_in_order(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    pages = pages_text(pdfs["draft"], tmp_path)
    # the running-header marker on every page (the layout mode keeps the header on one line)
    for page in poppler("pdftotext", pdfs["draft"], tmp_path, "-layout").split("\f")[:-1]:
        assert "草稿" in next(line for line in page.splitlines() if line.strip())
    text = squash("".join(pages))
    # the watermark is a drawing, so it adds no stray 草/稿 between the words
    assert squash("甲方应在服务完成后评价期限日内进行评价") in text
    assert text.index(TITLE) < text.index(squash(HEADINGS[0])) < text.index(squash(HEADINGS[2]))


# --------------------------------------------------------------------------- page breaks

SWEEP = range(6, 24)
"""Extra lines that carry the signature block and then 第四条's heading across the end of a page."""


def _padded(extra_lines: int) -> Contract:
    """The sample with a long article before the last: each extra line moves what follows one line on."""
    c = sample_contract(name="上海浦江国际酒店管理集团股份有限公司")
    sentence = "乙方应当按照国家标准和行业规范提供服务。"  # one printed line
    filler = Article("filler", "第三条", 3, "服务要求", "1.0.0", "base", (), tuple(
        Clause(f"filler.{i}", f"3.{i}", "", "1.0.0", "base", (Paragraph((Run(sentence),)),))
        for i in range(1, 17 + extra_lines)))
    last = dataclasses.replace(c.articles[-1], number="第四条", index=4)
    return dataclasses.replace(c, articles=(*c.articles[:2], filler, last))


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """Pages of contracts whose ends sit at steadily later places, one line at a time."""
    tmp = tmp_path_factory.mktemp("sweep")
    return [[squash(p) for p in pages_text(render(_padded(n), "pdf"), tmp)] for n in SWEEP]


def test_signature_block_never_splits(sweep: list[list[str]]) -> None:
    pushed = 0
    for pages in sweep:
        page_of = {label: [i for i, p in enumerate(pages) if label in p]
                   for label in ("甲方（签字）", "乙方（盖章）", "法定代表人或授权代表（签字）", "签订地点")}
        assert all(len(v) == 1 for v in page_of.values()), page_of
        assert len({v[0] for v in page_of.values()}) == 1, page_of
        dates = [i for i, p in enumerate(pages) for _ in range(p.count("日期：2026年12月1日"))]
        assert dates == [page_of["甲方（签字）"][0]] * 2
        end = next(i for i, p in enumerate(pages) if "（以下无正文）" in p)
        pushed += page_of["甲方（签字）"][0] > end
    # the sweep really crossed a page end: in some contracts the block had to move to the next page
    assert pushed >= 1


def test_article_heading_never_ends_a_page(sweep: list[list[str]]) -> None:
    opened = 0
    for pages in sweep:
        for page in pages[:-1]:
            body = re.sub(r"第\d+页共\d+页$", "", page)
            for heading in ("第三条服务要求", "第四条违约责任"):
                assert not body.endswith(heading), page[-60:]
        # the sweep really crossed a page end: in some contract 第四条 opens a page (under the header)
        opened += any(p.startswith(squash(TITLE + "合同编号：HT-2026-001第四条违约责任")) for p in pages)
    assert opened >= 1


# --------------------------------------------------------------------------- fetching

def test_fetcher_serves_only_the_package_assets(tmp_path: Path) -> None:
    from contractgen.render.pdf import AssetsOnlyFetcher, FetchRefused, asset_path

    root = ASSETS_DIR.resolve()
    css = (root / "contract.css").as_uri()
    assert asset_path(css, root) == root / "contract.css"
    assert AssetsOnlyFetcher(root).fetch(css).read() == (root / "contract.css").read_bytes()
    outside = tmp_path / "secret.css"
    outside.write_text("x")
    for url in ("file:///etc/passwd", outside.as_uri(), f"{root.as_uri()}/../html.py",
                f"{root.as_uri()}/%2e%2e/html.py", (root.parent / "html.py").as_uri(),
                "http://example.com/x.png", "https://example.com/x.css", "data:text/css,p{}",
                "ftp://example.com/x", "file://otherhost/etc/passwd", f"{root.as_uri()}/missing.css"):
        with pytest.raises(FetchRefused):
            asset_path(url, root)
        with pytest.raises(FetchRefused):
            AssetsOnlyFetcher(root).fetch(url)


@pytest.fixture
def fetch_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL WeasyPrint asks the renderer's fetcher for, once its engine has loaded the fonts."""
    from contractgen.render.pdf import AssetsOnlyFetcher

    render(sample_contract(), "pdf")  # the compact fonts are fetched on the process's first PDF, whichever test that is
    calls: list[str] = []
    real_fetch = AssetsOnlyFetcher.fetch

    def spy(self: AssetsOnlyFetcher, url: str, headers: object = None) -> object:
        calls.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(AssetsOnlyFetcher, "fetch", spy)
    return calls


def test_hostile_value_prints_as_text_and_fetches_nothing(fetch_spy: list[str], tmp_path: Path) -> None:
    pdf = render(with_provider_name(sample_contract(), HOSTILE), "pdf", RenderOptions(bundle=True))
    assert fetch_spy == []
    text = squash("".join(pages_text(pdf, tmp_path)))
    assert squash('<img src="file:///etc/passwd">') in text
    assert squash("<script>alert(1)</script>") in text
    assert squash("url(file:///etc/passwd)") in text


def test_a_real_fetch_is_refused_and_stops_the_render(fetch_spy: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the test above: had the value become markup, the spy would have seen it."""
    from contractgen.render import pdf as pdf_module

    def leaky(contract: Contract, options: RenderOptions, *, for_print: bool = False) -> str:
        return '<html><body><p>x</p><img src="file:///etc/passwd"></body></html>'

    monkeypatch.setattr(pdf_module, "document_html", leaky)
    with pytest.raises(pdf_module.FetchRefused, match="etc/passwd"):
        pdf_module.render_pdf(sample_contract(), RenderOptions())
    assert fetch_spy == ["file:///etc/passwd"]


def test_fonts_are_subset_by_harfbuzz_not_fonttools(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools takes seconds per Chinese font; WeasyPrint 70 uses HarfBuzz when libharfbuzz-subset loads."""
    fonts = pytest.importorskip("weasyprint.pdf.fonts")
    if not hasattr(fonts.Font, "_fonttools_subset"):
        pytest.skip("WeasyPrint no longer has a fontTools fallback")
    used: list[str] = []
    real_hb = fonts.Font._harfbuzz_subset

    def harfbuzz(self: object, *args: object) -> object:
        used.append("harfbuzz")
        return real_hb(self, *args)

    def fonttools(self: object, *args: object) -> object:
        raise AssertionError("the slow fontTools subsetter was used")

    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", harfbuzz)
    monkeypatch.setattr(fonts.Font, "_fonttools_subset", fonttools)
    render(sample_contract(), "pdf", RenderOptions(bundle=True))
    assert used.count("harfbuzz") == 3  # serif, sans bold, and DejaVu for the ☐ boxes


def test_sign_date_is_the_document_date() -> None:
    from contractgen.render._common import document_date

    assert document_date(sample_contract()) == "2026-12-01"
    assert document_date(dataclasses.replace(sample_contract(), sign_date=dt.date(2027, 1, 2))) == "2027-01-02"
