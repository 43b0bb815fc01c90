"""The loader: shape of the call tree and prompt files, every problem at its file:line."""

from __future__ import annotations

import pytest

from ivr.errors import FlowError
from ivr.flow import model
from ivr.flow.checks import check_flow
from ivr.flow.loader import load_flow, read_flow

SETTINGS_ALLOWED = (
    "callbacks, default_language, entry, hours, keys, languages, numbers, retries, routes, silence_ends_call, "
    "speech_rate, timeouts"
)


def all_problems(files):
    flow, problems, context = read_flow(files.flow)
    if flow is not None:
        problems += check_flow(flow, context)
    return sorted(problems)


def errors(files) -> list[str]:
    return [str(p) for p in all_problems(files) if p.severity == "error"]


def test_the_small_flow_is_clean(files):
    assert all_problems(files) == []
    flow = load_flow(files.flow)
    assert list(flow.nodes) == ["welcome", "main", "info", "to_helpline", "transfer", "goodbye"]
    assert isinstance(flow.nodes["main"], model.Menu)
    assert [c.key for c in flow.nodes["main"].choices] == ["1", "2"]


# (old text, new text, text on the line the problem points at, what the message says)
FLOW_MUTATIONS = [
    pytest.param(
        "    prompts: [info.text]\n",
        "    prompts: [info.text]\n    colour: red\n",
        "colour: red",
        "guidance node 'info' has unknown key 'colour'; allowed: kind, next, prompts",
        id="unknown-node-key",
    ),
    pytest.param(
        "  entry: welcome\n",
        "  entry: welcome\n  entree: main\n",
        "entree: main",
        f"settings has unknown key 'entree'; allowed: {SETTINGS_ALLOWED}",
        id="unknown-settings-key",
    ),
    pytest.param(
        "      espeak_voice: cy\n",
        "      espeak_voice: cy\n      accent: north\n",
        "accent: north",
        "language cy-GB has unknown key 'accent'; allowed: espeak_voice, say_voice, speech, speech_language",
        id="unknown-language-key",
    ),
    pytest.param(
        "      status: verified\n",
        "      status: verified\n      owner: me\n",
        "owner: me",
        "number helpline has unknown key 'owner'; allowed: e164, spoken, status",
        id="unknown-number-key",
    ),
    pytest.param(
        "        goto: info\n",
        "        goto: info\n        say: hello\n",
        "say: hello",
        "node 'main' choice 1 has unknown key 'say'; allowed: goto, key, prompt",
        id="unknown-choice-key",
    ),
    pytest.param(
        "    prompts: [info.text]\n    next: main\n",
        "    prompts: [info.text]\n",
        "  info:",
        "guidance node 'info' is missing 'next'; it needs: next, prompts",
        id="missing-node-key",
    ),
    pytest.param(
        "  default_language: en-GB\n",
        "",
        "settings:",
        "settings is missing 'default_language'",
        id="missing-settings-key",
    ),
    pytest.param(
        "    kind: guidance\n",
        "    kind: guide\n",
        "kind: guide",
        "node 'info': kind 'guide' is not known; did you mean 'guidance'?",
        id="unknown-kind-misspelt",
    ),
    pytest.param(
        "    kind: guidance\n",
        "    kind: talk\n",
        "kind: talk",
        "node 'info': kind 'talk' is not known; use one of: callback, goodbye, guidance, hours, language, menu, transfer",
        id="unknown-kind",
    ),
    pytest.param(
        "    normal: 7\n",
        "    normal: seven\n",
        "normal: seven",
        "timeouts.normal must be a whole number from 3 to 60",
        id="timeout-type",
    ),
    pytest.param(
        "    normal: 7\n",
        "    normal: 600\n",
        "normal: 600",
        "timeouts.normal must be a whole number from 3 to 60",
        id="timeout-range",
    ),
    pytest.param(
        "    normal: 7\n",
        "    normal: yes\n",
        "normal: yes",
        "timeouts.normal must be a whole number",
        id="timeout-yes",
    ),
    pytest.param(
        "    more_time: 25\n",
        "    more_time: 5\n",
        "more_time: 5",
        "timeouts.more_time must be at least timeouts.normal",
        id="more-time-shorter",
    ),
    pytest.param(
        "    slow: 75\n",
        "    slow: 120\n",
        "slow: 120",
        "speech_rate.slow must be lower than speech_rate.normal",
        id="slow-faster",
    ),
    pytest.param(
        "    no_input: 3\n",
        "    no_input: 1\n",
        "no_input: 1",
        "retries.no_input must be a whole number from 3 to 9",
        id="retries-too-few",
    ),
    pytest.param(
        '    repeat: "*"\n',
        "    repeat: yes\n",
        "repeat: yes",
        "keys.repeat must be one key: 0-9, * or #, in quotes",
        id="standard-key-yes",
    ),
    pytest.param(
        '    back: "#"\n',
        '    back: "*"\n',
        "  keys:",
        "the standard keys must all be different",
        id="standard-keys-clash",
    ),
    pytest.param(
        "  default_language: en-GB\n",
        "  default_language: fr-FR\n",
        "default_language: fr-FR",
        "default_language 'fr-FR' is not one of settings.languages (cy-GB, en-GB)",
        id="default-language",
    ),
    pytest.param(
        "      timezone: Europe/London\n",
        "      timezone: Europe/Cardiff\n",
        "timezone: Europe/Cardiff",
        "hours helpline: unknown time zone 'Europe/Cardiff'; use e.g. Europe/London",
        id="bad-timezone",
    ),
    pytest.param(
        '        mon: "09:00-17:00"\n',
        '        mon: "9am-5pm"\n',
        "mon: ",
        "hours helpline.mon: '9am-5pm' must look like \"09:00-17:00\"",
        id="hours-format",
    ),
    pytest.param(
        '        mon: "09:00-17:00"\n',
        '        mon: "17:00-09:00"\n',
        "mon: ",
        "hours helpline.mon: '17:00-09:00' must be a start before an end within one day",
        id="hours-backwards",
    ),
    pytest.param(
        '        mon: "09:00-17:00"\n',
        '        mon: "09:00-25:00"\n',
        "mon: ",
        "must be a start before an end within one day",
        id="hours-past-midnight",
    ),
    pytest.param(
        '        mon: "09:00-17:00"\n',
        '        monday: "09:00-17:00"\n',
        "monday:",
        "hours helpline: 'monday' is not a day; use mon, tue, wed, thu, fri, sat, sun",
        id="hours-day-name",
    ),
    pytest.param(
        "        - 2026-12-25\n",
        "        - 2026-13-25\n",
        "2026-13-25",
        "hours helpline: holiday '2026-13-25' must be a date like 2026-12-25",
        id="holiday-month",
    ),
    pytest.param(
        "        - 2026-12-25\n",
        "        - Christmas\n",
        "Christmas",
        "hours helpline: holiday 'Christmas' must be a date like 2026-12-25",
        id="holiday-word",
    ),
    pytest.param(
        "      status: verified\n",
        "      status: checked\n",
        "status: checked",
        "number helpline: status must be one of: verify before going live, verified",
        id="number-status",
    ),
    pytest.param(
        '      - key: "1"\n        prompt: info.choice\n',
        '      - key: "A"\n        prompt: info.choice\n',
        'key: "A"',
        "node 'main' choice 1: key must be one of 0-9, * or #, in quotes",
        id="choice-key-letter",
    ),
    pytest.param(
        "        prompt: info.choice\n",
        "        prompt: Info Choice\n",
        "prompt: Info Choice",
        "node 'main' choice 1: prompt must be a prompt id",
        id="choice-prompt-id",
    ),
    pytest.param(
        "    prompts: [info.text]\n",
        "    prompts: [Info Text]\n",
        "prompts: [Info Text]",
        "node 'info' prompts: 'Info Text' is not a prompt id",
        id="prompt-id",
    ),
    pytest.param(
        "    prompts: [info.text]\n",
        "    prompts: []\n",
        "prompts: []",
        "node 'info' prompts must be a list of prompt ids",
        id="prompts-empty",
    ),
    pytest.param(
        "    next: main\n  to_helpline:",
        "    next: [main]\n  to_helpline:",
        "next: [main]",
        "node 'info': next must be a node id",
        id="target-type",
    ),
    pytest.param(
        "  info:\n",
        "  Info:\n",
        "  Info:",
        "node id 'Info' must be lower case letters, digits and underscores",
        id="node-id-case",
    ),
    pytest.param(
        "    back: welcome\n",
        "    back: welcome\n    back: main\n",
        "back: main",
        "'back' is written twice in the same place (first at line",
        id="duplicate-key",
    ),
    pytest.param(
        "    back: welcome\n",
        "    back: welcome\n   back: main\n",
        "back: main",
        "this line is indented 3 spaces, which lines up with no line above; indent it like 'back: welcome' (4 spaces)",
        id="syntax-error",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), FLOW_MUTATIONS)
def test_flow_mistakes_are_reported_at_their_line(files, old, new, marker, message):
    files.replace(old, new)
    line = files.line_of(marker)
    found = errors(files)
    assert any(p.startswith(f"{files.flow}:{line}: ") and message in p for p in found), found


PROMPT_MUTATIONS = [
    pytest.param(
        "  review: approved\n",
        "  review: approved\n  author: me\n",
        "author: me",
        "meta has unknown key 'author'; allowed: fallback, language, review",
        id="unknown-meta-key",
    ),
    pytest.param(
        "  language: cy-GB\n",
        "  language: en-GB\n",
        "language: en-GB",
        "this file is for cy-GB but meta.language says 'en-GB'",
        id="meta-language",
    ),
    pytest.param(
        "  goodbye: Words for goodbye in cy-GB.\n",
        '  goodbye: ""\n',
        "goodbye:",
        "prompt 'goodbye' (cy-GB) must be non-empty text",
        id="empty-prompt",
    ),
    pytest.param(
        "  goodbye: Words for goodbye in cy-GB.\n",
        "  goodbye: Words for goodbye in cy-GB.\n  Bad Id: hello\n",
        "Bad Id:",
        "prompt id 'Bad Id' must be lower case letters, digits, dots and underscores",
        id="prompt-id",
    ),
    pytest.param(
        "  person.choice: [person]\n",
        "  person.choice: person\n",
        "person.choice: person",
        "words 'person.choice' must be a list of words or phrases",
        id="words-not-list",
    ),
    pytest.param(
        "meta:\n",
        "colour: red\nmeta:\n",
        "colour: red",
        "the prompts file has unknown key 'colour'; allowed: meta, prompts, words",
        id="unknown-file-key",
    ),
    pytest.param(
        "  goodbye: Words for goodbye in cy-GB.\n",
        "  goodbye: Words for goodbye in cy-GB.\n  goodbye: Hwyl.\n",
        "goodbye: Hwyl",
        "'goodbye' is written twice in the same place (first at line",
        id="duplicate-prompt",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), PROMPT_MUTATIONS)
def test_prompt_file_mistakes_are_reported_at_their_line(files, old, new, marker, message):
    path = files.replace(old, new, files.prompts("cy-GB"))
    line = files.line_of(marker, path)
    found = errors(files)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in found), found


def test_a_missing_prompts_file_is_named(files):
    files.prompts("cy-GB").unlink()
    assert f"{files.prompts('cy-GB')}:1: file not found" in errors(files)


def test_a_missing_flow_file_is_named(tmp_path):
    flow, problems, _ = read_flow(tmp_path / "flows.yaml")
    assert flow is None
    assert [p.message for p in problems] == ["file not found"]


def test_yes_and_no_can_name_nodes(files):
    files.replace("  info:\n", "  yes:\n")
    files.replace("        goto: info\n", "        goto: yes\n")
    flow = load_flow(files.flow)
    assert "yes" in flow.nodes
    assert flow.nodes["main"].choices[0].goto == "yes"


@pytest.mark.parametrize(("written", "key"), [('"1"', "1"), ("1", "1"), ("'#'", "#")])
def test_choice_keys_may_be_quoted_or_bare_numbers(files, written, key):
    files.replace(
        '      - key: "1"\n        prompt: info.choice\n', f"      - key: {written}\n        prompt: info.choice\n"
    )
    if key == "#":  # the back key is a standard key: loads, but the checker refuses it
        assert any("standard key" in p for p in errors(files))
    else:
        assert load_flow(files.flow).nodes["main"].choices[0].key == key


def test_load_flow_raises_with_every_error(files):
    files.replace("    normal: 7\n", "    normal: seven\n")
    files.replace("        - 2026-12-25\n", "        - Christmas\n")
    with pytest.raises(FlowError) as caught:
        load_flow(files.flow)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 2
    assert "timeouts.normal must be a whole number from 3 to 60" in messages[0]
    assert "holiday 'Christmas'" in messages[1]
    assert str(caught.value).splitlines()[0].startswith(f"{files.flow}:{files.line_of('normal: seven')}: ")


def test_settings_are_read_into_the_model(files):
    s = load_flow(files.flow).settings
    assert (s.timeout_normal, s.timeout_more_time, s.timeout_dial) == (7, 25, 30)
    assert (s.rate_normal, s.rate_slow) == (100, 75)
    assert s.keys.as_dict() == {"person": "0", "repeat": "*", "back": "#", "more_time": "9"}
    assert s.person_route == "to_helpline"
    assert s.numbers["helpline"].e164 == "+443000606699"
    assert s.numbers["helpline"].verified is True
    assert s.languages["cy-GB"].say_voice == "Polly.Gwyneth"
    assert s.hours["helpline"].timezone == "Europe/London"


def test_prompt_overrides_replace_words(files):
    flow = load_flow(files.flow, prompt_overrides={"cy-GB": {"goodbye": "Hwyl fawr."}})
    assert flow.prompts.text("goodbye", "cy-GB") == "Hwyl fawr."
    assert flow.prompts.text("goodbye", "en-GB") == "Words for goodbye in en-GB."


def test_the_version_changes_with_the_words(files):
    before = load_flow(files.flow).version
    files.replace("Words for goodbye in cy-GB.", "Hwyl fawr.", files.prompts("cy-GB"))
    assert load_flow(files.flow).version != before
