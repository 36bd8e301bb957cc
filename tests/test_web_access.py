"""Who may do what through the web: every route × every role × anonymous, CSRF on every state-changing
route, sign-in (rate limits, cookies, expiry, logout, no open redirect), another team's contracts,
uploads, escaping and headers — on SQLite and PostgreSQL.

The matrix is built from ``app.url_map``: a route added later without a row in ``EXPECTED`` fails
``test_every_route_has_a_rule``, and one whose rule in the app differs from ``EXPECTED`` fails the matrix.
"""

from __future__ import annotations

import io
import re
import time

import pytest

from contractgen.register.contracts import get_contract
from contractgen.register.review import approve
from tests.web_helpers import PASSWORD, add_account, example, form_post, make_app, sign_in, signed_in

ANYONE = {"drafter", "reviewer", "admin"}
D, R, A = {"drafter"}, {"reviewer"}, {"admin"}
DR = {"drafter", "reviewer"}
PUBLIC = "public"
EXPECTED: dict[str, object] = {
    "static": PUBLIC, "auth.login": PUBLIC, "auth.login_post": PUBLIC, "auth.logout": ANYONE,
    "industries.index": ANYONE, "industries.blank": ANYONE,
    "contracts.new": D, "contracts.create": D, "contracts.drafts": D, "contracts.edit": D, "contracts.update": D,
    "contracts.delete": D, "contracts.preview": D, "contracts.document": D, "contracts.generate_draft": D,
    "contracts.draft_spec": D, "contracts.upload": D, "contracts.money_words": D, "contracts.check": D,
    "batch.index": D, "batch.template": D, "batch.upload": D, "batch.check": D, "batch.start": D, "batch.job": D,
    "batch.report": D, "batch.download_zip": D,
    "register.index": DR, "register.entry": DR, "register.download": DR, "register.download_zip": DR,
    "register.manifest": DR, "register.spec": DR, "register.new_draft": D, "register.revise": D,
    "register.approve": R, "register.return_": R, "register.sign": DR, "register.signed_scan": DR,
    "compare.index": DR, "compare.start": DR, "compare.result": DR, "compare.redline_html": DR,
    "compare.redline_docx": DR,
    "theirs.index": DR, "theirs.start": DR, "theirs.result": DR, "theirs.report_html": DR, "theirs.report_json": DR,
    "theirs.redline_docx": DR,
    "admin.users": A, "admin.add_user": A, "admin.change_user": A, "admin.audit": A, "admin.audit_csv": A,
    "layers.index": {"reviewer", "admin"}, "layers.upload": A, "layers.show": {"reviewer", "admin"},
    "layers.redline": {"reviewer", "admin"}, "layers.approve": R, "layers.reject": R,
}
ROLES = ("drafter", "reviewer", "admin")
NAMES = {"drafter": "li", "reviewer": "wang", "admin": "boss"}


def _register(app):
    return app.extensions["contractgen.register"]


def _url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        values[name] = 1 if kind == "IntegerConverter" else "contract.md" if kind == "PathConverter" else (
            "app.css" if rule.endpoint == "static" else "hotel")
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, _url(rule)


def _to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not endpoints - EXPECTED.keys(), f"routes without an access rule in EXPECTED: {sorted(endpoints - EXPECTED.keys())}"
    assert not EXPECTED.keys() - endpoints, f"rules for routes that are gone: {sorted(EXPECTED.keys() - endpoints)}"


def test_route_role_matrix(app):
    """Every route for anonymous, then each role: 403 where the role has no business, never 403 where it has."""
    clients = {role: signed_in(app, NAMES[role], role, team="一组") for role in ROLES}
    clients["drafter"].post("/industries/hotel/new", data=form_post(example(), "generate"))  # contract 1, draft 1
    anonymous = app.test_client()
    wrong = []
    for who in (None, *ROLES):
        client = anonymous if who is None else clients[who]
        for endpoint, method, url in _routes(app):
            response = client.open(url, method=method)
            rule = EXPECTED[endpoint]
            if rule == PUBLIC:
                ok = response.status_code != 403 and not _to_login(response)
            elif who is None:
                ok = _to_login(response)
            elif who in rule:
                ok = response.status_code not in (401, 403) and response.status_code < 500 and (
                    not _to_login(response) or endpoint == "auth.logout")
            else:
                ok = response.status_code == 403 and "无权访问" in response.get_data(as_text=True)
            if not ok:
                wrong.append((who, method, url, response.status_code))
            if endpoint == "auth.logout" and who is not None:
                sign_in(client, NAMES[who])
    assert not wrong


def test_a_post_without_csrf_token_is_refused_on_every_state_changing_route(tmp_path):
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)
    try:
        for role in ROLES:
            add_account(app, NAMES[role], role)
        anonymous = app.test_client()
        assert anonymous.post("/login", data={"name": "li", "password": PASSWORD}).status_code == 400  # login CSRF
        clients = {}
        for role in ROLES:
            client = app.test_client()
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
            assert sign_in(client, NAMES[role], csrf=token).status_code == 302
            clients[role] = client
        posts = [(e, url) for e, method, url in _routes(app) if method == "POST" and EXPECTED[e] != PUBLIC]
        assert len(posts) >= 14
        for endpoint, url in posts:
            role = sorted(EXPECTED[endpoint])[0]
            response = clients[role].post(url, data={"comment": "x", "name": "x", "action": "save"})
            assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True), (endpoint, role)
        assert clients["drafter"].get("/drafts").status_code == 200  # still signed in: nothing was done
    finally:
        _register(app).engine.dispose()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/x",
                                    "javascript:alert(1)", "/\t/evil.example", " //evil.example"])
def test_no_open_redirect_after_sign_in(tmp_path, target):
    app = make_app(tmp_path / "data")
    add_account(app, "li", "drafter")
    client = app.test_client()
    response = client.post("/login", data={"name": "li", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    _register(app).engine.dispose()


def test_sign_in_returns_to_the_page_asked_for(tmp_path):
    app = make_app(tmp_path / "data")
    add_account(app, "wang", "reviewer")
    client = app.test_client()
    asked = client.get("/register?number=HOTEL")
    assert _to_login(asked) and "next=" in asked.headers["Location"]
    login = client.get(asked.headers["Location"]).get_data(as_text=True)
    target = re.search(r'name="next" value="([^"]+)"', login).group(1).replace("&amp;", "&")
    response = client.post("/login", data={"name": "wang", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/register?number=HOTEL"
    fresh = app.test_client()
    assert fresh.post("/login", data={"name": "wang", "password": PASSWORD}).headers["Location"] == "/register?status=pending"
    _register(app).engine.dispose()


def test_failed_sign_ins_are_limited_per_account_and_per_address(app):
    add_account(app, "li", "drafter")
    client = app.test_client()
    for _ in range(5):
        response = client.post("/login", data={"name": "li", "password": "not the password"})
        assert response.status_code == 401 and "用户名或密码不正确" in response.get_data(as_text=True)
    limited = client.post("/login", data={"name": "li", "password": PASSWORD})  # right, but too late
    assert limited.status_code == 429 and "登录失败次数过多" in limited.get_data(as_text=True)
    other = app.test_client()  # the same account from another address is limited too
    assert other.post("/login", data={"name": "li", "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 429
    add_account(app, "zhao", "drafter")
    for i in range(15):  # 20 failures from one address, spread over accounts that do not exist
        client.post("/login", data={"name": f"nobody{i}", "password": "x" * 12})
    assert client.post("/login", data={"name": "zhao", "password": PASSWORD}).status_code == 429
    assert other.post("/login", data={"name": "zhao", "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


def test_session_cookie_settings_expiry_and_logout(tmp_path):
    app = make_app(tmp_path / "data")
    add_account(app, "li", "drafter")
    client = app.test_client()
    response = sign_in(client, "li")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client().post("/login", data={"name": "li", "password": PASSWORD}, base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    assert time.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").tm_hour is not None
    assert client.get("/drafts").status_code == 200
    stolen = client.get_cookie("session").value
    with client.session_transaction() as session:  # a session started 13 hours ago has ended
        session["since"] = time.time() - 13 * 3600
    assert _to_login(client.get("/drafts"))
    sign_in(client, "li")
    client.post("/logout")
    assert _to_login(client.get("/drafts"))
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert _to_login(thief.get("/drafts"))  # logging out ended every session of the account
    _register(app).engine.dispose()


def test_another_teams_contract_cannot_be_reached_by_its_id(app):
    li = signed_in(app, "li", "drafter", team="一组")
    mate = signed_in(app, "zhou", "drafter", team="一组")
    other = signed_in(app, "chen", "drafter", team="二组")
    reviewer = signed_in(app, "wang", "reviewer")
    response = li.post("/industries/hotel/new", data=form_post(example(), "generate"))
    entry = int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))
    urls = [f"/register/{entry}", f"/register/{entry}/files/contract.md", f"/register/{entry}/files.zip",
            f"/register/{entry}/manifest.json", f"/register/{entry}/spec.yaml", f"/register/{entry}/signed.pdf"]
    for url in urls[:-1]:
        assert mate.get(url).status_code == 200 and reviewer.get(url).status_code == 200, url
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert other.post(f"/register/{entry}/new-draft").status_code == 404
    assert other.post(f"/register/{entry}/sign").status_code == 404
    assert "HT-HOTEL" not in other.get("/register").get_data(as_text=True)
    assert f"contract:{entry}" not in other.get("/compare").get_data(as_text=True)
    assert other.get(f"/compare/result?old=contract:{entry}&new=contract:{entry}").status_code == 404
    draft = _draft(li)
    assert mate.get(f"/drafts/{draft}").status_code == 404  # drafts stay their drafter's own


def test_a_file_hash_from_elsewhere_names_nothing_in_compare(app):
    li = signed_in(app, "li", "drafter")
    other = signed_in(app, "chen", "drafter")
    spec = li.get(f"/drafts/{_draft(li)}/spec.yaml").data
    response = li.post("/compare", data={"old_file": (io.BytesIO(spec), "a.yaml"), "new_file": (io.BytesIO(spec), "b.yaml")},
                       content_type="multipart/form-data")
    assert response.status_code == 302
    assert li.get(response.headers["Location"]).status_code == 200
    assert other.get(response.headers["Location"]).status_code == 404


def _draft(client) -> int:
    response = client.post("/industries/hotel/new", data=form_post(example()))
    return int(re.search(r"/drafts/(\d+)$", response.headers["Location"]).group(1))


def test_uploads_are_limited_in_size_and_type(app):
    li = signed_in(app, "li", "drafter")
    big = li.post("/drafts/upload", data={"spec": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "big.yaml")},
                  content_type="multipart/form-data")
    assert big.status_code == 413 and "过大" in big.get_data(as_text=True) or big.status_code == 413
    response = li.post("/industries/hotel/new", data=form_post(example(), "generate"))
    entry = int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))
    approve(_register(app), entry, reviewer="wang")
    html = b"<html><script>alert(1)</script></html>"
    fake = li.post(f"/register/{entry}/sign", data={"scan": (io.BytesIO(html), "scan.pdf")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "不是可以打开的 PDF" in fake.get_data(as_text=True)
    broken = li.post(f"/register/{entry}/sign", data={"scan": (io.BytesIO(b"%PDF-1.7\n garbage %%EOF"), "s.pdf")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert "不是可以打开的 PDF" in broken.get_data(as_text=True)
    huge = li.post(f"/register/{entry}/sign", data={"scan": (io.BytesIO(b"%PDF-" + b"0" * (21 * 1024 * 1024)), "s.pdf")},
                   content_type="multipart/form-data")
    assert huge.status_code == 413
    assert get_contract(_register(app), entry).status == "approved"
    scan = _scan_pdf()
    done = li.post(f"/register/{entry}/sign", data={"scan": (io.BytesIO(scan), "scan.html")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "已标记为已签署" in done.get_data(as_text=True)
    served = li.get(f"/register/{entry}/signed.pdf")
    assert served.data == scan and served.mimetype == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and "attachment" in served.headers["Content-Disposition"]


def _scan_pdf() -> bytes:
    import pikepdf

    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(out)
    return out.getvalue()


def test_user_text_is_escaped_on_every_page_it_reaches(app):
    li = signed_in(app, "li", "drafter", team="<b>组</b>")
    reviewer = signed_in(app, "wang", "reviewer")
    spec = example()
    spec["parties"]["provider"]["name"] = "<script>alert(1)</script>有限公司"
    response = li.post("/industries/hotel/new", data=form_post(spec, "generate", title="<img src=x onerror=alert(1)>"))
    entry = int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))
    reviewer.post(f"/register/{entry}/return", data={"comment": "<script>alert(2)</script>请改"})
    pages = [li.get("/drafts"), li.get(f"/register/{entry}"), li.get("/register"), reviewer.get(f"/register/{entry}"),
             li.get(f"/compare/redline.html?old=contract:{entry}&new=contract:{entry}"),
             li.get(f"/register/{entry}/files/contract.md")]
    admin = signed_in(app, "boss", "admin")
    pages += [admin.get("/admin/audit"), admin.get("/admin/users")]
    for response in pages:
        text = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            assert "<script>alert" not in text and "<img src=x" not in text and "<b>组" not in text, response.request.path
    assert "&lt;script&gt;alert(2)&lt;/script&gt;请改" in pages[1].get_data(as_text=True)


def test_headers_on_every_kind_of_response(app):
    li = signed_in(app, "li", "drafter")
    for response in (li.get("/"), li.get("/login"), app.test_client().get("/login"), li.get("/admin/users"),
                     li.get("/drafts/999")):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'self'" in policy and response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in li.get("/").get_data(as_text=True).replace('<script src="/static/app.js" defer></script>', "")
