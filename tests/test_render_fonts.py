"""The compact Chinese fonts of the PDF (render/fonts.py), checked by what a reader of the PDF sees.

The compact faces must change nothing on the page (pixel-identical to the full Noto faces), must
cover every character the shipped library prints, must leave rarer characters to the full fonts
(so they still print), and must be made once and reused, safely across processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contractgen.library import builtin_library_dir
from contractgen.render import RenderOptions, render
from contractgen.render.fonts import FACES, cache_dir, compact_faces, compact_font, find_source, repertoire
from contractgen.render.pdf import AssetsOnlyFetcher, FetchRefused, engine
from tests.sample_contract import sample_contract

pytestmark = [
    pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed"),
    pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig not installed"),
]
ROOT = Path(__file__).resolve().parents[1]


def pdffonts(pdf: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / f"fonts-{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+", 1)[1] for line in out.splitlines()[2:]}


def render_in_subprocess(tmp_path: Path, env: dict[str, str], name: str, options: str = "bundle=True") -> bytes:
    """A PDF from a fresh process: the engine and the compact fonts are chosen once per process."""
    out = tmp_path / f"{name}.pdf"
    code = ("import sys; from pathlib import Path; from tests.sample_contract import sample_contract; "
            "from contractgen.render import RenderOptions, render; "
            f"Path(sys.argv[1]).write_bytes(render(sample_contract(), 'pdf', RenderOptions({options})))")
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env={**os.environ, **env}, check=True)
    return out.read_bytes()


def without_uharfbuzz(tmp_path: Path) -> dict[str, str]:
    """The environment of a process where uharfbuzz cannot be imported and no compact font is cached."""
    stub = tmp_path / "stub"
    stub.mkdir(exist_ok=True)
    (stub / "uharfbuzz.py").write_text("raise ImportError('uharfbuzz is not installed')\n")
    return {"CONTRACTGEN_CACHE_DIR": str(tmp_path / "empty-cache"),
            "PYTHONPATH": os.pathsep.join(filter(None, (str(stub), os.environ.get("PYTHONPATH"))))}


def test_every_character_of_the_shipped_library_is_in_the_compact_faces() -> None:
    covered = set(map(chr, repertoire()))
    missing: dict[str, set[str]] = {}
    for path in sorted(builtin_library_dir().rglob("*.yaml")):
        chars = {ch for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7E} - covered
        if chars:
            missing[str(path.relative_to(builtin_library_dir()))] = chars
    assert not missing


def test_the_repertoire_is_gb2312_and_the_punctuation_of_a_contract() -> None:
    points = set(repertoire())
    assert len(points) > 8000 and list(repertoire()) == sorted(points)
    for ch in "甲乙方应当不得元整壹贰叁肆伍陆柒捌玖拾佰仟万亿，。、；：（）《》“”—…①⑩㎡℃№×≤":
        assert ord(ch) in points, ch
    for ch in "玥喆堃😀":  # outside GB 2312: left to the full fonts
        assert ord(ch) not in points, ch


def test_the_pdf_uses_the_compact_faces_and_looks_exactly_as_with_the_full_fonts(tmp_path: Path) -> None:
    if len(compact_faces()) != len(FACES):
        pytest.skip("compact fonts unavailable on this machine")
    compact = render(sample_contract(), "pdf", RenderOptions(bundle=True))
    full = render_in_subprocess(tmp_path, without_uharfbuzz(tmp_path), "full")
    assert {"contractgen-Serif-SC", "contractgen-Sans-SC-Bold"} <= pdffonts(compact, tmp_path)
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= pdffonts(full, tmp_path)
    assert not [f for f in pdffonts(compact, tmp_path) if "CJK" in f]
    assert len(compact) < 0.75 * len(full)
    images = {}
    for name, pdf in (("compact", compact), ("full", full)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
        images[name] = sorted(tmp_path.glob(f"{name}-*.png"))
    assert len(images["compact"]) == len(images["full"]) > 3
    for a, b in zip(images["compact"], images["full"], strict=True):
        assert a.read_bytes() == b.read_bytes(), f"page {a.name} differs"


def test_a_character_outside_the_compact_faces_still_prints(tmp_path: Path) -> None:
    if not compact_faces():
        pytest.skip("compact fonts unavailable on this machine")
    pdf = render(sample_contract(name="杭州王玥喆科技有限公司"), "pdf", RenderOptions())
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "杭州王玥喆科技有限公司" in text.replace("\n", "")
    assert "Noto-Serif-CJK-SC" in pdffonts(pdf, tmp_path)  # 玥 and 喆 come from the full face


def test_compact_font_is_made_once_and_is_deterministic(tmp_path: Path) -> None:
    source = find_source(FACES[0])
    if source is None:
        pytest.skip("Noto Serif CJK SC is not installed")
    first = compact_font(*source, tmp_path / "a")
    made = first.stat().st_mtime_ns
    assert compact_font(*source, tmp_path / "a") == first and first.stat().st_mtime_ns == made
    second = compact_font(*source, tmp_path / "b")
    assert first.name == second.name and first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[:4] == b"OTTO" and first.stat().st_size < source[0].stat().st_size / 3
    assert [p.name for p in (tmp_path / "a").iterdir()] == [first.name]  # no temporary file left


def test_without_a_writable_cache_the_pdf_is_the_same(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    # The processes' own temporary folder, so that other processes' scratch folders do not count.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    cached = render_in_subprocess(tmp_path, {"TMPDIR": str(scratch)}, "cached", "")
    assert not any(scratch.iterdir())  # with a writable cache no scratch folder is made at all
    uncached = render_in_subprocess(tmp_path, {"CONTRACTGEN_CACHE_DIR": str(blocker), "TMPDIR": str(scratch)},
                                    "uncached", "")
    assert {"contractgen-Serif-SC", "contractgen-Sans-SC-Bold"} <= pdffonts(uncached, tmp_path)
    assert uncached == cached
    assert blocker.read_text() == "x" and not any(scratch.iterdir())  # removed at exit


def test_without_uharfbuzz_the_full_fonts_print_the_same_text(tmp_path: Path) -> None:
    pdf = render_in_subprocess(tmp_path, without_uharfbuzz(tmp_path), "no-uharfbuzz", "")
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= pdffonts(pdf, tmp_path)
    path = tmp_path / "no-uharfbuzz.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "酒店住宿服务反馈和评价合同" in text.replace(" ", "")


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("CONTRACTGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "contractgen"


def test_the_fetcher_serves_the_compact_fonts_and_nothing_else_of_the_cache() -> None:
    faces = compact_faces()
    if not faces:
        pytest.skip("compact fonts unavailable on this machine")
    fetcher = engine().fetcher
    assert isinstance(fetcher, AssetsOnlyFetcher)
    assert fetcher.fetch(faces[0].path.as_uri()).read() == faces[0].path.read_bytes()
    with pytest.raises(FetchRefused):
        fetcher.fetch((faces[0].path.parent / "other.otf").as_uri())
    with pytest.raises(FetchRefused):
        fetcher.fetch(faces[0].path.parent.as_uri())


def test_the_typst_font_folder_is_the_same_whenever_it_is_made(tmp_path: Path) -> None:
    import time

    from contractgen.render.fonts import _make_typst_folder

    faces = compact_faces()
    if not faces:
        pytest.skip("compact fonts unavailable on this machine")
    _make_typst_folder(tmp_path / "first", faces, None)
    time.sleep(1.1)  # a font's head table dates it to the second
    _make_typst_folder(tmp_path / "later", faces, None)
    made = sorted(p.name for p in (tmp_path / "first").iterdir())
    assert made == sorted(p.name for p in (tmp_path / "later").iterdir()) and len(made) == len(faces) + 1
    for name in made:  # Typst embeds the fonts: other bytes here were other PDF bytes
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "later" / name).read_bytes(), name
