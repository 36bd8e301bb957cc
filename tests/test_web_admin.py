"""管理 through the web: accounts added and changed by an admin (password rules, sessions ended), the
audit trail filtered and exported as CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

from tests.web_helpers import PASSWORD, sign_in, signed_in


def test_an_admin_adds_and_changes_accounts(app):
    boss = signed_in(app, "boss", "admin")
    new = {"name": "zhao", "role": "reviewer", "team": "", "password": "password123", "password_again": "password123"}
    weak = boss.post("/admin/users", data=new)
    assert weak.status_code == 422 and "常见密码" in weak.get_data(as_text=True)
    differ = boss.post("/admin/users", data={**new, "password": "Zhao-Reviews-2026", "password_again": "Zhao-Reviews-2027"})
    assert differ.status_code == 422 and "两次输入的密码不一致" in differ.get_data(as_text=True)
    added = boss.post("/admin/users", data={**new, "password": PASSWORD, "password_again": PASSWORD}, follow_redirects=True)
    assert "已创建用户“zhao”（审核律师）" in added.get_data(as_text=True)
    again = boss.post("/admin/users", data={**new, "password": PASSWORD, "password_again": PASSWORD})
    assert again.status_code == 422 and "已被使用" in again.get_data(as_text=True)

    zhao = app.test_client()
    assert sign_in(zhao, "zhao").headers["Location"] == "/register?status=pending"
    assert zhao.get("/register").status_code == 200
    changed = boss.post("/admin/users/2", data={"role": "drafter", "team": "二组", "active": "y"}, follow_redirects=True)
    assert "其已登录的会话随之结束" in changed.get_data(as_text=True)
    assert zhao.get("/register").headers["Location"].startswith("/login")  # the change ended the session
    assert sign_in(zhao, "zhao").headers["Location"] == "/"
    boss.post("/admin/users/2", data={"role": "drafter", "team": "二组"})  # active unticked: deactivated
    assert sign_in(app.test_client(), "zhao").status_code == 401
    boss.post("/admin/users/2", data={"role": "drafter", "team": "二组", "active": "y", "password": "Fresh-Secret-2026-X"})
    assert sign_in(app.test_client(), "zhao").status_code == 401
    assert sign_in(app.test_client(), "zhao", "Fresh-Secret-2026-X").status_code == 302
    refused = boss.post("/admin/users/1", data={"role": "drafter", "active": "y"})
    assert refused.status_code == 422 and "不能停用自己" in refused.get_data(as_text=True)
    assert boss.post("/admin/users/99", data={"role": "drafter", "active": "y"}).status_code == 404


def test_the_audit_trail_is_filtered_and_exported(app):
    boss = signed_in(app, "boss", "admin")
    li = signed_in(app, "li", "drafter")
    sign_in(app.test_client(), "li", "wrong password 1")
    sign_in(app.test_client(), "=HYPERLINK(\"http://x\")", "wrong password 2")
    li.post("/industries/hotel/new", data={"draft_title": "浦江", "action": "save"})
    page = boss.get("/admin/audit?action=login-failed").get_data(as_text=True)
    assert page.count("登录失败") >= 2 and "保存草稿</td>" not in page
    assert "保存草稿" in boss.get("/admin/audit?actor=li").get_data(as_text=True)
    assert "没有符合条件的记录" in boss.get("/admin/audit?actor=nobody").get_data(as_text=True)
    exported = boss.get("/admin/audit.csv?action=login-failed")
    assert exported.mimetype == "text/csv" and exported.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "时间（UTC）", "操作人", "操作"] and len(rows) == 3
    assert rows[2][2].startswith("'=") and rows[1][3] == "登录失败"  # a formula is not a formula in Excel
    assert "导出审计日志" in boss.get("/admin/audit").get_data(as_text=True)


def test_every_download_of_personal_information_is_in_the_trail(app):
    from contractgen.register.audit import rows
    from tests.web_helpers import example, form_post

    li = signed_in(app, "li", "drafter")
    one = li.post("/industries/hotel/new", data=form_post(example())).headers["Location"].rsplit("/", 1)[1]
    entry = li.post(f"/drafts/{one}/generate").headers["Location"].rsplit("/", 1)[1]
    for url in (f"/drafts/{one}/spec.yaml", f"/register/{entry}/files/contract.md", f"/register/{entry}/files.zip",
                f"/register/{entry}/manifest.json", f"/register/{entry}/spec.yaml",
                f"/compare/redline.docx?old=draft:{one}&new=contract:{entry}"):
        assert li.get(url).status_code == 200, url
    downloads = [(r.actor, r.detail["file"]) for r in rows(app.extensions["contractgen.register"])
                 if r.action == "downloaded"]
    assert sorted(f for _, f in downloads) == sorted([f"draft-{one}.yaml", "contract.md", "files.zip", "manifest.json",
                                                      "spec.yaml", "redline.docx"])
    assert {a for a, _ in downloads} == {"li"}
