"""`testimony undo` and `testimony redo`: the coder's undo log from the shell.

The same log as u and U in the workbench (project.db, one per coder), so a
script that ran `autocode` can take it back, and a coder can see what the next
u would undo without opening the screen.
"""

from __future__ import annotations

import json
import sys

import click

from testimony.cli import Context, pass_ctx
from testimony.ingest.limits import printable

CODER_HELP = "Whose last action (default: $TESTIMONY_CODER, `coder` in testimony.yaml, or login)."


def _history(obj: Context, coder: str | None, which: str, as_json: bool) -> None:
    from testimony.coding.workbench import Workbench

    project = obj.project
    bench = Workbench(project, project.actor(coder))
    done = bench.undo() if which == "undo" else bench.redo()
    if done is None:
        click.echo(f"testimony: {bench.coder} has nothing to {which}", err=True)
        sys.exit(1)
    if as_json:
        row = {"operation": done.id, "action": done.action, "description": done.description}
        click.echo(json.dumps({**row, "excerpts": done.excerpt_ids, "coder": bench.coder}))
        return
    verb = "Undid" if which == "undo" else "Redid"
    click.echo(printable(f"{verb}: {done.description or done.summary}"))


@click.command("undo")
@click.option("--coder", metavar="NAME", help=CODER_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print what was undone as JSON.")
@pass_ctx
def undo_command(obj: Context, coder: str | None, as_json: bool) -> None:
    """Take back the coder's last coding, memo or codebook action (as u in `code` does).

    Exit 1 when there is nothing to undo, so `while testimony undo; do :; done`
    stops there.
    """
    _history(obj, coder, "undo", as_json)


@click.command("redo")
@click.option("--coder", metavar="NAME", help=CODER_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print what was done again as JSON.")
@pass_ctx
def redo_command(obj: Context, coder: str | None, as_json: bool) -> None:
    """Do again the coder's last undone action (as U in `code` does); exit 1 if none."""
    _history(obj, coder, "redo", as_json)
