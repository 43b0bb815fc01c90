"""`ivr check` messages (issue 14, item 8): at the line of the mistake, the nearest name suggested,
one message a mistake (no knock-on errors), YAML syntax in plain words; flows.yaml and prompts alike."""

from __future__ import annotations

import pytest

from ivr.cli import main

from .test_loader import all_problems, errors

# (old text, new text, the line the one message points at, the message)
ONE_MISTAKE_ONE_MESSAGE = [
    pytest.param(
        "        goto: info\n",
        "        goto: inof\n",
        "goto: inof",
        "menu 'main' goes to unknown node 'inof'; did you mean 'info'?",
        id="misspelt-goto-at-its-own-line",
    ),
    pytest.param(
        "        goto: info\n",
        "        goto: facts\n",
        "goto: facts",
        "menu 'main' goes to unknown node 'facts'; nothing leads to 'info' now: did you mean it?",
        id="renamed-goto-names-the-node-left-behind",
    ),
    pytest.param(
        "    next: main\n  main:",
        "    next: mian\n  main:",
        "next: mian",
        "language 'welcome' goes to unknown node 'mian'; did you mean 'main'?",
        id="misspelt-next",
    ),
    pytest.param(
        "    after: goodbye\n",
        "    after: goodby\n",
        "after: goodby",
        "transfer 'transfer' goes to unknown node 'goodby'; did you mean 'goodbye'?",
        id="misspelt-after-not-also-unreachable",
    ),
    pytest.param(
        "  entry: welcome\n",
        "  entry: welcom\n",
        "entry: welcom",
        "settings.entry 'welcom' is not a node; did you mean 'welcome'?",
        id="misspelt-entry",
    ),
    pytest.param(
        "  entry: welcome\n",
        "  entry: start\n",
        "entry: start",
        "settings.entry 'start' is not a node; name the first node callers hear",
        id="unknown-entry-not-every-node-unreachable",
    ),
    pytest.param(
        "    person: to_helpline\n",
        "    person: to_helpln\n",
        "person: to_helpln",
        "settings.routes.person 'to_helpln' is not a node; did you mean 'to_helpline'?",
        id="misspelt-person-route",
    ),
    pytest.param(
        "    kind: guidance\n",
        "    kind: guidence\n",
        "kind: guidence",
        "node 'info': kind 'guidence' is not known; did you mean 'guidance'?",
        id="misspelt-kind-read-as-meant",
    ),
    pytest.param(
        "    kind: guidance\n",
        "    kind: talk\n",
        "kind: talk",
        "node 'info': kind 'talk' is not known; use one of: callback, goodbye, guidance, hours, language, menu, transfer",
        id="unknown-kind-links-to-it-not-reported",
    ),
    pytest.param(
        "    prompts: [info.text]\n    next: main\n",
        "    prompts: [info.text]\n    nxt: main\n",
        "nxt: main",
        "guidance node 'info' has unknown key 'nxt'; did you mean 'next'?",
        id="misspelt-key-not-also-missing",
    ),
    pytest.param(
        "    hours: helpline\n",
        "    hours: helpine\n",
        "hours: helpine",
        "hours 'to_helpline': hours 'helpine' is not in settings.hours (helpline); did you mean 'helpline'?",
        id="misspelt-hours",
    ),
    pytest.param(
        "    number: helpline\n",
        "    number: helpln\n",
        "number: helpln",
        "transfer 'transfer': number 'helpln' is not in settings.numbers (helpline); did you mean 'helpline'?",
        id="misspelt-number",
    ),
    pytest.param(
        "        language: cy-GB\n",
        "        language: cy-BG\n",
        "language: cy-BG",
        "language 'welcome': 'cy-BG' is not in settings.languages (en-GB, cy-GB); did you mean 'cy-GB'?",
        id="misspelt-language-not-also-no-way-in",
    ),
    pytest.param(
        "  default_language: en-GB\n",
        "  default_language: en-BG\n",
        "default_language: en-BG",
        "default_language 'en-BG' is not one of settings.languages (cy-GB, en-GB); did you mean 'en-GB'?",
        id="misspelt-default-language",
    ),
    pytest.param(
        '      - key: "2"\n        prompt: person.choice\n',
        '      - key: "two"\n        prompt: person.choice\n',
        'key: "two"',
        "node 'main' choice 2: key must be one of 0-9, * or #, in quotes",
        id="bad-key-not-also-out-of-order",
    ),
    pytest.param(
        "    prompts: [info.text]\n",
        "    prompts: [info.txt]\n",
        "prompts: [info.txt]",
        "guidance 'info' says prompt 'info.txt', which has no words in any language; did you mean 'info.text'?",
        id="misspelt-prompt-id-in-the-flow",
    ),
    pytest.param(
        "    prompts: [info.text]\n",
        "    prompts:\n      - info.txt\n",
        "- info.txt",
        "guidance 'info' says prompt 'info.txt', which has no words in any language; did you mean 'info.text'?",
        id="prompt-id-in-a-block-list-at-its-own-line",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), ONE_MISTAKE_ONE_MESSAGE)
def test_one_mistake_is_one_message_at_its_line(files, old, new, marker, message):
    files.replace(old, new)
    assert errors(files) == [f"{files.flow}:{files.line_of(marker)}: {message}"]


def test_a_misspelt_prompt_id_in_the_flow_leaves_no_unused_warning(files):
    files.replace("    prompts: [info.text]\n", "    prompts: [info.txt]\n")
    assert [p.severity for p in all_problems(files)] == ["error"]


def test_a_part_of_the_tree_nothing_leads_to_is_one_message(files):
    files.replace(
        "  goodbye:\n",
        "  extra:\n    kind: guidance\n    prompts: [info.text]\n    next: extra_menu\n"
        "  extra_menu:\n    kind: menu\n    back: main\n    choices:\n"
        '      - key: "1"\n        prompt: info.choice\n        goto: extra\n'
        "  goodbye:\n",
    )
    assert errors(files) == [
        f"{files.flow}:{files.line_of('  extra:')}: guidance 'extra' cannot be reached from 'welcome' "
        "(nor can extra_menu, which only it leads to); link to it or remove it"
    ]


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_prompt_id_misspelt_in_a_prompts_file_is_one_message_there(files, language):
    path = files.replace("  info.text:", "  info.txet:", files.prompts(language))
    problems = all_problems(files)
    assert [str(p) for p in problems] == [
        f"{path}:{files.line_of('info.txet:', path)}: prompt 'info.txet' is not one the line says; "
        "did you mean 'info.text' (said by guidance 'info')? Rename it"
    ]


def test_an_unreadable_prompts_file_is_one_message_not_one_per_prompt(files):
    path = files.replace("  info.text: Words", "  info.text: Words: more", files.prompts("cy-GB"))
    assert errors(files) == [
        f"{path}:{files.line_of('info.text:', path)}: the words here contain a colon and a space (': '), which YAML "
        'reads as the start of a new name; put the words in double quotes, e.g. name: "Words: more words"'
    ]


def test_an_empty_prompts_file_is_one_message(files):
    path = files.prompts("cy-GB")
    path.write_text("meta:\n  language: cy-GB\n  review: approved\nprompts: {}\n")
    assert errors(files) == [
        f"{path}:1: {path} has no prompts; every prompt the line says needs its words here in cy-GB"
    ]


# YAML mistakes staff make, each in plain words at the line to change.
YAML_MISTAKES = [
    pytest.param(
        "        goto: info\n",
        "        goto: info\n\tgoto: x\n",
        "\tgoto: x",
        "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces",
        id="tab",
    ),
    pytest.param(
        "  info:\n",
        "  info\n",
        "  info",
        "'info' needs a colon after its name; write it as 'info:'",
        id="missing-colon-after-a-node-id",
    ),
    pytest.param(
        "    kind: guidance\n",
        "    kind guidance\n",
        "kind guidance",
        "'kind guidance' needs a colon after its name; write it as 'kind: guidance'",
        id="missing-colon-after-a-key",
    ),
    pytest.param(
        "    next: main\n  main:",
        "      next: main\n  main:",
        "      next: main",
        "this line lines up with the list items above but does not start with '- '; start it with '- ', or indent "
        "it like 'choices:' to end the list",
        id="indented-like-a-list-item",
    ),
    pytest.param(
        "    kind: guidance\n    prompts: [info.text]\n",
        "    kind: guidance\n      prompts: [info.text]\n",
        "      prompts: [info.text]",
        "this line is indented further than the line above (6 spaces, not 4), so it reads as more words of that "
        "line; line it up with the line above",
        id="indented-too-far",
    ),
    pytest.param(
        "    kind: guidance\n    prompts: [info.text]\n",
        "     kind: guidance\n    prompts: [info.text]\n",
        "     kind: guidance",
        "this line is indented 5 spaces, but the line after it, 'prompts: [info.text]', is indented 4; lines under "
        "'info:' must line up",
        id="first-line-under-a-name-too-far",
    ),
    pytest.param(
        "    after: goodbye\n",
        "   after: goodbye\n",
        "   after: goodbye",
        "this line is indented 3 spaces, which lines up with no line above; indent it like 'on_fail: main' "
        "(4 spaces) or like 'transfer:' (2 spaces)",
        id="indented-between",
    ),
    pytest.param(
        "    prompts: [info.text]\n",
        "    prompts: [info.text\n",
        "prompts: [info.text",
        "the [ opened on this line is not closed; close it with ] on the same line, with commas between the items",
        id="unclosed-bracket",
    ),
    pytest.param(
        '    person: "0"\n',
        '    person: "0\n',
        'person: "0',
        'the quote mark " opened on this line is never closed; end the words with "',
        id="unclosed-quote",
    ),
    pytest.param(
        '    repeat: "*"\n',
        "    repeat: *\n",
        "repeat: *",
        'a * on its own means something else in YAML; put it in quotes: "*"',
        id="bare-star",
    ),
    pytest.param(
        "    next: main\n  main:",
        "    next: main\n    next: info\n  main:",
        "next: info",
        "'next' is written twice in the same place (first at line",
        id="written-twice",
    ),
]


# The same in a prompts file, where the words are.
PROMPT_YAML_MISTAKES = [
    pytest.param(
        "  info.text: Words for info text in en-GB.\n",
        "  info.text: >-\n    Words for info text\n  in en-GB.\n",
        "  in en-GB.",
        "these words are not indented under 'info.text', so they read as a new name; indent them 4 spaces, like "
        "the other lines of its words",
        id="folded-words-not-indented",
    ),
    pytest.param(
        "  info.text: Words for info text in en-GB.\n",
        "  info.text: Words for info text\n  and more words in en-GB.\n",
        "  and more words",
        "'and more words in en-GB.'... has no name and colon before it: if these words belong to the line above, "
        "indent them under it; if they start something new, write its name, a colon and a space first",
        id="words-with-no-name",
    ),
    pytest.param(
        "  info.text: Words for info text in en-GB.\n",
        '  info.text: "Press "1" now"\n',
        "info.text:",
        'the words end early at a " inside them; inside "..." write \\" for a quote mark, or put the words in '
        "single quotes instead",
        id="double-quote-inside-double-quotes",
    ),
    pytest.param(
        "  info.text: Words for info text in en-GB.\n",
        "  info.text: - Words\n",
        "info.text:",
        "a '- ' here starts a list item, which cannot follow a name on the same line; put the words in double "
        "quotes, or put each list item on its own line below, indented",
        id="dash-first",
    ),
    pytest.param(
        "  info.text: Words for info text in en-GB.\n",
        "  info.text: {name} words\n",
        "info.text:",
        "words that start with { are read as a YAML mapping; put the words in double quotes",
        id="brace-first",
    ),
    pytest.param(
        "  info.text: Words for info text in en-GB.\n",
        "  info.text: [Note] words\n",
        "info.text:",
        "words that start with [ are read as a YAML list; put the words in double quotes",
        id="bracket-first",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), PROMPT_YAML_MISTAKES)
def test_prompt_file_yaml_mistakes_in_plain_words_at_their_line(files, old, new, marker, message):
    path = files.replace(old, new, files.prompts("en-GB"))
    [problem] = errors(files)
    assert problem == f"{path}:{files.line_of(marker, path)}: {message}"


def test_a_hash_in_unquoted_words_warns_that_the_rest_is_not_said(files):
    path = files.replace(
        "  info.text: Words for info text in en-GB.\n", "  info.text: Call us on #1 now\n", files.prompts("en-GB")
    )
    [problem] = all_problems(files)
    assert (problem.severity, str(problem)) == (
        "warning",
        f"{path}:{files.line_of('info.text:', path)}: warning: prompt 'info.text' (en-GB): callers hear only "
        "'Call us on'; an unquoted ' #' starts a YAML comment, so '#1 now' is not said. If it is part of the words, "
        "put them all in double quotes",
    )


def test_quoted_hash_is_words(files):
    files.replace(
        "  info.text: Words for info text in en-GB.\n", '  info.text: "Press # to go back"\n', files.prompts("en-GB")
    )
    assert all_problems(files) == []


@pytest.mark.parametrize(("old", "new", "marker", "message"), YAML_MISTAKES)
def test_yaml_mistakes_in_plain_words_at_their_line(files, old, new, marker, message):
    files.replace(old, new)
    [problem] = errors(files)
    assert problem.startswith(f"{files.flow}:{files.line_of(marker)}: {message}"), problem


def test_a_bare_hash_key_says_it_started_a_comment(files):
    files.replace('    back: "#"\n', "    back: #\n")
    assert errors(files) == [
        f"{files.flow}:{files.line_of('back: #')}: keys.back is empty: a # without quotes starts a comment in YAML; "
        'write it as "#"'
    ]


def test_ivr_check_prints_file_line_messages_and_exits_1(runner, files):
    files.replace("        goto: info\n", "        goto: inof\n")
    path = files.replace("  goodbye: Words", "  goodbye: 'Words don't", files.prompts("en-GB"))
    result = runner.invoke(main, ["check", str(files.flow)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{files.flow}:{files.line_of('goto: inof')}: menu 'main' goes to unknown node 'inof'; did you mean 'info'?",
        f"{path}:{files.line_of('goodbye:', path)}: the words go on after a closing quote mark; inside '...' write an "
        "apostrophe twice (''), or put the words in double quotes instead",
        "2 error(s): the line will not start until they are fixed.",
    ]


def test_a_misspelt_target_is_not_reported_again_by_the_key_rules(tmp_path):
    """On the shipped tree, "go back to the main menu" is key # going to main: misspelt, it is one message each."""
    from ivr.cli import check_problems

    from ..helpers.shipped import shipped_copy

    path = shipped_copy(tmp_path, ("        goto: main\n", "        goto: mian\n"))
    _, problems = check_problems(str(path))
    found = [p.message for p in problems if p.severity == "error"]
    assert found and all(m.endswith(" goes to unknown node 'mian'; did you mean 'main'?") for m in found), found
    assert len(found) == path.read_text().count("goto: mian")
