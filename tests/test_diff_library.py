"""``contractgen diff`` on libraries and specs: the change list of each kind of edit, nothing for
identical inputs, the exit codes, and git revisions read without touching the working tree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.diff import diff_contracts, diff_libraries, library_doc
from contractgen.diff_inputs import compare
from contractgen.library import builtin_library_dir

from .test_diff_helpers import MUTATIONS, edit_yaml, library, library_copy, library_folder

INDUSTRIES = ("car-rental", "catering", "education", "fitness", "hotel", "software", "telecom")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def changes_of(name: str):
    return diff_libraries(library("original"), library(name))


def listed(changes) -> list[tuple[str, str, str]]:
    return [(c.kind, c.unit, c.id) for c in changes.changes]


def number(name: str, ident: str) -> str:
    """The number an article or clause has in a library (as the diff prints it)."""
    for unit in library_doc(library(name), name).units:
        for node in (unit, *unit.children):
            if node.key == ident:
                return node.number
    raise KeyError(ident)


FEEDBACK = ("feedback.provider-duties", "feedback.reply", "feedback.customer-duties")


# --- each kind of edit, with its change list ----------------------------------------------------------

def test_insert_a_clause_renumbers_the_following_ones_without_changing_them():
    changes = changes_of("insert")
    assert listed(changes) == [("added", "clause", "feedback.record")]
    added = changes.changes[0]
    assert (added.new_number, added.title) == (number("original", FEEDBACK[0]), "反馈记录")
    assert "保存不少于三年" in added.new_text
    assert [(r.id, r.old_number, r.new_number) for r in changes.renumbered] == [
        (ident, number("original", ident), number("insert", ident)) for ident in FEEDBACK]
    assert all(r.old_number != r.new_number for r in changes.renumbered)
    assert changes.summary.renumbered == 3
    assert changes.summary.modified == 0


def test_delete_a_clause():
    changes = changes_of("delete")
    assert listed(changes) == [("removed", "clause", "feedback.reply")]
    assert changes.changes[0].old_number == number("original", "feedback.reply")
    assert "作出答复" in changes.changes[0].old_text
    assert [(r.id, r.old_number, r.new_number) for r in changes.renumbered] == [
        ("feedback.customer-duties", number("original", FEEDBACK[2]), number("original", FEEDBACK[1]))]


def test_reword_a_clause_is_one_insertion():
    changes = changes_of("reword")
    assert listed(changes) == [("modified", "clause", "feedback.reply")]
    assert [(e.deleted, e.inserted) for e in changes.changes[0].edits] == [("", "书面")]
    assert changes.summary.revisions == 1


def test_swap_two_clauses_is_one_move():
    changes = changes_of("swap")
    assert listed(changes) == [("moved", "clause", "feedback.reply")]
    moved = changes.changes[0]
    assert (moved.old_number, moved.new_number, moved.edits) == (
        number("original", FEEDBACK[1]), number("original", FEEDBACK[2]), ())
    # Shown as Word shows a move: deleted where it was, inserted where it is.
    assert {b.moved for b in changes.blocks if b.change == moved.index} == {"from", "to"}


def test_move_a_clause_to_another_article():
    changes = changes_of("move-across")
    assert listed(changes) == [("moved", "clause", "feedback.reply")]
    articles = library("move-across").articles
    position = [a.id for a in articles].index("confidentiality") + 1
    clauses = articles[position - 1].clauses
    assert (changes.changes[0].old_number, changes.changes[0].new_number) == (
        number("original", "feedback.reply"), f"{position}.{len(clauses)}")


def test_move_an_article_keeps_its_clauses_unchanged():
    changes = changes_of("move-article")
    assert listed(changes) == [("moved", "article", "feedback")]
    assert (changes.changes[0].old_number, changes.changes[0].new_number) == (
        number("original", "feedback"), number("move-article", "feedback"))
    renumbered = {r.id: (r.old_number, r.new_number) for r in changes.renumbered}
    # Its clauses follow it, unchanged; the articles it jumped over move up, unchanged.
    assert renumbered["feedback.reply"] == (number("original", "feedback.reply"), number("move-article", "feedback.reply"))
    assert renumbered["evaluation"] == (number("original", "evaluation"), number("original", "feedback"))
    assert changes.summary.modified == 0


def test_metadata_changes_are_listed():
    assert [(c.kind, c.id, [(m.field, m.old, m.new) for m in c.meta]) for c in changes_of("version").changes] == [
        ("metadata", "feedback.reply", [("version", library("original").node["feedback.reply"].version, "1.1.0")])]
    assert [(c.kind, c.id, [(m.field, m.old, m.new) for m in c.meta]) for c in changes_of("variable").changes] == [
        ("metadata", "variable:feedback_reply_days",
         [("max", str(library("original").variable["feedback_reply_days"].max), "20")])]
    assert [(c.kind, c.id, [(m.field, m.old, m.new) for m in c.meta])
            for c in changes_of("library-version").changes] == [
        ("metadata", "@library", [("version", library("original").version, "2027.1.0")])]
    assert [(c.kind, c.id, [(m.field, m.old, m.new) for m in c.meta]) for c in changes_of("condition").changes] == [
        ("metadata", "evaluation.methods", [("condition", "", "evaluation_days > 3")])]
    for name in ("version", "variable", "library-version", "condition"):
        assert changes_of(name).summary.revisions == 0  # nothing printed changed


def test_a_renamed_clause_is_matched_by_its_text():
    changes = changes_of("rename")
    assert [(c.kind, c.id, c.old_id, [(m.field, m.old, m.new) for m in c.meta]) for c in changes.changes] == [
        ("metadata", "feedback.response", "feedback.reply", [("id", "feedback.reply", "feedback.response")])]


def test_a_retitled_article_and_a_new_annex():
    changes = changes_of("title")
    assert listed(changes) == [("modified", "article", "feedback")]
    assert [(e.deleted, e.inserted) for e in changes.changes[0].edits] == [("", "与投诉")]
    changes = changes_of("new-annex")
    assert listed(changes) == [("added", "annex", "zz-complaint-notice")]
    assert changes.changes[0].new_number == "附件十一"


def test_many_edits_at_once():
    changes = changes_of("many")
    assert sorted(listed(changes)) == sorted([
        ("modified", "article", "evaluation-use"), ("moved", "clause", "feedback.provider-duties"),
        ("modified", "clause", "feedback.reply"), ("added", "clause", "feedback.record"),
        ("removed", "clause", "evaluation.publication"), ("added", "annex", "zz-complaint-notice"),
        # without the publication, evaluation.removal is the article's third nested clause (order 30),
        # so it now comes before the attached third-party-supervision (order 35)
        ("moved", "clause", "third-party-supervision")])
    by_id = {c.id: c for c in changes.changes}
    assert by_id["feedback.reply"].moved  # reworded and moved (below the new first clause)
    assert by_id["evaluation-use"].moved
    assert [(e.deleted, e.inserted) for e in by_id["evaluation-use"].edits] == [("", "和披露")]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_mutation_seen_backwards(name: str):
    forward = changes_of(name)
    backward = diff_libraries(library(name), library("original"))

    def ids(changes, *kinds: str) -> set[str]:
        return {c.id for c in changes.changes if c.kind in kinds}

    assert ids(backward, "removed") == ids(forward, "added")
    assert ids(backward, "added") == ids(forward, "removed")
    assert ids(backward, "modified", "metadata") == {c.old_id for c in forward.changes
                                                     if c.kind in ("modified", "metadata")}
    # Which of two swapped units counts as moved may differ; how many moved may not.
    assert sum(c.moved for c in backward.changes) == sum(c.moved for c in forward.changes)


# --- values (specs) -------------------------------------------------------------------------------------

def _spec(tmp_path: Path, industry: str, name: str, replace: dict[str, str] | None = None) -> Path:
    text = run("init", industry, "--example").output
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changed_value_is_a_value_change_of_its_variable(tmp_path: Path):
    old = _spec(tmp_path, "hotel", "old.yaml")
    new = _spec(tmp_path, "hotel", "new.yaml", {"evaluation_days: 15": "evaluation_days: 30"})
    changes = compare(str(old), str(new))
    assert listed(changes) == [("modified", "clause", "evaluation.timing")]
    clause = changes.changes[0]
    assert [(e.deleted, e.inserted) for e in clause.edits] == [("15", "30")]
    assert [(v.name, v.old, v.new) for v in clause.values] == [("evaluation_days", "15", "30")]
    assert [(v.name, v.old, v.new) for v in changes.values] == [("evaluation_days", "15", "30")]
    assert changes.summary.values == 1


def test_a_changed_party_name_is_one_token_everywhere(tmp_path: Path):
    old = _spec(tmp_path, "hotel", "old.yaml")
    new = _spec(tmp_path, "hotel", "new.yaml", {"上海浦江酒店管理有限公司": "上海外滩酒店管理有限公司"})
    changes = compare(str(old), str(new))
    assert changes.changes
    for change in changes.changes:
        assert [(e.deleted, e.inserted) for e in change.edits] == [("上海浦江酒店管理有限公司", "上海外滩酒店管理有限公司")]
    assert [(v.name, v.old, v.new) for v in changes.values] == [
        ("provider.name", "上海浦江酒店管理有限公司", "上海外滩酒店管理有限公司")]


# --- nothing changed -------------------------------------------------------------------------------------

def test_the_library_against_itself_has_no_change():
    changes = diff_libraries(library("original"), library("original"))
    assert changes.same and not changes.changes and changes.summary.revisions == 0
    assert changes.summary.unchanged > 100
    result = run("diff", str(library_folder("original")), str(builtin_library_dir()))
    assert result.exit_code == 0, result.output
    assert "no differences" in result.output


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_each_example_spec_against_itself_has_no_change(tmp_path: Path, industry: str):
    spec = _spec(tmp_path, industry, "spec.yaml")
    copy = tmp_path / "copy.yaml"
    shutil.copy(spec, copy)
    result = run("diff", str(spec), str(copy), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["same"] and data["changes"] == [] and data["summary"]["revisions"] == 0


def test_two_industries_differ(tmp_path: Path):
    from contractgen.compose import compose
    from contractgen.library import load_library
    from contractgen.spec import load_spec

    lib = load_library()
    hotel = compose(load_spec(_spec(tmp_path, "hotel", "h.yaml")), lib)
    education = compose(load_spec(_spec(tmp_path, "education", "e.yaml")), lib)
    changes = diff_contracts(hotel, education)
    kinds = {(c.kind, c.id) for c in changes.changes}
    assert ("removed", "hotel.special") in kinds and ("added", "education.special") in kinds
    assert ("metadata", "@contract") in kinds


# --- the command ---------------------------------------------------------------------------------------

def test_exit_codes_and_bad_input(tmp_path: Path):
    assert run("diff", str(library_folder("original")), str(library_folder("reword"))).exit_code == 1
    assert run("diff", str(tmp_path / "missing"), str(library_folder("original"))).exit_code == 2
    spec = _spec(tmp_path, "hotel", "spec.yaml")
    mixed = run("diff", str(library_folder("original")), str(spec))
    assert mixed.exit_code == 2 and "must both be library folders or both spec files" in mixed.output
    assert run("diff", str(spec), str(spec), "--format", "pdf").exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("industry: nowhere\n", encoding="utf-8")
    assert run("diff", str(spec), str(broken)).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("diff", str(empty), str(empty)).exit_code == 2


def test_text_output_is_plain_when_piped_and_ends_with_a_summary():
    result = run("diff", str(library_folder("original")), str(library_folder("reword")))
    assert "\x1b[" not in result.output
    assert "{+书面+}" in result.output
    assert result.output.rstrip().splitlines()[-1] == "1 modified; 1 revisions (1 insertions, 0 deletions)"


def test_output_to_a_file(tmp_path: Path):
    out = tmp_path / "redline.html"
    result = run("diff", str(library_folder("original")), str(library_folder("reword")), "--format", "html",
                 "-o", str(out))
    assert result.exit_code == 1 and result.output == ""
    assert "<ins>书面</ins>" in out.read_text(encoding="utf-8")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_revisions_are_read_without_touching_the_working_tree(tmp_path: Path, monkeypatch):
    repo = library_copy(tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one")
    MUTATIONS["reword"](repo)
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "two")
    # An uncommitted edit in the working tree must not show up in a diff of two revisions.
    edit_yaml(repo / "clauses" / "020-feedback.yaml", lambda data: data["articles"][0].update(title="工作区改动"))
    status = _git(repo, "status", "--porcelain")
    monkeypatch.chdir(repo)
    result = run("diff", "--git", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [(c["kind"], c["id"]) for c in data["changes"]] == [("modified", "feedback.reply")]
    assert run("diff", "--git", "HEAD", "HEAD").exit_code == 0
    assert run("diff", "--git", "HEAD", "no-such-revision").exit_code == 2
    assert _git(repo, "status", "--porcelain") == status
