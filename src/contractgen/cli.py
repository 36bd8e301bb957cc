"""The command line: parse arguments, call the library, print, choose the exit code. Nothing else.

Heavy modules (renderers, diff) are imported inside the commands that need them, so
``contractgen --help`` and a DOCX-only build start fast.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import click_messages, signals
from .errors import ContractgenError, InputError, SpecError, UsageError
from .i18n import LANGUAGES, msg, set_language, text, use_language

click_messages.install()  # click's usage errors in the user's language too

if TYPE_CHECKING:
    from .library import Library
    from .model import Contract
    from .spec import Spec


class Exit(enum.IntEnum):
    """Exit codes (the README's table): no command's success or failure shares a code with a bug."""

    OK = 0
    DIFFERENT = 1
    """``diff``: the two differ (as ``diff`` and ``cmp`` say it)."""
    MISSING = 1
    """``doctor``: something required is missing."""
    ROWS_LEFT_OUT = 1
    """``batch --keep-going``: the good rows were built, the wrong ones left out (and named)."""
    TAMPERED = 1
    """``audit verify``: a row of the audit trail was edited or deleted."""
    INPUT = 2
    """Bad input or usage: every problem listed, each with its file and line."""
    INTERNAL = 70
    """A bug in contractgen (``EX_SOFTWARE`` of sysexits.h)."""
    INTERRUPTED = 130
    """Ctrl-C (128 + SIGINT); SIGTERM gives 143 and SIGHUP 129 the same way."""
    BROKEN_PIPE = 141
    """The reader of the output went away (``| head``): 128 + SIGPIPE, as if the pipe had ended us."""


class _Group(click.Group):
    """Turns our errors into one clear message each, and internal errors into a hint."""

    def invoke(self, ctx: click.Context) -> Any:
        # --lang holds for this command only, not for the rest of the process; SIGTERM and SIGHUP
        # stop it like Ctrl-C, so nothing half-written or temporary is left.
        with use_language(None), signals.handled():
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContractgenError as exc:
            lines = [str(p) for p in exc.problems] if isinstance(exc, InputError) else [str(exc)]
            for line in lines:
                click.echo(text("cli.error", message=line), err=True)
            if isinstance(exc, InputError) and len(lines) > 1:
                click.echo(text("cli.problem-count", count=len(lines)), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except signals.Terminated as exc:
            click.echo(text("cli.terminated", signal=exc.name), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(text("cli.interrupted"), err=True)
            ctx.exit(Exit.INTERRUPTED)
        except BrokenPipeError:
            _stdout_to_nowhere()
            ctx.exit(Exit.BROKEN_PIPE)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                click.echo(text("cli.internal-error", kind=type(exc).__name__, detail=str(exc)), err=True)
                click.echo(text("cli.internal-error-hint"), err=True)
            ctx.exit(Exit.INTERNAL)


def _stdout_to_nowhere() -> None:
    """After ``| head`` closed the pipe: later writes (and Python's flush at exit) go nowhere, quietly."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def library_option(func: Callable) -> Callable:
    return click.option("--library", "layers", multiple=True, type=click.Path(path_type=Path),
                        help="A library layer on top of the shipped one (repeatable; later layers win).")(func)


def pdf_options(func: Callable) -> Callable:
    """``--pdf-engine`` and ``--pdf-standard``, for every command that writes PDFs."""
    func = click.option("--pdf-standard", metavar="a-2b|a-3b",
                        help="Write PDF/A for archiving (电子档案): a-2b or a-3b.")(func)
    return click.option("--pdf-engine", metavar="weasyprint|typst",
                        help="Which engine makes the PDFs (default weasyprint; typst is faster, "
                             "pip install 'contractgen[typst]').")(func)



def _library(layers: tuple[Path, ...]):
    from .library import load_library

    return load_library(layers)


def _industry(library, industry: str) -> str:
    if industry not in library.industry:
        from .library import unknown_industry

        raise UsageError(unknown_industry(library, industry))
    return industry


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the traceback of internal errors.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of messages (default: $CONTRACTGEN_LANG, "
              "else the locale: zh* is Chinese, anything else English).")
@click.version_option(package_name="contractgen")
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """Generate Chinese service contracts from a clause library, and diff them for lawyers."""
    ctx.obj = {"debug": debug}
    set_language(lang)


@cli.command()
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
def lint(dirs: tuple[Path, ...]) -> None:
    """Check the shipped library plus the given layers; exit 2 with file:line lines when not clean."""
    from .lint import lint as run_lint

    problems = run_lint(dirs)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(text("lint.count", count=len(problems)), err=True)
        sys.exit(Exit.INPUT)
    click.echo(text("lint.clean"), err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@library_option
def industries(as_json: bool, layers: tuple[Path, ...]) -> None:
    """List the industries."""
    library = _library(layers)
    rows = [{"id": i.id, "name": i.name, "title": i.title, "customer": i.customer_role, "provider": i.provider_role,
             "annexes": list(i.annexes)} for i in library.industries]
    if as_json:
        _echo_json(rows)
    else:
        for row in rows:
            click.echo(f"{row['id']:<12} {row['name']}（{row['customer']}／{row['provider']}）")


@cli.command()
@click.option("--industry", help="Only the clauses an industry's contract may contain.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@library_option
def clauses(industry: str | None, as_json: bool, layers: tuple[Path, ...]) -> None:
    """List articles and clauses: id, title, kind, industries, version."""
    library = _library(layers)
    if industry:
        _industry(library, industry)
    rows = []
    for node in library.node.values():
        if industry and not library.offered(node, industry):
            continue
        owners = list(node.industries) or (
            [node.id.split(".", 1)[0]] if node.kind == "industry" else ["*"])
        row = {"id": node.id, "title": node.title, "kind": node.kind, "industries": owners, "version": node.version}
        if node.group:
            row.update(group=node.group, choice=node.choice, default=node.default)
        rows.append(row)
    if as_json:
        _echo_json(rows)
    else:
        for row in rows:
            click.echo(f"{row['id']:<40} {row['kind']:<12} {row['version']:<8} {row['title']}")


@cli.command("vars")
@click.argument("industry")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@library_option
def vars_(industry: str, as_json: bool, layers: tuple[Path, ...]) -> None:
    """Every variable an industry's contract can take."""
    from .compose import _raw
    from .library import type_name

    library = _library(layers)
    rows = []
    for v in library.variables_for(_industry(library, industry)):
        row: dict[str, Any] = {"name": v.name, "type": v.type, "label": v.label, "description": v.description,
                               "required": v.required, "default": None if v.default is None else _raw(v.default)}
        for key in ("min", "max"):
            if getattr(v, key) is not None:
                row[key] = str(getattr(v, key))
        for key in ("pattern", "pattern_label", "max_length", "format"):
            if getattr(v, key) is not None:
                row[key] = getattr(v, key)
        if v.choices:
            row["choices"] = list(v.choices)
        rows.append(row)
    if as_json:
        _echo_json(rows)
    else:
        for row in rows:
            need = text("cli.vars-required") if row["required"] else text("cli.vars-default", default=row["default"])
            kind = text("cli.vars-type-form", type=type_name(row["type"]), form=row["pattern_label"]) \
                if "pattern_label" in row else str(type_name(row["type"]))
            click.echo(f"{row['name']:<36} {kind:<8} {need:<16} {row['label']}")


@cli.command()
@click.argument("industry")
@click.option("--example", is_flag=True, help="Fill in realistic sample values that build as they are.")
@click.option("--zh", is_flag=True, help="Chinese keys and names throughout (签订日期:, 行业: 酒店服务); builds the same.")
@library_option
def init(industry: str, example: bool, zh: bool, layers: tuple[Path, ...]) -> None:
    """Print a commented starter spec for an industry."""
    from .spec import starter_spec

    library = _library(layers)
    click.echo(starter_spec(library, _industry(library, industry), example=example, zh=zh), nl=False)


def _compose(spec_path: Path, layers: tuple[Path, ...], draft: bool) -> tuple[Spec, Contract]:
    (spec, contract), = _compose_all((spec_path,), layers, draft)
    return spec, contract


def _names_industry(source: str | Path) -> bool:
    """Whether an INDUSTRY|SPEC argument names an industry: no such file, and not written as one."""
    return not Path(source).exists() and Path(source).suffix not in (".yaml", ".yml") and "/" not in str(source)


def _compose_all(spec_paths: Sequence[Path], layers: tuple[Path, ...], draft: bool, blank: bool = False,
                 checked: bool = False, library: Library | None = None) -> list[tuple[Spec, Contract]]:
    """Read and compose every spec (``Spec``, ``Contract``), reporting the problems of all of them at once.

    The library is loaded only once a spec has been read, so a broken spec is reported without
    waiting for it; with one spec, each error is raised as it is. ``blank``: blank model texts, of a
    spec's contract or of an industry's (a path that ``_names_industry``). ``checked``: for output,
    through the legal check (its errors refuse the spec, its warnings are printed). ``library``: one
    loaded already.
    """
    from .compose import compose, industry_spec
    from .legal_check import compose_checked
    from .spec import load_spec

    failures: list[InputError] = []
    specs: list[Spec | str] = []
    for path in spec_paths:
        try:
            specs.append(str(path) if blank and _names_industry(path) else load_spec(path))
        except InputError as exc:
            failures.append(exc)
    built = []
    if specs:
        try:
            library = library or _library(layers)
        except InputError as exc:  # a broken layer: every spec's contract depends on it
            raise _all_problems([*failures, exc]) from None
        for spec in specs:
            try:
                if isinstance(spec, str):
                    spec = industry_spec(_industry(library, spec))
                if checked and not blank:
                    contract, warnings = compose_checked(spec, library, draft=draft)
                    for warning in warnings:
                        click.echo(str(warning), err=True)
                else:
                    contract = compose(spec, library, draft=draft, blank=blank)
                built.append((spec, contract))
            except InputError as exc:
                failures.append(exc)
    if failures:
        raise _all_problems(failures) from None
    return built


def _all_problems(failures: list[InputError]) -> InputError:
    if len(failures) == 1:
        return failures[0]
    return SpecError([p for exc in failures for p in exc.problems])


@cli.command("check")
@click.argument("spec_paths", metavar="SPEC...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--draft", is_flag=True, help="Check even with missing values (every finding a warning).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@library_option
def check_cmd(spec_paths: tuple[Path, ...], draft: bool, as_json: bool, layers: tuple[Path, ...]) -> None:
    """The legal check of each spec's contract: one file:line line per finding; exit 2 on an error."""
    from .legal_check import check, located

    library = _library(layers)
    rows, errors = [], False
    for spec, contract in _compose_all(spec_paths, layers, draft, library=library):
        findings = check(contract, library)
        for finding, problem in zip(findings, located(findings, spec, library), strict=True):
            errors |= finding.severity == "error"
            rows.append({"file": problem.path, "line": problem.line, "field": problem.field, "label": problem.label,
                         "rule": finding.rule, "severity": finding.severity, "message": str(finding.message),
                         "text": str(problem)})
    if as_json:
        _echo_json([{k: v for k, v in row.items() if k != "text"} for row in rows])
    else:
        for row in rows:
            click.echo(row["text"])
        click.echo(text("check.count", errors=sum(r["severity"] == "error" for r in rows),
                        warnings=sum(r["severity"] == "warning" for r in rows)) if rows else text("check.clean"),
                   err=True)
    sys.exit(Exit.INPUT if errors else Exit.OK)


@cli.command("compose")
@click.argument("spec_path", metavar="SPEC", type=click.Path(path_type=Path))
@click.option("--draft", is_flag=True, help="Compose even with missing values (shown as blanks).")
@library_option
def compose_cmd(spec_path: Path, draft: bool, layers: tuple[Path, ...]) -> None:
    """Print the composed contract model as JSON."""
    from .model import to_json

    _, contract = _compose(spec_path, layers, draft)
    click.echo(to_json(contract), nl=False)


@cli.command()
@click.argument("spec_paths", metavar="SPEC...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--format", "fmt", default="docx,pdf", show_default=True,
              help="Comma-separated: docx, pdf, html, md, json.")
@click.option("--draft", is_flag=True, help="Build even with missing values (shown as blanks, marked 草稿).")
@click.option("--blank", is_flag=True,
              help="A model text to fill in by hand (使用说明, □ options, blanks) of an industry or a spec's contract.")
@click.option("--bundle", is_flag=True, help="Also append the annexes to the contract file.")
@click.option("--reference-docx", type=click.Path(path_type=Path), help="Your own DOCX template (styles, letterhead).")
@click.option("--force", is_flag=True, help="Replace an existing, non-empty output folder.")
@click.option("-j", "--jobs", type=int, show_default="one per CPU, at most one per spec",
              help="Processes rendering contracts at once (several specs).")
@pdf_options
@library_option
def build(spec_paths: tuple[Path, ...], out_dir: Path, fmt: str, draft: bool, blank: bool, bundle: bool,
          reference_docx: Path | None, force: bool, jobs: int | None, pdf_engine: str | None,
          pdf_standard: str | None, layers: tuple[Path, ...]) -> None:
    """Build contracts and their annexes into a folder, with manifest.json.

    With several specs, each contract goes into a subfolder named after its spec file
    (a/hotel.yaml → OUT/hotel/), rendered on several processes at once (--jobs). With --blank, each
    argument is an industry or a spec, and the contract a model text to fill in by hand.
    """
    from .build import batch_folders, check_output_folder, default_jobs, parse_formats

    formats = parse_formats(fmt)
    from .render import pdf_settings

    pdf = pdf_settings(formats, pdf_engine, pdf_standard)
    if jobs is not None and jobs < 1:
        raise UsageError(msg("build.jobs-too-few", option="--jobs", jobs=jobs))
    if blank and draft:
        raise UsageError(msg("build.blank-not-draft"))
    subfolders = batch_folders(spec_paths, out_dir)
    keep = (*spec_paths, *layers, *([reference_docx] if reference_docx else []))
    check_output_folder(out_dir, force=force, keep=keep)  # before the work, not after it
    built = _compose_all(spec_paths, layers, draft, blank, checked=True)
    if len(built) == 1:
        _build_one(*built[0], out_dir, formats, bundle, reference_docx, force, keep, pdf)
    else:
        jobs = jobs if jobs is not None else min(len(built), default_jobs())
        _build_many(built, subfolders, out_dir, formats, jobs, bundle, reference_docx, force, keep, pdf)


def _build_one(spec: Spec, contract: Contract, out_dir: Path, formats: Sequence[str], bundle: bool,
               reference_docx: Path | None, force: bool, keep: Sequence[Path], pdf: dict[str, Any]) -> None:
    """One spec: its contract's files straight into ``out_dir``."""
    from .build import manifest, render_outputs, write_outputs

    outputs = render_outputs(contract, formats, bundle=bundle, reference_docx=reference_docx, **pdf)
    write_outputs(out_dir, outputs, manifest(contract, outputs, spec_name=Path(spec.path).name,
                                             spec_sha256=spec.sha256), force=force, keep=keep)
    click.echo(text("cli.built-draft" if contract.draft else "cli.built-blank" if contract.blank else "cli.built",
                    folder=str(out_dir), files=len(outputs), title=contract.title))


def _build_many(built: Sequence[tuple[Spec, Contract]], subfolders: Sequence[str], out_dir: Path,
                formats: Sequence[str], jobs: int, bundle: bool, reference_docx: Path | None, force: bool,
                keep: Sequence[Path], pdf: dict[str, Any]) -> None:
    """Several specs: rendered on ``jobs`` processes, each contract written into its subfolder as it arrives."""
    from .build import manifest, render_many, write_builds

    rendered = render_many([contract for _, contract in built], formats, jobs=jobs, bundle=bundle,
                           reference_docx=reference_docx, **pdf)
    with contextlib.closing(rendered):  # a failed write stops the workers too
        builds = ((subfolder, outputs, manifest(contract, outputs, spec_name=Path(spec.path).name,
                                                spec_sha256=spec.sha256))
                  for (spec, contract), subfolder, outputs in zip(built, subfolders, rendered, strict=True))
        files = write_builds(out_dir, builds, force=force, keep=keep)
    click.echo(text("cli.built-many", folder=str(out_dir), contracts=len(built), files=files))


@cli.command()
@click.argument("sheet_path", metavar="ROWS.xlsx|ROWS.csv", type=click.Path(path_type=Path))
@click.option("--industry", required=True, help="The industry of every row's contract.")
@click.option("--base", "base_path", type=click.Path(path_type=Path),
              help="A spec with what every row shares (the provider, the options); the row's cells win.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--format", "fmt", default="docx,pdf", show_default=True,
              help="Comma-separated: docx, pdf, html, md, json.")
@click.option("--bundle", is_flag=True, help="Also append the annexes to each contract file.")
@click.option("--reference-docx", type=click.Path(path_type=Path), help="Your own DOCX template (styles, letterhead).")
@click.option("--keep-going", is_flag=True,
              help="Render the good rows and report the wrong ones (exit 1 when rows were left out).")
@click.option("--force", is_flag=True, help="Replace an existing, non-empty output folder.")
@click.option("-j", "--jobs", type=int, show_default="one per CPU", help="Processes rendering contracts at once.")
@click.option("--executor", "executor_url", metavar="dask://HOST:PORT",
              help="Render on a running Dask cluster instead of local processes (pip install 'contractgen[dask]').")
@pdf_options
@library_option
def batch(sheet_path: Path, industry: str, base_path: Path | None, out_dir: Path, fmt: str, bundle: bool,
          reference_docx: Path | None, keep_going: bool, force: bool, jobs: int | None, executor_url: str | None,
          pdf_engine: str | None, pdf_standard: str | None, layers: tuple[Path, ...]) -> None:
    """One contract per row of a spreadsheet (XLSX, XLS, ODS or CSV), with OUT/报告.xlsx.

    Columns are spec keys or their Chinese labels (values.term_years or 合同有效期（年）, 甲方名称 ...);
    every row is checked before any is rendered (contractgen batch-template writes a sheet to fill in).
    """
    from .batch.progress import ProgressBar
    from .batch.rows import plan_batch
    from .batch.run import RenderSettings, batch_pool, run_batch
    from .batch.sheet import read_sheet
    from .build import check_output_folder, default_jobs, parse_formats
    from .spec import load_spec

    formats = parse_formats(fmt)
    from .render import pdf_settings

    pdf = pdf_settings(formats, pdf_engine, pdf_standard, load=False)
    if jobs is not None and jobs < 1:
        raise UsageError(msg("build.jobs-too-few", option="--jobs", jobs=jobs))
    if executor_url is not None:
        from .batch.cluster import scheduler_address

        scheduler_address(executor_url)  # a wrong URL is said before the sheet is read
        if reference_docx is not None:  # a path on this machine: the workers may be on others
            raise UsageError(msg("batch.reference-docx-on-cluster"))
    keep = (sheet_path, *([base_path] if base_path else []), *layers, *([reference_docx] if reference_docx else []))
    check_output_folder(out_dir, force=force, keep=keep)  # before the work, not after it
    sheet = read_sheet(sheet_path)
    base = load_spec(base_path) if base_path else None
    library = _library(layers)
    industry = _industry(library, industry)
    jobs = min(jobs or default_jobs(), max(1, len(sheet.rows)))
    bar = None
    settings = RenderSettings(formats, bundle=bundle, reference_docx=reference_docx, **pdf)
    try:
        with contextlib.ExitStack() as stack:
            # One pool of workers holding the library checks the rows, then renders the good ones
            # (a Dask batch checks here and renders on the cluster).
            pool = stack.enter_context(batch_pool(library, jobs)) if executor_url is None and jobs > 1 else None
            plan = plan_batch(sheet, library, industry, base, pool=pool)
            bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
            executor = library_ref = None
            if executor_url is not None and (plan.good and (keep_going or not plan.problems)):
                from .batch.cluster import dask_executor

                executor, library_ref = stack.enter_context(dask_executor(executor_url, library))
            result = run_batch(plan, library, out_dir, settings, jobs=jobs, executor=executor, library_ref=library_ref,
                               pool=pool, keep_going=keep_going, force=force, keep=keep, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    for problem in plan.problems:
        click.echo(text("cli.error", message=str(problem)), err=True)
    click.echo(text("batch.done", folder=str(out_dir), contracts=result.contracts, files=result.files))
    if result.failed:
        click.echo(text("batch.rows-left-out", rows=result.failed, report=str(out_dir / "报告.xlsx")), err=True)
        sys.exit(Exit.ROWS_LEFT_OUT)


@cli.command("batch-template")
@click.argument("industry")
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path), help="The .xlsx file to write.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@library_option
def batch_template(industry: str, out_path: Path, force: bool, layers: tuple[Path, ...]) -> None:
    """Write an empty batch sheet: Chinese headers, a row of keys, drop-down lists and an example row."""
    from .batch.template import template_xlsx
    from .build import write_file

    library = _library(layers)
    data = template_xlsx(library, _industry(library, industry))
    if out_path.exists() and not force:
        raise UsageError(msg("batch.template-exists", path=str(out_path)))
    write_file(out_path, data)
    click.echo(text("batch.template-written", path=str(out_path), industry=library.industry[industry].name))


@cli.command()
@click.argument("source", metavar="INDUSTRY|SPEC")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--format", "fmt", default="docx,pdf", show_default=True, help="Comma-separated formats.")
@click.option("--draft", is_flag=True, help="With a spec: allow missing values.")
@click.option("--force", is_flag=True, help="Replace an existing, non-empty output folder.")
@library_option
def annex(source: str, out_dir: Path, fmt: str, draft: bool, force: bool, layers: tuple[Path, ...]) -> None:
    """Export the annex set alone: blank forms for an industry, or a spec's filled annexes."""
    from .build import check_output_folder, parse_formats, render_outputs, write_outputs
    from .compose import blank_annexes

    formats = parse_formats(fmt)
    keep = (*([Path(source)] if Path(source).is_file() else []), *layers)  # an industry id is no file
    check_output_folder(out_dir, force=force, keep=keep)
    library = _library(layers)
    if source in library.industry:
        contract = blank_annexes(library, source)
    elif _names_industry(source):
        _industry(library, source)  # `annex Hotel` meant an industry, not a file: unknown, with a suggestion
    else:
        _, contract = _compose(Path(source), layers, draft)
    outputs = render_outputs(contract, formats, contract_file=False)
    write_outputs(out_dir, outputs, None, force=force, keep=keep)
    click.echo(text("cli.annexes-written", folder=str(out_dir), files=len(outputs)))


@cli.command()
def doctor() -> None:
    """Report what is installed and what is missing (fonts, subsetter, LibreOffice), and how to fix it."""
    from .doctor import doctor as checks

    missing = 0
    for check in checks():
        mark = "ok " if check.ok else ("!! " if check.required else "-- ")
        click.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok:
            missing += check.required  # LibreOffice and poppler are only for tests and benchmarks
            if check.fix:
                click.echo(text("cli.doctor-fix", fix=check.fix))
    sys.exit(Exit.OK if not missing else Exit.MISSING)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="contractgen")


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "docx", "json"]), default="text",
              show_default=True, help="text (coloured on a terminal), html redline, docx tracked changes, json.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.option("--author", default="contractgen", show_default=True, help="Author of the DOCX revisions.")
@click.option("--git", "git", is_flag=True, help="OLD and NEW are git revisions of the library (working tree untouched).")
@library_option
def diff_cmd(old: str, new: str, fmt: str, output: Path | None, author: str, git: bool,
             layers: tuple[Path, ...]) -> None:
    """Compare two library folders, two specs, or (--git) two revisions: exit 0 same, 1 different."""
    from .diff_inputs import compare
    from .redline import deliver

    changes = compare(old, new, git=git, layers=layers)
    text = deliver(changes, fmt, output, author=author, terminal=sys.stdout.isatty())
    if text is not None:
        click.echo(text, nl=False)
    sys.exit(Exit.OK if changes.same else Exit.DIFFERENT)


@cli.command("compare")
@click.argument("standard")
@click.argument("theirs", metavar="THEIRS.docx", type=click.Path(path_type=Path))
@click.option("--their-changes", "policy", type=click.Choice(["accept", "reject", "show"]), default="show",
              show_default=True, help="Their tracked changes: accept or reject them first, or show them as theirs.")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "docx", "json"]), default="text",
              show_default=True, help="text, html deviation report, docx redline (tracked changes), json.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.option("--author", default="contractgen", show_default=True, help="Author of the DOCX revisions.")
@library_option
def compare_cmd(standard: str, theirs: Path, policy: str, fmt: str, output: Path | None, author: str,
                layers: tuple[Path, ...]) -> None:
    """Compare the other side's DOCX with the standard (a spec, a build folder or its manifest):
    exit 0 no deviation, 1 deviations."""
    from .compare import compare_files
    from .compare.outputs import deliver

    comparison = compare_files(standard, theirs, policy=policy, layers=layers)  # type: ignore[arg-type]
    text = deliver(comparison, fmt, output, author=author, terminal=sys.stdout.isatty())
    if text is not None:
        click.echo(text, nl=False)
    sys.exit(Exit.OK if comparison.same else Exit.DIFFERENT)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless you say so).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--database", help="Database URL (default: SQLite in the data folder; or postgresql+psycopg://…).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder (default: $CONTRACTGEN_DATA_DIR or "
              "~/.local/share/contractgen).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Requests served at once.")
@pdf_options
@library_option
def serve(host: str, port: int, database: str | None, data_dir: Path | None, threads: int,
          pdf_engine: str | None, pdf_standard: str | None, layers: tuple[Path, ...]) -> None:
    """Serve the web application (waitress) until interrupted."""
    from .web.serve import serve as run

    run(host=host, port=port, database=database, data_dir=data_dir, threads=threads, layers=layers,
        pdf_engine=pdf_engine, pdf_standard=pdf_standard)


def register_options(func: Callable) -> Callable:
    """``--database`` and ``--data-dir``, for every command that opens the register."""
    func = click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder (default: "
                        "$CONTRACTGEN_DATA_DIR or ~/.local/share/contractgen).")(func)
    return click.option("--database", help="Database URL (default: SQLite in the data folder; or "
                        "postgresql+psycopg://…).")(func)


def _register(data_dir: Path | None, database: str | None):
    from .register import open_register

    return open_register(data_dir, database)


@cli.group()
def users() -> None:
    """Accounts of the web application (起草人, 审核律师, 管理员)."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["drafter", "reviewer", "admin"]),
              help="drafter 起草人, reviewer 审核律师, admin 管理员.")
@click.option("--team", default="", help="The team whose contracts a drafter also sees.")
@register_options
def users_add(name: str, role: str, team: str, data_dir: Path | None, database: str | None) -> None:
    """Create an account; the password is asked twice on a terminal, else read from standard input."""
    from .register.users import add_user, password_problem

    if sys.stdin.isatty():
        password = click.prompt(text("cli.password"), hide_input=True, confirmation_prompt=text("cli.password-again"))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if problem := password_problem(password, name):  # before opening (and maybe creating) the register
        raise UsageError(problem)
    register = _register(data_dir, database)
    try:
        user = add_user(register, name, role, password, team=team, actor=f"cli:{name}", address="cli")
    finally:
        register.engine.dispose()
    click.echo(text("cli.user-added", name=user.name, role=text(f"web.role.{user.role}")))


@users.command("list")
@register_options
def users_list(data_dir: Path | None, database: str | None) -> None:
    """List the accounts: name, role, team, whether active."""
    from .register.users import list_users

    register = _register(data_dir, database)
    try:
        for user in list_users(register):
            state = "" if user.active else text("cli.user-inactive")
            click.echo(f"{user.name}\t{text(f'web.role.{user.role}')}\t{user.team}\t{state}".rstrip())
    finally:
        register.engine.dispose()


@cli.group("audit")
def audit_group() -> None:
    """The audit trail (审计日志) of the register."""


@audit_group.command("verify")
@register_options
def audit_verify(data_dir: Path | None, database: str | None) -> None:
    """Check the audit trail's hash chain: exit 0 intact, 1 naming the first edited or missing row."""
    from .register.audit import verify

    register = _register(data_dir, database)
    try:
        result = verify(register)
    finally:
        register.engine.dispose()
    if result.broken is None:
        click.echo(text("cli.audit-ok", count=result.count, head=result.head))
        sys.exit(Exit.OK)
    click.echo(text(f"cli.audit-{result.broken.reason}", seq=result.broken.seq), err=True)
    sys.exit(Exit.TAMPERED)
