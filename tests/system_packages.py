"""What the tests need from the machine beyond pip, and getting it: the README's test command alone runs the
whole suite on a fresh Debian machine.

A test says what it needs with `@pytest.mark.debian("package", ...)`; the `browser` mark means Debian's chromium
and Node.js with npm (axe-core comes from npm). Once the tests are collected, the Debian packages the chosen tests
need and the machine lacks are installed with apt-get when the run is root; otherwise the run stops at once with
one line saying what to install. A missing tool is never a skip.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

CHROMIUM = os.environ.get("IVR_TEST_CHROMIUM", "/usr/bin/chromium")


def _node_and_npm() -> bool:
    # By command, not by Debian package: a machine may have a Node.js build that bundles its own npm,
    # and Debian's npm conflicts with that.
    return shutil.which("node") is not None and shutil.which("npm") is not None


# Debian package -> whether the machine already has what the tests use of it.
PRESENT = {
    "chromium": lambda: Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None,
    "nodejs": _node_and_npm,
    "npm": _node_and_npm,
    "libespeak-ng1": lambda: ctypes.util.find_library("espeak-ng") is not None,
    "postgresql-client": lambda: shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
}
BROWSER = ("chromium", "nodejs", "npm")


def needed_by(items: Iterable) -> list[str]:
    """The Debian packages these collected tests need, in PRESENT's order."""
    wanted: set[str] = set()
    for item in items:
        if item.get_closest_marker("browser"):
            wanted.update(BROWSER)
        for mark in item.iter_markers("debian"):
            wanted.update(mark.args)
    unknown = wanted - PRESENT.keys()
    if unknown:
        raise ValueError(f"debian mark names {sorted(unknown)}; known: {sorted(PRESENT)}")
    return [package for package in PRESENT if package in wanted]


def missing(packages: Iterable[str]) -> list[str]:
    return [package for package in packages if not PRESENT[package]()]


def install_line(packages: list[str]) -> str:
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


def provide(packages: list[str], is_root: bool | None = None) -> str:
    """Install the missing packages when root; "" when all is there, else the one line saying what to install."""
    absent = missing(packages)
    if not absent:
        return ""
    if is_root is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    advice = (
        f"the tests need Debian packages this machine lacks: run them as root once, or first: "
        f"sudo {install_line(absent)}"
    )
    if not is_root or shutil.which("apt-get") is None:
        return advice
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"\ninstalling for the tests: {' '.join(absent)}", flush=True)
    for command in (["apt-get", "update", "-qq"], [*install_line(absent).split(), "-qq"]):
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            return f"{' '.join(command)} failed ({done.stderr.strip()[-300:]}); {advice}"
    still = missing(absent)
    return f"still missing after apt-get: {' '.join(still)}; {advice}" if still else ""


def pytest_collection_finish(session):
    """Before the first test: the Debian packages the chosen tests need are there, installed now, or the run stops."""
    if session.config.option.collectonly:
        return
    import pytest

    problem = provide(needed_by(session.items))
    if problem:
        pytest.exit(problem, returncode=pytest.ExitCode.USAGE_ERROR)
