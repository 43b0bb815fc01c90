"""One key, one meaning across the call tree (issue 14, item 2), rung through the signed
webhooks in English and Welsh: a choice that means the same thing has the same key in every
menu that offers it, and what a standard key does is offered with that key, never a number."""

from __future__ import annotations

import pytest

from ivr.flow import load_flow, model

from .conftest import ROOT, Caller

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
MENUS = sorted(n.id for n in FLOW.nodes.values() if isinstance(n, model.Menu))
LANGUAGES = ["en-GB", "cy-GB"]
PRESS = {"en-GB": {"2": "press 2.", "0": "press 0.", "#": "press hash.", "*": "press star.", "1": "press 1."}}
PRESS["cy-GB"] = {"2": "pwyswch 2.", "0": "pwyswch 0.", "#": "pwyswch hash.", "*": "pwyswch seren.", "1": "pwyswch 1."}


def offers(prompt_id: str) -> list[tuple[str, model.Choice]]:
    return [(m, c) for m in MENUS for c in FLOW.nodes[m].choices if c.prompt == prompt_id]


def enter(caller, node: str, language: str):
    return caller.post(f"/voice/node/{node}?l={language}&m=0&s=0&w=0")


def said(language: str, prompt_id: str, key: str) -> str:
    return f"{FLOW.prompts.text(prompt_id, language)}, {PRESS[language][key]}"


def test_every_shared_meaning_has_one_key():
    for prompt_id, key in (("topic.again", "2"), ("topic.helpline", "0"), ("topic.main", "#")):
        assert {c.key for _, c in offers(prompt_id)} == {key}, prompt_id
    callbacks = [c for m in MENUS for c in FLOW.nodes[m].choices if FLOW.nodes[c.goto].kind == "callback"]
    assert len(callbacks) >= 3 and {c.key for c in callbacks} == {"1"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("menu", "choice"), offers("topic.again"), ids=lambda v: getattr(v, "goto", v))
def test_hear_again_is_2_in_every_topic_menu(shared_client, language, menu, choice):
    caller = Caller(shared_client)
    assert said(language, "topic.again", "2") in enter(caller, menu, language).text
    again = caller.press("2")
    first = FLOW.nodes[choice.goto].prompts[0]
    assert again.text.startswith(FLOW.prompts.text(first, language))
    assert again.gather.get("action").split("?")[0].endswith(f"/voice/input/{choice.goto}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("menu", [m for m, _ in offers("topic.helpline")])
def test_the_helpline_is_0_where_it_is_offered_and_0_puts_you_through(shared_client, language, menu):
    caller = Caller(shared_client)
    text = enter(caller, menu, language).text
    assert said(language, "topic.helpline", "0") in text
    answer = caller.press("0")
    assert answer.find("Dial/Number").text == FLOW.settings.numbers["helpline"].e164


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("menu", [m for m, _ in offers("topic.main")])
def test_the_main_menu_is_hash_in_every_menu_that_offers_it(shared_client, language, menu):
    caller = Caller(shared_client)
    text = enter(caller, menu, language).text
    assert said(language, "topic.main", "#") in text
    for pressed in ("#", None):
        caller = Caller(shared_client)
        enter(caller, menu, language)
        answer = caller.press("#") if pressed else caller.say(FLOW.prompts.words[language]["topic.main"][0])
        assert answer.gather.get("action").split("?")[0].endswith("/voice/input/main")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_menu_numbers_what_a_standard_key_does(shared_client, language):
    """No numbered choice goes back (#), to a person (0) or to the same menu again (*)."""
    for menu in MENUS:
        node = FLOW.nodes[menu]
        for choice in node.choices:
            if choice.key.isdigit() and choice.key != "0":
                assert choice.goto not in (node.back, node.id, FLOW.settings.person_route), (menu, choice)
        text = enter(Caller(shared_client), menu, language).text
        assert FLOW.prompts.text(f"sys.choices.{len(node.choices)}", language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_closed_helpline_offers_its_number_again_on_star(shared_client, language):
    caller = Caller(shared_client)
    first = enter(caller, "helpline_closed", language)
    assert said(language, "offer.number", "*") in first.text
    again = caller.press("*")
    assert "0845 758 5112" in again.text and again.text == first.text


def at_the_key_guide(caller, language: str):
    """Ring and choose `language`: the key guide is playing (its Gather listens for one key)."""
    caller.ring()
    guide = caller.press("1" if language == "en-GB" else "2")
    assert FLOW.prompts.text("keys.intro", language) in guide.text
    assert guide.gather.get("action").split("?")[0].endswith("/voice/input/keys_intro")
    return guide


@pytest.mark.parametrize("language", LANGUAGES)
def test_0_during_the_key_guide_puts_you_through_to_a_person(shared_client, shared_open_clock, language):
    caller = Caller(shared_client)
    at_the_key_guide(caller, language)
    answer = caller.press("0")
    assert answer.find("Dial/Number").text == FLOW.settings.numbers["helpline"].e164


@pytest.mark.parametrize("language", LANGUAGES)
def test_0_during_the_key_guide_when_the_helpline_is_closed_offers_the_number(shared_client, shared_open_clock, language):
    from .conftest import CLOSED

    shared_open_clock.now = CLOSED
    caller = Caller(shared_client)
    at_the_key_guide(caller, language)
    answer = caller.press("0")
    assert answer.find("Dial") is None
    assert FLOW.prompts.text("helpline.closed", language) in answer.text
    assert answer.gather.get("action").split("?")[0].endswith("/voice/input/helpline_closed")


@pytest.mark.parametrize("language", LANGUAGES)
def test_9_during_the_key_guide_gives_more_time_from_then_on(shared_client, shared_open_clock, language):
    caller = Caller(shared_client)
    at_the_key_guide(caller, language)
    answer = caller.press("9")
    assert answer.text.startswith(FLOW.prompts.text("sys.more_time", language))
    assert answer.gather.get("action").split("?")[0].endswith("/voice/input/main")
    assert answer.gather.get("timeout") == str(FLOW.settings.timeout_more_time)
    assert "m=1" in answer.gather.get("action")


@pytest.mark.parametrize("language", LANGUAGES)
def test_star_during_the_key_guide_says_it_again(shared_client, shared_open_clock, language):
    caller = Caller(shared_client)
    guide = at_the_key_guide(caller, language)
    again = caller.press("*")
    assert again.text == guide.text
    assert again.gather.get("action").split("?")[0].endswith("/voice/input/keys_intro")


@pytest.mark.parametrize("language", LANGUAGES)
def test_any_other_key_during_the_key_guide_still_skips_to_the_main_menu(shared_client, shared_open_clock, language):
    caller = Caller(shared_client)
    at_the_key_guide(caller, language)
    answer = caller.press("5")
    assert answer.gather.get("action").split("?")[0].endswith("/voice/input/main")
    assert "m=0" in answer.gather.get("action")
