"""Shorter and plainer (issue 14, item 3), rung through the signed webhooks in English and
Welsh: guidance in parts under 30 seconds with a choice to go on or skip, terms a caller may
not know explained once in plain words, the booking not repeating what was just heard, "have a
pen ready" before the reference, and numbers read back in groups with a pause between them, in
say mode (SSML <break>) and play mode (the clip ending a group carries the pause)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from ivr.audio.clips import GROUP_PAUSE_MS, flow_clips
from ivr.audio.store import AudioStore
from ivr.audio.synth import engine_version
from ivr.flow import load_flow, model
from ivr.flow.wording import MAX_GREETING_SECONDS, MAX_STRETCH_SECONDS, guidance_stretch, spoken_seconds

from .audio.conftest import tone
from .conftest import PUBLIC_URL, ROOT, Caller

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
LANGUAGES = ["en-GB", "cy-GB"]

# A term a caller may not know: (node where it is explained, the explanation's words per language).
TERMS = {
    "on licence": (
        "release_licence",
        {"en-GB": "This is called being on licence", "cy-GB": "Bod ar drwydded yw'r enw"},
    ),
    "victim liaison officer": (
        "protection_officer",
        {"en-GB": "This is a person from the Probation Service who keeps you updated", "cy-GB": "Dyma berson o'r"},
    ),
    "Parole Board": (
        "protection_parole",
        {
            "en-GB": "the Parole Board: the people who decide if it is safe to release dangerous prisoners",
            "cy-GB": "Bwrdd Parôl: y bobl sy'n penderfynu",
        },
    ),
    "detained as a mental health patient": (
        "protection",
        {
            "en-GB": "Detained as a mental health patient means they are kept in a hospital",
            "cy-GB": "Ystyr cael ei gadw fel claf iechyd meddwl",
        },
    ),
}


def enter(caller, node: str, language: str):
    return caller.post(f"/voice/node/{node}?l={language}&m=0&s=0&w=0")


def stretch_heads():
    nexts = {n.next for n in FLOW.nodes.values() if isinstance(n, model.Guidance)}
    return sorted(
        n.id
        for n in FLOW.nodes.values()
        if isinstance(n, model.Callback) or (isinstance(n, model.Guidance) and n.id not in nexts)
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("head", stretch_heads())
def test_no_stretch_of_guidance_is_over_30_seconds_before_a_choice(shared_client, head, language):
    words, path = guidance_stretch(FLOW, head, language)
    assert spoken_seconds(words) <= MAX_STRETCH_SECONDS, (head, words)
    answer = enter(Caller(shared_client), head, language)
    assert len(answer.text.split()) == words  # what the webhook says is what the check counted
    if FLOW.nodes[path[-1]].kind == "guidance":  # then its menu: a choice to go on (hear more) or skip
        menu = Caller(shared_client)
        enter(menu, head, language)
        follow = menu.follow()
        assert follow.gather.get("action").split("?")[0].endswith(f"/voice/input/{FLOW.nodes[path[-1]].next}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_protection_guidance_comes_in_three_parts_each_with_a_choice_to_go_on(shared_client, language):
    caller = Caller(shared_client)
    parts = []
    answer = enter(caller, "protection", language)
    for _ in range(3):
        parts.append(answer.text)
        menu = caller.follow()
        assert FLOW.prompts.text("topic.again", language) in menu.text
        if len(parts) < 3:
            assert "3" in menu.text  # "To hear what a victim liaison officer does, press 3."
            answer = caller.press("3")
    assert all(spoken_seconds(len(p.split())) <= MAX_STRETCH_SECONDS for p in parts)
    whole = " ".join(parts)
    for prompt_id in ("protection.who", "protection.officer", "protection.statement", "protection.conditions"):
        assert FLOW.prompts.text(prompt_id, language) in whole


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_greeting_is_under_15_seconds_in_each_language(shared_client, language):
    greeting = Caller(shared_client).ring()
    said = [s for s in greeting.says if s.get("language") == language]
    words = sum(len("".join(s.itertext()).split()) for s in said)
    assert 0 < spoken_seconds(words) < MAX_GREETING_SECONDS


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("term", sorted(TERMS))
def test_each_term_is_explained_once_in_plain_words(shared_client, term, language):
    node, explanation = TERMS[term]
    heard = enter(Caller(shared_client), node, language).text
    assert explanation[language] in heard
    texts = FLOW.prompts.texts[language]
    assert [p for p, text in texts.items() if explanation[language] in text] != []
    assert len([p for p, text in texts.items() if explanation[language] in text]) == 1


# --- the booking ------------------------------------------------------------------------------


@pytest.fixture
def app_config(app_config):
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    return app_config


def to_number_question(client, language_key: str) -> Caller:
    caller = Caller(client, from_number="anonymous")
    caller.to_main_menu(language_key)
    caller.press("4")
    caller.press("1")  # skip the guidance
    caller.press("1")  # a callback
    caller.follow()
    return caller


@pytest.mark.parametrize(
    ("language_key", "heard"), [("1", "I heard zero seven nine one one,"), ("2", "Clywais i dim saith naw un un,")]
)
def test_a_number_is_read_back_in_groups_with_a_pause_between_them_in_say_mode(client, language_key, heard):
    caller = to_number_question(client, language_key)
    confirm = caller.press("07911123456")
    say = next(s for s in confirm.says if "".join(s.itertext()).startswith(heard))
    breaks = [b.get("time") for b in say.iter("break")]
    assert breaks[:2] == ["600ms", "600ms"] and breaks.count("600ms") == 2  # 07911 / 123 / 456, then the choices
    groups = [t.strip() for t in say.itertext() if t.strip()]
    assert groups[1].count(" ") == 2 and groups[1].endswith(",")  # "one two three,"
    assert groups[2].count(" ") >= 2 and "." in groups[2]  # "four five six." (then the choices)


@pytest.mark.parametrize("language_key", ["1", "2"])
def test_have_a_pen_ready_comes_before_the_reference(client, language_key):
    caller = Caller(client, from_number="+447911123456")
    caller.to_main_menu(language_key)
    caller.press("4")
    caller.press("1")
    caller.press("1")
    caller.follow()
    for key in ("1", "1", "1", "1"):  # this number, the morning, a voicemail is safe, say who is calling
        done = caller.press(key)
    text = done.text
    pen = {"1": "have a pen ready", "2": "estynnwch feiro"}[language_key]
    reference = {"1": "Your reference number is", "2": "Eich cyfeirnod yw"}[language_key]
    assert pen in text and text.index(pen) < text.index(reference)
    assert [b.get("time") for s in done.says for b in s.iter("break")].count("600ms") >= 10  # digit by digit


@pytest.fixture
def play_client(app_config, tmp_path):
    """Play mode with a clip (a tone) for every clip of the line, group ends included."""
    from ivr import create_app
    from ivr.db import upgrade

    store = AudioStore(tmp_path / "audio")
    for clip in flow_clips(FLOW, engine_version()):
        if not store.has(clip.name):
            store.write(clip.name, tone(0.1, rate=8000))
    app_config.update(IVR_SPEECH="play", IVR_AUDIO_DIR=str(store.root))
    upgrade(app_config["IVR_DATABASE_URL"])
    app = create_app(app_config)
    yield app.test_client()
    app.extensions["ivr.db"].dispose()


@pytest.mark.parametrize("language_key", ["1", "2"])
def test_a_number_is_read_back_in_groups_in_play_mode(play_client, language_key):
    names = {c.name: c for c in flow_clips(FLOW, engine_version()) if not c.slow}
    caller = to_number_question(play_client, language_key)
    confirm = caller.press("07911123456")
    played = [names[p.text.rsplit("/", 1)[1][:-4]] for p in confirm.findall("Gather/Play")]
    ids = [c.prompt_id for c in played]
    start = ids.index("callback.confirm.heard")
    digits = ids[start + 1 : start + 12]
    assert digits == [
        "sys.digit.0",
        "sys.digit.7",
        "sys.digit.9",
        "sys.digit.1",
        "sys.digit.1 then a pause",
        "sys.digit.1",
        "sys.digit.2",
        "sys.digit.3 then a pause",
        "sys.digit.4",
        "sys.digit.5",
        "sys.digit.6",
    ]
    ends = [c for c in played if c.prompt_id.endswith(" then a pause")]
    assert {c.spec.pause_ms for c in ends} == {GROUP_PAUSE_MS}
    assert all(c.spec.pause_ms == 0 for c in played if c.prompt_id.startswith("sys.digit.") and c not in ends)
    assert PUBLIC_URL in confirm.findall("Gather/Play")[0].text
