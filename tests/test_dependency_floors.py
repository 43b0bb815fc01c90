"""pyproject.toml's lower bounds leave out versions with published security advisories."""

from __future__ import annotations

import tomllib

import pytest
from packaging.requirements import Requirement

from .conftest import ROOT

# (package, the last version with a known advisory, what it was)
ADVISORIES = [
    ("gunicorn", "22.0.0", "request smuggling through Transfer-Encoding (CVE-2024-6827, fixed in 23.0.0)"),
    ("requests", "2.32.3", "netrc credentials sent to a third party (CVE-2024-47081, fixed in 2.32.4)"),
    ("requests", "2.31.0", "verify=False kept for a whole session (CVE-2024-35195, fixed in 2.32.0)"),
]


def bounds() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {Requirement(text).name.lower(): Requirement(text) for text in project["dependencies"]}


@pytest.mark.parametrize(("name", "version", "advisory"), ADVISORIES)
def test_a_version_with_an_advisory_is_not_allowed(name, version, advisory):
    assert not bounds()[name].specifier.contains(version), f"{name} {version} is allowed: {advisory}"
