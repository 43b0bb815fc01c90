"""The README's two commands stay true: CI runs its test command, and its run command is local."""

from __future__ import annotations

import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def fenced_sh_after(heading: str) -> str:
    match = re.search(re.escape(heading) + r"\s*```sh\n(.*?)\n```", README, re.S)
    assert match, f"no ```sh block after {heading!r} in README.md"
    return match.group(1).strip()


def test_the_readme_test_command_is_what_ci_runs():
    command = fenced_sh_after("Run the tests:")
    assert "pytest" in command
    assert command in [line.strip() for line in CI.splitlines()]


def test_the_readme_run_command_serves_locally():
    first_block = re.search(r"```sh\n(.*?)\n```", README, re.S).group(1)
    assert "ivr serve --local" in first_block
    assert "pip install" in first_block
