"""Hatch build hook: compile the message catalogs (``.po`` → ``.mo``) into the wheel.

An installed wheel then reads its ``.mo`` files with the standard library alone. An editable install
is left alone: ``contractgen.i18n`` compiles the ``.po`` files of the source tree on first use into
the user's cache, so an edited catalog takes effect without reinstalling.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src/contractgen/locale")


class CatalogHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        compile_po = _compiler(Path(self.root))
        out = Path(tempfile.mkdtemp(prefix="contractgen-mo-"))
        for po in sorted((Path(self.root) / LOCALE).glob("*/LC_MESSAGES/*.po")):
            lang = po.parents[1].name
            mo = out / lang / po.with_suffix(".mo").name
            mo.parent.mkdir(parents=True, exist_ok=True)
            mo.write_bytes(compile_po(po.read_bytes(), lang))
            build_data["force_include"][str(mo)] = f"contractgen/locale/{lang}/LC_MESSAGES/{mo.name}"


def _compiler(root: Path):
    """``contractgen.i18n.compile_po``, loaded from the source tree (the package is not installed yet)."""
    spec = importlib.util.spec_from_file_location("_contractgen_i18n", root / "src/contractgen/i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.compile_po
