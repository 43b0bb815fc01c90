"""A phone number in the words must be one of the line's numbers (issue 26, item 1): refused at the field
as the editor types, at publish, and by `ivr check` for the shipped prompt files, at the line, naming the
configured numbers it could mean. The ways of writing a number: tests/flow/test_spoken_numbers.py."""

from __future__ import annotations

import html
import shutil

from ivr.cli import main
from ivr.prompts import store

from ..conftest import ROOT, Caller
from ..helpers.pages import token

EDIT = "/admin/prompts/en-GB/prison.helpline"
WRONG = "If you get unwanted letters or phone calls from the prisoner, phone the helpline on 0845 758 5113."
RIGHT = WRONG.replace("5113", "5112")
REFUSED = "The number 0845 758 5113 is not one of the line's numbers"
MEANT = "Did you mean the helpline number, 0845 758 5112?"


def check(client, text, language="en-GB"):
    response = client.post(
        "/admin/prompts/check", json={"text": text, "language": language}, headers={"X-CSRFToken": token(client, EDIT)}
    )
    assert response.status_code == 200
    return response.get_json()


def test_the_field_refuses_a_number_that_is_not_the_lines_as_you_type(editor):
    wrong = check(editor, WRONG)
    assert wrong["ok"] is False
    [message] = [m for m in wrong["errors"] if m.startswith(REFUSED)]
    assert MEANT in message
    assert check(editor, RIGHT)["ok"] is True
    said = check(editor, "Ffoniwch y llinell gymorth ar dim wyth pedwar pump, saith pump wyth, pump un un tri.", "cy-GB")
    assert said["ok"] is False and any(MEANT in m for m in said["errors"])


def test_a_draft_with_a_wrong_number_is_not_saved(app, editor):
    response = editor.post(f"{EDIT}/save", data={"csrf_token": token(editor, EDIT), "text": WRONG, "revision": 0})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and REFUSED in page and MEANT in page
    with app.extensions["ivr.db"].session() as s:
        assert store.get_draft(s, "en-GB", "prison.helpline") is None


def test_publish_refuses_a_wrong_number_and_callers_keep_the_right_one(app, editor, client):
    with app.extensions["ivr.db"].session() as s:  # a draft saved before this check existed
        store.save_draft(s, "en-GB", "prison.helpline", WRONG, 0, "editor@example.org")
    response = editor.post(f"{EDIT}/publish", data={"csrf_token": token(editor, EDIT), "revision": 1})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert REFUSED in page and MEANT in page and "Callers still hear the words below" in page
    assert page.count(REFUSED) == 1  # said once, in words, not again as the file check
    caller = Caller(client)
    caller.post("/voice/node/prison?l=en-GB&m=0&s=0&w=0")
    assert "0845 758 5112" in caller.answer.text and "5113" not in caller.answer.text


def test_ivr_check_refuses_a_wrong_number_in_a_prompt_file_at_its_line(runner, tmp_path):
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    shutil.copy(ROOT / "flows.yaml", tmp_path / "flows.yaml")
    english = tmp_path / "prompts" / "en-GB.yaml"
    lines = english.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  helpline.number:")) + 1
    lines[at - 1] = "  helpline.number: The victims' helpline number is oh eight four five, seven five eight, five one one three."
    english.write_text("\n".join(lines) + "\n")
    result = runner.invoke(main, ["check", str(tmp_path / "flows.yaml")])
    assert result.exit_code == 1
    wanted = (
        f"prompts/en-GB.yaml:{at}: prompt 'helpline.number' (en-GB): The number oh eight four five, seven five eight, "
        "five one one three is not one of the line's numbers"
    )
    assert wanted in result.output, result.output
    assert MEANT in result.output


def test_ivr_check_passes_the_shipped_words(runner):
    result = runner.invoke(main, ["check", str(ROOT / "flows.yaml")])
    assert result.exit_code == 0 and "not one of the line's numbers" not in result.output
