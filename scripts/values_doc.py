"""Write docs/values.md from tests/value_cases.py (what tests/test_values.py checks)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.value_cases import CASES, DOC_PATH, render_doc  # noqa: E402

(ROOT / DOC_PATH).write_text(render_doc({c: c.shows for c in CASES}), encoding="utf-8")
print(f"wrote {DOC_PATH} ({len(CASES)} values)")
