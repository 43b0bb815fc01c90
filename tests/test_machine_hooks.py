"""The suite's own pytest hooks: under CI=true a skip fails the run (tests/ci_skips.py), and a run that lacks a
Debian package its tests need installs it as root or stops at once with one line (tests/system_packages.py).
Each runs pytest on a tiny test file in a fresh folder, with only that plugin."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from . import system_packages
from .conftest import ROOT

INI = "[pytest]\nmarkers =\n    debian(*packages): needs these Debian packages\n"


def run_pytest(folder, tests: str, plugin: str, conftest: str = "", **env) -> subprocess.CompletedProcess:
    (folder / "pytest.ini").write_text(INI)
    (folder / "test_tiny.py").write_text(tests)
    if conftest:
        (folder / "conftest.py").write_text(conftest)
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    environment.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", plugin, "-p", "no:cacheprovider", "-q", str(folder)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PASS_AND_SKIP = """
import pytest
def test_passes():
    assert True
def test_skips():
    pytest.skip("no such tool here")
"""
MODULE_SKIP = """
import pytest
pytest.skip("the whole module needs a tool", allow_module_level=True)
def test_never():
    assert True
"""
XFAIL = """
import pytest
def test_passes():
    assert True
@pytest.mark.xfail(reason="known", strict=True)
def test_known_failure():
    assert False
"""


@pytest.mark.parametrize(
    ("tests", "ci", "code"),
    [
        (PASS_AND_SKIP, "true", 1),
        (PASS_AND_SKIP, "", 0),
        (PASS_AND_SKIP, "false", 0),
        (MODULE_SKIP, "true", 1),
        (XFAIL, "true", 0),
        ("def test_passes():\n    assert True\n", "true", 0),
    ],
)
def test_under_ci_a_skip_fails_the_run(tmp_path, tests, ci, code):
    done = run_pytest(tmp_path, tests, "tests.ci_skips", CI=ci)
    assert done.returncode == code, done.stdout + done.stderr
    said = "skipped, so the run fails" in done.stdout
    assert said is (code == 1)


def test_the_skip_and_its_reason_are_named(tmp_path):
    done = run_pytest(tmp_path, PASS_AND_SKIP, "tests.ci_skips", CI="true")
    assert "CI=true: 1 skipped, so the run fails" in done.stdout
    assert "test_tiny.py::test_skips: Skipped: no such tool here" in done.stdout


NEEDS_CHROMIUM = """
import pathlib, pytest
@pytest.mark.debian("chromium")
def test_in_the_browser():
    pathlib.Path("ran").write_text("yes")
"""


def test_a_run_that_cannot_install_stops_at_once_with_one_line(tmp_path):
    # Not root (the tiny run's conftest says so), and the chromium it is pointed at does not exist.
    done = run_pytest(
        tmp_path,
        NEEDS_CHROMIUM,
        "tests.system_packages",
        conftest="import os\nos.geteuid = lambda: 1000\n",
        IVR_TEST_CHROMIUM=str(tmp_path / "no-chromium"),
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    said = [line.strip("! ") for line in done.stdout.splitlines() if "apt-get install" in line]
    assert said == [
        "_pytest.outcomes.Exit: the tests need Debian packages this machine lacks: "
        "run them as root once, or first: sudo apt-get install -y --no-install-recommends chromium"
    ]
    assert not (tmp_path / "ran").exists()  # stopped before the first test
    assert "skipped" not in done.stdout


def test_a_run_with_what_it_needs_goes_on(tmp_path):
    done = run_pytest(
        tmp_path,
        NEEDS_CHROMIUM,
        "tests.system_packages",
        IVR_TEST_CHROMIUM=sys.executable,  # any file that is there
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "ran").read_text() == "yes"


def test_the_browser_mark_needs_chromium_and_node(monkeypatch):
    class Item:
        def __init__(self, browser=False, debian=()):
            self.browser, self.debian = browser, debian

        def get_closest_marker(self, name):
            return name == "browser" and self.browser or None

        def iter_markers(self, name):
            return [pytest.mark.debian(*self.debian).mark] if self.debian else []

    assert system_packages.needed_by([Item()]) == []
    assert system_packages.needed_by([Item(browser=True)]) == ["chromium", "nodejs", "npm"]
    assert system_packages.needed_by([Item(debian=("postgresql-client",)), Item(debian=("libespeak-ng1",))]) == [
        "libespeak-ng1",
        "postgresql-client",
    ]
    with pytest.raises(ValueError, match="debian mark names \\['sox'\\]"):
        system_packages.needed_by([Item(debian=("sox",))])
