"""Whole-tree checks: targets, reachability, loops, menus, prompts, numbers; and `ivr check`."""

from __future__ import annotations

import pytest

from ivr.cli import check_problems, main

from .conftest import ALL_PROMPTS, prompts_text
from .test_loader import all_problems, errors

ROOT_FLOW = "flows.yaml"

THIRD_CHOICE = '      - key: "3"\n        prompt: info.choice\n        goto: info\n'
SECOND_CHOICE = '      - key: "2"\n        prompt: person.choice\n        goto: transfer\n'

# (old text, new text, text on the line the problem points at, what the message says)
CHECK_MUTATIONS = [
    pytest.param(
        "        goto: info\n",
        "        goto: infos\n",
        "goto: infos",
        "menu 'main' goes to unknown node 'infos'; did you mean 'info'?",
        id="unknown-target",
    ),
    pytest.param(
        "    on_fail: main\n",
        "    on_fail: nowhere\n",
        "on_fail: nowhere",
        "transfer 'transfer' goes to unknown node 'nowhere'; known nodes: goodbye, info, main, to_helpline, transfer, welcome",
        id="unknown-fail-target",
    ),
    pytest.param(
        "  goodbye:\n",
        "  orphan:\n    kind: goodbye\n    prompts: [goodbye]\n  goodbye:\n",
        "  orphan:",
        "goodbye 'orphan' cannot be reached from 'welcome'; link to it or remove it",
        id="unreachable",
    ),
    pytest.param(
        "    prompts: [info.text]\n    next: main\n",
        "    prompts: [info.text]\n    next: info\n",
        "  info:",
        "guidance 'info' leads round a loop with no menu; end the chain at a menu",
        id="guidance-loop",
    ),
    pytest.param(
        "    next: main\n  main:",
        "    next: welcome\n  main:",
        "  welcome:",
        "language 'welcome' leads round a loop with no menu",
        id="language-loop",
    ),
    pytest.param(
        "    person: to_helpline\n",
        "    person: goodbye\n",
        "person: goodbye",
        "settings.routes.person 'goodbye' can end the call; silence must reach a person or the number and a callback",
        id="silence-hangs-up",
    ),
    pytest.param(
        "    closed: main\n",
        "    closed: goodbye\n",
        "person: to_helpline",
        "settings.routes.person 'to_helpline' can end the call",
        id="silence-hangs-up-when-closed",
    ),
    pytest.param(
        "    on_fail: main\n",
        "    on_fail: goodbye\n",
        "  transfer:",
        "transfer 'transfer': on_fail 'goodbye' ends the call; explain and offer a callback or the number (a menu)",
        id="failed-transfer-hangs-up",
    ),
    pytest.param(
        "    closed: main\n",
        "    closed: to_helpline\n",
        "  to_helpline:",
        "hours 'to_helpline' leads round a loop of opening-hours branches; send open or closed to a node that speaks",
        id="hours-self-loop",
    ),
    pytest.param(
        "    closed: main\n",
        "    closed: again\n  again:\n    kind: hours\n    hours: helpline\n    open: transfer\n    closed: to_helpline\n",
        "  again:",
        "hours 'again' leads round a loop of opening-hours branches",
        id="hours-loop",
    ),
    pytest.param(
        '      - key: "2"\n        prompt: person.choice\n',
        '      - key: "1"  # twice\n        prompt: person.choice\n',
        "# twice",
        "menu 'main' offers key 1 twice; give each choice its own key",
        id="duplicate-choice-key",
    ),
    pytest.param(
        SECOND_CHOICE,
        SECOND_CHOICE + THIRD_CHOICE + THIRD_CHOICE.replace("3", "4") + THIRD_CHOICE.replace("3", "5"),
        "  main:",
        "menu 'main' offers 5 choices; at most 4 (plus the standard keys). Split it into two menus",
        id="five-choices",
    ),
    pytest.param(
        '      - key: "2"\n        prompt: person.choice\n',
        '      - key: "3"\n        prompt: person.choice\n',
        '- key: "3"',
        "menu 'main': choice 2 uses key 3; keys must go 1, 2, 3, 4 in order with no gaps, so use 2",
        id="key-gap",
    ),
    pytest.param(
        '      - key: "1"\n        prompt: info.choice\n',
        '      - key: "2"  # first\n        prompt: info.choice\n',
        "# first",
        "menu 'main': choice 1 uses key 2",
        id="keys-not-ascending",
    ),
    pytest.param(
        '      - key: "2"\n        prompt: person.choice\n',
        '      - key: "9"\n        prompt: person.choice\n',
        '- key: "9"',
        "menu 'main': key 9 is a standard key (person, repeat, back, more time) on every menu; use 2",
        id="standard-key-as-choice",
    ),
    pytest.param(
        '      - key: "1"\n        prompt: info.choice\n',
        '      - key: "0"\n        prompt: info.choice\n',
        '- key: "0"',
        "menu 'main': key 0 is a standard key",
        id="person-key-as-choice",
    ),
    pytest.param(
        '      - key: "1"\n        prompt: info.choice\n        goto: info\n',
        '      - key: "1"  # back\n        prompt: info.choice\n        goto: welcome\n',
        "# back",
        "menu 'main': choice 1 (info.choice) goes to 'welcome', which key # (back) already does on every menu; "
        'one key, one meaning: write it as key: "#" (said "press hash"), or remove it',
        id="numbered-choice-does-what-back-does",
    ),
    pytest.param(
        '      - key: "2"\n        prompt: person.choice\n        goto: transfer\n',
        '      - key: "2"  # person\n        prompt: person.choice\n        goto: to_helpline\n',
        "# person",
        "menu 'main': choice 2 (person.choice) goes to 'to_helpline', which key 0 (a person) already does",
        id="numbered-choice-does-what-0-does",
    ),
    pytest.param(
        '      - key: "1"\n        prompt: info.choice\n        goto: info\n',
        '      - key: "1"  # again\n        prompt: info.choice\n        goto: main\n',
        "# again",
        "menu 'main': choice 1 (info.choice) goes to 'main', which key * (repeat) already does",
        id="numbered-choice-does-what-star-does",
    ),
    pytest.param(
        "    prompts: [info.text]\n    next: main\n",
        "    prompts: [info.text]\n    next: info_menu\n  info_menu:\n    kind: menu\n    back: main\n"
        '    choices:\n      - key: "1"  # elsewhere 2\n        prompt: person.choice\n        goto: transfer\n'
        '      - key: "2"\n        prompt: info.choice\n        goto: info\n',
        "# elsewhere 2",
        "menu 'info_menu': 'Words for person choice in en-GB.' (person.choice) is key 1 here but key 2 in menu "
        "'main' (",
        id="same-words-another-key",
    ),
    pytest.param(
        '        mon: "09:00-17:00"\n',
        '        mon: "09:00-17:00"\n    nightline:\n      timezone: Europe/London\n      open: {}\n',
        "  hours:",
        "",
        id="spare-hours-are-fine",
    ),
    pytest.param(
        "    hours: helpline\n",
        "    hours: nightline\n",
        "hours: nightline",
        "hours 'to_helpline': hours 'nightline' is not in settings.hours (helpline)",
        id="unknown-hours",
    ),
    pytest.param(
        "    number: helpline\n",
        "    number: police\n",
        "number: police",
        "transfer 'transfer': number 'police' is not in settings.numbers (helpline)",
        id="unknown-number",
    ),
    pytest.param(
        "  entry: welcome\n",
        "  entry: start\n",
        "entry: start",
        "settings.entry 'start' is not a node",
        id="unknown-entry",
    ),
    pytest.param(
        "    person: to_helpline\n",
        "    person: a_person\n",
        "person: a_person",
        "settings.routes.person 'a_person' is not a node; name where key 0 goes",
        id="unknown-person-route",
    ),
    pytest.param(
        '      e164: "+443000606699"\n',
        '      e164: "03000606699"\n',
        "e164:",
        "number helpline: '03000606699' is not E.164; write it as +443000606699",
        id="number-national",
    ),
    pytest.param(
        '      e164: "+443000606699"\n',
        '      e164: "+44 300 060 6699"\n',
        "e164:",
        "number helpline: '+44 300 060 6699' is not in E.164; write it as +443000606699",
        id="number-spaced",
    ),
    pytest.param(
        '      e164: "+443000606699"\n',
        '      e164: "+4484575"\n',
        "e164:",
        "number helpline: '+4484575' is not a valid number; check the digits",
        id="number-short",
    ),
    pytest.param(
        '      e164: "+443000606699"\n',
        '      e164: "+help"\n',
        "e164:",
        "number helpline: '+help' is not a phone number",
        id="number-junk",
    ),
    pytest.param(
        '      - key: "2"\n        language: cy-GB\n        prompt: choose\n',
        "",
        "  welcome:",
        "language 'welcome' offers no way into cy-GB; add a choice for it",
        id="language-missing",
    ),
    pytest.param(
        '      - key: "2"\n        language: cy-GB\n',
        '      - key: "2"  # french\n        language: fr-FR\n',
        "language: fr-FR",
        "language 'welcome': 'fr-FR' is not in settings.languages (en-GB, cy-GB); did you mean 'cy-GB'?",
        id="language-unknown",
    ),
    pytest.param(
        '      - key: "2"\n        language: cy-GB\n',
        '      - key: "1"  # twice\n        language: cy-GB\n',
        "# twice",
        "language 'welcome' offers key 1 twice",
        id="language-duplicate-key",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), CHECK_MUTATIONS)
def test_tree_mistakes_are_reported_at_their_line(files, old, new, marker, message):
    files.replace(old, new)
    found = errors(files)
    if not message:
        assert found == []
        return
    line = files.line_of(marker)
    assert any(p.startswith(f"{files.flow}:{line}: ") and message in p for p in found), found


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_prompt_missing_in_one_language_points_at_the_line_that_names_it(files, language):
    files.prompts(language).write_text(prompts_text(language, [p for p in ALL_PROMPTS if p != "info.text"]))
    prompt_file = files.root / "prompts" / f"{language}.yaml"
    expected = (
        f"{files.flow}:{files.line_of('prompts: [info.text]')}: guidance 'info' says prompt 'info.text', "
        f"which has no text in {prompt_file}; add it there"
    )
    assert errors(files) == [expected]


def test_a_missing_system_prompt_names_the_file_to_add_it_to(files):
    files.prompts("cy-GB").write_text(prompts_text("cy-GB", [p for p in ALL_PROMPTS if p != "sys.stale"]))
    prompt_file = files.root / "prompts" / "cy-GB.yaml"
    assert errors(files) == [f"{prompt_file}:1: the line needs prompt 'sys.stale' in cy-GB; add it to {prompt_file}"]


def test_a_fallback_language_turns_a_missing_prompt_into_a_warning(files):
    ids = [p for p in ALL_PROMPTS if p != "info.text"]
    files.prompts("cy-GB").write_text(prompts_text("cy-GB", ids, meta_extra="  fallback: en-GB"))
    problems = all_problems(files)
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].message == "prompt 'info.text' has no cy-GB text; en-GB is said instead"


def test_a_prompt_over_60_words_is_too_long_to_hear(files):
    long_words = " ".join(["word"] * 61)
    path = files.replace(
        "  goodbye: Words for goodbye in cy-GB.\n", f"  goodbye: {long_words}\n", files.prompts("cy-GB")
    )
    line = files.line_of("goodbye: word", path)
    assert errors(files) == [
        f"{path}:{line}: prompt 'goodbye' (cy-GB) has 61 words, over about 25 seconds spoken; split it into two prompts"
    ]


def test_an_unused_prompt_is_a_warning(files):
    path = files.replace("prompts:\n", "prompts:\n  spare: Not said anywhere.\n", files.prompts("en-GB"))
    problems = all_problems(files)
    assert [(str(p), p.severity) for p in problems] == [
        (f"{path}:{files.line_of('spare:', path)}: warning: prompt 'spare' is not used by any node", "warning")
    ]


def test_a_standard_key_may_be_offered_by_name_where_it_does_what_it_does_everywhere(files):
    """ "To talk to someone at the helpline, press 0": allowed, with no numbered key for it."""
    files.replace('      - key: "2"\n        prompt: person.choice\n        goto: transfer\n', "")
    files.replace(
        "        goto: info\n",
        '        goto: info\n      - key: "0"\n        prompt: person.choice\n        goto: to_helpline\n',
    )
    for language in ("en-GB", "cy-GB"):
        files.replace("prompts:\n", "prompts:\n  sys.press.0: Words for press 0.\n", files.prompts(language))
    assert errors(files) == []
    # The same choice offered as 0 where 0 goes elsewhere is refused at its line.
    files.replace(
        '      - key: "0"\n        prompt: person.choice\n        goto: to_helpline\n',
        '      - key: "0"  # not 0\n        prompt: person.choice\n        goto: info\n',
    )
    line = files.line_of("# not 0")
    assert errors(files) == [
        f"{files.flow}:{line}: menu 'main': key 0 is a standard key (person, repeat, back, more time) on every "
        "menu; use 2; as a choice it must go where 0 goes, 'to_helpline'"
    ]


def test_one_key_one_meaning_errors_give_both_places(files):
    files.replace(
        "    prompts: [info.text]\n    next: main\n",
        "    prompts: [info.text]\n    next: info_menu\n  info_menu:\n    kind: menu\n    back: main\n"
        '    choices:\n      - key: "1"  # here\n        prompt: person.choice\n        goto: transfer\n',
    )
    main_line = files.line_of("        prompt: person.choice") - 1  # the main menu's choice with the same words
    assert errors(files) == [
        f"{files.flow}:{files.line_of('# here')}: menu 'info_menu': 'Words for person choice in en-GB.' "
        f"(person.choice) is key 1 here but key 2 in menu 'main' ({files.flow}:{main_line}); one meaning, "
        "one key: use 2 in every menu that offers it"
    ]


def test_an_unverified_number_is_a_warning_not_an_error(files):
    files.replace("      status: verified\n", "      status: verify before going live\n")
    problems = all_problems(files)
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "number helpline is marked 'verify before going live'")
    ]


def test_the_shipped_flow_passes_with_only_warnings():
    flow, problems = check_problems(ROOT_FLOW)
    assert [str(p) for p in problems if p.severity == "error"] == []
    warnings = {p.message.split(":")[0] for p in problems}
    assert {"number helpline is a placeholder", "number police is a placeholder"} <= warnings
    assert flow.settings.entry == "welcome"


# --- `ivr check` ---------------------------------------------------------------------


def test_ivr_check_fails_a_broken_flow_with_file_line_messages(runner, files):
    files.replace("        goto: info\n", "        goto: infos\n")
    files.replace("    normal: 7\n", "    normal: seven\n")
    result = runner.invoke(main, ["check", str(files.flow)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{files.flow}:{files.line_of('normal: seven')}: timeouts.normal must be a whole number from 3 to 60",
        f"{files.flow}:{files.line_of('goto: infos')}: menu 'main' goes to unknown node 'infos'; did you mean 'info'?",
        "2 error(s): the line will not start until they are fixed.",
    ]


def test_ivr_check_fails_a_flow_that_is_not_there(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'none.yaml'}:1: file not found" in result.stderr


def test_ivr_check_passes_the_shipped_flow(runner):
    result = runner.invoke(main, ["check", ROOT_FLOW])
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("ok: ")
    assert "nodes" in summary and "in 2 languages" in summary
    assert result.stderr == ""


def test_ivr_check_reads_ivr_flow_when_no_path_is_given(runner, files):
    result = runner.invoke(main, ["check"], env={"IVR_FLOW": str(files.flow), "IVR_PROMPTS": ""})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(f"ok: 6 nodes, {2 * len(ALL_PROMPTS)} prompts in 2 languages, ")
    files.replace("    kind: guidance\n", "    kind: guide\n")
    result = runner.invoke(main, ["check"], env={"IVR_FLOW": str(files.flow), "IVR_PROMPTS": ""})
    assert result.exit_code == 1
    assert f"{files.flow}:{files.line_of('kind: guide')}: node 'info': kind 'guide'" in result.stderr


def test_ivr_check_quiet_prints_no_warnings(runner, files):
    files.replace("      status: verified\n", "      status: verify before going live\n")
    loud = runner.invoke(main, ["check", str(files.flow)])
    quiet = runner.invoke(main, ["check", "--quiet", str(files.flow)])
    assert (loud.exit_code, quiet.exit_code) == (0, 0)
    assert "warning: number helpline is marked" in loud.stdout
    assert "warning:" not in quiet.stdout
    assert quiet.stdout.splitlines()[-1].startswith("ok: ")
