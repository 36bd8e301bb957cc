"""``doctor()``: what this machine has for building every format, and the command that fixes what it lacks."""

from __future__ import annotations

import shutil

import pytest

from contractgen import doctor as doctor_module
from contractgen.doctor import Check, doctor

EXPECTED = ["python", "weasyprint", "pydyf", "python-docx", "docxtpl", "jinja2", "uharfbuzz", "font Noto Serif CJK SC",
            "font Noto Sans CJK SC", "font DejaVu Sans", "harfbuzz-subset", "compact fonts", "pango", "typst", "soffice",
            "pdftotext", "pdftoppm"]


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def test_doctor_reports_every_check_with_a_fix() -> None:
    checks = doctor()
    assert [c.name for c in checks] == EXPECTED
    for c in checks:
        assert c.detail
        assert c.fix.startswith(("apt-get install -y ", "pip install ")), c


def test_doctor_on_this_machine_finds_the_documented_setup() -> None:
    """The machine the project runs on has everything installed (see docs): every check passes."""
    checks = by_name(doctor())
    failing = [c for c in checks.values() if not c.ok]
    assert failing == []
    import weasyprint

    assert checks["weasyprint"].detail == weasyprint.__version__
    assert "fast HarfBuzz subsetter" in str(checks["harfbuzz-subset"].detail)
    assert "NotoSerifCJK" in str(checks["font Noto Serif CJK SC"].detail)
    assert "NotoSerifCJK-Regular" in checks["compact fonts"].detail
    assert "LibreOffice" in checks["soffice"].detail


def test_doctor_agrees_with_weasyprint_about_the_subsetter() -> None:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    fast = harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    assert by_name(doctor())["harfbuzz-subset"].ok == fast


def test_missing_tools_and_fonts_say_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name in ("soffice", "pdftotext") else
                        real_which(name, *a, **k))
    real_run = doctor_module._run
    monkeypatch.setattr(doctor_module, "_run",
                        lambda argv: "" if argv[0] == "fc-list" and "Serif" in argv[1] else real_run(argv))
    monkeypatch.setattr(doctor_module, "_load", lambda *names: None)
    checks = by_name(doctor())
    assert not checks["soffice"].ok and not checks["soffice"].required
    assert checks["soffice"].fix == "apt-get install -y --no-install-recommends libreoffice-writer-nogui"
    assert not checks["pdftotext"].ok and checks["pdftotext"].fix == "apt-get install -y poppler-utils"
    assert checks["pdftoppm"].ok
    assert not checks["font Noto Serif CJK SC"].ok
    assert checks["font Noto Serif CJK SC"].fix == "apt-get install -y fonts-noto-cjk && fc-cache -f"
    assert checks["font Noto Sans CJK SC"].ok
    assert not checks["harfbuzz-subset"].ok and "slow fontTools" in str(checks["harfbuzz-subset"].detail)
    assert checks["harfbuzz-subset"].fix == "apt-get install -y libharfbuzz-subset0"


def test_missing_or_old_package_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real_version = doctor_module.metadata.version

    def version(dist: str) -> str:
        if dist == "docxtpl":
            raise doctor_module.metadata.PackageNotFoundError(dist)
        return "61.2" if dist == "weasyprint" else real_version(dist)

    monkeypatch.setattr(doctor_module.metadata, "version", version)
    checks = by_name(doctor())
    assert not checks["docxtpl"].ok and checks["docxtpl"].fix == "pip install 'docxtpl>=0.18'"
    assert not checks["weasyprint"].ok and "older than 62" in str(checks["weasyprint"].detail)
    assert checks["jinja2"].ok
