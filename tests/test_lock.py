"""The deployment lock file (requirements.lock) pins every dependency pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import ROOT

REGENERATE = "uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 -o requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def lock_text() -> str:
    return (ROOT / "requirements.lock").read_text(encoding="utf-8")


def pins() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in lock_text().splitlines():
        match = PIN.match(line)
        if match:
            found.setdefault(canonicalize_name(match.group(1)), []).append(match.group(2))
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def out_of_step(wrong: list[str]) -> str:
    return (
        "requirements.lock is out of step with pyproject.toml; regenerate it with\n  .venv/bin/"
        + REGENERATE
        + ("\n" + "\n".join(wrong))
    )


def test_the_lock_file_pins_every_dependency_within_pyproject_bounds():
    locked = pins()
    wrong = []
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        versions = locked.get(name)
        if not versions:
            wrong.append(f"{requirement.name} is not in requirements.lock")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
            wrong.append(
                f"{requirement.name}: locked {', '.join(versions)}, pyproject.toml asks {requirement.specifier}"
            )
        for extra in requirement.extras:  # psycopg[binary] pins psycopg-binary
            if canonicalize_name(f"{requirement.name}-{extra}") not in locked:
                wrong.append(f"{requirement.name}[{extra}]: {requirement.name}-{extra} is not in requirements.lock")
    assert not wrong, out_of_step(wrong)


def test_the_lock_file_was_made_from_pyproject_with_hashes():
    assert REGENERATE in lock_text().split("\n", 3)[1], out_of_step(["it was not made by that command"])
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock_text())
    unhashed = [block.split("==")[0] for block in blocks if PIN.match(block) and "--hash=sha256:" not in block]
    assert not unhashed, out_of_step([f"pins without hashes: {unhashed}"])


def test_the_readme_says_how_to_regenerate_and_install_from_the_lock():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/" + REGENERATE in readme
    assert "pip install --require-hashes -r requirements.lock" in readme
