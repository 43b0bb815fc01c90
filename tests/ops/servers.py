"""Real servers for operational tests: `ivr serve` subprocesses and a TCP proxy that can fail."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
IVR = [sys.executable, "-m", "ivr"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """One `ivr serve` process on a free port, with the given environment."""

    def __init__(self, env: dict, workers: int = 2, port: int | None = None, public_url: str | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "IVR_SPEECH": "say",
            "IVR_PUBLIC_URL": public_url or self.url,
            "IVR_FLOW": str(ROOT / "flows.yaml"),
            "IVR_PROMPTS": str(ROOT / "prompts"),
            **env,
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log = b""

    def start(self, wait: float = 30) -> LiveServer:
        command = IVR + ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        # Output goes to a file, not a pipe: a pipe nobody reads fills after some
        # hundred calls' log lines, and then every worker blocks writing to it.
        self.output = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"ivr serve exited: {self.log.decode()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("ivr serve did not answer /healthz in time")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process is None:  # never started
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not self.output.closed:
            self.output.seek(0)
            self.log = self.output.read()
            self.output.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class TcpProxy:
    """Forwards a local port to a server; can cut every connection or slow them down."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.delay = 0.0
        self.up = True
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if self.delay:
                    time.sleep(self.delay)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut(self):
        """The database vanishes: refuse new connections and drop the open ones."""
        self.up = False
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._sockets.clear()

    def restore(self):
        self.up = True
        self.delay = 0.0

    def close(self):
        self.cut()
        self.listener.close()
