"""axe-core for the browser tests, installed from tests/staff/package-lock.json the first time a
browser test needs it, so the README's one test command runs the whole suite on a fresh clone."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
NPM_CI = ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]


def axe_script(folder: Path = FOLDER) -> Path:
    return folder / "node_modules" / "axe-core" / "axe.min.js"


def ensure_axe(folder: Path = FOLDER) -> str:
    """Run `npm ci` in `folder` unless axe-core is there; '' when it is, else what is missing."""
    if axe_script(folder).exists():
        return ""
    npm = shutil.which("npm")
    if npm is None:
        return f"no npm to install axe-core into {folder} (apt-get install nodejs npm)"
    with open(folder / ".npm-ci.lock", "w") as lock:  # two test runs at once install it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if axe_script(folder).exists():
            return ""
        done = subprocess.run([npm, *NPM_CI], cwd=folder, capture_output=True, text=True, timeout=600)
    if done.returncode or not axe_script(folder).exists():
        return f"`npm ci` in {folder} failed: {(done.stderr or done.stdout).strip()[-600:]}"
    return ""
