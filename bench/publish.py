"""Benchmark what a publish costs: check the whole tree, render the new words' clips (both
speeds), store them in the database, switch the line.

Run:  .venv/bin/python bench/publish.py [--runs 5] [--database postgresql+psycopg://...]

Builds the line in-process in play mode (a temporary SQLite database and audio folder unless
--database is given) and publishes new English words for one prompt `--runs` times, each
different, through the same function the staff page calls (ivr.prompts.publish.publish).
The first publish also starts the speech process. Prints seconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr import create_app  # noqa: E402
from ivr.db import upgrade  # noqa: E402
from ivr.prompts import publish, sound, store  # noqa: E402

WORDS = "For help and support after the trial, {word}"
VARIANTS = ["today", "this week", "at any time", "now", "in English", "from us", "by phone", "here", "soon", "again"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--prompt", default="main.help")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/ivr.sqlite3"
        upgrade(url)
        app = create_app(
            {
                "TWILIO_AUTH_TOKEN": "bench",
                "IVR_DATABASE_URL": url,
                "IVR_SPEECH": "play",
                "IVR_AUDIO_DIR": f"{folder}/audio",
                "IVR_FLOW": str(ROOT / "flows.yaml"),
                "IVR_PROMPTS": str(ROOT / "prompts"),
                "SECRET_KEY": "bench",
            }
        )
        logging.getLogger().setLevel(logging.WARNING)  # the live line's switch lines would bury the figures
        if not sound.can_render(app):
            sys.exit(f"no voice here: {sound.unavailable_reason(app)}")
        salt = str(int(time.time()))[-4:]  # new words every run of the script, so every clip is really rendered
        timings, checks = [], []
        try:
            for run in range(args.runs):
                text = WORDS.format(word=f"{VARIANTS[run % len(VARIANTS)]} {' '.join(salt)}")
                with app.test_request_context():
                    with app.extensions["ivr.db"].session() as s:
                        overrides = store.published_texts(s)
                    overrides.setdefault("en-GB", {})[args.prompt] = text
                    started = time.perf_counter()
                    publish.check(overrides, "en-GB", args.prompt, text, "publish")
                    checks.append(time.perf_counter() - started)
                    outcome = publish.publish("en-GB", args.prompt, text, "bench@example.org")
                timings.append(outcome.seconds)
                print(f"publish {run + 1}: {outcome.seconds:.2f} s, {len(outcome.rendered)} clip(s) rendered")
        finally:
            sound.shutdown()
            app.extensions["ivr.db"].dispose()
    rest = timings[1:] or timings
    print(f"first publish (starts the speech process): {timings[0]:.2f} s")
    print(
        f"later publishes: median {statistics.median(rest):.2f} s, min {min(rest):.2f} s, max {max(rest):.2f} s "
        f"({len(rest)} runs)"
    )
    print(f"of which the checks (whole tree, key guide, plug-in checks): median {statistics.median(checks):.2f} s")


if __name__ == "__main__":
    main()
