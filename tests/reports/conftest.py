"""Fixtures for journeys: an app that can book callbacks, and its report read back exactly."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from ivr.reports.report import as_json, collect

from ..helpers.pages import PASSWORD, admin_client, caseworker, editor, make_staff, quick_hashes, sign_in, token  # noqa: F401


@pytest.fixture
def app_config(app_config):
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    return app_config


def report(app, since, until=None, today=None):
    """The report for since..until as `ivr report --json` prints it, after the recorder has written."""
    app.extensions["ivr.journey"].flush()
    until = until or since
    line = app.extensions["ivr.line"]()
    return as_json(line.flow, collect(app.extensions["ivr.db"], since, until, today or until))
