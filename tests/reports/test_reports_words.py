"""The Reports page in words: versions named by when and by whom, labels wrapped not cut, no doubled words, and
callers asking to hear it again counted as struggling."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from ivr.prompts import store
from ivr.prompts.models import PromptVersion
from ivr.reports import page as reportpage
from ivr.staff import words
from tests.conftest import Caller

from ..helpers.pages import sign_in
from .test_page import page, ring


@pytest.fixture
def manager(app, client, make_staff):
    sign_in(client, make_staff("manager@example.org", "manager"))
    return client


def test_a_version_is_named_by_when_and_by_whom_with_the_prompts_it_changed(app, manager):
    ring(manager, 2)  # under the shipped words
    with app.extensions["ivr.db"].session() as session:
        for prompt_id in ("main.help", "main.prison"):
            store.add_version(session, "en-GB", prompt_id, "Words", "editor@example.org", "publish")
    with app.extensions["ivr.db"].session() as session:
        published = session.scalars(select(PromptVersion.published_at).order_by(PromptVersion.id)).all()[-1]
    app.extensions["ivr.line"].refresh(force=True)
    ring(manager, 2, start=50)  # under serial 2
    text = page(manager, app, node="main")
    assert "Shipped words" in text
    assert f"Version of {words.uk_time(published)} by editor@example.org: 2 prompts changed" in text
    assert "Publish 2" not in text and "Publish 1" not in text


@pytest.mark.parametrize(
    ("node_id", "expected"),
    [
        ("protection_callback", "Protection callback booking"),
        ("callback", "Callback booking"),
        ("helpline_transfer", "Helpline transfer"),
        ("main", "Main menu"),
        ("welcome", "Welcome language choice"),
        ("help", "Help guidance"),
    ],
)
def test_no_doubled_words_in_a_place_name(app, node_id, expected):
    assert words.place_name(app.extensions["ivr.line"]().flow.nodes[node_id]) == expected


def test_chart_labels_wrap_and_are_never_cut():
    label = 'Protection callback booking: "What a victim liaison officer does for you"'
    data = reportpage.table("A table", [(label, 12), ("Short", 30)], 10)
    spans = [html.unescape(span) for span in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", data.svg)]
    assert " ".join(spans[:-1]) == label  # every word of the label, in order
    assert all(len(span) <= reportpage.LABEL_CHARACTERS for span in spans)
    assert len(spans) > 2  # the long one took more than one line
    height = int(re.search(r'viewBox="0 0 640 (\d+)"', data.svg)[1])
    lowest = max(int(y) for y in re.findall(r'<text x="0" y="(\d+)"', data.svg))
    assert height > lowest + 15 * (len(spans) - 2)  # the wrapped lines fit inside the drawing


def test_asking_to_hear_it_again_is_struggling(app, manager):
    flow = app.extensions["ivr.line"]().flow
    for n in range(10):
        caller = Caller(manager, call_sid="CA" + f"{n + 200:032x}")
        caller.to_main_menu()
        caller.press("1")  # the help guidance
        caller.silence()  # to its menu
        caller.press("2")  # hear it again
        caller.silence()
        caller.post("/voice/status", CallStatus="completed")
    text = page(manager, app)
    name = str(words.node_label(flow, "help_menu")).replace('"', "&#34;")
    assert f"<strong>{name}</strong>: Callers struggle here: about 50 in every 100" in text
    assert "asked to hear it again" in text
