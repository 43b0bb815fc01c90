"""The benchmark's baseline: a bare Flask view returning a constant TwiML string,
served by `ivr.serve.serve`, so under exactly the gunicorn settings of `ivr serve`.

`bench/webhook.py` starts it; by hand: `python bench/bare_app.py --port 8001`.
The TwiML it returns is BENCH_TWIML from the environment (webhook.py passes the
line's own answer, so both servers send the same bytes), or a short menu.
"""

from __future__ import annotations

import argparse
import os

from flask import Flask, Response

from ivr.serve import serve

DEFAULT_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/voice/input/main" method="POST" '
    'numDigits="1" timeout="7"><Say voice="Polly.Amy" language="en-GB">If you need help, press 1.</Say>'
    "</Gather></Response>"
)


def create_bare_app() -> Flask:
    """A Flask app with one view, any /voice path, POST, answering a constant TwiML string."""
    app = Flask(__name__)
    body = os.environ.get("BENCH_TWIML") or DEFAULT_TWIML

    @app.post("/voice/<path:rest>")
    def constant(rest):
        return Response(body, mimetype="text/xml")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    serve(args.host, args.port, args.workers, create_bare_app)


if __name__ == "__main__":
    main()
