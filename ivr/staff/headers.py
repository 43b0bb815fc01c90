"""Security headers on every answer of the staff area (/admin...).

Pages there show callers' numbers, so nothing is stored by a browser or proxy cache
(`Cache-Control: no-store`); only the staff area's own static files (styles, scripts,
the icon) may be cached. A strict Content-Security-Policy allows the staff area's own
scripts and styles and nothing inline, so an injected `<script>` or `style` attribute does
nothing; no framing, no plugins, forms post only here. HSTS when the public URL is https.
docs/deploying.md's nginx example sets the same, for answers nginx makes itself.
"""

from __future__ import annotations

from flask import request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"
STAFF_PREFIX = "/admin"


def init_app(app) -> None:
    """Add the headers to every staff answer (whichever blueprint made it)."""
    https = app.config["IVR_PUBLIC_URL"].lower().startswith("https://")

    @app.after_request
    def staff_headers(response):
        if not (request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/")):
            return response
        headers = response.headers
        if request.endpoint != "staff.static":
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
            headers.pop("ETag", None)
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if https:
            headers["Strict-Transport-Security"] = HSTS
        return response
