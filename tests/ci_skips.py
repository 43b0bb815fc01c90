"""Under CI=true a skipped test fails the run: a tool that goes missing on a new machine must never turn tests
into skips that look green. A pytest plugin (tests/conftest.py takes its hook; `-p tests.ci_skips` elsewhere)."""

from __future__ import annotations

import os

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class SkipsFail:
    """Notes each skip (a test's or a whole module's) and fails a run that would otherwise pass."""

    def __init__(self):
        self.skipped: list[str] = []

    def _note(self, report) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.skipped.append(f"{report.nodeid or '(collection)'}: {reason}")

    def pytest_runtest_logreport(self, report):
        self._note(report)

    def pytest_collectreport(self, report):
        self._note(report)

    def pytest_sessionfinish(self, session, exitstatus):
        if self.skipped and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.skipped:
            terminalreporter.section(f"CI=true: {len(self.skipped)} skipped, so the run fails", red=True, bold=True)
            for line in self.skipped:
                terminalreporter.line(line)


def pytest_configure(config):
    if under_ci():
        config.pluginmanager.register(SkipsFail(), "ivr-ci-skips-fail")
