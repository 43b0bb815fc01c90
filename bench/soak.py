"""Soak: many concurrent whole calls against two `ivr serve` instances sharing PostgreSQL.

A script, not a test. Run from the repository root:

    .venv/bin/python bench/soak.py                     # 1,000 concurrent bookings, then a 3-minute soak
    .venv/bin/python bench/soak.py --calls 200 --minutes 1

It makes a fresh database on the machine's PostgreSQL (127.0.0.1:5432, trust
auth), starts two instances on loopback, and drives simulated callers the way
Twilio would (signed webhooks, following each <Gather> action and <Redirect>),
with a caller's think time between steps. Every booking's final webhook is sent
twice at once, to both instances, as Twilio does when it retries a slow
webhook. Then it checks the stored bookings against the calls: none lost,
none doubled. It prints calls completed, errors, p50/p99 webhook latency, and
the memory of every worker at the start, middle and end of the soak.
Only loopback addresses are used; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import phonenumbers
from cryptography.fernet import Fernet
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ops.conftest import _admin, ivr, pg_url  # noqa: E402
from tests.ops.servers import LiveServer  # noqa: E402

TOKEN = "soak-token"
PUBLIC = "https://line.example.org"
BOOKING = ["1", "s", "4", "1", "1", "s", "1", "2", "2", "1"]  # the keys of a booking with the caller's own number
BROWSE = ["1", "s", "2", "1", "4", "s", "3", "s"]  # prison guidance, back to the menu, release guidance


class Stats:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.completed = 0
        self.booked: dict[str, str] = {}  # call sid -> reference heard


async def post(session, stats, base, url, params):
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    parts = urlsplit(url)
    target = base + parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    async with session.post(target, data=params, headers={"X-Twilio-Signature": signature}) as response:
        body = await response.read()
    stats.latencies.append(time.perf_counter() - started)
    if response.status != 200:
        raise RuntimeError(f"{response.status} at {parts.path}")
    return ET.fromstring(body)


async def call(session, stats, bases, keys, think, retry_last):
    """One caller: ring, then answer each <Gather> with the next key, following redirects."""
    sid = "CA" + secrets.token_hex(16)
    number = mobile_number()
    params = {"CallSid": sid, "From": number, "To": "+441632960000", "AccountSid": "AC" + "0" * 32}
    turn = random.randrange(2)
    spoken: list[str] = []
    try:
        document = await post(session, stats, bases[turn % 2], PUBLIC + "/voice", params)
        keys = list(keys)
        for _ in range(60):
            spoken += ["".join(e.itertext()) for e in document.iter("Say")]
            gather, redirect = document.find("Gather"), document.find("Redirect")
            url, extra = None, {}
            if gather is not None and keys:
                await asyncio.sleep(random.uniform(*think))
                key = keys.pop(0)
                if key == "s":
                    if gather.get("actionOnEmptyResult") == "true":
                        url = gather.get("action")
                    elif redirect is not None:
                        url = redirect.text
                else:
                    url, extra = gather.get("action"), {"Digits": key}
            elif redirect is not None and keys:
                url = redirect.text
            if url is None:
                break
            turn += 1
            last = not keys and retry_last
            if last:  # Twilio retrying a slow webhook: the same request twice, to both instances
                first, _again = await asyncio.gather(
                    post(session, stats, bases[turn % 2], url, {**params, **extra}),
                    post(session, stats, bases[(turn + 1) % 2], url, {**params, **extra}),
                )
                document = first
            else:
                document = await post(session, stats, bases[turn % 2], url, {**params, **extra})
        text = " ".join(spoken + ["".join(e.itertext()) for e in document.iter("Say")])
        if retry_last:
            if "Your callback is booked" not in text:
                raise RuntimeError(f"the booking was not confirmed; the caller heard: ...{text[-160:]}")
            stats.booked[sid] = text
        stats.completed += 1
    except Exception as exc:
        stats.errors.append(f"{exc.__class__.__name__}: {exc}"[:200])


def mobile_number() -> str:
    """A random UK mobile number that phonenumbers accepts, so the booking offers it back."""
    while True:
        number = "+447911" + f"{random.randrange(10**6):06d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, None)):
            return number


def memory(servers) -> dict[int, int]:
    """Resident memory (KB) of every worker process."""
    out = {}
    for server in servers:
        for pid in server.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out[pid] = int(line.split()[1])
            except OSError:
                pass
    return out


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def report(title, stats, seconds):
    lat = [v * 1000 for v in stats.latencies]
    print(
        f"{title}: {stats.completed} calls completed, {len(stats.errors)} errors, {len(lat)} webhooks in {seconds:.1f} s "
        f"({len(lat) / seconds:.0f}/s); webhook latency p50 {statistics.median(lat) if lat else 0:.1f} ms, "
        f"p99 {percentile(lat, 0.99):.1f} ms, max {max(lat) if lat else 0:.1f} ms"
    )
    for error in sorted(set(stats.errors))[:5]:
        print(f"  error: {error} (x{stats.errors.count(error)})")


async def burst(bases, calls, think):
    stats = Stats()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=15)  # Twilio's limit for one webhook
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(call(session, stats, bases, BOOKING, think, True) for _ in range(calls)))
        return stats, time.perf_counter() - started


async def soak(bases, servers, minutes, concurrent, think):
    stats = Stats()
    deadline = time.monotonic() + minutes * 60
    samples = [("start", memory(servers))]
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def caller_loop():
            while time.monotonic() < deadline:
                booking = random.random() < 0.3
                await call(session, stats, bases, BOOKING if booking else BROWSE, think, booking)

        async def sampler():
            while time.monotonic() < deadline:
                await asyncio.sleep(max(1.0, minutes * 30))
                if time.monotonic() < deadline:
                    samples.append(("middle", memory(servers)))

        started = time.perf_counter()
        await asyncio.gather(sampler(), *(caller_loop() for _ in range(concurrent)))
        samples.append(("end", memory(servers)))
        return stats, time.perf_counter() - started, samples


def stored(env) -> list[dict]:
    result = ivr(env, "callbacks", "list", "--json")
    if result.returncode != 0:
        raise SystemExit(f"ivr callbacks list failed: {result.stderr}")
    return json.loads(result.stdout)


def check_bookings(env, stats) -> tuple[int, int]:
    rows = stored(env)
    by_sid: dict[str, int] = {}
    for row in rows:
        by_sid[row["call_sid"]] = by_sid.get(row["call_sid"], 0) + 1
    lost = sum(1 for sid in stats.booked if sid not in by_sid)
    doubled = sum(1 for count in by_sid.values() if count > 1)
    return lost, doubled


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="concurrent bookings in the burst")
    parser.add_argument("--minutes", type=float, default=3, help="length of the soak (0 to skip)")
    parser.add_argument("--concurrent", type=int, default=300, help="callers at once during the soak")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument(
        "--think",
        default="4,12",
        help="seconds a caller spends between webhooks, min,max (hearing the prompts; real calls: several seconds)",
    )
    args = parser.parse_args()
    think = tuple(float(part) for part in args.think.split(","))

    name = "ivr_soak_" + secrets.token_hex(4)
    _admin(f"CREATE DATABASE {name}")
    env = {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_DATA_KEY": Fernet.generate_key().decode(),
        "IVR_SECRET_KEY": secrets.token_hex(16),
        "IVR_DATABASE_URL": pg_url("127.0.0.1", 5432, name),
        "IVR_BOOKINGS_PER_NUMBER_PER_DAY": "1000",
    }
    servers = []
    try:
        if ivr(env, "db", "upgrade").returncode != 0:
            raise SystemExit("ivr db upgrade failed")
        servers = [LiveServer(env, workers=args.workers, public_url=PUBLIC).start() for _ in range(2)]
        bases = [s.url for s in servers]
        print(f"two instances x {args.workers} workers on PostgreSQL database {name}")

        stats, seconds = asyncio.run(burst(bases, args.calls, think))
        report(
            f"{args.calls} concurrent bookings, {args.think} s between webhooks (final webhook sent twice)",
            stats,
            seconds,
        )
        lost, doubled = check_bookings(env, stats)
        print(f"  bookings confirmed {len(stats.booked)}, lost {lost}, doubled {doubled}")

        if args.minutes > 0:
            stats, seconds, samples = asyncio.run(soak(bases, servers, args.minutes, args.concurrent, think))
            report(f"soak of {args.minutes:g} min with {args.concurrent} callers at once (30% booking)", stats, seconds)
            lost, doubled = check_bookings(env, stats)
            print(f"  bookings confirmed {len(stats.booked)}, lost {lost}, doubled {doubled}")
            print("  worker memory (RSS, MB):")
            for label, sample in samples:
                print(f"    {label:6} " + "  ".join(f"{pid}:{kb / 1024:.1f}" for pid, kb in sorted(sample.items())))
    finally:
        for server in servers:
            server.stop()
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
