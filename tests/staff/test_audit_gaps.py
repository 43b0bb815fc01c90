"""Audit gaps: a queue form error page is audited (and keeps the number hidden); odd audit page
numbers are a 404, not a 500 (the reference and the log: tests/callbacks/test_log.py)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from ivr.audit import AuditEvent

from ..helpers.pages import token

MOBILE = "+447911123456"


def opened(app):
    with app.extensions["ivr.db"].session() as session:
        return [e.detail for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "queue.open"))]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "IVR_DATA_KEY": Fernet.generate_key().decode()}


@pytest.fixture
def booked(app):
    store = app.extensions["ivr.callbacks"]
    item, _ = store.book("CA" + "d" * 32, "en-GB", MOBILE, {"when": "any"}, dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    return item


def test_a_form_error_page_is_audited_and_does_not_show_the_number(app, caseworker, booked):
    url = f"/admin/queue/{booked.reference}"
    form_token = token(caseworker, url)
    assert opened(app) == [f"request {booked.reference} (number not shown)"]
    response = caseworker.post(url, data={"csrf_token": form_token, "status": "nonsense"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "7911 123456" not in page and "tel:" not in page  # shown only by "Show number"
    assert opened(app)[-1] == f"request {booked.reference} (number not shown; page shown again after a form error)"


@pytest.mark.parametrize("page", ["1e29", "100000000000000000000000000000", "0", "-1", "x", "²"])
def test_an_odd_audit_page_number_is_not_found(admin_client, page):
    assert admin_client.get(f"/admin/audit?page={page}").status_code == 404


def test_audit_page_two_is_fine(admin_client):
    assert admin_client.get("/admin/audit?page=2").status_code == 200
