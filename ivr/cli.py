"""The `ivr` command: thin click wrappers over plain functions.

Exit codes: 0 fine, 1 problems found, 2 misuse (click's own).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import ConfigError
from .flow import read_flow
from .flow.checks import check_flow
from .instance import instance_folder, local_token, migrate


def check_problems(path: str, prompts: str | None = None, overrides: dict | None = None):
    """Every problem of a flow file and its prompts (`overrides`: published words over the files), sorted."""
    flow, problems, context = read_flow(path, prompts, overrides)
    if flow is not None:
        problems += check_flow(flow, context)
    return flow, sorted(problems)


@click.group()
@click.version_option(package_name="after-trial-line")
def main():
    """After-trial support line: serve, check and try the phone line."""


@main.command()
@click.argument("path", required=False)
@click.option("--prompts", "prompt_dir", help="Folder of prompt files (default: prompts/ beside the flow).")
@click.option("--quiet", is_flag=True, help="Print errors only, not warnings.")
def check(path, prompt_dir, quiet):
    """Check the call tree and its prompts (with the words staff published, for the configured line);
    print file:line problems, exit 1 on errors."""
    from .instance import settings
    from .prompts import published

    path = path or os.environ.get("IVR_FLOW") or "./flows.yaml"
    prompt_dir = prompt_dir or os.environ.get("IVR_PROMPTS")
    config = settings()
    # Published words belong to the configured line: checking another file checks that file alone.
    same_line = Path(path).resolve() == Path(config["IVR_FLOW"]).resolve()
    live = published.read(config) if same_line else published.Published()
    flow, problems = check_problems(path, prompt_dir, live.overrides)
    if flow is not None:
        from .prompts.audio_cli import audio_warnings

        problems = sorted(problems + audio_warnings(flow, prompt_dir or Path(path).parent / "prompts", live.recordings))
    if live.count() and not quiet:
        click.echo(f"words: {live.source}")
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        if problem.severity == "error" or not quiet:
            click.echo(str(problem), err=problem.severity == "error")
    if errors or flow is None:
        click.echo(f"{len(errors)} error(s): the line will not start until they are fixed.", err=True)
        sys.exit(1)
    prompts = sum(len(t) for t in flow.prompts.texts.values())
    click.echo(
        f"ok: {len(flow.nodes)} nodes, {prompts} prompts in {len(flow.prompts.texts)} languages, "
        f"{len(problems)} warning(s)"
    )


@main.command()
def doctor():
    """Check this deployment (token, https URL, numbers, database, ...); exit 1 on problems."""
    from .doctor import diagnose
    from .instance import settings

    config = settings()
    config["SECRET_KEY_FROM_ENV"] = bool(config.get("SECRET_KEY"))
    findings = diagnose(config)
    for finding in findings:
        click.echo(str(finding))
    problems = sum(not f.ok for f in findings)
    if problems:
        click.echo(f"{problems} problem(s) to fix before taking real calls.", err=True)
        sys.exit(1)
    click.echo("ready for real calls")


@main.command("export-fallback")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="fallback.xml",
    show_default=True,
    help="Where to write the TwiML document ('-' for standard output).",
)
@click.argument("path", required=False)
def export_fallback(output, path):
    """Write the static fallback TwiML to host as the number's fallback URL."""
    from .errors import FlowError
    from .flow import load_flow
    from .line.fallback import fallback_twiml

    try:
        flow = load_flow(path or os.environ.get("IVR_FLOW") or "./flows.yaml", os.environ.get("IVR_PROMPTS"))
    except FlowError as exc:
        click.echo(f"ivr export-fallback: the call tree fails its checks; run `ivr check`:\n{exc}", err=True)
        sys.exit(1)
    document = fallback_twiml(flow)
    if output == "-":
        click.echo(document)
        return
    Path(output).write_text(document + "\n", encoding="utf-8")
    click.echo(f"wrote {output}: host it at a public HTTPS URL and set it as the number's fallback URL")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--local", is_flag=True, help="Try the line on this machine: a local auth token and public URL.")
@click.option("--verbose", is_flag=True, help="Also log each migration step and gunicorn's own start-up lines.")
def serve(host, port, workers, local, verbose):
    """Serve the webhooks and the staff area with gunicorn."""
    from .serve import prepare_metrics

    prepare_metrics()  # first: before anything below imports prometheus_client
    import logging

    from . import create_app
    from .callbacks import purge_expired as purge_expired_callbacks
    from .instance import app_config
    from .serve import serve as run

    if local:
        os.environ["TWILIO_AUTH_TOKEN"] = os.environ.get("TWILIO_AUTH_TOKEN") or local_token(instance_folder())
        os.environ.setdefault("IVR_PUBLIC_URL", f"http://{host}:{port}")
        from .callbacks.crypto import local_data_key

        os.environ.setdefault("IVR_DATA_KEY", local_data_key(instance_folder()))  # seals callback numbers
    if not verbose:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        # The schema first: the app reads the published words from the database as it starts.
        migrate(app_config()["IVR_DATABASE_URL"])
        clips_log = logging.getLogger("ivr.audio.clips")
        clips_log.disabled = True  # "N clips have no audio" is rendered away just below, not news
        try:
            app = create_app()  # fail here, once, with a clear message, not in every worker
        finally:
            clips_log.disabled = False
        if app.config["IVR_SPEECH"] == "play":
            from .prompts.audio_cli import prepare_audio

            prepare_audio(app.config, app.extensions["ivr.line"]().flow)  # a fresh machine renders first
        purge_expired_callbacks(app)  # retention, at every start
        summary = start_summary(app, host, port, workers, local)
        app.extensions["ivr.db"].dispose()
    except ConfigError as exc:
        click.echo(f"ivr serve: {exc}", err=True)
        sys.exit(1)
    run(
        host,
        port,
        workers,
        create_app,
        when_ready=lambda _server: click.echo(summary),  # once listening: the address is then true
        loglevel="info" if verbose else "warning",
    )


def start_summary(app, host: str, port: int, workers: int, local: bool) -> str:
    """What a person starting the line needs, in a few lines."""
    from sqlalchemy import func, select

    from .instance import command_name
    from .staff.models import Staff

    ivr = command_name()
    listening = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    with app.extensions["ivr.db"].session() as session:
        accounts = session.scalar(select(func.count()).select_from(Staff))
    lines = [
        f"The after-trial support line is listening at {listening} ({workers} worker(s); Ctrl+C stops it).",
        f"  Twilio posts calls to  {app.config['IVR_PUBLIC_URL'].rstrip('/')}/voice",
        f"  Staff area             {listening}/admin/",
    ]
    if not accounts:
        lines.append(f"  First admin            {ivr} staff add you@example.org --role admin   (no staff accounts yet)")
    if local:
        url = "" if listening == "http://127.0.0.1:8000" else f" --url {listening}"
        lines.append(f"  Local auth token       {app.config['TWILIO_AUTH_TOKEN']}   (the simulator finds it itself)")
        lines.append(f"  Ring the line          {ivr} call{url}   (from another terminal)")
    return "\n".join(lines)


@main.group()
def db():
    """The database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or update the tables in IVR_DATABASE_URL (safe to repeat)."""
    from .instance import settings

    url = settings()["IVR_DATABASE_URL"]
    try:
        migrate(url)
    except ConfigError as exc:
        click.echo(f"ivr db upgrade: {exc}", err=True)
        sys.exit(1)
    click.echo("database is up to date")


from .callbacks.cli import callbacks  # noqa: E402  (registers `ivr callbacks`)

main.add_command(callbacks)
from .simulator import call  # noqa: E402  (registers `ivr call`)

main.add_command(call)
from .prompts.audio_cli import prompts  # noqa: E402  (registers `ivr prompts`)

main.add_command(prompts)
from .staff.cli import register as register_staff_commands  # noqa: E402  (registers `ivr staff`)

register_staff_commands(main)
from .prompts.cli import register as register_prompt_commands  # noqa: E402  (`ivr diagram`, `ivr staff export-prompts`)

register_prompt_commands(main)
from .reports.cli import report_command  # noqa: E402  (registers `ivr report`)

main.add_command(report_command)
