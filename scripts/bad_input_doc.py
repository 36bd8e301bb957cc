"""Write docs/bad-input.md by running every case of tests/bad_input_cases.py through the CLI.

    .venv/bin/python scripts/bad_input_doc.py          # rewrite the doc
    .venv/bin/python scripts/bad_input_doc.py --check  # exit 1 when the doc is out of date

The tests check the committed doc against what the cases print, so run this after changing a
message or a case.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bad_input_cases import CASES, DOC_PATH, render_doc, run_case  # noqa: E402


def main(argv: list[str]) -> int:
    results = {case.id: run_case(case) for case in CASES}
    text = render_doc(results)
    wrong = [c.id for c in CASES if results[c.id].exit_code != c.exit_code]
    if wrong:
        print(f"cases with an unexpected exit code (fix them first): {', '.join(wrong)}", file=sys.stderr)
        return 1
    if "--check" in argv:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH.relative_to(ROOT)} is out of date; run {Path(__file__).relative_to(ROOT)}",
                  file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH.relative_to(ROOT)} ({len(CASES)} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
