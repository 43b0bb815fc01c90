"""The small exception family of the line: every error knows where it came from."""

from __future__ import annotations


class IvrError(Exception):
    """Base of every error the line raises on purpose."""


class FlowError(IvrError):
    """The call tree or its prompts cannot be used; carries every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(IvrError):
    """A setting the service needs is missing or wrong; the message says what to do."""


def whole_number(name: str, value, unit: str = "") -> int:
    """A setting that must be a whole number, 1 or more; anything else is refused with its name."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(f"{name} must be a whole number{unit}, 1 or more, not {value!r}")
    return number
