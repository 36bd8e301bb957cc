"""条款库层 through the web: an admin uploads a company layer as a ZIP; a broken one is refused with its
problems and leaves nothing; a good one is diffed against the library in force and takes effect only
when a reviewer approves it; contracts record the exact layer they were built from."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from contractgen.register.contracts import get_contract
from contractgen.register.layers import layers_root
from tests.web_helpers import example, form_post, make_app, signed_in

SHIPPED = Path(__file__).resolve().parents[1] / "clauses" / "010-introduction.yaml"
OLD = "包括但不限于在线预订、酒店前台和客房、电话客服"
NEW = "包括但不限于在线预订、酒店前台和客房、电话客服、上门服务"
"""The hotel's scope before and after the layer; in the YAML the hotel's channels follow its
``{% elif industry == 'hotel' %}``."""
HOTEL = "{% elif industry == 'hotel' %}"


def layer_zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def good_layer(new: str = NEW) -> bytes:
    text = SHIPPED.read_text(encoding="utf-8")
    shipped = HOTEL + OLD.removeprefix("包括但不限于")
    assert shipped in text
    changed = text.replace(shipped, HOTEL + new.removeprefix("包括但不限于"))
    return layer_zip({"company/clauses/010-introduction.yaml": changed})


def upload(client, data: bytes, name: str = "公司条款.zip"):
    return client.post("/layers", data={"layer": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def contract_text(client) -> tuple[int, str]:
    response = client.post("/industries/hotel/new", data=form_post(example(), "generate"))
    entry = int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))
    return entry, client.get(f"/register/{entry}/files/contract.md").get_data(as_text=True)


def test_a_layer_takes_effect_only_once_a_reviewer_approves_its_diff(app):
    register = app.extensions["contractgen.register"]
    boss, wang, li = signed_in(app, "boss", "admin"), signed_in(app, "wang", "reviewer"), signed_in(app, "li", "drafter")
    broken = upload(boss, layer_zip({"clauses/bad.yaml": "articles:\n  - id: Bad Id\n"}))
    shown = broken.get_data(as_text=True)
    assert broken.status_code == 422 and "公司条款.zip/clauses/bad.yaml:" in shown and "什么也没有保存" in shown
    assert "还没有上传过条款库层" in shown and not any(layers_root(register).glob("company-*"))

    response = upload(boss, good_layer())
    assert response.status_code == 302, response.get_data(as_text=True)
    layer_page = response.headers["Location"]
    layer_id = int(layer_page.rsplit("/", 1)[1])
    page = wang.get(layer_page).get_data(as_text=True)
    assert "待审核" in page and "批准，立即生效" in page and "修改 1 项，新增 0 项，删除 0 项" in page
    redline = wang.get(f"{layer_page}/redline.html").get_data(as_text=True)
    assert "上门服务" in redline and "<ins" in redline
    assert li.get(layer_page).status_code == 403 and boss.post(f"{layer_page}/approve").status_code == 403

    _entry, before = contract_text(li)
    assert OLD in before and NEW not in before  # uploaded, not yet approved: not in force
    assert wang.post(f"{layer_page}/approve", data={"comment": "同意"}).status_code == 302
    entry, after = contract_text(li)
    assert NEW in after
    layers = get_contract(register, entry).manifest["library"]["layer_sha256"]
    name = next(n for n in layers if n.startswith("company-"))
    layer = wang.get(layer_page).get_data(as_text=True)
    assert "现行有效" in layer and layers[name] in layer  # the entry names the exact layer version
    assert f"{layers[name]}" in li.get(f"/register/{entry}").get_data(as_text=True)

    second = upload(boss, good_layer("包括在线服务和实体店铺"))
    third = upload(boss, good_layer("包括在线服务"))
    assert wang.post(f"{second.headers['Location']}/approve").status_code == 302
    stale = wang.post(f"{third.headers['Location']}/approve", follow_redirects=True)
    assert "已经换过" in stale.get_data(as_text=True)  # its diff was against the layer approved before
    assert wang.post(f"{third.headers['Location']}/reject", data={"comment": "过时"}).status_code == 302
    listing = boss.get("/layers").get_data(as_text=True)
    assert "已驳回" in listing and "已被取代" in listing and "现行有效" in listing
    assert layer_id == 1


@pytest.mark.parametrize("name", ["../evil.yaml", "clauses/../../evil.yaml", "/etc/evil.yaml", "clauses/x.py",
                                  "clauses/sub/x.yaml", "secret.yaml"])
def test_a_zip_member_outside_the_layer_folders_is_refused(tmp_path, name):
    app = make_app(tmp_path / "data")
    boss = signed_in(app, "boss", "admin")
    response = upload(boss, layer_zip({name: "articles: []\n"}))
    assert response.status_code == 422 and "不是条款库文件" in response.get_data(as_text=True)
    assert not (tmp_path / "evil.yaml").exists() and not (tmp_path / "data" / "evil.yaml").exists()
    assert upload(boss, b"not a zip").status_code == 422
    app.extensions["contractgen.register"].engine.dispose()
