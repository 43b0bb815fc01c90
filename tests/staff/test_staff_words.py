"""Staff words, not ids: prompt pages titled by where callers hear them and their first words,
languages by name, UK times, a search box; Welsh marked when its English changed."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ivr.cli import main
from ivr.prompts import store
from ivr.staff.words import uk_time

from ..conftest import ROOT
from ..helpers.pages import token

STALE = "English changed since this translation"


def publish_words(client, language, prompt_id, text):
    path = f"/admin/prompts/{language}/{prompt_id}"
    client.post(f"{path}/save", data={"csrf_token": token(client, path), "text": text, "revision": 0})
    response = client.post(f"{path}/publish", data={"csrf_token": token(client, path), "revision": 1})
    assert response.status_code == 302, response.get_data(as_text=True)


def welsh_cell(page: str, prompt_id: str) -> str:
    row = re.search(rf"<code>{re.escape(prompt_id)}</code></th>(.*?)</tr>", page, re.S).group(1)
    return row.split('<td class="govuk-table__cell">')[2]


def test_a_prompt_page_is_titled_by_where_it_is_heard_and_its_first_words(editor):
    page = html.unescape(editor.get("/admin/prompts/en-GB/protection.who").get_data(as_text=True))
    assert re.search(r"<h1 class=\"govuk-heading-l\">Protection guidance: [A-Z][^<]+\.\.\.</h1>", page), page[:3000]
    assert "<title>Protection guidance: " in page
    welsh = editor.get("/admin/prompts/cy-GB/protection.who").get_data(as_text=True)
    assert "Prompt in Cymraeg" in welsh and "In English" in welsh
    assert "Main menu: " in html.unescape(editor.get("/admin/prompts/en-GB/main.help").get_data(as_text=True))


def test_times_are_uk_time():
    assert uk_time(dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.UTC)) == "1 July 2026 at 13:05"  # BST
    assert uk_time(dt.datetime(2026, 12, 1, 12, 5)) == "1 December 2026 at 12:05"  # naive: stored UTC


def test_a_saved_draft_shows_uk_time(editor):
    path = "/admin/prompts/en-GB/main.help"
    editor.post(f"{path}/save", data={"csrf_token": token(editor, path), "text": "For help today", "revision": 0})
    page = editor.get(path).get_data(as_text=True)
    assert re.search(r"<time datetime=\"[^\"]+\">\d+ \w+ \d{4} at \d\d:\d\d UK time</time>", page)
    assert " UTC</time>" not in page


def test_the_search_box_finds_prompts_by_their_words(editor):
    page = editor.get("/admin/prompts?q=PAROLE").get_data(as_text=True)
    assert '<input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value="PAROLE"' in page
    assert '<label class="govuk-label govuk-label--s" for="q">Find prompts by their words</label>' in page
    assert "<code>protection.parole</code>" in page
    assert "<code>welcome.greeting</code>" not in page
    found = int(re.search(r'id="search-result" role="status">(\d+) prompt', page).group(1))
    assert found == page.count('<tr class="govuk-table__row">\n      <th scope="row"')
    nothing = editor.get("/admin/prompts?q=zebra+crossing").get_data(as_text=True)
    assert "0 prompts with the words" in html.unescape(nothing) and "<code>" not in nothing
    assert "<code>welcome.greeting</code>" in editor.get("/admin/prompts").get_data(as_text=True)


def test_welsh_is_marked_when_its_english_changes_until_confirmed(app, editor):
    page = editor.get("/admin/prompts").get_data(as_text=True)
    assert STALE not in welsh_cell(page, "main.help")
    publish_words(editor, "en-GB", "main.help", "For help and support now the trial is over")
    page = editor.get("/admin/prompts").get_data(as_text=True)
    assert STALE in welsh_cell(page, "main.help")
    assert STALE not in welsh_cell(page, "main.prison")
    welsh = editor.get("/admin/prompts/cy-GB/main.help").get_data(as_text=True)
    assert 'id="stale-translation"' in welsh
    english = editor.get("/admin/prompts/en-GB/main.help").get_data(as_text=True)
    assert 'id="stale-translation"' not in english
    path = "/admin/prompts/cy-GB/main.help"
    response = editor.post(f"{path}/confirm", data={"csrf_token": token(editor, path)})
    assert response.status_code == 302
    assert STALE not in welsh_cell(editor.get("/admin/prompts").get_data(as_text=True), "main.help")
    assert 'id="stale-translation"' not in editor.get(path).get_data(as_text=True)
    # English changes again; new Welsh words put it back in step too.
    publish_words(editor, "en-GB", "main.help", "For help and support after the trial")
    assert STALE in welsh_cell(editor.get("/admin/prompts").get_data(as_text=True), "main.help")
    publish_words(editor, "cy-GB", "main.help", "Am help a chymorth ar ôl yr achos")
    assert STALE not in welsh_cell(editor.get("/admin/prompts").get_data(as_text=True), "main.help")


def test_ivr_prompts_list_marks_welsh_whose_english_changed(runner, tmp_path, monkeypatch):
    from ivr.db import upgrade

    url = f"sqlite:///{tmp_path / 'ivr.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        store.add_version(session, "en-GB", "main.help", "For help after the trial", "e@example.org", "publish")
    engine.dispose()
    for name, value in {
        "IVR_DATABASE_URL": url,
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_AUDIO_DIR": str(tmp_path / "audio"),
        "IVR_SPEECH": "play",
    }.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(main, ["prompts", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("English changed since this translation (1), until it is updated or confirmed:")
    assert lines[at + 1 :] == ["  main.help (cy-GB)"]


def english_change(page: str) -> str:
    found = re.search(r'id="english-change">(.*?)</p>', page, re.S)
    assert found, "no word difference of the English on the page"
    return html.unescape(found.group(1))


def test_the_welsh_page_shows_what_changed_in_the_english_since_the_translation(app, editor):
    """Issue 26, item 6: the word difference of the English, not only that it changed."""
    shipped = app.extensions["ivr.line.shipped"].flow.prompts.text("main.help", "en-GB")
    publish_words(editor, "en-GB", "main.help", "For help and support now the trial is over")
    welsh = editor.get("/admin/prompts/cy-GB/main.help").get_data(as_text=True)
    change = english_change(welsh)
    assert shipped == "For help and support after the trial"
    assert '<del><span class="govuk-visually-hidden">removed: </span>after</del>' in change
    assert '<ins><span class="govuk-visually-hidden">added: </span>now</ins>' in change
    assert change.count("<ins>") == 2  # "now" and "is over"
    # Confirmed, then the English changes again: the difference is from the English the Welsh was confirmed against.
    path = "/admin/prompts/cy-GB/main.help"
    editor.post(f"{path}/confirm", data={"csrf_token": token(editor, path)})
    publish_words(editor, "en-GB", "main.help", "For help and support now the case is over")
    change = english_change(editor.get(path).get_data(as_text=True))
    assert "removed: </span>trial</del>" in change and "added: </span>case</ins>" in change
    assert "after" not in change
