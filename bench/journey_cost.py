"""Benchmark: what recording journey events costs a webhook, counted in instructions (steady on a busy machine).

Requests/s under load (bench/webhook.py --baseline no-events) moves with whatever else the
machine is doing; an instruction count does not. This script answers the main menu's input
webhook (signed, Digits=1, as Twilio posts it) in-process through Flask's test client, with
journey events off and on, under valgrind's callgrind, which counts every instruction of every
thread (the writer thread included). Each mode runs twice, with 0 and with `--requests`
measured requests after the same start-up and warm-up; the difference divided by the requests
is the cost of one webhook, with everything it records written to the database (one
transaction, by a flush at the end of both runs, as the writer's 0.5 s batches amortise it at
real speed). It prints instructions per webhook off and on, and the ratio on/off (target: at
most 1.05).

    apt-get install -y valgrind                 # once
    .venv/bin/python bench/journey_cost.py      # about 5 minutes: callgrind is ~50x slower than the CPU
    .venv/bin/python bench/journey_cost.py --requests 400   # quicker, a little less exact
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
PUBLIC = "https://line.example.org"
PATH = "/voice/input/main?l=en-GB&m=0&s=0&w=0"
PARAMS = {
    "AccountSid": "AC" + "0" * 32,
    "CallSid": "CA" + "1234567890abcdef" * 2,
    "CallStatus": "in-progress",
    "Digits": "1",
    "From": "+447700900123",
    "To": "+442079460000",
}
WARM_UP = 50
TARGET = 1.05


def inner(mode: str, requests: int) -> None:
    """Run in the measured process: start the app, warm up, answer `requests` webhooks, write everything."""
    from twilio.request_validator import RequestValidator

    from ivr import create_app
    from ivr.instance import migrate
    from ivr.line import live as live_module
    from ivr.reports import recorder as recorder_module

    # At real speed the writer gathers 0.5 s of webhooks (hundreds) into one transaction; under callgrind, ~50
    # times slower, 0.5 s would hold only a few, and the count would be mostly transactions no server pays
    # for. So here it gathers everything, written in one transaction by the flush at the end.
    recorder_module.GATHER_SECONDS = 3600
    # Likewise what a server does every so many seconds (check the published words' serial, read the admin's
    # calendar): under callgrind it would come ~50 times as often a webhook, and as often as the machine's other
    # work slows the run, so the counts would not repeat. Both modes leave it out.
    live_module.CHECK_EVERY = 3600

    folder = Path(tempfile.mkdtemp(prefix="ivr-journey-cost-"))
    url = f"sqlite:///{folder / 'ivr.sqlite3'}"
    migrate(url)
    app = create_app(
        {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_PUBLIC_URL": PUBLIC,
            "IVR_FLOW": str(ROOT / "flows.yaml"),
            "IVR_PROMPTS": str(ROOT / "prompts"),
            "IVR_SPEECH": "say",
            "IVR_DATABASE_URL": url,
            "IVR_JOURNEY_EVENTS": mode,
            "IVR_CALENDAR_CACHE_SECONDS": "3600",
        }
    )
    client = app.test_client()
    headers = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(PUBLIC + PATH, PARAMS)}
    for _ in range(WARM_UP):
        assert client.post(PATH, data=PARAMS, headers=headers).status_code == 200
    recorder = app.extensions["ivr.journey"]
    recorder.flush()
    for _ in range(requests):
        client.post(PATH, data=PARAMS, headers=headers)
    recorder.flush()
    shutil.rmtree(folder, ignore_errors=True)


def instructions(mode: str, requests: int, folder: Path) -> int:
    out = folder / f"callgrind.{mode}.{requests}"
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__]
    argv += ["--inner", mode, str(requests)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env["PYTHONHASHSEED"] = "0"  # the same dict and set layouts in every run: counts that repeat
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"the measured run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    totals = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    if totals is None:
        sys.exit(f"no totals in {out}")
    return int(totals.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description="Instructions per webhook with journey events off and on.")
    parser.add_argument("--requests", type=int, default=2000, help="measured webhooks per run (default 2000)")
    parser.add_argument("--inner", nargs=2, metavar=("MODE", "REQUESTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner[0], int(args.inner[1]))
        return 0
    if not shutil.which("valgrind"):
        print("bench/journey_cost.py needs valgrind: apt-get install -y valgrind", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="ivr-journey-cost-"))
    per = {}
    try:
        for mode in ("off", "on"):
            base = instructions(mode, 0, folder)
            loaded = instructions(mode, args.requests, folder)
            per[mode] = (loaded - base) / args.requests
            print(f"events {mode:<3}  {per[mode]:12,.0f} instructions per webhook")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ratio = per["on"] / per["off"]
    print(f"ratio on/off {ratio:.3f} (target <= {TARGET}): {'met' if ratio <= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
