"""Who may open which page: one rule per endpoint, checked before every view (``security``).

An endpoint without a rule here answers 403 to everyone, so a page added without thinking about who
may use it is closed, not open (and ``tests/test_web_access.py`` fails until it has a rule). Which
contract a user may see among those a page can show is the register's ``Scope`` (a drafter their own
and their team's); these rules say only which roles may use the page at all.
"""

from __future__ import annotations

PUBLIC = frozenset({"public"})
"""No sign-in needed: the sign-in page itself and the static files."""
DRAFTER, REVIEWER, ADMIN = "drafter", "reviewer", "admin"
ANYONE_SIGNED_IN = frozenset({DRAFTER, REVIEWER, ADMIN})
DRAFTING = frozenset({DRAFTER})
READING = frozenset({DRAFTER, REVIEWER})
REVIEWING = frozenset({REVIEWER})
ADMINISTERING = frozenset({ADMIN})
LAYERS = frozenset({REVIEWER, ADMIN})

RULES: dict[str, frozenset[str]] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.login_post": PUBLIC,
    "auth.logout": ANYONE_SIGNED_IN,
    "industries.index": ANYONE_SIGNED_IN,
    "industries.blank": ANYONE_SIGNED_IN,  # a model text to fill in by hand: no one's data in it
    # 填写合同, 草稿, 预览, 生成: the drafter's own work
    "contracts.new": DRAFTING,
    "contracts.create": DRAFTING,
    "contracts.drafts": DRAFTING,
    "contracts.edit": DRAFTING,
    "contracts.update": DRAFTING,
    "contracts.delete": DRAFTING,
    "contracts.preview": DRAFTING,
    "contracts.document": DRAFTING,
    "contracts.generate_draft": DRAFTING,
    "contracts.draft_spec": DRAFTING,
    "contracts.upload": DRAFTING,
    "contracts.money_words": DRAFTING,
    "contracts.check": DRAFTING,
    # 批量生成: a drafter's batch of contracts from a sheet, and its job (only its starter sees it)
    "batch.index": DRAFTING,
    "batch.template": DRAFTING,
    "batch.upload": DRAFTING,
    "batch.check": DRAFTING,
    "batch.start": DRAFTING,
    "batch.job": DRAFTING,
    "batch.report": DRAFTING,
    "batch.download_zip": DRAFTING,
    # 合同台账: drafters see their own and their team's entries, reviewers all
    "register.index": READING,
    "register.entry": READING,
    "register.download": READING,
    "register.download_zip": READING,
    "register.manifest": READING,
    "register.spec": READING,
    "register.new_draft": DRAFTING,
    "register.revise": DRAFTING,
    "register.approve": REVIEWING,
    "register.return_": REVIEWING,
    "register.sign": READING,
    "register.signed_scan": READING,
    # 比较
    "compare.index": READING,
    "compare.start": READING,
    "compare.result": READING,
    "compare.redline_html": READING,
    "compare.redline_docx": READING,
    # 对方修改稿: their Word file against a register entry the user may see
    "theirs.index": READING,
    "theirs.start": READING,
    "theirs.result": READING,
    "theirs.report_html": READING,
    "theirs.report_json": READING,
    "theirs.redline_docx": READING,
    # 管理: accounts and the audit trail
    "admin.users": ADMINISTERING,
    "admin.add_user": ADMINISTERING,
    "admin.change_user": ADMINISTERING,
    "admin.audit": ADMINISTERING,
    "admin.audit_csv": ADMINISTERING,
    # 条款库层: an admin uploads, a reviewer approves what takes effect
    "layers.index": LAYERS,
    "layers.upload": ADMINISTERING,
    "layers.show": LAYERS,
    "layers.redline": LAYERS,
    "layers.approve": REVIEWING,
    "layers.reject": REVIEWING,
}


def allowed(endpoint: str, role: str | None) -> bool | None:
    """Whether ``role`` (``None``: not signed in) may use ``endpoint``; ``None`` when it needs a sign-in first."""
    rule = RULES.get(endpoint)
    if rule is None:
        return False
    if rule is PUBLIC:
        return True
    if role is None:
        return None
    return role in rule
