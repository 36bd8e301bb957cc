"""A small hand-built ``Contract`` for renderer tests that must not depend on the composer."""

from __future__ import annotations

import datetime as dt

from contractgen.model import (
    Annex,
    Article,
    Clause,
    Contract,
    Form,
    LibraryInfo,
    Paragraph,
    Party,
    RatingGroup,
    Run,
    Section,
)


def t(text: str) -> Run:
    return Run(text)


def v(text: str, var: str, raw: str | None = None) -> Run:
    return Run(text, kind="value", var=var, raw=raw if raw is not None else text)


def sample_contract(name: str = "上海浦江酒店管理有限公司", draft: bool = False) -> Contract:
    provider = Party(
        role="provider", designation="乙方", label="酒店", kind="organization",
        name=v(name, "provider.name"),
        details=(
            ("统一社会信用代码", v("91310115MA1K4BCD16", "provider.credit_code")),
            ("住所", v("上海市浦东新区世纪大道100号", "provider.address")),
            ("法定代表人", v("王建国", "provider.representative")),
            ("联系电话", v("021-58880000", "provider.phone")),
        ),
    )
    customer = Party(
        role="customer", designation="甲方", label="客人", kind="person",
        name=v("李明", "customer.name"),
        details=(("身份证号码", v("110105199003071239", "customer.id_number")),
                 ("联系电话", v("13800138000", "customer.phone"))),
    )
    blank = Run("＿＿＿＿（评价期限）", kind="blank", var="evaluation_days", raw="评价期限")
    articles = (
        Article("introduction", "第一条", 1, "总则", "1.0.0", "base",
                (Paragraph((t("为明确服务反馈和评价机制，依据"), t("《中华人民共和国民法典》"),
                            t("，双方订立本合同。"))),), ()),
        Article("evaluation", "第二条", 2, "服务评价", "1.0.0", "base", (), (
            Clause("evaluation.methods", "2.1", "评价方式", "1.0.0", "base", (
                Paragraph((t("乙方应根据实际情况选择适当的评价方式，包括但不限于："),)),
                Paragraph((t("在线评价；"),), number="（1）"),
                Paragraph((t("电话评价。"),), number="（2）"),
            )),
            Clause("evaluation.time", "2.2", "评价时间", "1.0.0", "base", (
                Paragraph((t("甲方应在服务完成后"),
                           blank if draft else v("7", "evaluation_days"),
                           t("日内进行评价，详见"), Run("第三条", kind="ref", var="breach"), t("。"))),
            )),
        )),
        Article("breach", "第三条", 3, "违约责任", "1.0.0", "base", (), (
            Clause("breach.provider", "3.1", "", "1.0.0", "base", (
                Paragraph((t("乙方未按照约定提供服务的，应向甲方支付违约金"),
                           v("人民币 12,800.00 元（大写：壹万贰仟捌佰元整）", "penalty", "12800"),
                           t("。"))),
            )),
        )),
    )
    annexes = (
        Annex("hotel-evaluation-form", "附件一", "酒店服务评价表", "1.0.0", "form", (), (),
              Form(("入住日期", "房间号"), ("非常满意", "满意", "一般", "不满意", "非常不满意"),
                   (RatingGroup("清洁度", ("客房整洁", "卫生间清洁")),
                    RatingGroup("服务质量", ("前台服务热情",))),
                   ("意见和建议",), ("评价人（签字）", "日期"))),
        Annex("privacy-policy", "附件二", "隐私保护政策", "1.0.0", "policy",
              (Paragraph((t("本政策依据《中华人民共和国个人信息保护法》制定。"),)),),
              (Section("一、总则", (Paragraph((t("乙方"), v(name, "provider.name"), t("重视个人信息保护。"))),)),)),
    )
    return Contract(
        title="酒店住宿服务反馈和评价合同", industry="hotel", industry_name="酒店服务",
        contract_no="HT-2026-001", sign_date=dt.date(2026, 12, 1), sign_place="上海市浦东新区",
        parties=(customer, provider),
        preamble=(Paragraph((t("根据《中华人民共和国民法典》等法律法规，甲乙双方经友好协商，订立本合同。"),)),),
        articles=articles, annexes=annexes, draft=draft,
        library=LibraryInfo(("builtin",), "2026.11.0", "decimal"),
        values=(("evaluation_days", "" if draft else "7"), ("penalty", "12800")),
        blanks=("evaluation_days",) if draft else (),
    )
