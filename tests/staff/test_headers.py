"""Security headers on every answer of the staff area, and none of its templates inline
a script or a style (the Content-Security-Policy would block them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivr import create_app
from ivr.staff import headers

from ..conftest import ROOT
from ..helpers.pages import token

TEMPLATES = ROOT / "ivr"  # every capability keeps its templates in its own templates/ folder
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict:
    text = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in text.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/admin/login", "/admin/", "/admin/queue", "/admin/accounts", "/admin/audit", "/admin/nowhere"]
)
def test_every_staff_answer_is_not_stored_and_has_a_strict_policy(admin_client, path):
    response = admin_client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert policy(response).items() >= POLICY.items()
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")  # public URL is https


def test_a_redirect_and_a_post_are_not_stored_either(admin_client):
    response = admin_client.post("/admin/logout", data={"csrf_token": token(admin_client, "/admin/")})
    assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"
    assert admin_client.get("/admin/queue").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_keep_nosniff(client):
    response = client.get("/admin/static/staff.css")
    response.close()
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_over_plain_http_for_a_local_run(app_config):
    app_config["IVR_PUBLIC_URL"] = "http://127.0.0.1:8000"
    app = create_app(app_config)
    try:
        response = app.test_client().get("/admin/login")
        assert "Strict-Transport-Security" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    finally:
        app.extensions["ivr.db"].dispose()


def test_webhooks_keep_their_own_headers(client):
    assert "Content-Security-Policy" not in client.get("/healthz").headers


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("templates/**/*.html")), ids=lambda p: p.name)
def test_no_template_inlines_a_script_or_a_style(template: Path):
    text = template.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert found == [], f"{template.relative_to(ROOT)} has {', '.join(found)}: move it to ivr/staff/static/"


def test_the_nginx_example_sends_the_same_headers_as_the_app():
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    sent = dict(re.findall(r'add_header\s+([\w-]+)\s+"([^"]+)"\s+always;', site))
    assert sent["Strict-Transport-Security"] == headers.HSTS
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["Referrer-Policy"] == "no-referrer"
    assert sent["X-Frame-Options"] == "DENY"
    # The app's own copies are hidden, so each header is sent once.
    for name in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert re.search(rf"proxy_hide_header\s+{name};", site), name
    guide = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    assert headers.CONTENT_SECURITY_POLICY in guide
