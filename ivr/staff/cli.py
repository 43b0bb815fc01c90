"""`ivr staff ...` (accounts, exporting published words) and `ivr diagram`: thin
wrappers over the staff area's plain functions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .models import ROLES


def _database():
    from ..errors import ConfigError
    from ..instance import open_database

    try:
        return open_database()
    except ConfigError as exc:
        click.echo(f"ivr staff: {exc}", err=True)
        sys.exit(1)


def _app():
    from .. import create_app
    from ..errors import ConfigError

    try:
        # Staff commands serve no webhooks: the auth token is not needed to work on the words.
        return create_app({"TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN") or "not-serving-webhooks"})
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
    help="editor: prompts; caseworker: callback queue; manager: reports; admin: all and accounts.",
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
    database = _database()
    try:
        with database.session() as session:
            person = add_staff(session, email, role, password)
            record(session, "account.add", f"{person.email} as {role} (command line)", actor="ivr staff add")
    except AccountError as exc:
        click.echo(f"ivr staff add: {exc}", err=True)
        sys.exit(1)
    finally:
        database.dispose()
    click.echo(f"added {person.email} as {role}")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _change(command: str, email: str, change) -> str:
    """Run `change(session, person)` on the account with `email`; exit 1 with the reason if it cannot."""
    from sqlalchemy import select

    from .accounts import AccountError, normalise_email
    from .models import Staff

    database = _database()
    try:
        with database.session() as session:
            person = session.scalar(select(Staff).where(Staff.email == normalise_email(email)))
            if person is None:
                raise AccountError(f"there is no account for {normalise_email(email)}")
            return change(session, person)
    except AccountError as exc:
        click.echo(f"ivr staff {command}: {exc}", err=True)
        sys.exit(1)
    finally:
        database.dispose()


@staff.command("passwd")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def passwd(email, password_stdin):
    """Set an account's password on the server (the account's sessions end)."""
    from .accounts import check_new_password, clear_failures, set_password
    from .audit import record

    password = _read_password(password_stdin)

    def change(session, person):
        check_new_password(password, person.email)
        set_password(person, password)
        clear_failures(session, person.email)
        record(session, "password.reset", f"{person.email} (command line)", actor="ivr staff passwd")
        return f"password set for {person.email}"

    click.echo(_change("passwd", email, change))


@staff.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def role(email, role):
    """Change an account's role on the server (the account's sessions end)."""
    from .accounts import change_role
    from .audit import record

    def change(session, person):
        old = person.role
        change_role(person, role)
        record(session, "account.role", f"{person.email}: {old} to {role} (command line)", actor="ivr staff role")
        return f"{person.email} is now {role} (was {old})"

    click.echo(_change("role", email, change))


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
