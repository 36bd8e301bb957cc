"""``contractgen doctor``'s findings: is this machine able to build every format, and if not, what fixes it.

Owns the list of checks (Python packages, CJK fonts, the HarfBuzz subsetter WeasyPrint needs for fast
PDFs, the compact fonts, LibreOffice, poppler) and returns them as data; the CLI prints them. Nothing here imports
WeasyPrint or python-docx: the checks must work when those are broken.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata

from .i18n import Message, msg

APT = "apt-get install -y"


@dataclass(frozen=True, slots=True)
class Check:
    """One thing ``doctor`` looked at."""

    name: str
    ok: bool
    detail: Message | str
    """What was found (a version, a path) or what is missing."""
    fix: str
    """The command that fixes it (shown when ``ok`` is false)."""
    required: bool = True
    """False for tools only some commands need (LibreOffice, poppler); those fail softly."""


# distribution name, minimum version (from pyproject), module role
_PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("weasyprint", "62", "pdf"),
    ("pydyf", "0.10", "pdf-writing"),
    ("python-docx", "1.1", "docx"),
    ("docxtpl", "0.18", "docx-templates"),
    ("jinja2", "3.1", "templates"),
    ("uharfbuzz", "0.39", "compact-fonts"),
)

_FONTS: tuple[tuple[str, str, str], ...] = (
    ("Noto Serif CJK SC", "fonts-noto-cjk", "body-text"),
    ("Noto Sans CJK SC", "fonts-noto-cjk", "headings"),
    ("DejaVu Sans", "fonts-dejavu-core", "boxes"),
)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _python() -> Check:
    version = platform.python_version()
    return Check("python", sys.version_info >= (3, 10), f"Python {version} ({sys.executable})",
                 f"{APT} python3 python3-venv  # then recreate the venv with Python ≥ 3.10")


def _package(dist: str, minimum: str, role: str) -> Check:
    fix = f"pip install '{dist}>={minimum}'"
    try:
        version = metadata.version(dist)
    except metadata.PackageNotFoundError:
        return Check(dist, False, msg("doctor.not-installed", role=msg(f"doctor.role.{role}")), fix)
    ok = _version_tuple(version) >= _version_tuple(minimum)
    detail = f"{version}" if ok else msg("doctor.too-old", version=version, minimum=minimum, role=msg(f"doctor.role.{role}"))
    return Check(dist, ok, detail, fix)


def _font(family: str, package: str, role: str) -> Check:
    fix = f"{APT} {package} && fc-cache -f"
    if shutil.which("fc-list") is None:
        return Check(f"font {family}", False, msg("doctor.no-fc-list"), f"{APT} fontconfig {package}")
    out = _run(["fc-list", f":family={family}", "file", "style"])
    files = sorted({line.split(":")[0] for line in out.splitlines() if line.strip()})
    if not files:
        return Check(f"font {family}", False, msg("doctor.font-missing", role=msg(f"doctor.role.{role}")), fix)
    more = msg("doctor.more-files", count=len(files) - 2) if len(files) > 2 else ""
    return Check(f"font {family}", True, msg("doctor.font-files", files=tuple(files[:2]), more=more), fix)


def _load(*names: str) -> ctypes.CDLL | None:
    for name in names:
        path = ctypes.util.find_library(name) or name
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def _harfbuzz_subset() -> Check:
    """WeasyPrint subsets fonts with libharfbuzz-subset when it loads and HarfBuzz is ≥ 4.1.0.

    Otherwise it falls back to fontTools, which takes seconds per Chinese font instead of
    milliseconds; the PDF is the same, only slow.
    """
    fix = f"{APT} libharfbuzz-subset0"
    subset = _load("harfbuzz-subset", "libharfbuzz-subset.so.0")
    core = _load("harfbuzz", "libharfbuzz.so.0")
    if subset is None or core is None:
        return Check("harfbuzz-subset", False, msg("doctor.no-harfbuzz-subset"), fix)
    core.hb_version_string.restype = ctypes.c_char_p
    version = core.hb_version_string().decode("ascii")
    ok = _version_tuple(version) >= (4, 1, 0)
    detail = msg("doctor.harfbuzz-fast" if ok else "doctor.harfbuzz-old", version=version)
    return Check("harfbuzz-subset", ok, detail, fix)


def _compact_fonts() -> Check:
    """The compact copies of the Noto CJK faces (render/fonts.py), made here if they are not cached yet.

    Without them PDFs are the same, only larger and slower, so the check is not required.
    """
    from .render.fonts import FACES, compact_faces

    faces = compact_faces()
    fix = f"pip install uharfbuzz && {APT} fontconfig fonts-noto-cjk"
    if len(faces) == len(FACES):
        return Check("compact fonts", True, ", ".join(str(f.path) for f in faces), fix, required=False)
    made = {f.family for f in faces}
    missing = tuple(f.family for f in FACES if f.family not in made)
    return Check("compact fonts", False, msg("doctor.compact-fonts-missing", missing=missing), fix, required=False)


def _pango() -> Check:
    lib = _load("pango-1.0", "libpango-1.0.so.0")
    fix = f"{APT} libpango-1.0-0 libpangoft2-1.0-0"
    if lib is None:
        return Check("pango", False, msg("doctor.no-pango"), fix)
    lib.pango_version_string.restype = ctypes.c_char_p
    version = lib.pango_version_string().decode("ascii")
    ok = _version_tuple(version) >= (1, 44)
    return Check("pango", ok, f"Pango {version}" if ok else msg("doctor.pango-old", version=version), fix)


def _tool(name: str, version_args: list[str], package: str, role: str) -> Check:
    fix = f"{APT} {package}"
    path = shutil.which(name)
    if path is None:
        return Check(name, False, msg("doctor.not-on-path", role=msg(f"doctor.role.{role}")), fix, required=False)
    out = _run([path, *version_args]).strip()
    first = next((line for line in out.splitlines() if line.strip()), "")
    return Check(name, True, f"{path}: {first}" if first else path, fix, required=False)


def _run(argv: list[str]) -> str:
    """A command's output (stdout and stderr); empty when it cannot run. Never raises."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return (done.stdout or "") + (done.stderr or "")


def doctor() -> list[Check]:
    """Every check, in the order the CLI shows them."""
    checks = [_python()]
    checks += [_package(*p) for p in _PACKAGES]
    checks += [_font(*f) for f in _FONTS]
    checks += [_harfbuzz_subset(), _compact_fonts(), _pango()]
    typst = _package("typst", "0.15", "pdf-typst")  # the optional second PDF engine (--pdf-engine typst)
    checks.append(dataclasses.replace(typst, fix="pip install 'contractgen[typst]'", required=False))
    checks.append(_tool("soffice", ["--version"], "--no-install-recommends libreoffice-writer-nogui", "libreoffice"))
    checks.append(_tool("pdftotext", ["-v"], "poppler-utils", "pdf-text"))
    checks.append(_tool("pdftoppm", ["-v"], "poppler-utils", "pdf-images"))
    return checks
