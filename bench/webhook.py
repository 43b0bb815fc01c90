"""Benchmark: the line's menu webhook against a bare Flask view, under the same gunicorn.

A webhook answer is dead air on the caller's ear. This script measures how much
the line costs over the least a Flask app under `ivr serve`'s gunicorn can cost:

- the line: `ivr serve --workers 2` with a local token, IVR_SPEECH=say and a
  SQLite database in a temporary folder, loaded with the main menu's input
  webhook (POST /voice/input/main?l=en-GB&m=0&s=0&w=0, Digits=1), signed as
  Twilio signs it, so every request passes the signature check;
- the baseline: `bench/bare_app.py`, one Flask view returning a constant TwiML
  string (the line's own answer, so the same bytes), served by `ivr.serve.serve`
  with the same workers and settings.

Each is loaded by wrk (16 connections, `--seconds` each) in turns, line then
bare, `--rounds` times (A B A B), after a short warm-up of both. It prints
requests/s of each, the ratio line / bare, p50 and p99 latency, and errors
(connection errors and non-2xx answers). Targets: ratio >= 0.85, line p99 < 50 ms,
no errors.

Run from the repository root, in the project's venv:

    apt-get install -y wrk              # once (Debian's wrk)
    .venv/bin/python bench/webhook.py                 # 10 s per run, 2 rounds
    .venv/bin/python bench/webhook.py --seconds 2     # a quick sanity run
    .venv/bin/python bench/webhook.py --check         # exit 1 if a target is missed

Only loopback traffic (127.0.0.1); both servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"
TOKEN = "bench-auth-token"
PATH = "/voice/input/main?l=en-GB&m=0&s=0&w=0"
# What Twilio posts after a key press at a <Gather> (numbers in Ofcom's drama ranges).
PARAMS = {
    "AccountSid": "AC" + "0" * 32,
    "ApiVersion": "2010-04-01",
    "CallSid": "CA" + "1234567890abcdef" * 2,
    "CallStatus": "in-progress",
    "Called": "+442079460000",
    "Caller": "+447700900123",
    "Direction": "inbound",
    "Digits": "1",
    "FinishedOnKey": "",
    "From": "+447700900123",
    "To": "+442079460000",
    "msg": "Gather End",
}
TARGET_RATIO = 0.85  # the line against a bare Flask view
TARGET_EVENTS_RATIO = 0.95  # the line recording journey events against the same line recording none
TARGET_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def signed(port: int) -> tuple[str, str, str]:
    """(url, form body, X-Twilio-Signature) for the menu input webhook on this port."""
    url = f"http://{HOST}:{port}{PATH}"
    return url, urlencode(PARAMS), RequestValidator(TOKEN).compute_signature(url, PARAMS)


class Server:
    """A server process in its own session, stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name = name
        self.log_path = log
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server and its workers, every thread counted."""
        tick = os.sysconf("SC_CLK_TCK")
        pids, total = [self.proc.pid], 0
        while pids:
            pid = pids.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:  # gone meanwhile
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
            pids.extend(int(child) for child in children)
        return total / tick

    def tail(self, lines: int = 20) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_ready(server: Server, port: int, timeout: float = 60) -> str:
    """POST the signed request until it is answered; return the answer's body."""
    url, body, signature = signed(port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            sys.exit(f"{server.name} exited with {server.proc.returncode}:\n{server.tail()}")
        request = urllib.request.Request(
            url,
            data=body.encode(),
            headers={"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.read().decode()
        except urllib.error.HTTPError as exc:
            sys.exit(f"{server.name} answered {exc.code} to a signed request:\n{server.tail()}")
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{server.name} did not answer within {timeout:.0f} s:\n{server.tail()}")


def load(port: int, seconds: float, connections: int, threads: int) -> dict:
    """One wrk run against the menu webhook; wrk's figures as a dict (latencies in µs)."""
    url, body, signature = signed(port)
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(BENCH / "webhook.lua"),
        url,
        "--",
        signature,
        body,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    for row in done.stdout.splitlines():
        if row.startswith("BENCH "):
            return json.loads(row[len("BENCH ") :])
    sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def errors(run: dict) -> int:
    """Failed requests: connection errors and timeouts, plus every non-2xx answer."""
    return run["connect"] + run["read"] + run["write"] + run["timeout"] + run["non2xx"]


def summarise(runs: list[dict]) -> dict:
    """All rounds together: requests/s over the total time, median p50, worst p99."""
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    return {
        "rps": sum(r["requests"] for r in runs) / seconds,
        "p50": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p99": max(r["p99_us"] for r in runs) / 1000,
        "errors": sum(errors(r) for r in runs),
        "requests": sum(r["requests"] for r in runs),
    }


def show(name: str, run: dict) -> str:
    seconds = run["duration_us"] / 1e6
    return (
        f"  {name:<5} {run['requests'] / seconds:8.0f} req/s   p50 {run['p50_us'] / 1000:6.2f} ms   "
        f"p99 {run['p99_us'] / 1000:6.2f} ms   errors {errors(run)}"
    )


def line_argv(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "ivr", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def main() -> int:
    parser = argparse.ArgumentParser(description="Load the line's menu webhook and a baseline; compare.")
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="line/baseline pairs, alternated (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server (default 2)")
    parser.add_argument(
        "--baseline",
        choices=("bare", "no-events"),
        default="bare",
        help="bare: a Flask view returning the same TwiML (the cost of the line); no-events: the same line with "
        "IVR_JOURNEY_EVENTS=off (the cost of recording journey events for reports)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench/webhook.py needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 2

    temp = Path(tempfile.mkdtemp(prefix="ivr-bench-"))
    line_port, base_port = free_port(), free_port()
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_PUBLIC_URL": f"http://{HOST}:{line_port}",
        "IVR_SPEECH": "say",
        "IVR_DATABASE_URL": f"sqlite:///{temp / 'ivr.sqlite3'}",
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_JOURNEY_EVENTS": "on",
        # Measure the package beside this script, whatever the venv has installed.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    base_name = args.baseline
    target_ratio = TARGET_RATIO if base_name == "bare" else TARGET_EVENTS_RATIO
    servers: list[Server] = []
    try:
        line = Server("line", line_argv(line_port, args.workers), env, temp / "line.log")
        servers.append(line)
        answer = wait_ready(line, line_port)
        if "<Response>" not in answer or "<Gather" not in answer:
            print(f"the line's answer is not a menu:\n{answer}", file=sys.stderr)
            return 1
        if base_name == "bare":
            base_argv = [sys.executable, str(BENCH / "bare_app.py"), "--host", HOST, "--port", str(base_port)]
            base_argv += ["--workers", str(args.workers)]
            base_env = {**env, "BENCH_TWIML": answer}
        else:  # the same line, its own database, recording nothing
            base_argv = line_argv(base_port, args.workers)
            base_env = {
                **env,
                "IVR_JOURNEY_EVENTS": "off",
                "IVR_PUBLIC_URL": f"http://{HOST}:{base_port}",
                "IVR_DATABASE_URL": f"sqlite:///{temp / 'base.sqlite3'}",
            }
        base = Server(base_name, base_argv, base_env, temp / "base.log")
        servers.append(base)
        wait_ready(base, base_port)
        log_lines_before = len(line.tail(10_000).splitlines())

        print(
            f"POST {PATH} (Digits=1, signed), {args.connections} connections, {args.threads} wrk threads, "
            f"{args.workers} gunicorn workers each, {args.seconds:g} s x {args.rounds} rounds, "
            f"{len(answer)} bytes of TwiML; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        warm = min(2.0, args.seconds)
        load(line_port, warm, args.connections, args.threads)
        load(base_port, warm, args.connections, args.threads)
        runs: dict[str, list[dict]] = {"line": [], base_name: []}
        cpu: dict[str, float] = {"line": 0.0, base_name: 0.0}
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}")
            for name, port, server in (("line", line_port, line), (base_name, base_port, base)):
                before = server.cpu_seconds()
                run = load(port, args.seconds, args.connections, args.threads)
                time.sleep(1.0)  # let the line's journey writer finish this round's events: they count too
                cpu[name] += server.cpu_seconds() - before
                runs[name].append(run)
                print(show(name, run))
        log_lines = len(line.tail(10_000).splitlines()) - log_lines_before
    finally:
        for server in reversed(servers):
            server.stop()

    a, b = summarise(runs["line"]), summarise(runs[base_name])
    ratio = a["rps"] / b["rps"]
    cpu_a, cpu_b = 1e6 * cpu["line"] / a["requests"], 1e6 * cpu[base_name] / b["requests"]
    print("all rounds (p50: median of rounds, p99: worst round)")
    for name, s, per in (("line", a, cpu_a), (base_name, b, cpu_b)):
        print(
            f"  {name:<9} {s['rps']:8.0f} req/s   p50 {s['p50']:6.2f} ms   p99 {s['p99']:6.2f} ms   "
            f"errors/non-2xx {s['errors']} of {s['requests']}   server CPU {per:6.0f} µs/request"
        )
    print(f"  ratio line/{base_name} {ratio:.3f} (requests/s)")
    # CPU per request counts every thread of every worker, so it is steadier than requests/s on a busy machine.
    print(f"  CPU per request line/{base_name} {cpu_a / cpu_b:.3f}")
    print(f"  line log lines written under load: {log_lines}")
    # Other work on the machine takes cores from both servers and skews the ratio: compare loads.
    print(f"  load average after the runs: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    met = {
        f"ratio >= {target_ratio}": ratio >= target_ratio,
        f"line p99 < {TARGET_P99_MS:g} ms": a["p99"] < TARGET_P99_MS,
        "no errors": a["errors"] == 0 and b["errors"] == 0,
    }
    print("targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in met.items()))
    shutil.rmtree(temp, ignore_errors=True)
    return 1 if args.check and not all(met.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
