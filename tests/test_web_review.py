"""审核 through the web: 待审核 → 退回 (with the comment the drafter sees) → corrected and resubmitted under
the same number → 已批准 → 已签署; the 未经审核 mark on every PDF handed out before approval, and an
approved contract's PDF byte-identical to ``contractgen build`` of its spec; the audit trail of it all."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from contractgen.register.audit import rows, verify
from contractgen.register.contracts import file_bytes, find_file, get_contract
from tests.web_helpers import example, form_post, make_app, signed_in

CLI = str(Path(sys.executable).parent / "contractgen")


def text_of(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "x.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", str(tmp_path / "x.pdf"), "-"], capture_output=True, text=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")
def test_return_correct_resubmit_approve_sign(tmp_path, database_url):
    app = make_app(tmp_path / "data", FORMATS=("pdf", "md"), DATABASE_URL=database_url)
    register = app.extensions["contractgen.register"]
    try:
        li = signed_in(app, "li", "drafter", team="一组")
        wang = signed_in(app, "wang", "reviewer")
        response = li.post("/industries/hotel/new", data=form_post(example(), "generate"))
        entry = int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))
        page = li.get(f"/register/{entry}").get_data(as_text=True)
        assert "待审核" in page and "未经审核" in page
        stored = file_bytes(register, find_file(get_contract(register, entry), "contract.pdf"))
        marked = li.get(f"/register/{entry}/files/contract.pdf").data
        assert marked != stored and "未经审核" in text_of(marked, tmp_path) and "未经审核" not in text_of(stored, tmp_path)
        in_zip = zipfile.ZipFile(io.BytesIO(li.get(f"/register/{entry}/files.zip").data))
        number = get_contract(register, entry).contract_no
        assert in_zip.read(f"{number}/contract.pdf") == marked  # the ZIP hands out the same marked copy

        assert "待审核" in wang.get("/register?status=pending").get_data(as_text=True)
        refused = wang.post(f"/register/{entry}/return", data={"comment": "  "}, follow_redirects=True)
        assert "应当写明意见" in refused.get_data(as_text=True) and get_contract(register, entry).status == "pending"
        wang.post(f"/register/{entry}/return", data={"comment": "违约金过高，请改为 5000 元。"})
        assert li.post(f"/register/{entry}/sign").status_code == 302 and get_contract(register, entry).status == "returned"
        page = li.get(f"/register/{entry}").get_data(as_text=True)
        assert "退回" in page and "违约金过高，请改为 5000 元。" in page and "按意见修改" in page

        revise = li.post(f"/register/{entry}/revise", follow_redirects=True)
        form = revise.get_data(as_text=True)
        assert "违约金过高" in form and "修改后重新提交" in form
        draft = re.search(r'action="/drafts/(\d+)"', form).group(1)
        fixed = example()
        fixed["values"]["penalty_amount"] = "5000"
        again = li.post(f"/drafts/{draft}", data=form_post(fixed, "generate"), follow_redirects=True)
        assert f"合同 {number} 已修改并重新提交（第 2 版）" in again.get_data(as_text=True)
        resubmitted = get_contract(register, entry)
        assert (resubmitted.status, resubmitted.revision, resubmitted.contract_no) == ("pending", 2, number)
        assert "伍仟元整" in li.get(f"/register/{entry}/files/contract.md").get_data(as_text=True)
        assert li.post(f"/drafts/{draft}/generate", follow_redirects=True).status_code == 200  # not returned now
        assert get_contract(register, entry).revision == 2

        assert wang.post(f"/register/{entry}/approve", data={"comment": ""}).status_code == 302
        assert "已有人处理过" in wang.post(f"/register/{entry}/approve", follow_redirects=True).get_data(as_text=True)
        approved = li.get(f"/register/{entry}/files/contract.pdf").data
        spec = tmp_path / "spec.yaml"
        spec.write_bytes(li.get(f"/register/{entry}/spec.yaml").data)
        built = subprocess.run([CLI, "build", str(spec), "-o", str(tmp_path / "out"), "--format", "pdf"],
                               capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
        assert approved == (tmp_path / "out" / "contract.pdf").read_bytes()  # byte-identical to a normal build
        assert "未经审核" not in text_of(approved, tmp_path)

        scan = (tmp_path / "out" / "contract.pdf").read_bytes()
        done = li.post(f"/register/{entry}/sign", data={"scan": (io.BytesIO(scan), "签署版.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
        assert "已签署" in done.get_data(as_text=True) and li.get(f"/register/{entry}/signed.pdf").data == scan
        actions = [r.action for r in reversed(rows(register)) if r.action not in ("login", "user-added", "draft-saved")]
        assert actions == ["contract-generated", "downloaded", "downloaded", "returned", "contract-resubmitted",
                           "downloaded", "approved", "downloaded", "downloaded", "signed", "downloaded"]
        assert verify(register).broken is None
    finally:
        register.engine.dispose()
