"""Words that work on every menu (issue 14, item 1; the brief's rule 11), driven as calls
through the signed webhooks: danger words, a person, the other language — checked
before a menu's own choices, whole phrases over words inside them, negations kept."""

from __future__ import annotations

import pytest

from ivr.engine import heard_unnegated, normalise

from .conftest import Caller

# (language, menu, what the caller says, what it must reach): "danger" is the 999
# reminder and the police line; "person" is the same as key 0; "welsh"/"english" is the
# same menu in that language; "callback" is the callback booking (a menu's own choice
# that books one, when it has one); a key is the same as pressing that key.
PHRASES = [
    ("en-GB", "main", "police", "danger"),
    ("en-GB", "main", "999", "danger"),
    ("en-GB", "main", "nine nine nine", "danger"),
    ("en-GB", "main", "emergency", "danger"),
    ("en-GB", "main", "I am scared", "danger"),
    ("en-GB", "main", "I'm frightened", "danger"),
    ("en-GB", "main", "he is here", "danger"),
    ("en-GB", "main", "I'm in danger", "danger"),
    ("en-GB", "main", "he threatened me", "danger"),
    ("en-GB", "main", "he hurt me", "danger"),
    ("en-GB", "help_menu", "someone is hurting me", "danger"),
    ("en-GB", "prison_menu", "he's been threatening me", "danger"),
    ("en-GB", "release_menu", "get me the police", "danger"),
    ("en-GB", "protection_menu", "I'm scared, put me through to a person", "danger"),
    ("en-GB", "main", "helpline", "person"),
    ("en-GB", "main", "can I talk to someone", "person"),
    ("en-GB", "main", "a real person please", "person"),
    ("en-GB", "help_menu", "operator", "person"),
    ("en-GB", "prison_menu", "speak to someone", "person"),
    ("en-GB", "main", "it's not the police I want, it's prison letters", "2"),
    ("en-GB", "main", "I'm not in danger, it's about his release", "3"),
    ("en-GB", "main", "no emergency, just help after the trial", "1"),
    ("en-GB", "main", "I'm not scared, I want protection", "4"),
    ("en-GB", "main", "prison", "2"),
    ("en-GB", "main", "he's being released", "3"),
    ("en-GB", "main", "Welsh", "welsh"),
    ("en-GB", "main", "Cymraeg please", "welsh"),
    ("en-GB", "help_menu", "in Welsh", "welsh"),
    ("en-GB", "protection_menu", "call me back", "1"),
    ("en-GB", "main", "call me back", "callback"),
    ("en-GB", "main", "can someone call me back please", "callback"),
    ("en-GB", "main", "I'd like a callback", "callback"),
    ("en-GB", "help_menu", "could you ring me back", "callback"),
    ("en-GB", "prison_menu", "call back", "callback"),
    ("en-GB", "release_menu", "phone me back later", "callback"),
    ("en-GB", "police_unavailable", "call me back", "callback"),
    ("en-GB", "main", "not a call back, I want to talk to someone", "person"),
    ("en-GB", "main", "go back", "#"),
    ("cy-GB", "main", "heddlu", "danger"),
    ("cy-GB", "main", "naw naw naw", "danger"),
    ("cy-GB", "main", "argyfwng", "danger"),
    ("cy-GB", "main", "mae ofn arna i", "danger"),
    ("cy-GB", "main", "dw i mewn perygl", "danger"),
    ("cy-GB", "main", "dw i wedi brifo", "danger"),
    ("cy-GB", "prison_menu", "police", "danger"),
    ("cy-GB", "main", "llinell gymorth", "person"),
    ("cy-GB", "main", "siarad â rhywun", "person"),
    ("cy-GB", "help_menu", "rhywun os gwelwch yn dda", "person"),
    ("cy-GB", "main", "Saesneg", "english"),
    ("cy-GB", "main", "English please", "english"),
    ("cy-GB", "main", "carchar", "2"),
    ("cy-GB", "main", "nid yr heddlu, carchar", "2"),
    ("cy-GB", "protection_menu", "ffonio fi'n ôl", "1"),
    ("cy-GB", "main", "ffonio fi'n ôl", "callback"),
    ("cy-GB", "main", "galwad yn ôl os gwelwch yn dda", "callback"),
    ("cy-GB", "help_menu", "allwch chi ffonio fi yn ôl", "callback"),
    ("cy-GB", "release_menu", "call me back", "callback"),
    ("cy-GB", "main", "yn ôl", "#"),
]


def enter(caller, node, language):
    return caller.post(f"/voice/node/{node}?l={language}&m=0&s=0&w=0")


def test_the_table_has_at_least_40_phrasings():
    assert len(PHRASES) >= 40


@pytest.mark.parametrize(("language", "menu", "said", "reach"), PHRASES)
def test_said_on_a_menu_reaches(shared_client, language, menu, said, reach):
    spoken, expected = Caller(shared_client), Caller(shared_client)
    enter(spoken, menu, language)
    answer = spoken.say(said)
    if reach == "danger":
        want = enter(expected, "to_police", language)
        danger = {"en-GB": "hang up and call 999", "cy-GB": "ffoniwch 999"}[language]
        assert danger in answer.text
        assert answer.root.find("Dial") is not None
    elif reach == "callback":
        want = enter(expected, "callback", language)
    elif reach in ("welsh", "english"):
        want = enter(expected, menu, {"welsh": "cy-GB", "english": "en-GB"}[reach])
    else:
        enter(expected, menu, language)
        want = expected.press("0" if reach == "person" else reach)
    assert answer.text == want.text
    got_gather, want_gather = answer.gather, want.gather
    assert (got_gather is None) == (want_gather is None)
    if want_gather is not None:
        assert got_gather.get("action") == want_gather.get("action")


@pytest.mark.parametrize(
    ("heard", "found"),
    [
        ("not the police", False),
        ("don't need police", False),
        ("no police", False),
        ("no, I am scared of him police", True),
        ("the police not the helpline", True),
        ("police", True),
        ("dim heddlu", False),
    ],
)
def test_a_negation_just_before_a_word_undoes_it(heard, found):
    assert heard_unnegated(normalise(heard), ("police", "heddlu")) is found
