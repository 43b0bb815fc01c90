"""Saved test calls: saved from the Try page, listed, replayed, accepted, deleted, and the
publish check that rings each one against the flow about to be published."""

from __future__ import annotations

import html
import shutil

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.flow import load_flow
from ivr.tryline import guard, saved
from ivr.tryline.models import TestCall

from ..conftest import ROOT
from ..helpers.pages import token

PROTECTION = ["1", "s", "4"]


@pytest.fixture
def flow_file(tmp_path):
    """A copy of the shipped call tree the tests may change, as a developer would."""
    folder = tmp_path / "line"
    folder.mkdir()
    shutil.copy(ROOT / "flows.yaml", folder / "flows.yaml")
    return folder / "flows.yaml"


@pytest.fixture
def app_config(app_config, flow_file):
    app_config["IVR_FLOW"] = str(flow_file)
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()  # so the busy helpline's callback is booked
    return app_config


def swap_keys_1_and_4(flow_file):
    """Key 4 of the main menu now leads to the help guidance, key 1 to protection."""
    text = flow_file.read_text()
    text = text.replace(
        "        prompt: main.help\n        goto: help\n", "        prompt: main.help\n        goto: TMP\n"
    )
    text = text.replace(
        "        prompt: main.protection\n        goto: protection\n",
        "        prompt: main.protection\n        goto: help\n",
    )
    text = text.replace("goto: TMP\n", "goto: protection\n")
    flow_file.write_text(text)
    return load_flow(flow_file, ROOT / "prompts")


def save(client, name, inputs, **switches):
    return client.post(
        "/admin/try/save",
        json={"name": name, "switches": switches, "inputs": inputs},
        headers={"X-CSRFToken": token(client, "/admin/try")},
    )


def calls(app) -> list[TestCall]:
    with app.extensions["ivr.db"].session() as s:
        return saved.all_calls(s)


def test_save_a_call_and_list_it(app, editor):
    response = save(editor, "Protection guidance", PROTECTION, hours="closed")
    assert response.status_code == 201, response.get_json()
    (call,) = calls(app)
    assert call.name == "Protection guidance" and call.created_by == "editor@example.org"
    page = editor.get("/admin/try/tests").get_data(as_text=True)
    assert "Protection guidance" in page and "1, (silence), 4" in page and "closed" in page
    with app.extensions["ivr.db"].session() as s:
        assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "test_call.save"


def test_a_name_is_needed_and_unique(app, editor):
    assert save(editor, "  ", PROTECTION).status_code == 400
    assert save(editor, "x" * 121, PROTECTION).status_code == 400
    assert save(editor, "Twice", PROTECTION).status_code == 201
    again = save(editor, "Twice", ["1"])
    assert again.status_code == 409 and "already" in again.get_json()["error"]


def test_replay_passes_then_shows_changed_words_and_accepts_them(app, editor):
    save(editor, "Protection", PROTECTION)
    (call,) = calls(app)
    page = editor.post(f"/admin/try/tests/{call.id}/replay", data={"csrf_token": token(editor, "/admin/try/tests")})
    assert "Passes" in page.get_data(as_text=True)

    # Words staff accepted elsewhere: the saved call still ends in the same place, but says other words.
    with app.extensions["ivr.db"].session() as s:
        row = s.get(TestCall, call.id)
        row.expected = row.expected.replace("violent or sexual crime", "violent crime")
    page = editor.post(f"/admin/try/tests/{call.id}/replay", data={"csrf_token": token(editor, "/admin/try/tests")})
    text = page.get_data(as_text=True)
    assert "The words changed after input 3" in text and "Passes" not in text
    assert "The call now answers differently where it matters" not in text  # words alone do not block
    accepted = editor.post(f"/admin/try/tests/{call.id}/accept", data={"csrf_token": token(editor, "/admin/try/tests")})
    assert accepted.status_code == 302
    page = editor.post(f"/admin/try/tests/{call.id}/replay", data={"csrf_token": token(editor, "/admin/try/tests")})
    assert "Passes" in page.get_data(as_text=True)


def test_delete(app, editor):
    save(editor, "Gone soon", PROTECTION)
    (call,) = calls(app)
    response = editor.post(f"/admin/try/tests/{call.id}/delete", data={"csrf_token": token(editor, "/admin/try/tests")})
    assert response.status_code == 302
    assert calls(app) == []
    assert (
        editor.post("/admin/try/tests/999/delete", data={"csrf_token": token(editor, "/admin/try/tests")}).status_code
        == 404
    )


def test_the_publish_check_blocks_a_tree_that_breaks_a_saved_call(app, editor, flow_file):
    save(editor, "Protection", PROTECTION)
    save(
        editor,
        "Busy helpline books a callback",
        ["1", "s", "0", "1", "s", "07911123456#", "1", "1", "2", "1"],
        transfer="busy",
    )
    check = app.extensions["ivr.publish.checks"]
    assert guard.check_saved_calls in check
    with app.test_request_context():
        assert guard.check_saved_calls(app.extensions["ivr.line"]().flow) == []
        broken = swap_keys_1_and_4(flow_file)
        problems = guard.check_saved_calls(broken)
    assert [p.name for p in problems] == ["Protection"]
    assert (
        "now waits at Guidance: help" in problems[0].message
        and "(it waited at Guidance: protection)" in problems[0].message
    )
    assert problems[0].overridable


def test_the_publish_check_finds_a_call_that_no_longer_reaches_a_person(app, editor, flow_file):
    save(editor, "A person", ["1", "s", "0"])
    text = flow_file.read_text()
    # Key 0 and repeated silence now lead to the closed-helpline menu, whatever the time.
    flow_file.write_text(text.replace("    person: to_helpline", "    person: helpline_closed"))
    with app.test_request_context():
        problems = guard.check_saved_calls(load_flow(flow_file, ROOT / "prompts"))
    messages = [p.message for p in problems]
    assert any("no longer reaches a person" in m for m in messages), messages


def test_a_caseworker_cannot_see_saved_calls(app, client, make_staff):
    from ..helpers.pages import sign_in

    sign_in(client, make_staff("case@example.org", "caseworker"))
    assert client.get("/admin/try/tests").status_code == 403


def draft_and_publish(
    app, client, form=None, prompt_id="main.help", text="For help and support once the trial is over"
):
    from ivr.prompts import store

    with app.extensions["ivr.db"].session() as s:
        draft = store.get_draft(s, "en-GB", prompt_id)
        revision = draft.revision if draft else 0
        if draft is None:
            revision = store.save_draft(s, "en-GB", prompt_id, text, 0, "editor@example.org").revision
    path = f"/admin/prompts/en-GB/{prompt_id}"
    data = {"csrf_token": token(client, path), "revision": revision, **(form or {})}
    return client.post(f"{path}/publish", data=data)


def test_a_publish_that_breaks_a_saved_call_is_refused_and_one_that_does_not_passes(app, editor, flow_file):
    save(editor, "Protection", PROTECTION)
    original = flow_file.read_text()
    swap_keys_1_and_4(flow_file)  # a developer changed the tree on the server: the next publish would make it live
    refused = draft_and_publish(app, editor)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Saved test call &#39;Protection&#39;: The call now waits at Guidance: help" in page
    assert 'id="confirm"' not in page  # an editor is not offered to confirm it
    # The editor ticking the box themselves changes nothing: only an admin may confirm.
    assert draft_and_publish(app, editor, {"confirm": "yes"}).status_code == 400

    flow_file.write_text(original)
    passed = draft_and_publish(app, editor)
    assert passed.status_code == 302
    with app.extensions["ivr.db"].session() as s:
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["prompt.publish", "test_call.accept"]  # published; the saved call expects the new words


def test_an_admin_confirms_a_publish_that_changes_a_saved_call(app, admin_client, flow_file):
    save(admin_client, "Protection", PROTECTION)
    swap_keys_1_and_4(flow_file)
    refused = draft_and_publish(app, admin_client)
    assert refused.status_code == 400 and 'id="confirm"' in refused.get_data(as_text=True)
    confirmed = draft_and_publish(app, admin_client, {"confirm": "yes"})
    assert confirmed.status_code == 302
    with app.extensions["ivr.db"].session() as s:
        events = dict(s.execute(select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)).all())
    assert "Protection" in events["prompt.publish.confirmed"]
    assert events["test_call.accept"] == "after a publish: Protection"  # the admin accepted the new ending
    (call,) = calls(app)
    assert '"end": "help"' in call.expected


def test_a_publish_updates_the_words_saved_calls_expect(app, editor):
    save(editor, "Main menu", ["1", "s"])
    save(editor, "Protection", PROTECTION)
    (menu, protection) = calls(app)
    before = menu.expected
    assert draft_and_publish(app, editor).status_code == 302  # main.help: new words, nothing blocks
    after = {c.name: c for c in calls(app)}
    assert "once the trial is over" in after["Main menu"].expected and after["Main menu"].expected != before
    assert after["Main menu"].updated_by == "publish"
    replayed = editor.post(f"/admin/try/tests/{menu.id}/replay", data={"csrf_token": token(editor, "/admin/try/tests")})
    assert "Passes" in replayed.get_data(as_text=True)
    with app.extensions["ivr.db"].session() as s:
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "test_call.accept"))
    assert detail == "after a publish: Main menu, Protection"  # both heard the main menu's words


def test_a_refusal_caused_by_the_tree_on_the_server_says_so_and_who_can_act(app, admin_client, flow_file):
    """Issue 26, item 3: flows.yaml changed under the running line; the editor's words are not the cause."""
    save(admin_client, "Protection", PROTECTION)
    swap_keys_1_and_4(flow_file)
    refused = draft_and_publish(app, admin_client)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "Saved test call 'Protection': The call now waits at Guidance: help" in page
    assert "These words are not the cause: the call tree on the server changed since this test call was saved" in page
    assert "key 1 at Menu: main now leads to Guidance: protection (it led to Guidance: help)" in page
    assert "key 4 at Menu: main now leads to Guidance: help (it led to Guidance: protection)" in page
    assert "whoever looks after the server can put flows.yaml back" in page
    # The admin's box says the tree change is made live too.
    assert "callers should hear these words anyway; the change to the call tree on the server named above" in page


def test_an_editor_is_not_told_to_fix_the_draft_when_the_tree_changed(app, editor, flow_file):
    save(editor, "Protection", PROTECTION)
    swap_keys_1_and_4(flow_file)
    page = html.unescape(draft_and_publish(app, editor).get_data(as_text=True))
    assert "The call tree on the server changed: the problems below say what changed and who can act." in page
    assert "Fix the draft and try again" not in page


def test_a_refusal_caused_by_the_words_does_not_blame_the_tree(app, editor, flow_file):
    save(editor, "Protection", PROTECTION)
    with app.test_request_context():
        live = app.extensions["ivr.line"]().flow
        problems = guard.check_saved_calls(live)
        assert problems == []
        from ivr.prompts.publish import Candidate

        words = {"en-GB": {"protection.skip": "Press any key."}}
        flow = load_flow(flow_file, ROOT / "prompts", words)
        candidate = Candidate(flow, words, "en-GB", "protection.skip", "Press any key.")
        assert guard.check_saved_calls(candidate) == []  # changed words alone never block
