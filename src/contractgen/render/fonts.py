"""Compact Chinese fonts for the PDF: the system's Noto CJK faces cut down to GB 2312.

WeasyPrint embeds a subset of every font it prints with, but keeps the source font's glyph
numbering, so each subset still carries an entry for all 65,535 glyphs of a Noto CJK face: about
100 ms of subsetting and compression and 200 KB of PDF per face and document. A face that holds
only the characters of GB 2312 (6,763 汉字 and the punctuation, digits, Latin, Greek and symbol
blocks a contract uses; every character of the shipped library) has 8,500 characters (14,418
glyphs with the alternates its layout tables reach), and both costs shrink to about a quarter. The
stylesheet names the compact family first and the full Noto family next, so a character outside
GB 2312 (a rare character in a name: 玥, 喆, 堃) still prints, from the full font, as before.

Owns: which faces are compacted, finding their files (fontconfig's ``fc-match``), making the
compact files with HarfBuzz (``uharfbuzz``) and keeping them in a per-user cache, so the work is done
once per machine, not per process (without a writable cache, once per process, in a temporary
folder: the PDFs are the same either way). Any other failure (no fontconfig, a font not installed,
no uharfbuzz) leaves the stylesheet's full fonts in use: slower PDFs, never wrong ones.

Typst (the second PDF engine) knows a font only by the family name inside the file, and the compact
copies still call themselves Noto; ``typst_font_folder`` gives Typst copies renamed to the
stylesheet's families, so both engines pick the compact face first and the full one after it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import signals
from ..cache import cache_dir, distribution_version

FORMAT_VERSION = "1"
"""Part of every cache key: change it when the way compact files are made changes."""


@dataclass(frozen=True, slots=True)
class FaceSpec:
    """A compact face to make: the CSS family it is known by, and the installed face it comes from."""

    family: str
    weight: str
    """The CSS ``font-weight`` the face is declared with: ``normal`` or ``bold``."""
    source_family: str
    source_style: str
    """fontconfig style of the source face: ``Regular`` or ``Bold``."""


FACES: tuple[FaceSpec, ...] = (
    FaceSpec("contractgen Serif SC", "normal", "Noto Serif CJK SC", "Regular"),
    FaceSpec("contractgen Sans SC", "bold", "Noto Sans CJK SC", "Bold"),
)
"""Body text (宋体-like) and headings/bold (黑体-like): the two faces every contract uses."""


@dataclass(frozen=True, slots=True)
class CompactFace:
    """A compact font file ready for ``@font-face``."""

    family: str
    weight: str
    path: Path


# Blocks a contract's wording, numbers and forms draw on, beyond the characters of GB 2312.
_EXTRA_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, ÷, °, ±
    (0x2000, 0x206F),  # general punctuation: —, …, ‰, ※
    (0x2100, 0x218F),  # letterlike symbols and number forms: ℃, №, Ⅰ–Ⅻ
    (0x2190, 0x22FF),  # arrows, mathematical operators: →, ≤, ≥
    (0x2460, 0x24FF),  # enclosed alphanumerics: ①–⑳, ⑴, ⒈
    (0x25A0, 0x25FF),  # geometric shapes: □, ■, ○, ●, △
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」【】〔〕
    (0x3200, 0x33FF),  # enclosed CJK and compatibility: ㈠–㈩, ㎡, ㎏
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms: ，：；（）％＋
)


@functools.cache
def repertoire() -> tuple[int, ...]:
    """The code points of a compact face, sorted: GB 2312 and ``_EXTRA_BLOCKS``."""
    points = {cp for start, end in _EXTRA_BLOCKS for cp in range(start, end + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # unassigned position in the code table
    return tuple(sorted(points))


def find_source(face: FaceSpec) -> tuple[Path, int] | None:
    """The installed file and face index fontconfig picks for ``face``; None when it is not installed.

    fontconfig answers every query with *some* font, so the answer counts only when its family and
    style are the ones asked for.
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    query = f"{face.source_family}:style={face.source_style}"
    try:
        done = subprocess.run([fc_match, "--format=%{file}\n%{index}\n%{family}\n%{style}", query],
                              capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        return None
    path, index, families, styles = Path(lines[0]), int(lines[1]), lines[2].split(","), lines[3].split(",")
    if face.source_family not in families or face.source_style not in styles or not path.is_file():
        return None
    return path, index


def compact_font(source: Path, index: int, cache: Path) -> Path:
    """The compact file of face ``index`` of ``source``, made and cached on first use.

    The cache key covers the source file (path, size, modification time), the repertoire (its recipe), the
    uharfbuzz version (the HarfBuzz it bundles) and ``FORMAT_VERSION``, so an updated font or
    library makes a new file. Files are written under a temporary name and renamed, so processes
    building at the same time never read a partial file. Raises ``OSError`` when the cache cannot be
    written and ``ImportError`` when uharfbuzz is missing.
    """
    # The package's version, not its HarfBuzz's: importing uharfbuzz (~45 ms) only on a cache miss.
    version = distribution_version("uharfbuzz")
    stat = source.stat()
    # The repertoire by its recipe (the blocks, and GB 2312 as this Python decodes it), not its 14,000
    # code points: working them out is ~10 ms a cold process would pay only to name a cached file.
    key = hashlib.sha256("\n".join((
        FORMAT_VERSION, version, str(source.resolve()), str(index), str(stat.st_size),
        str(stat.st_mtime_ns), repr(_EXTRA_BLOCKS), "gb2312", sys.version,
    )).encode()).hexdigest()[:24]
    target = cache / f"{source.stem}-{index}-{key}.otf"
    if target.is_file() and os.access(target, os.R_OK):
        return target
    import uharfbuzz as hb

    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(repertoire())
    data = hb.subset(hb.Face(hb.Blob.from_file_path(str(source)), index), subset_input).blob.data
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=cache)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a cache shared via $CONTRACTGEN_CACHE_DIR is read by all
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@functools.cache
def compact_faces() -> tuple[CompactFace, ...]:
    """Every compact face this machine can have; missing ones are simply left out."""
    faces = []
    for face in FACES:
        source = find_source(face)
        if source is None:
            continue
        try:
            try:
                path = compact_font(*source, cache_dir() / "fonts")
            except OSError:  # no writable cache: make it for this process, so PDFs come out the same
                path = compact_font(*source, _scratch_dir())
        except (OSError, ImportError, RuntimeError):
            continue  # no uharfbuzz, no disk: the full font prints the same text, only slower
        faces.append(CompactFace(face.family, face.weight, path))
    return tuple(faces)


@functools.cache
def _scratch_dir() -> Path:
    """A folder for this process's compact fonts, removed when it exits."""
    folder = Path(tempfile.mkdtemp(prefix="contractgen-fonts-"))
    signals.remove_at_exit(lambda: folder)  # also in a batch's workers, which skip atexit
    return folder


def font_face_rules(faces: tuple[CompactFace, ...]) -> str:
    """The ``@font-face`` rules that make ``faces`` available to the stylesheet."""
    return "".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; src: url("{f.path.as_uri()}"); }}\n'
        for f in faces
    )


TYPST_FORMAT_VERSION = "3"
"""Part of the Typst font folder's key: change it when the renamed copies are made differently."""

BOX_FACE = FaceSpec("DejaVu Sans", "normal", "DejaVu Sans", "Book")
"""Where the forms' ☐ comes from (not in the CJK faces): linked into the Typst font folder."""


@functools.cache
def typst_font_folder() -> Path | None:
    """A folder holding exactly the compact faces, named by their stylesheet families, and DejaVu Sans.

    Typst reads every font of the folders it is given, so the folder holds nothing else; it is made
    once per set of compact files (its name is their key) and renamed into place whole. ``None``
    when there are no compact faces or fontTools is missing: Typst then uses the system's fonts.
    """
    faces = compact_faces()
    if not faces:
        return None
    box = find_source(BOX_FACE)
    key = hashlib.sha256("\n".join((TYPST_FORMAT_VERSION, *(f"{f.family}={f.path}" for f in faces),
                                     str(box[0]) if box else "")).encode()).hexdigest()[:24]
    # The scratch folder only when the cache cannot be written (a generator: not made otherwise).
    for parent in (place() for place in (lambda: cache_dir() / "typst-fonts", _scratch_dir)):
        folder = parent / key
        if folder.is_dir():
            return folder
        try:
            _make_typst_folder(folder, faces, box[0] if box else None)
        except ImportError:
            return None
        except OSError:
            continue  # no writable cache: a folder for this process, as for the compact files
        return folder
    return None


TYPST_COVERAGE = "coverage.txt"
"""In the Typst font folder: the code points its fonts have glyphs for, one hexadecimal number a line."""


@functools.cache
def typst_font_coverage() -> frozenset[str]:
    """The characters the Typst font folder's fonts can print (empty without the folder)."""
    folder = typst_font_folder()
    if folder is None:
        return frozenset()
    try:
        return frozenset(chr(int(line, 16)) for line in (folder / TYPST_COVERAGE).read_text().split())
    except (OSError, ValueError):
        return frozenset()


def _make_typst_folder(folder: Path, faces: tuple[CompactFace, ...], box: Path | None) -> None:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency; only needed once per machine

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        # The repertoire names blocks; a face lacks some of their characters (ↆ). Typst is told the truth.
        covered: set[int] = set()
        if box is not None:
            covered |= set(TTFont(box, lazy=True).getBestCmap())
        for face in faces:
            # lazy: only the name table is read and rewritten, the glyphs are copied as they are;
            # the head table's date kept (fontTools stamps the time of saving): Typst embeds it, so a
            # folder made at another time (another machine, a new cache) gave other PDF bytes.
            font = TTFont(face.path, lazy=True, recalcTimestamp=False)
            covered |= set(font.getBestCmap())
            style = "Bold" if face.weight == "bold" else "Regular"
            postscript = f"{face.family.replace(' ', '')}-{style}"
            names = {1: face.family, 16: face.family, 4: f"{face.family} {style}", 6: postscript}
            for record in font["name"].names:
                record.string = names.get(record.nameID, record.string)
            font.save(tmp / f"{postscript}.otf")
            font.close()
        if box is not None:
            try:
                (tmp / box.name).symlink_to(box)
            except OSError:  # no symbolic links here (some Windows set-ups): a copy does the same
                shutil.copyfile(box, tmp / box.name)
        (tmp / TYPST_COVERAGE).write_text("".join(f"{cp:x}\n" for cp in sorted(covered)))
        os.chmod(tmp, 0o755)
        try:
            tmp.rename(folder)
        except OSError:
            if not folder.is_dir():  # another process put the same folder in place first: use it
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
