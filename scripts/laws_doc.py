"""Write docs/laws.md from clauses/laws.yaml (what tests/test_law_registry.py checks)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.laws_doc import DOC_PATH, render_doc  # noqa: E402

from contractgen.library import load_library  # noqa: E402

laws = load_library().laws
(ROOT / DOC_PATH).write_text(render_doc(laws), encoding="utf-8")
print(f"wrote {DOC_PATH} ({len(laws)} laws)")
