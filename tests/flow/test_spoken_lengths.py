"""`ivr check` warns when callers would listen too long without a choice (issue 14, item 3):
a stretch of guidance over 30 seconds, a greeting over 15 seconds, in any language."""

from __future__ import annotations

from ivr.cli import main

from .test_loader import all_problems


def words(count: int) -> str:
    return " ".join(["word"] * count)


def warnings(files) -> list[str]:
    return [str(p) for p in all_problems(files) if p.severity == "warning"]


def test_a_chain_of_guidance_over_30_seconds_before_a_choice_is_a_warning_at_its_first_node(files):
    # Two nodes of 40 words each (16 s apiece, 32 s together) before the main menu, in Welsh only.
    files.replace(
        "    prompts: [info.text]\n    next: main\n",
        "    prompts: [info.text]\n    next: more\n  more:\n    kind: guidance\n    prompts: [info.text]\n    next: main\n",
    )
    files.replace("  info.text: Words for info text in cy-GB.\n", f"  info.text: {words(40)}\n", files.prompts("cy-GB"))
    line = files.line_of("  info:")
    assert warnings(files) == [
        f"{files.flow}:{line}: warning: guidance 'info' (info -> more) talks for about 32 seconds in cy-GB (80 words) "
        "before a choice; callers need a choice to go on or skip at least every 30 seconds: cut it into parts, each "
        "followed by a menu with a choice to hear the next part"
    ]


def test_guidance_of_30_seconds_or_less_is_fine(files):
    files.replace("  info.text: Words for info text in en-GB.\n", f"  info.text: {words(60)}\n", files.prompts("en-GB"))
    assert warnings(files) == []


def test_a_greeting_over_15_seconds_is_a_warning(files):
    files.replace("  greeting: Words for greeting in en-GB.\n", f"  greeting: {words(38)}\n", files.prompts("en-GB"))
    line = files.line_of("  welcome:")
    assert warnings(files) == [
        f"{files.flow}:{line}: warning: the greeting ('welcome') takes about 18 seconds in en-GB; keep each language's "
        "part under 15 seconds: the name of the line, the safety line, the language choice"
    ]


def test_ivr_check_prints_the_warning_and_still_passes(runner, files):
    files.replace("    prompts: [info.text]\n", "    prompts: [info.text, info.text]\n")
    files.replace("  info.text: Words for info text in en-GB.\n", f"  info.text: {words(40)}\n", files.prompts("en-GB"))
    result = runner.invoke(main, ["check", str(files.flow)])
    assert result.exit_code == 0
    assert "talks for about 32 seconds in en-GB" in result.output + result.stderr
