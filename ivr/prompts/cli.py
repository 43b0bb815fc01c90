"""`ivr staff export-prompts` (the published words back into the prompt files) and `ivr diagram`:
thin wrappers over the prompts capability's plain functions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def _app():
    from .. import create_app
    from ..errors import ConfigError

    try:
        # Staff commands serve no webhooks: the auth token is not needed to work on the words.
        return create_app({"TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN") or "not-serving-webhooks"})
    except ConfigError as exc:
        click.echo(f"ivr: {exc}", err=True)
        sys.exit(1)


@click.command("export-prompts")
@click.option(
    "--to", "folder", type=click.Path(file_okay=False), help="Folder of prompt files (default: the line's prompts/)."
)
def export_prompts_command(folder):
    """Write the published words back into prompts/<language>.yaml (keeping comments and order)."""
    from .export import export_prompts

    app = _app()
    try:
        changed = export_prompts(app, Path(folder) if folder else None)
    finally:
        app.extensions["ivr.db"].dispose()
    for line in changed:
        click.echo(line)
    click.echo(f"{len(changed)} prompt(s) written")


@click.command()
@click.argument("path", required=False)
@click.option(
    "-o", "--output", default="tree.svg", show_default=True, help="The file to write (.svg, .png, .jpeg or .dot)."
)
def diagram(path, output):
    """Draw the call tree as a picture (.svg, .png, .jpeg, or the .dot text)."""
    from ..flow import read_flow
    from . import diagram as drawing

    path = path or os.environ.get("IVR_FLOW") or "./flows.yaml"
    flow, problems, _ = read_flow(path, os.environ.get("IVR_PROMPTS"))
    if flow is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    suffix = Path(output).suffix.lstrip(".").lower() or "svg"
    if suffix not in (*drawing.FORMATS, "dot", "gv"):
        click.echo(f"ivr diagram: cannot write .{suffix}; use .svg, .png, .jpeg or .dot", err=True)
        sys.exit(2)
    try:
        data = drawing.build(flow).source.encode() if suffix in ("dot", "gv") else drawing.render(flow, suffix)
    except drawing.DiagramError as exc:
        click.echo(f"ivr diagram: {exc}", err=True)
        sys.exit(1)
    Path(output).write_bytes(data)
    click.echo(f"wrote {output}")


def register(main: click.Group) -> None:
    """Add `ivr diagram`, `export-prompts` to `ivr staff`, and `export` to `ivr prompts` (the audio group)."""
    main.add_command(diagram)
    staff = main.commands.get("staff")
    if isinstance(staff, click.Group):
        staff.add_command(export_prompts_command, "export-prompts")
    prompts = main.commands.get("prompts")
    if isinstance(prompts, click.Group):
        prompts.add_command(export_prompts_command, "export")
