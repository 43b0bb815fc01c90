"""`ivr staff ...`: staff accounts, thin wrappers over the staff shell's plain functions
(`ivr staff export-prompts` joins the group from ivr.prompts.cli)."""

from __future__ import annotations

import sys

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
    from ..audit import record
    from .accounts import AccountError, add_staff

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
    from ..audit import record
    from .accounts import check_new_password, clear_failures, set_password

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
    from ..audit import record
    from .accounts import change_role

    def change(session, person):
        old = person.role
        change_role(person, role)
        record(session, "account.role", f"{person.email}: {old} to {role} (command line)", actor="ivr staff role")
        return f"{person.email} is now {role} (was {old})"

    click.echo(_change("role", email, change))


def register(main: click.Group) -> None:
    """Add `ivr staff` to the `ivr` command."""
    main.add_command(staff)
