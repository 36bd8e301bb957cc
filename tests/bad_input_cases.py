"""The table of bad (and awkward) inputs: what each one is, how it is run, and what the user must see.

One source for two consumers: ``tests/test_bad_input.py`` runs every case through the real command
line and checks the exit code and the exact messages, and ``scripts/bad_input_doc.py`` runs the same
cases to write ``docs/bad-input.md``, so the documented messages are the ones the program prints.

Each case runs in an empty temporary folder that becomes the current folder, with relative file
names, so messages read ``spec.yaml:4: …`` wherever the tests run.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import signal
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from click.testing import CliRunner

from contractgen import yamlio
from contractgen.cli import cli
from contractgen.render.docx import REFERENCE_DOCX
from contractgen.spec import MAX_SPEC_BYTES

# --- inputs --------------------------------------------------------------------------------------

SPEC = """\
industry: hotel
sign_date: 2026-12-01
parties:
  customer:
    name: 李明
    phone: "13800138000"
  provider:
    name: 上海浦江酒店管理有限公司
    credit_code: 91310106MA1FL7TX0N
    address: 上海市静安区南京西路1266号
    representative: 王建国
values:
  term_years: 3
  penalty_amount: 10000
  service_items: 标准双床房住宿服务（1间）
  price: 880
  privacy_contact_email: privacy@pujiang-hotel.cn
"""
"""A small spec that builds; the cases break one thing in it (line numbers below refer to it)."""

BUILD = ("build", "spec.yaml", "-o", "out", "--format", "docx")
WITH_LAYER = (*BUILD, "--library", "company")
BUILT = "out: 3 files (酒店住宿服务反馈和评价合同)"
"""What a successful ``BUILD`` prints (the contract and the hotel's two annexes, as DOCX)."""

LAYER_HEADER = ("industry: {id: demo, name: 演示, title: 演示合同, roles: {customer: 客户, provider: 服务方}, "
                "annexes: []}\n")
LAYER_FILE = "company/clauses/house.yaml"
LAYER = """\
articles:
  - id: house-rules
    kind: base
    title: 本公司特别约定
    version: 1.0.0
    order: 45
    clauses:
      - id: house-rules.one
        text: 乙方应当在{{ term_years }}年内保存评价记录。
"""
"""A company layer that adds one article; line 9 is the clause text."""


def spec(*replacements: tuple[str, str], append: str = "") -> bytes:
    """``SPEC`` with each ``(old, new)`` replaced (each ``old`` must occur), plus ``append``."""
    text = SPEC
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return (text + append).encode("utf-8")


def layer(*replacements: tuple[str, str], append: str = "") -> bytes:
    text = LAYER
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return (text + append).encode("utf-8")


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
) + "\n"
"""Nine levels of nine aliases each: 9⁹ ≈ 387 million strings once expanded, 600 bytes on disk."""

MERGE_BOMB = "\n".join(
    ["k0: &k0 {a0: 1, a1: 1, a2: 1, a3: 1, a4: 1, a5: 1, a6: 1, a7: 1, a8: 1, a9: 1}"]
    + [f"k{i}: &k{i} {{{', '.join(f'b{j}: {{<<: *k{i - 1}}}' for j in range(10))}}}" for i in range(1, 9)]
) + "\n"
"""The same with merge keys (``<<: *anchor``), which copy a mapping into another."""


def reference_docx(part: str, old: str, new: str) -> bytes:
    """The shipped reference DOCX with ``old`` replaced by ``new`` in one of its parts (a firm's edit)."""
    out = io.BytesIO()
    with zipfile.ZipFile(REFERENCE_DOCX) as shipped, zipfile.ZipFile(out, "w") as edited:
        for name in shipped.namelist():
            data = shipped.read(name)
            if name == part:
                assert old.encode() in data, (part, old)
                data = data.replace(old.encode(), new.encode(), 1)
            edited.writestr(name, data)
    return out.getvalue()


PWN = "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}"
"""A template tag that would run a shell command (``touch pwned``) were the template's Jinja evaluated."""


def _nested(depth: int) -> bytes:
    return ("values: " + "[" * depth + "]" * depth + "\n").encode()


# --- simulated failures (things a test cannot make happen for real, as root, on a roomy disk) -----

def _fail_on_call(method: str, n: int, exc: BaseException) -> contextlib.AbstractContextManager:
    """``Path.<method>`` raises ``exc`` on its ``n``-th call and works on every other."""
    real = getattr(Path, method)
    calls = []

    def wrapper(self: Path, *args: object, **kwargs: object) -> object:
        calls.append(self)
        if len(calls) == n:
            raise exc
        return real(self, *args, **kwargs)

    return mock.patch.object(Path, method, wrapper)


def disk_full() -> contextlib.AbstractContextManager:
    """The second file of the build does not fit on the disk."""
    return _fail_on_call("write_bytes", 2, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def interrupt_while_writing() -> contextlib.AbstractContextManager:
    """Ctrl-C arrives while the second file is being written."""
    return _fail_on_call("write_bytes", 2, KeyboardInterrupt())


def no_permission_to_create() -> contextlib.AbstractContextManager:
    """The folder the output goes in is read-only (chmod does not stop root, so simulate it)."""
    return mock.patch("tempfile.mkdtemp", side_effect=PermissionError(errno.EACCES, os.strerror(errno.EACCES)))


def no_permission_to_rename() -> contextlib.AbstractContextManager:
    """Everything is written and the old folder moved aside, then moving the new one in is refused
    (the second rename), so the old folder has to be moved back."""
    return _fail_on_call("rename", 2, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))


def signal_while_writing(signum: int) -> Callable[[], contextlib.AbstractContextManager]:
    """The process receives ``signum`` while the second file is being written (as from ``kill``)."""
    def patch() -> contextlib.AbstractContextManager:
        real, calls = Path.write_bytes, []

        def write_bytes(self: Path, data: bytes) -> int:
            calls.append(self)
            if len(calls) == 2:
                os.kill(os.getpid(), signum)
            return real(self, data)

        return mock.patch.object(Path, "write_bytes", write_bytes)
    return patch


def pipe_closed() -> contextlib.AbstractContextManager:
    """Printing fails as it does when the reader of a pipe has exited."""
    return mock.patch("click.echo", side_effect=BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)))


def renderer_raises(exc: BaseException) -> Callable[[], contextlib.AbstractContextManager]:
    """The DOCX renderer fails (after the PDF/HTML of the same build were rendered)."""
    def patch() -> contextlib.AbstractContextManager:
        return mock.patch("contractgen.render.docx.render_docx", side_effect=exc)
    return patch


PREVIOUS_BUILD = {
    "out/contract.docx": b"the previous build's contract",
    "out/annexes/privacy-policy.docx": b"the previous build's annex",
    "out/manifest.json": b'{"previous": true}\n',
}
"""An output folder from an earlier build, which a failed build must leave exactly as it was."""


# --- the cases -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One input tried, and what the user must see."""

    id: str
    input: str
    """What was tried, in words (the doc's first column)."""
    files: Mapping[str, bytes]
    args: tuple[str, ...]
    exit_code: int
    expect: tuple[str, ...]
    """Lines the user must see, exactly (error messages on stderr, the result line on stdout)."""
    shows: str = ""
    """The offending bit of the input, for the doc."""
    patch: Callable[[], contextlib.AbstractContextManager] | None = None
    """A simulated failure, active while the command runs."""
    excerpt: bool = False
    """The output varies by machine (a traceback): the doc shows only the ``expect`` lines."""
    group: str = "Specs"
    links: Mapping[str, str] = field(default_factory=dict)
    """Symbolic links made in the work folder: name → target."""
    fifos: tuple[str, ...] = ()
    """Named pipes made in the work folder (nothing ever writes to them)."""


def _spec_case(id: str, input: str, data: bytes, exit_code: int, expect: tuple[str, ...], shows: str = "",
               **kw) -> Case:
    return Case(id, input, {"spec.yaml": data}, BUILD, exit_code, expect, shows, **kw)


LAYER_GROUP = "Library files (a company layer: `--library company`)"


def _layer_case(id: str, input: str, data: bytes, exit_code: int, expect: tuple[str, ...], shows: str = "",
                name: str = LAYER_FILE, **kw) -> Case:
    return Case(id, input, {"spec.yaml": spec(), name: data}, WITH_LAYER, exit_code, expect, shows,
                group=LAYER_GROUP, **kw)


OUTPUT_GROUP = "Output folder, several specs, failures half way, exit codes"


def _output_case(id: str, input: str, exit_code: int, expect: tuple[str, ...], args: tuple[str, ...] = BUILD,
                 files: Mapping[str, bytes] | None = None, **kw) -> Case:
    return Case(id, input, {"spec.yaml": spec(), **PREVIOUS_BUILD, **(files or {})}, args, exit_code, expect,
                group=OUTPUT_GROUP, **kw)


BATCH = {"a.yaml": spec(), "b.yaml": spec(("name: 李明", "name: 王芳")), "c.yaml": spec(("name: 李明", "name: 张伟"))}
"""Three specs that build, for ``contractgen build a.yaml b.yaml c.yaml -o out``."""


def _batch_case(id: str, input: str, specs: tuple[str, ...], exit_code: int, expect: tuple[str, ...],
                *options: str, files: Mapping[str, bytes] | None = None) -> Case:
    """Several specs built at once into ``out``, which holds a previous build (hence ``--force``)."""
    args = ("build", *specs, "-o", "out", "--format", "docx", "--force", *options)
    return Case(id, input, {**PREVIOUS_BUILD, **BATCH, **(files or {})}, args, exit_code, expect, group=OUTPUT_GROUP)


DRAFT = b"industry: hotel\nparties:\n  customer: {name: \xe6\x9d\x8e\xe6\x98\x8e, phone: '13800138000'}\n" \
        b"values:\n  term_years: 3\n"
"""A draft spec: no 签订日期, no 乙方 yet."""
FILES_GROUP = "Files handed in: a firm's Word template, devices, pipes"
COMPARE_GROUP = "Their Word file (`contractgen compare`)"
_OFFICE_RELS = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'officeDocument" Target="word/document.xml"/></Relationships>')


def _zip(members: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


def _file_case(id: str, input: str, files: Mapping[str, bytes], exit_code: int, expect: tuple[str, ...],
               *options: str, shows: str = "", **kw) -> Case:
    """``BUILD`` of the valid spec with ``options`` (``--reference-docx firm.docx`` …)."""
    return Case(id, input, {"spec.yaml": spec(), **files}, (*BUILD, *options), exit_code, expect, shows,
                group=FILES_GROUP, **kw)


BATCH_GROUP = "Batch sheets (`contractgen batch ROWS -o out --industry hotel`)"
ROWS_HEADER = ("签订日期,甲方姓名,甲方联系电话,乙方名称,乙方统一社会信用代码,乙方住所,乙方法定代表人,服务项目,服务价款（元）,"
               "合同有效期（年）,违约金（元）,个人信息保护联系邮箱\n")
ROW = ("2026-12-01,李明,13800138000,上海浦江酒店管理有限公司,91310106MA1FL7TX0N,上海市静安区南京西路1266号,王建国,"
       "标准双床房住宿服务（1间）,880,3,10000,privacy@pujiang-hotel.cn\n")


def rows_csv(*replacements: tuple[str, str], header: str = ROWS_HEADER, count: int = 3) -> bytes:
    """A CSV of ``count`` good rows (each its own customer), then each replacement applied once to the text."""
    text = header + "".join(ROW.replace("李明", name) for name in ("李明", "王芳", "张伟", "赵丽")[:count])
    for old, new in replacements:
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


def _sheet_case(id: str, input: str, files: Mapping[str, bytes], exit_code: int, expect: tuple[str, ...],
                *options: str, sheet: str = "rows.csv", shows: str = "") -> Case:
    args = ("batch", sheet, "--industry", "hotel", "-o", "out", "--format", "docx", *options)
    return Case(id, input, files, args, exit_code, expect, shows, group=BATCH_GROUP)


COUNTERPARTS = ("第16.3条 says 三 counterparts and 两 for each party: the parties would hold 四, more than there are; "
                "hold fewer each or make more counterparts [counterparts]")
"""The legal check's finding on ``一式三份，双方各执两份`` (the article as the contract numbers it)."""

RESERVED_SPEC = spec(('phone: "13800138000"', 'phone: "13800138000"\n    email: li@example.org'))
RESERVED = ("the parties block (甲方) has \"li@example.org\" at the reserved example domain 'example.org', which "
            "reaches nobody; give a real address [placeholder]")

GBK = "industry: hotel\nsign_place: 上海市浦东新区\n".encode("gbk")

CASES: tuple[Case, ...] = (
    _spec_case("valid", "A valid spec (for comparison)", spec(), 0, (BUILT,)),
    _spec_case("legal-counterparts", "The legal check: more counterparts held than made (一式三份，双方各执两份)",
               spec(append="  counterparts: 3\n  counterparts_each: 2\n"), 2,
               ("error: spec.yaml:19: values.counterparts_each: " + COUNTERPARTS,), "counterparts_each: 2"),
    _spec_case("legal-reserved-domain", "The legal check: an e-mail address at a reserved example domain",
               RESERVED_SPEC, 2, ("error: spec.yaml:7: parties.customer.email: " + RESERVED,),
               "email: li@example.org"),
    _spec_case("legal-placeholder", "The legal check: a placeholder default left in (the privacy contact e-mail)",
               spec(("  privacy_contact_email: privacy@pujiang-hotel.cn\n", "")), 2,
               ("error: spec.yaml:12: values.privacy_contact_email: 附件二《隐私保护政策》“十二、联系方式与投诉” would "
                "print the sample default \"privacy@example.com\" of '个人信息保护联系邮箱'; give the real value in the "
                "spec [placeholder]",)),
    Case("legal-check", "`contractgen check`: the findings alone, file by file", {"spec.yaml": RESERVED_SPEC},
         ("check", "spec.yaml"), 2, ("spec.yaml:7: parties.customer.email: " + RESERVED,
                                     "legal check: 1 error(s), 0 warning(s)")),
    Case("legal-draft", "A draft build: the legal check's findings are warnings", {"spec.yaml": RESERVED_SPEC},
         (*BUILD, "--draft"), 0, ("spec.yaml:7: parties.customer.email: warning: " + RESERVED,)),
    _spec_case("yaml-syntax", "Malformed YAML: an unclosed bracket", spec(("term_years: 3", "term_years: [3")), 2,
               ("error: spec.yaml:14:17: YAML syntax error: expected ',' or ']', but got ':'",),
               "term_years: [3"),
    _spec_case("yaml-indent", "Malformed YAML: a key indented with a tab", spec(("  term_years", "\tterm_years")), 2,
               ("error: spec.yaml:13:1: YAML syntax error: found character '\\t' that cannot start any token",),
               "→term_years: 3"),
    _spec_case("yaml-colon", "Malformed YAML: a value with `: ` inside, unquoted",
               spec(("name: 李明", "name: 李明: 客人")), 2,
               ("error: spec.yaml:5:13: YAML syntax error: mapping values are not allowed here",),
               "name: 李明: 客人"),
    _spec_case("duplicate-key", "A key given twice", spec(append="  term_years: 5\n"), 2,
               ("error: spec.yaml:18: term_years: duplicate key (first given on line 13)",), "term_years: 5"),
    _spec_case("wrong-types", "Values of the wrong type, all reported at once",
               spec(("term_years: 3", 'term_years: "three"'), ("name: 李明", "name: [李, 明]"),
                    ("penalty_amount: 10000", "penalty_amount: yes"), append="include: anonymous-evaluation\n"), 2,
               ("error: spec.yaml:5: parties.customer.name: must be text, got ['李', '明']",
                'error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got "three"',
                'error: spec.yaml:14: values.penalty_amount: must be an amount of money from 0 to 100000000, got "yes"',
                "error: spec.yaml:18: include: must be a list of ids"),
               'term_years: "three"'),
    _spec_case("not-a-mapping", "A list where the spec should be a mapping", b"- industry: hotel\n", 2,
               ("error: spec.yaml:1: a spec must be a mapping of keys (industry:, parties:, values: …)",)),
    _spec_case("unknown-key", "Unknown top-level key (typo)", spec(("values:", "value:")), 2,
               ("error: spec.yaml:12: value: unknown key (did you mean 'values'?)",
                "error: spec.yaml:1: values.price: missing required value (服务价款（元）: 本合同服务价款的总额，"
                "文中写作“人民币（大写）……元（¥……）”。)"), "value:"),
    _spec_case("unknown-industry", "Unknown industry", spec(("industry: hotel", "industry: hotle")), 2,
               ("error: spec.yaml:1: industry: unknown industry 'hotle' (did you mean 'hotel'?); one of: car-rental, "
                "catering, education, fitness, hotel, software, telecom",), "industry: hotle"),
    _spec_case("unknown-clause", "Unknown optional clause", spec(append="include: [anonymous-evaluaton]\n"), 2,
               ("error: spec.yaml:18: include: unknown optional clause 'anonymous-evaluaton' "
                "(did you mean 'anonymous-evaluation'?)",), "include: [anonymous-evaluaton]"),
    _spec_case("unknown-annex", "Unknown annex", spec(append="annexes: [privacy-polcy]\n"), 2,
               ("error: spec.yaml:18: annexes: unknown annex 'privacy-polcy' (did you mean 'privacy-policy'?)",),
               "annexes: [privacy-polcy]"),
    _spec_case("unknown-variable", "Unknown variable", spec(("term_years: 3", "termyears: 3")), 2,
               ("error: spec.yaml:13: values.termyears: unknown variable (did you mean 'term_years'?)",),
               "termyears: 3"),
    _spec_case("replaced-variable", "A variable merged into another (one period, one value in the contract and "
               "its annexes)", spec(("term_years: 3", "term_years: 3\n  hotel_breach_notice_hours: 12")), 2,
               ("error: spec.yaml:14: values.hotel_breach_notice_hours: this value was merged into "
                "'incident_notice_hours' (个人信息安全事件通知时限（小时）): one period has one value in the contract "
                "and its annexes; give that one instead (its unit may differ: check the value)",),
               "hotel_breach_notice_hours: 12"),
    _spec_case("missing-values", "Missing required values, all listed at once",
               b"industry: hotel\nchoose: {dispute: arbitration}\nparties:\n  customer: {name: \xe6\x9d\x8e\xe6\x98\x8e}\n",
               2,
               ("error: spec.yaml:1: sign_date: is required (a date like 2026-12-01), or build with --draft",
                "error: spec.yaml:1: values.arbitration_commission: missing required value (仲裁机构名称: 选择仲裁时"
                "受理争议的仲裁机构的全称，须为仲裁机构登记册中的机构。)",
                "error: spec.yaml:1: values.price: missing required value (服务价款（元）: 本合同服务价款的总额，"
                "文中写作“人民币（大写）……元（¥……）”。)",
                "error: spec.yaml:1: values.service_items: missing required value (服务项目: 乙方向甲方提供的服务的"
                "名称、数量和规格，文中写作“乙方向甲方提供下列服务：……”。)",
                "error: spec.yaml:4: parties.customer: a person needs an id_number or a phone",
                "error: spec.yaml:4: parties.provider: is missing",
                "6 problems found"),
               "industry: hotel (and little else)"),
    _spec_case("out-of-range", "Numbers out of range", spec(("term_years: 3", "term_years: 31"),
                                                          ("penalty_amount: 10000", "penalty_amount: -5")), 2,
               ("error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got 31",
                "error: spec.yaml:14: values.penalty_amount: must be an amount of money from 0 to 100000000, got -5"),
               "term_years: 31"),
    _spec_case("impossible-date", "Impossible date", spec(("2026-12-01", "2026-02-30")), 2,
               ("error: spec.yaml:2: sign_date: must be a real date like 2026-12-01, got '2026-02-30'",),
               "sign_date: 2026-02-30"),
    _spec_case("yaml11-octal", "A number with a leading zero (YAML 1.1 reads `031` as octal 25)",
               spec(("term_years: 3", "term_years: 031")), 2,
               ("error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got 031",), "term_years: 031"),
    _spec_case("yaml11-base60", "A number written like a time (YAML 1.1 reads `12:30` as 750, base 60)",
               spec(("term_years: 3", "term_years: 12:30")), 2,
               ('error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got "12:30"',), "term_years: 12:30"),
    _spec_case("yaml11-hex", "A hexadecimal number (YAML 1.1 reads `0x10` as 16)",
               spec(("term_years: 3", "term_years: 0x10")), 2,
               ('error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got "0x10"',), "term_years: 0x10"),
    Case("yaml11-leading-zeros", "Leading zeros: a contract number keeps them, an amount is read as decimal",
         {"spec.yaml": spec(("penalty_amount: 10000", "penalty_amount: 050000"), append="contract_no: 00123\n")},
         ("compose", "spec.yaml"), 0, ('  "contract_no": "00123",', '                  "raw": "50000"'),
         "contract_no: 00123, penalty_amount: 050000", excerpt=True),
    _spec_case("yaml11-yes", "`yes` in a text field (YAML 1.1 reads it as true)", spec(append="sign_place: yes\n"), 0,
               (BUILT,), "sign_place: yes"),
    _spec_case("huge-number", "A number of 5,000 digits (was an internal error)",
               spec(("penalty_amount: 10000", "penalty_amount: " + "9" * 5000)), 2,
               ('error: spec.yaml:14: values.penalty_amount: must be an amount of money from 0 to 100000000, got "'
                + "9" * 30 + '…"',), "penalty_amount: 999…(5,000 digits)"),
    _spec_case("party-type", "An unknown kind of party: one message, not a guess about its fields on top",
               spec(("    name: 李明", "    type: company\n    name: 李明")), 2,
               ("error: spec.yaml:5: parties.customer.type: must be person or organization, got 'company'",),
               "type: company"),
    _spec_case("date-quoted", "A date in quotes, as `init` leaves room for", spec(("2026-12-01", '"2026-12-01"')), 0,
               (BUILT,), 'sign_date: "2026-12-01"'),
    _spec_case("date-chinese", "A date written the Chinese way", spec(("2026-12-01", "2026年12月1日")), 0, (BUILT,),
               "sign_date: 2026年12月1日"),
    _spec_case("date-slash", "A date with slashes", spec(("2026-12-01", "2026/12/01")), 0, (BUILT,),
               "sign_date: 2026/12/01"),
    _spec_case("date-dots", "A date with dots", spec(("2026-12-01", "2026.12.01")), 0, (BUILT,), "sign_date: 2026.12.01"),
    _spec_case("date-time", "A date with a time of day", spec(("2026-12-01", "2026-12-01 10:00")), 2,
               ('error: spec.yaml:2: sign_date: a date is wanted, without a time of day: write it like 2026-12-01, '
                'got "2026-12-01 10:00"',), "sign_date: 2026-12-01 10:00"),
    _spec_case("credit-code", "Invalid 统一社会信用代码 (wrong check character)",
               spec(("91310106MA1FL7TX0N", "91310106MA1FL7TX0X")), 2,
               ("error: spec.yaml:9: parties.provider.credit_code: 统一社会信用代码 '91310106MA1FL7TX0X' is invalid: "
                "check character should be 'N', got 'X'",), "credit_code: 91310106MA1FL7TX0X"),
    _spec_case("id-number", "Invalid 身份证号码", spec(('phone: "13800138000"', "id_number: 110105199003071238")), 2,
               ("error: spec.yaml:6: parties.customer.id_number: 身份证号码 '110105199003071238' is invalid: "
                "check character should be '9', got '8'",), "id_number: 110105199003071238"),
    _spec_case("only-control-characters", "A name of nothing but control characters (escaped)",
               spec(("name: 李明", 'name: "\\x01\\t"')), 2,
               ("error: spec.yaml:5: parties.customer.name: is required for a person",), 'name: "\\x01\\t"'),
    _spec_case("gbk", "Not UTF-8: the file saved as GBK", GBK, 2,
               ("error: spec.yaml:2: file is not UTF-8 text; save it as UTF-8 (without GBK or other encodings)",)),
    _spec_case("bom", "UTF-8 with a byte-order mark (Windows Notepad)", b"\xef\xbb\xbf" + spec(), 0, (BUILT,)),
    _spec_case("bom-line", "UTF-8 with a byte-order mark, and a bad value: the line is still right",
               b"\xef\xbb\xbf" + spec(("term_years: 3", "term_years: 31")), 2,
               ("error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got 31",)),
    _spec_case("crlf", "Windows line endings (CRLF)", spec().replace(b"\n", b"\r\n"), 0, (BUILT,)),
    _spec_case("crlf-line", "Windows line endings, and a bad value: the line is still right",
               spec(("term_years: 3", "term_years: 31")).replace(b"\n", b"\r\n"), 2,
               ("error: spec.yaml:13: values.term_years: must be an integer from 1 to 30, got 31",)),
    _spec_case("empty", "Empty file", b"", 2, ("error: spec.yaml: file is empty",)),
    _spec_case("comments-only", "A file of nothing but comments", b"# industry: hotel\n\n", 2,
               ("error: spec.yaml: file is empty",)),
    _spec_case("too-large", f"A file over the size limit of a spec ({MAX_SPEC_BYTES:,} bytes)",
               spec(append="# " + "x" * MAX_SPEC_BYTES + "\n"), 2,
               (f"error: spec.yaml: file is too large ({len(spec()) + MAX_SPEC_BYTES + 3:,} bytes; "
                f"the limit is {MAX_SPEC_BYTES:,})",)),
    _spec_case("too-long", "A party name of 1,000 characters (a name takes 200; the PDF of a 100,000-character "
               "one took 21 s)", spec(("name: 上海浦江酒店管理有限公司", "name: " + "浦" * 1000)), 2,
               ("error: spec.yaml:8: parties.provider.name: must be at most 200 characters, got 1000",),
               "name: 浦浦浦…"),
    _spec_case("zero-width", "A name made only of zero-width characters (U+200B, U+2060)",
               spec(("name: 李明", 'name: "\\u200b\\u2060"')), 2,
               ("error: spec.yaml:5: parties.customer.name: character 1 is the invisible format character U+200B "
                "(ZERO WIDTH SPACE), which prints as nothing or reverses the text after it; delete it",),
               'name: "\\u200b\\u2060"'),
    _spec_case("bidi-override", "A name with a right-to-left override (U+202E): the PDF would show another name",
               spec(("name: 上海浦江酒店管理有限公司", "name: 上海浦江\u202e司公限有理管店酒")), 2,
               ("error: spec.yaml:8: parties.provider.name: character 5 is the invisible format character U+202E "
                "(RIGHT-TO-LEFT OVERRIDE), which prints as nothing or reverses the text after it; delete it",),
               "name: 上海浦江\\u202e司公限有理管店酒 (U+202E written out here)"),
    _spec_case("bidi-value", "A right-to-left mark in a contract number", spec(append='contract_no: "HT-\\u200f001"\n'), 2,
               ("error: spec.yaml:18: contract_no: character 4 is the invisible format character U+200F "
                "(RIGHT-TO-LEFT MARK), which prints as nothing or reverses the text after it; delete it",),
               'contract_no: "HT-\\u200f001"'),
    _spec_case("billion-laughs", "YAML bomb: anchors and aliases (billion laughs)", BILLION_LAUGHS.encode(), 2,
               ("error: spec.yaml:1: anchors and aliases expand to too large a document",),
               "b: &b [*a, *a, *a, …]"),
    _spec_case("merge-bomb", "YAML bomb: merge keys", MERGE_BOMB.encode(), 2,
               ("error: spec.yaml:1: anchors and aliases expand to too large a document",), "b0: {<<: *k0}"),
    _spec_case("deep", "Brackets nested 5,000 deep", _nested(5000), 2, ("error: spec.yaml: YAML is nested too deeply",)),
    _spec_case("control-character", "A control character pasted into the file (U+000B, from Word)",
               spec(("name: 李明", "name: 李\x0b明")), 2,
               ("error: spec.yaml:5:12: invisible control character U+000B, which YAML does not allow; delete it "
                "(pasted text often carries one) or, inside double quotes, write it as an escape like \\t",)),
    _spec_case("surrogate", "Half a surrogate pair, written as an escape", spec(("name: 李明", 'name: "李\\ud800明"')), 2,
               ("error: spec.yaml:5: \\ud800 is half of a UTF-16 surrogate pair, not a character; "
                "write the character itself",), 'name: "李\\ud800明"'),
    _spec_case("python-tag", "A YAML tag that would run code", spec(("name: 李明", "name: !!python/object/apply:os.system [ls]")),
               2, ("error: spec.yaml:5:11: YAML tag not allowed: could not determine a constructor for the tag "
                   "'tag:yaml.org,2002:python/object/apply:os.system'",), "name: !!python/object/apply:os.system [ls]"),
    _spec_case("template-value", "Values with `{{ … }}` and `{% … %}`: printed literally, never run",
               spec(("name: 上海浦江酒店管理有限公司", 'name: "{{ 7*7 }}{% if true %}X{% endif %}公司"')), 0,
               (BUILT,), 'name: "{{ 7*7 }}{% if true %}X{% endif %}公司"'),
    _spec_case("html-value", "Values with HTML and CSS: printed as text, nothing fetched",
               spec(append='sign_place: <img src="file:///etc/passwd"><link href="http://example.com/x.css">'
                           "url(http://example.com/y)\n"),
               0, (BUILT,), 'sign_place: <img src="file:///etc/passwd">…'),
    _spec_case("path-value", "A contract number with `../` and `/`", spec(append="contract_no: ../../etc/passwd\n"), 0,
               (BUILT,), "contract_no: ../../etc/passwd"),
    _spec_case("annex-path", "An annex id with `../`", spec(append="annexes: [../../evil]\n"), 2,
               ("error: spec.yaml:18: annexes: unknown annex '../../evil'",), "annexes: [../../evil]"),
    Case("spec-missing", "The spec file does not exist", {}, BUILD, 2, ("error: spec.yaml: file not found",)),
    Case("spec-folder", "The spec is a folder", {"spec.yaml/x": b""}, BUILD, 2,
         ("error: spec.yaml: is a folder, not a spec file",)),

    _layer_case("layer-ok", "A valid layer (for comparison)", layer(), 0, (BUILT,)),
    _layer_case("layer-yaml-syntax", "Malformed YAML", layer(("title: 本公司特别约定", "title: [本公司特别约定")), 2,
                ("error: company/clauses/house.yaml:5:12: YAML syntax error: expected ',' or ']', but got ':'",),
                "title: [本公司特别约定"),
    _layer_case("layer-duplicate-key", "A key given twice", layer(append="        text: 又一次。\n"), 2,
                ("error: company/clauses/house.yaml:10: text: duplicate key (first given on line 9)",)),
    _layer_case("layer-wrong-types", "Values of the wrong type",
                layer(("order: 45", "order: first"), ("version: 1.0.0", "version: [1, 0]")), 2,
                ("error: company/clauses/house.yaml:5: articles[0].version: must be text, got a list",
                 "error: company/clauses/house.yaml:6: articles[0].order: must be an integer, got 'first'"),
                "order: first"),
    _layer_case("layer-unknown-ids", "Unknown variable, clause and industry ids",
                layer(("{{ term_years }}", "{{ term_year }}，详见{{ ref('evaluation.method') }}"),
                      ("kind: base", "kind: base\n    industries: [hotle]")), 2,
                ("error: company/clauses/house.yaml:9: clause 'house-rules.one' refers to missing clause "
                 "'evaluation.method' (did you mean 'evaluation.methods'?)",
                 "error: company/clauses/house.yaml:9: clause 'house-rules.one' uses undeclared variable 'term_year' "
                 "(did you mean 'term_years'?)",
                 "error: company/clauses/house.yaml:2: industries: unknown industry 'hotle' (did you mean 'hotel'?)"),
                "{{ term_year }}"),
    _layer_case("layer-template-syntax", "A template syntax error", layer(("{{ term_years }}", "{{ term_years }")), 2,
                ("error: company/clauses/house.yaml:9: articles[0].clauses[0].text: template syntax error: "
                 "unexpected '}'",), "{{ term_years }"),
    _layer_case("layer-sandbox", "A template reaching into Python (`''.__class__`): refused by the sandbox",
                layer(("{{ term_years }}", "{{ ''.__class__.__mro__ }}")), 2,
                ("error: company/clauses/house.yaml:8: clause 'house-rules.one': template cannot be rendered: "
                 "access to attribute '__class__' of 'str' object is unsafe.",), "{{ ''.__class__.__mro__ }}"),
    _layer_case("layer-misused-value", "A template doing sums with a value", layer(("{{ term_years }}", "{{ term_years + 1 }}")),
                2, ("error: company/clauses/house.yaml:8: clause 'house-rules.one': template cannot be rendered: "
                    'can only concatenate str (not "int") to str',), "{{ term_years + 1 }}"),
    _layer_case("layer-huge-output", "A template asking for a billion characters (took 58 s and 5.9 GB)",
                layer(("{{ term_years }}", "{{ 'x' * 1000000000 }}")), 2,
                ("error: company/clauses/house.yaml:8: clause 'house-rules.one': template cannot be rendered: "
                 "it asks for a size of 1,000,000,000 (at most 20,000)",), "{{ 'x' * 1000000000 }}"),
    _layer_case("layer-endless-loop", "Nested loops over long texts (hung the build)",
                layer(("{{ term_years }}", "{% for a in 'x' * 10000 %}{% for b in 'x' * 10000 %}{% endfor %}"
                                           "{% endfor %}")), 2,
                ("error: company/clauses/house.yaml:8: clause 'house-rules.one': template cannot be rendered: "
                 "its loops run more than 10,000 times",), "{% for a in 'x' * 10000 %}{% for b in … %}"),
    _layer_case("layer-long-output", "A template writing more than a clause can hold",
                layer(("{{ term_years }}", "{% for a in 'x' * 5000 %}{{ customer_role * 5 }}{% endfor %}")), 2,
                ("error: company/clauses/house.yaml:8: clause 'house-rules.one': template cannot be rendered: "
                 "it writes more than 20,000 characters",), "{% for a in 'x' * 5000 %}{{ customer_role * 5 }}…"),
    Case("layer-lint-first", "`lint` renders every template, so it finds what `build` would refuse",
         {"company/clauses/house.yaml": layer(("{{ term_years }}", "{{ term_years|nosuch }}"))},
         ("lint", "company"), 2,
         ("company/clauses/house.yaml:8: clause 'house-rules.one': template cannot be rendered: No filter named "
          "'nosuch'.", "problems found: 1"), "{{ term_years|nosuch }}", group=LAYER_GROUP),
    Case("layer-format-character", "`lint` of library text with a right-to-left override (U+202E)",
         {"company/clauses/house.yaml": layer(("乙方应当", "乙方\u202e应当"))}, ("lint", "company"), 2,
         ("company/clauses/house.yaml:9: invisible format character U+202E (RIGHT-TO-LEFT OVERRIDE), which prints as "
          "nothing or reverses the text after it; delete it", "problems found: 1"), "乙方\\u202e应当", group=LAYER_GROUP),
    _layer_case("layer-html", "Library text with HTML and CSS: printed as text",
                layer(("乙方应当", "<script>alert(1)</script><img src='file:///etc/passwd'>url(http://example.com/x)")),
                0, (BUILT,), "<script>…</script><img src='file:///etc/passwd'>"),
    _layer_case("layer-bad-id", "An annex id with `../`",
                ("annex:\n  id: ../../evil\n  title: 附件\n  version: 1.0.0\n  kind: policy\n"
                 "  sections: [{heading: 一, paragraphs: [文字。]}]\n").encode(), 2,
                ("error: company/attachments/evil.yaml:2: annex.id: '../../evil' is not a valid id (lowercase "
                 "letters, digits, '.' and '-')",
                 "error: company/attachments/evil.yaml:2: annex.id: must match the file name ('evil')"),
                "id: ../../evil", name="company/attachments/evil.yaml"),
    _layer_case("layer-gbk", "Not UTF-8: the file saved as GBK", LAYER.encode("gbk"), 2,
                ("error: company/clauses/house.yaml:4: file is not UTF-8 text; save it as UTF-8 (without GBK or "
                 "other encodings)",)),
    _layer_case("layer-bom", "UTF-8 with a byte-order mark", b"\xef\xbb\xbf" + layer(), 0, (BUILT,)),
    _layer_case("layer-crlf", "Windows line endings (CRLF)", layer().replace(b"\n", b"\r\n"), 0, (BUILT,)),
    _layer_case("layer-crlf-line", "Windows line endings, and an error: the line is still right",
                layer(("order: 45", "order: first")).replace(b"\n", b"\r\n"), 2,
                ("error: company/clauses/house.yaml:6: articles[0].order: must be an integer, got 'first'",)),
    _layer_case("layer-empty", "Empty file", b"", 2, ("error: company/clauses/house.yaml: file is empty",)),
    _layer_case("layer-too-large", "A file over the size limit",
                layer(append="# " + "x" * yamlio.MAX_FILE_BYTES + "\n"), 2,
                (f"error: company/clauses/house.yaml: file is too large ({len(layer()) + yamlio.MAX_FILE_BYTES + 3:,} "
                 f"bytes; the limit is {yamlio.MAX_FILE_BYTES:,})",)),
    _layer_case("layer-billion-laughs", "YAML bomb (billion laughs)", BILLION_LAUGHS.encode(), 2,
                ("error: company/clauses/house.yaml:1: anchors and aliases expand to too large a document",)),
    Case("layer-missing", "The layer folder does not exist", {"spec.yaml": spec()}, WITH_LAYER, 2,
         ("error: company: library folder not found",), group=LAYER_GROUP),

    _output_case("existing-output", "The output folder exists and is not empty (no `--force`)", 2,
                 ("error: out: output folder exists and is not empty; use --force to replace it",)),
    _output_case("force", "The same with `--force`: the folder is replaced", 0, (BUILT,), args=(*BUILD, "--force")),
    _output_case("output-is-cwd", "`-o .` with `--force`: would delete the spec", 2,
                 ("error: .: the output folder is replaced as a whole and holds the current folder; choose a folder "
                  "of its own for the output",), args=("build", "spec.yaml", "-o", ".", "--force")),
    _output_case("output-holds-spec", "An output folder holding the spec, with `--force`", 2,
                 ("error: out: the output folder is replaced as a whole and holds out/spec.yaml; choose a folder "
                  "of its own for the output",),
                 args=("build", "out/spec.yaml", "-o", "out", "--force"), files={"out/spec.yaml": spec()}),
    _output_case("output-is-file", "The output folder is a file", 2, ("error: spec.yaml: exists and is not a folder",),
                 args=("build", "spec.yaml", "-o", "spec.yaml")),
    _output_case("late-failure", "A bad input found late (a broken `--reference-docx`, after the HTML was rendered)",
                 2, ("error: reference DOCX bad.docx is not a DOCX file (not a zip package)",),
                 args=(*BUILD[:-1], "html,docx", "--force", "--reference-docx", "bad.docx"),
                 files={"bad.docx": b"not a docx"}),
    _output_case("disk-full", "The disk fills up while writing (simulated)", 2,
                 ("error: out: cannot write the output: No space left on device; the output folder was left as it was",),
                 args=(*BUILD, "--force"), patch=disk_full),
    _output_case("no-permission", "No permission to create files beside the output folder (simulated)", 2,
                 ("error: out: cannot create the output folder: Permission denied",),
                 args=(*BUILD, "--force"), patch=no_permission_to_create),
    _output_case("no-permission-rename", "No permission to put the new folder in place (simulated)", 2,
                 ("error: out: cannot write the output: Permission denied; the output folder was left as it was",),
                 args=(*BUILD, "--force"), patch=no_permission_to_rename),
    _output_case("interrupt-render", "Ctrl-C while rendering (simulated)", 130, ("interrupted; nothing was written",),
                 args=(*BUILD, "--force"), patch=renderer_raises(KeyboardInterrupt())),
    _output_case("interrupt-write", "Ctrl-C while writing (simulated)", 130, ("interrupted; nothing was written",),
                 args=(*BUILD, "--force"), patch=interrupt_while_writing),
    _output_case("terminate-write", "SIGTERM while writing (`kill`, a service manager; simulated by the process "
                 "signalling itself)", 143, ("stopped by SIGTERM; nothing was written",),
                 args=(*BUILD, "--force"), patch=signal_while_writing(signal.SIGTERM)),
    _output_case("hangup-write", "SIGHUP while writing (the terminal or SSH session closed)", 129,
                 ("stopped by SIGHUP; nothing was written",), args=(*BUILD, "--force"),
                 patch=signal_while_writing(signal.SIGHUP)),
    _output_case("broken-pipe", "The output's reader goes away (`contractgen clauses | head`; simulated)", 141, (),
                 args=("clauses",), patch=pipe_closed),
    _output_case("internal-error", "A bug in contractgen (simulated: the renderer raises)", 70,
                 ("contractgen: internal error: RuntimeError: boom",
                  "This is a bug in contractgen. Rerun with --debug to see the traceback."),
                 args=(*BUILD, "--force"), patch=renderer_raises(RuntimeError("boom"))),
    _output_case("internal-error-debug", "The same with `--debug`: the traceback", 70,
                 ("Traceback (most recent call last):", "RuntimeError: boom"),
                 args=("--debug", *BUILD, "--force"), patch=renderer_raises(RuntimeError("boom")), excerpt=True),
    _output_case("unknown-format", "Unknown output format", 2,
                 ("error: unknown format 'docs'; available: docx, pdf, html, md, json",),
                 args=(*BUILD[:-1], "docs", "--force")),
    _output_case("unknown-option", "Unknown option", 2,
                 ("Error: No such option '--forse'. (Did you mean one of: '--force', '--format', '--jobs'?)",),
                 args=(*BUILD, "--forse")),
    _output_case("missing-argument", "Missing output folder", 2, ("Error: Missing option '-o' / '--output'.",),
                 args=("build", "spec.yaml")),
    _output_case("blank-and-draft", "A blank model text asked for as a draft (`build --blank --draft`)", 2,
                 ("error: --blank and --draft cannot be used together: a model text is not the draft of one contract.",),
                 args=("build", "--blank", "--draft", "hotel", "-o", "out", "--force")),
    _output_case("blank-unknown-industry", "A blank model text of an industry spelled wrong (`build --blank Hotel`)", 2,
                 ("error: unknown industry 'Hotel' (did you mean 'hotel'?); one of: car-rental, catering, education, "
                  "fitness, hotel, software, telecom",),
                 args=("build", "--blank", "Hotel", "-o", "out", "--force", "--format", "docx")),
    _batch_case("batch", "Several specs (for comparison): each contract in `out/<spec name>/`",
                ("a.yaml", "b.yaml", "c.yaml"), 0, ("out: 3 contracts, 9 files",)),
    _batch_case("batch-bad-spec", "Several specs, one of them bad: nothing is built", ("a.yaml", "bad.yaml", "b.yaml",
                "c.yaml"), 2, ("error: bad.yaml:13: values.term_years: must be an integer from 1 to 30, got 31",),
                files={"bad.yaml": spec(("term_years: 3", "term_years: 31"))}),
    _batch_case("batch-same-name", "Two specs of the same file name (their folders would clash)",
                ("a.yaml", "other/a.yaml"), 2,
                ("error: a.yaml and other/a.yaml would both be built into out/a; rename one of them",),
                files={"other/a.yaml": spec()}),
    _batch_case("batch-same-spec", "The same spec twice", ("a.yaml", "b.yaml", "a.yaml"), 2,
                ("error: a.yaml is given twice; give each spec once",)),
    _batch_case("batch-jobs-0", "No processes to build with", ("a.yaml", "b.yaml"), 2,
                ("error: --jobs must be at least 1, got 0",), "--jobs", "0"),

    _file_case("reference-docx-libreoffice", "A firm's template saved by LibreOffice (its own name for the core "
               "properties; the output had two `docProps/core.xml`)",
               {"firm.docx": reference_docx("_rels/.rels", "package/2006/relationships/metadata",
                                            "officedocument/2006/relationships/metadata")}, 0, (BUILT,),
               "--reference-docx", "firm.docx"),
    _file_case("reference-docx", "A firm's own template (a copy of the shipped one, for comparison)",
               {"firm.docx": reference_docx("word/header1.xml", "合同编号：", "本公司合同编号：")}, 0, (BUILT,),
               "--reference-docx", "firm.docx"),
    _file_case("reference-docx-code", "A template whose header would run a shell command",
               {"firm.docx": reference_docx("word/header1.xml", "{{ contract_no }}", PWN)}, 2,
               ("error: reference DOCX firm.docx: word/header1.xml: {{ cycler.__init__.__globals__.os.popen('touch "
                "pwned').read(… is not a tag a template may use; only {{ title }}, {{ contract_no }}, "
                "{{ sign_place }}, {{ sign_date }}, {{ industry_name }} and {% if draft %}…{% else %}…{% endif %}",),
               "--reference-docx", "firm.docx", shows=PWN),
    _file_case("reference-docx-loop", "A template whose body loops a billion times",
               {"firm.docx": reference_docx("word/document.xml", "{{ title }}",
                                            "{% for i in range(10**9) %}{{ title }}{% endfor %}")}, 2,
               ("error: reference DOCX firm.docx: word/document.xml: {% for i in range(10**9) %} is not a tag a "
                "template may use; only {{ title }}, {{ contract_no }}, {{ sign_place }}, {{ sign_date }}, "
                "{{ industry_name }} and {% if draft %}…{% else %}…{% endif %}",),
               "--reference-docx", "firm.docx", shows="{% for i in range(10**9) %}"),
    _file_case("reference-docx-footer", "A template whose footer reads a variable of its own",
               {"firm.docx": reference_docx("word/footer1.xml", "</w:p>", "<w:r><w:t>{{ config }}</w:t></w:r></w:p>")},
               2, ("error: reference DOCX firm.docx: word/footer1.xml: {{ config }} is not a tag a template may use; "
                   "only {{ title }}, {{ contract_no }}, {{ sign_place }}, {{ sign_date }}, {{ industry_name }} and "
                   "{% if draft %}…{% else %}…{% endif %}",),
               "--reference-docx", "firm.docx", shows="{{ config }}"),
    _file_case("reference-docx-syntax", "A template with a broken tag",
               {"firm.docx": reference_docx("word/header1.xml", "{% endif %}", "{% endif")}, 2,
               ("error: reference DOCX firm.docx: word/header1.xml: cannot read the tags in “{% if draft %}草稿：本文本尚未"
                "定稿，不得作为正式合同签署{% endif合同编号：{{ contract_…”; a tag opens with {{ or {% and "
                "closes with }} or %}",), "--reference-docx", "firm.docx", shows="{% endif"),
    Case("diff-drafts", "`diff` of two drafts (no 签订日期 yet): compared as they are",
         {"a.yaml": DRAFT, "b.yaml": DRAFT.replace(b"term_years: 3", b"term_years: 5")}, ("diff", "a.yaml", "b.yaml"),
         1, ("  value term_years: 3 → 5", "1 modified, 1 values; 2 revisions (1 insertions, 1 deletions)"),
         excerpt=True, group=FILES_GROUP),
    Case("diff-both-bad", "`diff` of two bad specs: the problems of both",
         {"a.yaml": spec(("term_years: 3", "term_years: 31")), "b.yaml": spec(("term_years: 3", "term_years: 0"))},
         ("diff", "a.yaml", "b.yaml"), 2,
         ("error: a.yaml:13: values.term_years: must be an integer from 1 to 30, got 31",
          "error: b.yaml:13: values.term_years: must be an integer from 1 to 30, got 0"), group=FILES_GROUP),
    Case("diff-device", "`diff` of a spec and `/dev/null`", {"spec.yaml": spec()}, ("diff", "spec.yaml", "/dev/null"),
         2, ("error: /dev/null: is not a regular file (a device, a pipe or a socket); give a saved file",),
         group=FILES_GROUP),
    Case("annex-blank", "The blank annex forms of an industry (no 草稿 mark: blank forms are not drafts)", {},
         ("annex", "hotel", "-o", "out", "--format", "md"), 0, ("out: 2 files",), group=FILES_GROUP),
    Case("annex-unknown", "`annex` of an industry misspelt", {}, ("annex", "Hotel", "-o", "out"), 2,
         ("error: unknown industry 'Hotel' (did you mean 'hotel'?); one of: car-rental, catering, education, fitness, "
          "hotel, software, telecom",), group=FILES_GROUP),
    Case("spec-device", "The spec is a device that never ends (`/dev/zero`)", {}, ("build", "/dev/zero", "-o", "out"),
         2, ("error: /dev/zero: is not a regular file (a device, a pipe or a socket); give a saved file",),
         group=FILES_GROUP),
    Case("spec-fifo", "The spec is a named pipe nothing writes to", {}, ("build", "pipe.yaml", "-o", "out"), 2,
         ("error: pipe.yaml: is not a regular file (a device, a pipe or a socket); give a saved file",),
         group=FILES_GROUP, fifos=("pipe.yaml",)),
    _file_case("reference-docx-device", "The reference DOCX is `/dev/zero`", {}, 2,
               ("error: reference DOCX /dev/zero: is not a regular file (a device, a pipe or a socket); give a "
                "saved file",), "--reference-docx", "/dev/zero"),
    _file_case("layer-device", "A layer file that is a link to `/dev/urandom`", {}, 2,
               ("error: company/clauses/house.yaml: is not a regular file (a device, a pipe or a socket); give a "
                "saved file",), "--library", "company", links={LAYER_FILE: "/dev/urandom"}),
    *(Case(f"compare-{id}", input, {"spec.yaml": spec(), "theirs.docx": data}, ("compare", "spec.yaml", "theirs.docx"),
           2, (f"error: theirs.docx: {message}",), group=COMPARE_GROUP) for id, input, data, message in (
        ("not-docx", "Their “DOCX” is a PDF renamed", b"%PDF-1.7\n", "not a Word document (DOCX): not a zip package"),
        ("old-doc", "Their file is an old Word document (.doc) renamed, or a password-protected DOCX",
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
         "this is an old Word document (.doc) or a password-protected one; remove the password and save it as "
         ".docx in Word, then compare again"),
        ("bomb", "Their DOCX holds an entry that packs 8 MB into a few KB (a zip bomb)",
         _zip({"word/document.xml": bytes(8 << 20)}),
         "word/document.xml in the package unpacks too large; not read, for safety"),
        ("broken-xml", "Their DOCX's main part is not XML", _zip({
            "[Content_Types].xml": b"<Types/>", "_rels/.rels": _OFFICE_RELS, "word/document.xml": b"<w:document"}),
         "the Word document is damaged: word/document.xml is not valid XML"),
    )),
    _sheet_case("batch-wrong-rows", "Rows with a wrong ID number and a date in words: nothing is written",
                {"rows.csv": rows_csv(("2026-12-01,王芳", "三月一日,王芳"), ("13800138000,上海浦江酒店管理有限公司,"
                                                                          "91310106MA1FL7TX0N,上海市静安区南京西路1266号,王建国",
                                                                          "13800138000,上海浦江酒店管理有限公司,"
                                                                          "91310106MA1FL7TX0M,上海市静安区南京西路1266号,王建国"))},
                2, ('error: rows.csv row 2, "乙方统一社会信用代码": 统一社会信用代码 \'91310106MA1FL7TX0M\' is invalid: '
                    "check character should be 'N', got 'M'",
                    "error: rows.csv row 3, \"签订日期\": must be a real date like 2026-12-01, got '三月一日'"),
                shows="三月一日,王芳,…"),
    _sheet_case("batch-keep-going", "The same rows with `--keep-going`: the good rows are built, the report names the wrong ones",
                {"rows.csv": rows_csv(("2026-12-01,王芳", "三月一日,王芳"))}, 1,
                ("error: rows.csv row 3, \"签订日期\": must be a real date like 2026-12-01, got '三月一日'",
                 "1 rows are wrong and were left out; out/报告.xlsx says why, row by row"), "--keep-going"),
    _sheet_case("batch-unknown-column", "A column heading that is no field", {"rows.csv": rows_csv(("甲方姓名", "甲方名字"))},
                2, ("error: rows.csv:1: column B: '甲方名字' is no field of this industry's contract (did you mean "
                    "'甲方姓名'?); contractgen batch-template writes a sheet with every column",), shows="甲方名字"),
    _sheet_case("batch-column-twice", "Two columns for one field (by label and by key)",
                {"rows.csv": rows_csv(("违约金（元）", "违约金（元）,values.term_years"), ("10000,", "10000,3,"))}, 2,
                ("error: rows.csv:1: column L: 'values.term_years' is the same field as '合同有效期（年）' before it; "
                 "keep one of them",)),
    _sheet_case("batch-csv-encoding", "A CSV file in neither UTF-8 nor GB18030", {"rows.csv": rows_csv() + b"\x80\xff\n"},
                2, ("error: rows.csv: cannot tell the CSV file's encoding: it is neither UTF-8 nor GB18030; save it as "
                    '"CSV UTF-8" and try again',)),
    _sheet_case("batch-gb18030", "A CSV file saved by Excel in China (GB18030): read as it is",
                {"rows.csv": rows_csv().decode("utf-8").encode("gb18030")}, 0,
                ("out: 3 contracts, 13 files; the report is 报告.xlsx",)),
    _sheet_case("batch-not-a-workbook", "A file named .xlsx that is no workbook", {"rows.xlsx": b"not a workbook"}, 2,
                ("error: rows.xlsx: cannot read the sheet: the file is damaged or no workbook; open it in Excel or WPS and "
                 "save it as .xlsx, then try again",), sheet="rows.xlsx"),
    _sheet_case("batch-csv-quote", "A CSV file with an unpaired quote", {"rows.csv": rows_csv(("李明", '"李明'))}, 2,
                ("error: rows.csv: the CSV is malformed (an unpaired quote?); open it in Excel or WPS and save it as "
                 '.xlsx or "CSV UTF-8", then try again',)),
    _sheet_case("batch-kind-unknown", "A sheet of a kind no batch reads", {"rows.pdf": b"%PDF-1.7"}, 2,
                ("error: rows.pdf: not a sheet this reads ('.pdf'); one of: .xlsx, .xlsm, .xls, .xlsb, .ods, .csv",),
                sheet="rows.pdf"),
    _sheet_case("batch-empty", "An empty sheet", {"rows.csv": b""}, 2,
                ("error: rows.csv: the sheet is empty: its first row must head the columns (Chinese names or keys), "
                 "one contract a row below it",)),
)


# --- running a case ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    before: dict[str, str] = field(default_factory=dict)
    """Every file of the work folder (path → sha256) before the command ran, and after it."""
    after: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """What the user sees: the error output, or the normal output when there is none; both when a
        command reports on its output and sums up on the error output (``lint``)."""
        if self.stderr.strip() and self.stdout.strip() and self.exit_code == 2:
            return self.stdout + self.stderr
        return self.stderr if self.stderr.strip() else self.stdout


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under ``root``: relative path → sha256 of its bytes (``/`` for a folder,
    the target for a link)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            found[os.path.relpath(os.path.join(dirpath, name), root) + "/"] = "/"
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                found[os.path.relpath(path, root)] = "-> " + os.readlink(path)
            elif not stat.S_ISREG(os.lstat(path).st_mode):
                found[os.path.relpath(path, root)] = "(not a file)"  # a pipe: reading it would hang
            else:
                with open(path, "rb") as fh:
                    found[os.path.relpath(path, root)] = hashlib.sha256(fh.read()).hexdigest()
    return found


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run_case(case: Case, work: Path | None = None) -> Result:
    """Run ``case`` in ``work`` (a fresh temporary folder when ``None``) and collect what it printed."""
    if work is None:
        with tempfile.TemporaryDirectory() as tmp:
            return run_case(case, Path(tmp))
    for name, data in case.files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, target in case.links.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).symlink_to(target)
    for name in case.fifos:
        os.mkfifo(work / name)
    before = tree(work)
    with _inside(work), (case.patch() if case.patch else contextlib.nullcontext()):
        start = time.perf_counter()
        result = CliRunner().invoke(cli, list(case.args), prog_name="contractgen", catch_exceptions=True)
        seconds = time.perf_counter() - start
    return Result(result.exit_code, result.stdout, result.stderr, seconds, before, tree(work))


# --- the doc -------------------------------------------------------------------------------------

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"
REGENERATE = ".venv/bin/python scripts/bad_input_doc.py"

DOC_HEAD = f"""\
# Bad input: what the user sees

Every input below was tried by `tests/test_bad_input.py`; the messages are copied from what the
command printed (this file is generated by `{REGENERATE}` from the cases in
`tests/bad_input_cases.py`, and a test fails when it is out of date).

Exit codes: **0** success, **1** the two differ (`diff` only), something required is missing
(`doctor` only) or wrong rows were left out (`batch --keep-going` only), **2** bad input or usage
(every problem listed, each as `file:line: field: message`),
**70** an internal error (a bug; rerun with `--debug` for the traceback), **130** interrupted (Ctrl-C),
**143** and **129** stopped by SIGTERM and SIGHUP, **141** the output's reader went away. A failed
build never changes the output folder: everything is written to a temporary folder beside it and
renamed into place at the end.

The spec used is a small valid hotel spec (`spec.yaml`, 16 lines) with one thing broken; library
cases add a company layer (`company/clauses/house.yaml`). Commands are run as
`contractgen {' '.join(BUILD)}` unless shown otherwise.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str) -> str:
    text = text.replace("\t", "→")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return _cell(f"{fence}{pad}{text}{pad}{fence}")


def shown_lines(case: Case, result: Result) -> list[str]:
    """The lines the doc shows for a case: everything printed, or only the expected lines."""
    if case.excerpt:
        return [*case.expect[:1], "…", *case.expect[1:]]
    return [line for line in result.shown.splitlines() if line.strip()]


def doc_row(case: Case, result: Result) -> str:
    """The doc's table row for one case, from what it printed."""
    what = case.input + (f"<br>{_code(case.shows)}" if case.shows else "")
    command = "" if case.args == BUILD else _code("contractgen " + " ".join(case.args))
    seen = "<br>".join(_code(line) if line != "…" else "…" for line in shown_lines(case, result))
    return f"| {_cell(what)} | {command} | {result.exit_code} | {seen} |"


def doc_groups() -> list[str]:
    return list(dict.fromkeys(c.group for c in CASES))


def render_doc(results: Mapping[str, Result]) -> str:
    """The whole of ``docs/bad-input.md`` from the results of every case."""
    parts = [DOC_HEAD]
    for group in doc_groups():
        parts.append(f"\n## {group}\n\n| Input | Command | Exit | What the user sees |\n|---|---|---|---|\n")
        parts += [doc_row(c, results[c.id]) + "\n" for c in CASES if c.group == group]
    return "".join(parts)

