"""The YAML reader: YAML 1.2 scalars, line numbers, and syntax errors as file:line problems."""

from __future__ import annotations

import datetime as dt

import pytest

from ivr.flow.yamlfile import Problem, load_file, load_text


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "OFF"])
def test_yaml_1_1_booleans_stay_strings(word):
    doc, problems = load_text(f"answer: {word}\n{word}: node\n", "f.yaml")
    assert problems == []
    assert doc.data == {"answer": word, word: "node"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("x: true\n", True),
        ("x: 7\n", 7),
        ("x: 2026-12-25\n", dt.date(2026, 12, 25)),
        # Not a real date: kept as text so the loader can say which line is wrong.
        ("x: 2026-02-30\n", "2026-02-30"),
        ("x: 2026-13-25\n", "2026-13-25"),
        ("x: '0'\n", "0"),
        ("x: ~\n", None),
        ('x: "+448457585112"\n', "+448457585112"),
    ],
)
def test_scalars_become_plain_python(text, value):
    doc, problems = load_text(text, "f.yaml")
    assert problems == []
    assert doc.data == {"x": value}
    assert type(doc.data["x"]) is type(value)


def test_every_key_and_item_remembers_its_line():
    text = "settings:\n  entry: welcome\nnodes:\n  main:\n    prompts:\n      - one\n      - two\n"
    doc, _ = load_text(text, "f.yaml")
    assert doc.line("settings") == 1
    assert doc.line("settings", "entry") == 2
    assert doc.line("nodes", "main") == 4
    assert doc.line("nodes", "main", "prompts", 1) == 7
    # A path that is not there points at its nearest parent, then the top.
    assert doc.line("nodes", "main", "missing") == 4
    assert doc.line("elsewhere") == 1


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "'a' is written twice in the same place (first at line 1)"),
        (
            "nodes:\n  main: 1\n  other: 2\n  main: 3\n",
            4,
            "'main' is written twice in the same place (first at line 2)",
        ),
        ("a: 1\n  b: [\n", 2, "this line is indented further than the line above (2 spaces, not 0)"),
        ("a:\n  - x\n - y\n", 3, "this line is indented 1 space, which lines up with no line above"),
        ("x: 'unclosed\n", 1, "the quote mark ' opened on this line is never closed; end the words with '"),
        ("\ta: 1\n", 1, "this line is indented with a tab; YAML indents with spaces only"),
    ],
)
def test_syntax_errors_and_duplicate_keys_are_problems_with_lines(text, line, fragment):
    doc, problems = load_text(text, "flows.yaml")
    assert doc is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"flows.yaml:{line}: ")
    assert fragment in problems[0].message
    assert problems[0].severity == "error"


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path):
    doc, problems = load_file(tmp_path / "nope.yaml", "nope.yaml")
    assert doc is None
    assert [str(p) for p in problems] == ["nope.yaml:1: file not found"]


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"a: caf\xe9\n")
    doc, problems = load_file(path, "latin.yaml")
    assert doc is None
    assert problems[0].line == 1
    assert "cannot read the file" in problems[0].message


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem("f.yaml", 3, "broken"), "f.yaml:3: broken"),
        (Problem("f.yaml", 3, "odd", "warning"), "f.yaml:3: warning: odd"),
    ],
)
def test_a_problem_reads_file_line_message(problem, text):
    assert str(problem) == text


def test_problems_sort_by_file_then_line():
    problems = [Problem("b.yaml", 1, "x"), Problem("a.yaml", 9, "y"), Problem("a.yaml", 2, "z")]
    assert [(p.file, p.line) for p in sorted(problems)] == [("a.yaml", 2), ("a.yaml", 9), ("b.yaml", 1)]
