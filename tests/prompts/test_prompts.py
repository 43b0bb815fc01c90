"""Editing prompts: grouped by the call tree, checked, drafted, published to the
live line (on every instance), refused when they would break it, history and rollback."""

from __future__ import annotations

import html
import re

import pytest

from ivr import create_app
from ivr.line import live
from ivr.prompts import store
from ivr.prompts.textcheck import check_text

from ..conftest import Caller
from ..helpers.pages import token

EDIT = "/admin/prompts/en-GB/welcome.greeting"
NEW_WORDS = "Hello, this is the new greeting. If you are in danger now, hang up and call 999."


def greeting_heard(client) -> str:
    return Caller(client).ring().text


def save(client, text, revision=0, path=EDIT):
    return client.post(f"{path}/save", data={"csrf_token": token(client, path), "text": text, "revision": revision})


def publish(client, revision, path=EDIT):
    return client.post(f"{path}/publish", data={"csrf_token": token(client, path), "revision": revision})


def test_prompts_are_grouped_in_call_order_with_both_languages_and_the_welsh_review_status(editor):
    page = editor.get("/admin/prompts").get_data(as_text=True)
    headings = re.findall(r'<h2 class="govuk-heading-m" id="node-[^"]+">([^<]+)</h2>', page)
    assert headings[:3] == ["Language choice: welcome", "Guidance: keys_intro", "Menu: main"]
    assert headings.index("Menu: main") < headings.index("Guidance: help")
    assert "Said by the line itself (help, silence, wrong keys, counting)" in headings
    assert '<th scope="col" class="govuk-table__header" lang="en">English</th>' in page
    assert '<th scope="col" class="govuk-table__header" lang="cy">Cymraeg</th>' in page
    assert "awaiting review" in page or "pending" in page or "govuk-tag--yellow" in page


def test_every_shipped_prompt_passes_the_editor_checks(app):
    flow = app.extensions["ivr.line.shipped"].flow
    failing = {
        (lang, pid): check_text(text, lang).errors
        for lang, table in flow.prompts.texts.items()
        for pid, text in table.items()
        if check_text(text, lang).errors
    }
    assert failing == {}


def test_save_makes_a_draft_that_callers_do_not_hear(editor, client):
    before = greeting_heard(client)
    response = save(editor, NEW_WORDS)
    assert response.status_code == 302
    page = editor.get(EDIT).get_data(as_text=True)
    assert 'id="draft-words">' + NEW_WORDS.replace("'", "&#39;") in page
    assert greeting_heard(client) == before


def test_publish_makes_the_words_live_on_the_next_call(app, editor, client):
    save(editor, NEW_WORDS)
    response = publish(editor, 1)
    assert response.status_code == 302
    assert NEW_WORDS in greeting_heard(client)
    history = editor.get(f"{EDIT}/history").get_data(as_text=True)
    assert "editor@example.org" in history and "<ins>" in history and "<del>" in history


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Enter the words the line should say"),
        ("word " * 70, "The words are too long to hear in one go: 70 words"),
        ("Press # to go back <now>", "The voice cannot say '#' (number sign)"),
        ("Call 08457585112 now.", "Write it in groups, like 0845 758 5112"),
    ],
)
def test_an_edit_that_breaks_a_prompt_shows_a_field_error_and_the_line_keeps_its_words(
    app, editor, client, text, message
):
    before = greeting_heard(client)
    response = save(editor, text)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "There is a problem" in page and '<a href="#text">' in page
    assert 'id="text-error"' in page and message in page
    with app.extensions["ivr.db"].session() as session:
        assert store.get_draft(session, "en-GB", "welcome.greeting") is None
    assert greeting_heard(client) == before


def test_publishing_words_the_flow_checks_refuse_shows_the_problem_and_keeps_the_last_good_words(app, editor, client):
    before = greeting_heard(client)
    with app.extensions["ivr.db"].session() as session:  # a draft that slipped past the editor's checks
        store.save_draft(session, "en-GB", "welcome.greeting", "word " * 70, 0, "someone@example.org")
    response = publish(editor, 1)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "These words were not published" in page and '<a href="#publish">' in page
    assert "too long to hear in one go" in page
    assert re.search(r"prompts/en-GB\.yaml:\d+: prompt &#39;welcome\.greeting&#39; \(en-GB\) has 70 words", page)
    assert greeting_heard(client) == before


def test_flow_check_problems_name_the_file_and_line(app):
    from ivr.prompts.views import validate

    with app.test_request_context():
        problems = validate({"en-GB": {"main.help": "x " * 61}})
    assert problems[0].startswith("main.help (en-GB): The words are too long")
    assert re.match(r"^\S*prompts/en-GB\.yaml:\d+: prompt 'main\.help' \(en-GB\) has 61 words", problems[-1])
    with app.test_request_context():
        assert validate({"en-GB": {"main.help": "For help after the trial"}}) == []


def test_two_editors_saving_the_same_prompt_get_a_clear_conflict(app, editor, make_staff):
    other = app.test_client()
    from ..helpers.pages import sign_in

    sign_in(other, make_staff("second@example.org", "editor"))
    first_form = token(editor, EDIT)  # both open the page with no draft: revision 0
    assert save(other, "The second editor's words. Call 999 in danger.").status_code == 302
    response = editor.post(f"{EDIT}/save", data={"csrf_token": first_form, "text": NEW_WORDS, "revision": 0})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "Someone else changed these words by second@example.org while you were editing" in page
    assert NEW_WORDS.split(",")[0] in page  # their own words are kept in the box
    with app.extensions["ivr.db"].session() as session:
        assert store.get_draft(session, "en-GB", "welcome.greeting").text.startswith("The second editor")


def test_publishing_a_draft_changed_since_it_was_heard_is_refused(app, editor):
    save(editor, NEW_WORDS)
    with app.extensions["ivr.db"].session() as session:
        store.save_draft(session, "en-GB", "welcome.greeting", "Changed meanwhile. Call 999.", 1, "x@example.org")
    response = publish(editor, 1)
    assert response.status_code == 409
    assert "Listen to the draft again" in response.get_data(as_text=True)


def test_rollback_publishes_the_earlier_words_again(app, editor, client):
    shipped = greeting_heard(client)
    save(editor, NEW_WORDS)
    publish(editor, 1)
    save(editor, "Third words. If you are in danger, call 999.", 0)
    publish(editor, 1)
    assert "Third words" in greeting_heard(client)
    with app.extensions["ivr.db"].session() as session:
        first = store.history(session, "en-GB", "welcome.greeting")[-1]
    response = editor.post(
        f"{EDIT}/rollback", data={"csrf_token": token(editor, f"{EDIT}/history"), "version": first.id}
    )
    assert response.status_code == 302
    assert NEW_WORDS in greeting_heard(client)
    editor.post(f"{EDIT}/rollback", data={"csrf_token": token(editor, f"{EDIT}/history"), "version": 0})
    assert greeting_heard(client) == shipped
    with app.extensions["ivr.db"].session() as session:
        assert [v.action for v in store.history(session, "en-GB", "welcome.greeting")] == [
            "rollback",
            "rollback",
            "publish",
            "publish",
        ]


def test_the_check_endpoint_answers_as_you_type(editor):
    response = editor.post(
        "/admin/prompts/check",
        json={"text": "Call 08457585112.", "language": "en-GB"},
        headers={"X-CSRFToken": token(editor, EDIT)},
    )
    report = response.get_json()
    assert response.status_code == 200 and report["ok"] is False
    assert report["words"] == 2 and "0845 758 5112" in report["errors"][0]
    assert editor.post("/admin/prompts/check", json={"text": "x"}).status_code == 400  # no CSRF header


def test_another_instance_on_the_same_database_picks_up_published_words(app, app_config, editor):
    other = create_app(app_config)
    try:
        line = other.extensions["ivr.line"]
        now = [0.0]
        line.clock = lambda: now[0]
        assert line().flow.prompts.text("welcome.greeting", "en-GB") != NEW_WORDS
        save(editor, NEW_WORDS)
        publish(editor, 1)
        assert line().flow.prompts.text("welcome.greeting", "en-GB") != NEW_WORDS  # cached for about a second
        now[0] += live.CHECK_EVERY
        assert line().flow.prompts.text("welcome.greeting", "en-GB") == NEW_WORDS
    finally:
        other.extensions["ivr.db"].dispose()


def test_an_unreachable_database_keeps_the_last_good_line(app, editor, client):
    save(editor, NEW_WORDS)
    publish(editor, 1)
    line = app.extensions["ivr.line"]
    app.extensions["ivr.db"].engine.dispose()
    from sqlalchemy import create_engine

    good = line.line
    line.db = type("Down", (), {"session": lambda self: create_engine("sqlite:////nonexistent/dir/x.db").connect()})()
    line.checked_at -= live.CHECK_EVERY
    assert line() is good
    assert NEW_WORDS in greeting_heard(client)


def test_unknown_prompts_and_languages_are_not_found(editor):
    assert editor.get("/admin/prompts/en-GB/no.such.prompt").status_code == 404
    assert editor.get("/admin/prompts/fr-FR/welcome.greeting").status_code == 404
