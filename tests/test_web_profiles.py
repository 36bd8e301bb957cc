"""The form shows each contract profile (consumer: the customer a person; business) what it takes.

The rows, choices and clauses only some profiles take carry ``data-profiles`` for app.js to hide and
disable; the server posts and judges by the customer's type whatever the browser did (test_web_browser
drives the page itself).
"""

from __future__ import annotations

import re

import pytest

from contractgen.web.forms import layout
from tests.web_helpers import LIBRARY, example, form_post, signed_in

ORGANIZATION = {"type": "organization", "name": "上海浦东会展服务有限公司", "credit_code": "91310115MA1K4BCD16",
                "address": "上海市浦东新区世纪大道100号", "representative": "陈立", "contact": "周敏",
                "phone": "021-50001234"}


@pytest.fixture
def client(app):
    return signed_in(app)


def row(text: str, field_id: str) -> str:
    """The opening tag of the form row holding the field ``field_id``."""
    rows = re.findall(r'<div class="field[^"]*"[^>]*>(?:(?!<div class="field).)*?id="' + field_id + '"', text, re.S)
    assert rows, field_id
    return re.match(r"<div[^>]*>", rows[-1]).group(0)


def test_hotel_form_marks_the_consumer_only_rows_and_the_court_a_consumer_may_not_choose(client):
    text = client.get("/industries/hotel/new").get_data(as_text=True)
    assert 'data-profiles="consumer"' in row(text, "values-removal_objection_days")
    assert 'data-profiles="consumer"' in row(text, "values-removal_review_days")
    assert "data-profiles" not in row(text, "values-term_years")  # every contract takes it
    court = re.search(r'<select[^>]*id="values-court".*?</select>', text, re.S).group(0)
    options = {value: attrs for attrs, value in re.findall(r'<option([^>]*)value="([^"]*)"', court)}
    assert 'data-profiles="business"' in options["乙方住所地"]  # void against a consumer
    assert 'data-profiles="business"' in options["合同签订地"]
    assert "data-profiles" not in options["甲方住所地"] + options["合同履行地"] + options[""]
    assert "data-profiles" not in row(text, "customer-type")


@pytest.mark.parametrize("industry", [i.id for i in LIBRARY.industries])
def test_the_layout_names_exactly_the_variables_some_profile_does_not_take(industry):
    every = {v.name for v in LIBRARY.variables_for(industry)}
    plan = layout(LIBRARY, industry)
    for profile in ("consumer", "business"):
        takes = {v.name for v in LIBRARY.variables_for(industry, profile)}
        shown = {n for n in every if n not in plan.profiles or profile in plan.profiles[n]}
        assert shown == takes, profile


def test_an_organization_customer_previews_without_the_fields_the_browser_hid(client):
    """The hidden rows are disabled, so not posted: the draft saves, the preview composes."""
    spec = example()
    spec["parties"]["customer"] = ORGANIZATION
    data = form_post(spec, "preview")
    for name in ("removal_objection_days", "removal_review_days"):
        del data[f"values-{name}"]
    data["values-court"] = "乙方住所地"
    response = client.post("/industries/hotel/new", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview"), \
        response.get_data(as_text=True)
    document = client.get(response.headers["Location"].replace("/preview", "/document")).get_data(as_text=True)
    assert "上海浦东会展服务有限公司" in document and "乙方住所地有管辖权的人民法院" in re.sub(r"<[^>]+>", "", document)
    assert "评价删除异议" not in document and "日内提出异议" not in document


def test_an_organization_customer_posting_consumer_only_values_is_not_refused(client):
    """Without JavaScript the page posts every row: the consumer-only values are left out, not an error."""
    spec = example()
    spec["parties"]["customer"] = ORGANIZATION
    response = client.post("/industries/hotel/new", data=form_post(spec, "preview"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")


def test_without_javascript_a_person_choosing_the_providers_court_is_told_at_the_field(client):
    data = form_post(example(), "preview")
    data["values-court"] = "乙方住所地"
    response = client.post("/industries/hotel/new", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="error-values-court"[^>]*>(.*?)</p>', text).group(1)
    assert "甲方住所地" in error and "合同履行地" in error
