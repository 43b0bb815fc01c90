"""`ivr staff ...` (accounts, exporting published words) and `ivr diagram`: thin
wrappers over the staff area's plain functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .models import ROLES


def _app():
    from .. import create_app
    from ..errors import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        click.echo(f"ivr: {exc}", err=True)
        sys.exit(1)


@click.group()
def staff():
    """Staff accounts and the words published from the staff area."""


@staff.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="editor: prompts; caseworker: callback queue; admin: both and accounts.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def add(email, role, password_stdin):
    """Add a staff account (the first admin is made this way)."""
    from .accounts import AccountError, add_staff
    from .audit import record

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    app = _app()
    try:
        with app.extensions["ivr.db"].session() as session:
            person = add_staff(session, email, role, password)
            record(session, "account.add", f"{person.email} as {role} (command line)", actor="ivr staff add")
    except AccountError as exc:
        click.echo(f"ivr staff add: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # most likely: the database was never migrated
        click.echo(f"ivr staff add: {exc.__class__.__name__}: {exc}. Run `ivr db upgrade` first.", err=True)
        sys.exit(1)
    finally:
        app.extensions["ivr.db"].dispose()
    click.echo(f"added {person.email} as {role}")


@staff.command("export-prompts")
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
    "-o", "--output", default="tree.svg", show_default=True, help="The file to write (.svg, .png, .pdf or .dot)."
)
def diagram(path, output):
    """Draw the call tree as a picture (needs Graphviz's dot)."""
    import os

    import graphviz

    from ..flow import read_flow
    from . import diagram as drawing

    path = path or os.environ.get("IVR_FLOW") or "./flows.yaml"
    flow, problems, _ = read_flow(path, os.environ.get("IVR_PROMPTS"))
    if flow is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    suffix = Path(output).suffix.lstrip(".") or "svg"
    graph = drawing.build(flow)
    try:
        data = graph.source.encode() if suffix in ("dot", "gv") else graph.pipe(format=suffix)
    except graphviz.ExecutableNotFound:
        click.echo("ivr diagram: Graphviz's dot is not installed (apt-get install graphviz)", err=True)
        sys.exit(1)
    Path(output).write_bytes(data)
    click.echo(f"wrote {output}")


def register(main: click.Group) -> None:
    """Add `ivr staff` and `ivr diagram` to the `ivr` command, and `export` to `ivr prompts` (the audio group)."""
    main.add_command(staff)
    main.add_command(diagram)
    prompts = main.commands.get("prompts")
    if isinstance(prompts, click.Group):
        prompts.add_command(export_prompts_command, "export")
