"""The README's two commands stay true: CI runs its test command and nothing else, its run command is local, its
first lines say what the machine needs, and pyproject.toml offers what the commands ask for."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from . import system_packages
from .conftest import POSTGRES_URL, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


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


def test_ci_runs_the_readme_command_and_nothing_the_readme_does_not_say():
    steps = [line.strip() for line in CI.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert steps == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', fenced_sh_after("Run the tests:")]


def first_sentence() -> str:
    return README.split("\n\n")[1].replace("\n", " ")


def test_the_first_lines_say_what_the_commands_need_from_the_machine():
    project = tomllib.loads(PYPROJECT)["project"]
    assert project["requires-python"] == ">=3.11"
    sentence = first_sentence()
    assert sentence.startswith("The two commands below need Python 3.11 or later")
    assert sentence.count(". ") == 0 and sentence.endswith(").")  # one sentence
    named = re.findall(r"`([a-z0-9.-]+)`", sentence.split("(they then install", 1)[1].split("themselves")[0])
    assert sorted(named) == sorted(system_packages.PRESENT)  # the packages the tests install, all and only those
    assert "IVR_TEST_POSTGRES_URL" in sentence and POSTGRES_URL.endswith("127.0.0.1:5432/test")


def test_the_commands_ask_for_what_pyproject_offers():
    project = tomllib.loads(PYPROJECT)["project"]
    run = fenced_sh_after(
        "Run the line on this machine (SQLite, the shipped prompts, a local auth token printed for the simulator):"
    )
    assert ".venv/bin/pip install -q -e . &&" in run
    assert run.endswith(".venv/bin/ivr serve --local") and "ivr" in project["scripts"]
    test = fenced_sh_after("Run the tests:")
    assert ".venv/bin/pip install -q -e '.[dev]'" in test and "dev" in project["optional-dependencies"]
    assert test.endswith(".venv/bin/python -m pytest")  # the whole suite: no -m, -k or paths
    assert "-m " not in tomllib.loads(PYPROJECT)["tool"]["pytest"]["ini_options"]["addopts"]


def test_the_readme_explains_every_dependency():
    table = {row.split("|")[1].strip().split(" ")[0] for row in README.splitlines() if row.startswith("| ")}
    project = tomllib.loads(PYPROJECT)["project"]
    names = {Requirement(text).name for text in project["dependencies"]}
    assert names <= table, f"not in README's table of why each library is there: {sorted(names - table)}"
