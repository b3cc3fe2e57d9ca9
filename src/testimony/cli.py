"""The command layer: parse options, call a service, print. Errors are one line on stderr."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import DBAPIError

from testimony import __version__
from testimony.counts import counted
from testimony.errors import CodebookError, TestimonyError
from testimony.ingest.limits import printable
from testimony.project import Project, find_project, init_project

if TYPE_CHECKING:
    from rich.progress import Progress

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class TestimonyGroup(click.Group):
    """Turns a user's mistake into one clear line and exit code 2 (1 for failed checks)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CodebookError as exc:
            for problem in exc.problems:
                click.echo(printable(str(problem)), err=True)
            ctx.exit(exc.exit_code)
        except TestimonyError as exc:
            click.echo(f"testimony: {printable(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except (OSError, DBAPIError, sqlite3.Error) as exc:
            from testimony.db.storage import explain

            reason = explain(exc)
            if reason is None:
                raise
            click.echo(f"testimony: {reason}", err=True)
            ctx.exit(2)


class Context:
    """What every command may need: where the project is, opened on first use."""

    def __init__(self, project_dir: str | None, db_url: str | None) -> None:
        self.project_dir = project_dir
        self.db_url = db_url
        self._project: Project | None = None
        self.reviewer: str | None = None  # `review --reviewer NAME`

    @property
    def project(self) -> Project:
        if self._project is None:
            from testimony.cli_vault import prompt_passphrase

            self._project = Project.open(find_project(self.project_dir), database_url=self.db_url)
            self._project.ask_passphrase = prompt_passphrase
        return self._project


_pass_context = click.make_pass_decorator(Context)


def _context_of(ctx: click.Context) -> Context:
    found = ctx.find_object(Context)
    assert found is not None, "cli() makes the Context before any command runs"
    return found


class _OldNamesHidden(click.Option):
    """An option whose first name is shown in --help; its later names (old spellings) still
    work but are not shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        names, self.opts = self.opts, self.opts[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = names


def key_file_option(help: str, envvar: str | None = None):  # noqa: A002, ANN201
    """--key-file FILE: a key from `testimony key export`, for those without the vault; the
    same option wherever a command checks text against the fingerprints (--key, its old
    spelling in leak-check, still works but is not shown)."""
    return click.option(
        "--key-file",
        "--key",
        "key_file",
        cls=_OldNamesHidden,
        type=click.Path(path_type=Path),
        metavar="FILE",
        envvar=envvar,
        help=help,
    )


def _say_leftovers_removed(names: list[str], kind: str) -> None:
    """One line on stderr naming what killed runs had left beside the target, now removed."""
    if names:
        whose = f"a killed {kind}" if len(names) == 1 else f"killed {kind}s"
        shown = ", ".join(printable(n) for n in names)
        click.echo(f"removed {counted(len(names), 'leftover')} of {whose}: {shown}", err=True)


def _set_project(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        _context_of(ctx).project_dir = value


def pass_ctx(command):  # noqa: ANN001, ANN201
    """Pass the Context, and accept --project after the command name too (as CLI.md writes it)."""
    option = click.option(
        "--project",
        "project_dir_here",
        metavar="DIR",
        expose_value=False,
        callback=_set_project,
        help="The project folder (as the option before the command).",
    )
    return option(_pass_context(command))


@click.group(cls=TestimonyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="testimony")
@click.option(
    "--project",
    "project_dir",
    metavar="DIR",
    envvar="TESTIMONY_PROJECT",
    help="The project folder (default: the current folder or the nearest parent "
    "holding testimony.yaml; or $TESTIMONY_PROJECT).",
)
@click.option("--db", "db_url", metavar="URL", help="Use this coding database URL instead.")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None, db_url: str | None) -> None:
    """testimony: code interview testimony in the terminal, with identifiers kept in a vault.

    Start with `testimony init DIR`, then `testimony import FILE...`. Every
    command takes --project DIR; errors go to stderr and exit 2 (1 when a check
    finds a problem).
    """
    ctx.obj = Context(project_dir, db_url)
    ctx.call_on_close(lambda: ctx.obj._project and ctx.obj._project.close())


def main() -> None:
    cli(prog_name="testimony")


def _add_commands() -> None:
    """Command groups kept in modules of their own."""
    from testimony.cli_undo import redo_command, undo_command
    from testimony.cli_vault import vault_group

    cli.add_command(vault_group)
    cli.add_command(undo_command)
    cli.add_command(redo_command)


# --- project ---------------------------------------------------------------------------------


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--codebook",
    "codebook_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A codebook YAML file to load into the new project.",
)
@click.option("--db", "db_url", metavar="URL", help="Put the coding database at this URL.")
@click.option("--name", help="A name for the project (default: the folder's name).")
@click.option(
    "--encrypt-vault",
    is_flag=True,
    help="Protect the vault with a passphrase (asked for, or $TESTIMONY_VAULT_PASSPHRASE).",
)
def init(
    directory: Path,
    codebook_file: Path | None,
    db_url: str | None,
    name: str | None,
    encrypt_vault: bool,
) -> None:
    """Make a project folder: project.db, vault.db (mode 0600) and testimony.yaml."""
    from testimony.cli_vault import new_passphrase
    from testimony.codebook import load_codebook
    from testimony.coding.themes import import_codebook

    codebook = load_codebook(codebook_file) if codebook_file else None  # fail before creating
    passphrase = new_passphrase() if encrypt_vault else None
    project = init_project(directory, database_url=db_url, name=name, passphrase=passphrase)
    try:
        if codebook is not None:
            with project.session() as s, s.begin():
                merge = import_codebook(s, codebook)
            click.echo(f"codebook: {counted(len(merge.added), 'theme')}")
    finally:
        project.close()
    click.echo(f"made project {directory}")
    click.echo(f"next: testimony --project {directory} import FILE...")


@cli.group("db", cls=TestimonyGroup)
def db_group() -> None:
    """The coding database's schema."""


@db_group.command("upgrade")
@pass_ctx
def db_upgrade(obj: Context) -> None:
    """Bring an older project's databases up to the current schema (Alembic).

    The vault's passphrase is asked for only when identifiers fingerprinted before
    schema 0006 wait for their first words to be indexed (their words are in the vault).
    """
    from testimony.db.migrate import current_revision
    from testimony.redact.first_words import first_words_waiting, index_first_words
    from testimony.vault.schema import upgrade_vault_schema

    project = obj.project
    message = f"project.db at schema {current_revision(project.engine)}"  # opening upgrades
    has_vault = project.vault_path.is_file()  # a coder without the vault upgrades project.db
    if has_vault:
        message += f"; vault.db at schema {upgrade_vault_schema(project.vault_path)}"
    click.echo(message)
    if has_vault and first_words_waiting(project):
        from testimony.redact.keys import vault_key

        indexed = index_first_words(project, vault_key(project))
        if indexed:
            click.echo(
                f"indexed the first words of {counted(indexed, 'identifier')} for the leak gate"
            )


# --- import and interviews -------------------------------------------------------------------


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Import files again that changed since their import.")
@click.option(
    "--csv-column",
    "csv_columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="For CSV files: which header holds interview, speaker, text or time "
    "(e.g. --csv-column text=Utterance). Repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_ctx
def import_cmd(
    obj: Context,
    files: tuple[Path, ...],
    replace: bool,
    csv_columns: tuple[str, ...],
    as_json: bool,
) -> None:
    """Import transcripts (.txt .md .docx .vtt .srt .csv) into the vault and the project.

    Each file is redacted on the way in: only pseudonymized text reaches the
    coding database. A file is imported whole or not at all; importing an
    unchanged file again changes nothing. Exit 2 if any file was refused.
    """
    from testimony.redact.importer import import_files

    columns = {}
    for item in csv_columns:
        field, sep, header = item.partition("=")
        if not sep or field not in {"interview", "speaker", "text", "time"}:
            raise click.BadParameter(
                f"{item!r}: use FIELD=HEADER with FIELD one of interview, speaker, text, time",
                param_hint="--csv-column",
            )
        columns[field] = header
    project = obj.project
    with _progress("importing", len(files)) as advance:
        report = import_files(
            project, list(files), replace=replace, csv_columns=columns, progress=advance
        )
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "file": str(r.path),
                        "status": r.status,
                        "interviews": r.interviews,
                        "excerpts": r.excerpts,
                        "words": r.words,
                        "identifiers": r.identifiers,
                        "reason": r.reason,
                    }
                    for r in report.results
                ],
                indent=2,
            )
        )
    else:
        for r in report.results:
            shown = printable(str(r.path))  # a file name may hold terminal escapes
            if r.status == "refused":
                click.echo(f"{shown}: refused: {printable(r.reason)}", err=True)
            elif r.status == "unchanged":
                click.echo(f"{shown}: unchanged since its import; nothing to do")
            else:
                click.echo(
                    f"{shown}: {r.status} as {', '.join(r.interviews)} "
                    f"({counted(r.excerpts, 'excerpt')}, {counted(r.words, 'word')}, "
                    f"{counted(r.identifiers, 'identifier')} redacted)"
                )
        done = sum(r.status in {"imported", "replaced"} for r in report.results)
        unchanged = sum(r.status == "unchanged" for r in report.results)
        summary = f"{done} imported, {unchanged} unchanged, {len(report.failed)} refused"
        if report.failed:
            summary += ": " + ", ".join(printable(r.path.name) for r in report.failed)
        click.echo(summary, err=bool(report.failed))
    if report.failed:
        sys.exit(2)


@cli.command("import-qdpx")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_ctx
def import_qdpx_cmd(obj: Context, file: Path, as_json: bool) -> None:
    """Bring a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder...) into
    this project: codebook, coders, sources, codings, memos and case variables.

    Sources are redacted on the way in like any import; codings are moved onto
    the pseudonymized text. Codes join the project's codebook (matched by GUID,
    then name). The file is checked whole first: anything unsafe or broken is
    refused with exit 2 and the project is left as it was.
    """
    from testimony.refi.importer import import_qdpx

    report = import_qdpx(obj.project, file)
    if as_json:
        out = {k: v for k, v in report.__dict__.items() if k != "reading"}
        out["skipped_sources"] = dict(report.skipped_sources)
        if report.reading:
            out["reading"] = report.reading.__dict__
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if report.status == "unchanged":
        click.echo(f"{file}: imported already; nothing to do")
        return
    click.echo(
        f"{file}: imported as {', '.join(report.interviews) or 'no interviews'}: "
        f"{counted(report.codings, 'coding')}, {counted(report.memos, 'memo')}, "
        f"{counted(report.themes_added, 'theme')} added ({report.themes_matched} matched), "
        f"{counted(len(report.coders), 'coder')}, "
        f"{counted(report.identifiers, 'identifier')} redacted"
    )
    if report.own_sources:
        click.echo(
            f"{counted(report.own_sources, 'source')} "
            + ("is one of" if report.own_sources == 1 else "are")
            + " this project's own interviews, exported earlier: "
            "their codings and notes were added to them"
        )
    if report.reading and report.reading.by != "no selections":
        click.echo(
            "positions read with CRLF as "
            + ("one character" if report.reading.crlf_as_one else "two characters")
            + ", end "
            + ("inclusive" if report.reading.inclusive_end else "exclusive")
            + (", in UTF-16 units" if report.reading.utf16 else "")
            + f" (from {report.reading.by})"
        )
    for reason, count in sorted(report.skipped_sources.items()):
        click.echo(f"skipped {counted(count, 'source')}: {reason}", err=True)
    for count, what in (
        (report.selections_without_codes, "with no code and no note"),
        (report.selections_off_text, "on no transcript text (labels, blank lines)"),
    ):
        if count:
            click.echo(f"skipped {counted(count, 'selection')} {what}", err=True)
    if report.selections_split:
        split = report.selections_split
        click.echo(
            f"{counted(split, 'selection')} over several excerpts "
            + ("was" if split == 1 else "were")
            + " split"
        )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_ctx
def interviews(obj: Context, as_json: bool) -> None:
    """One line per interview: id, title, excerpts, words, review state, coding progress."""
    from testimony.coding.interviews import list_interviews

    with obj.project.session() as s:
        rows = list_interviews(s)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no interviews yet: testimony import FILE...")
        return
    table = Table(box=None, pad_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("id", "left"),
        ("title", "left"),
        ("excerpts", "right"),
        ("words", "right"),
        ("review", "left"),
        ("coded", "right"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for r in rows:
        table.add_row(
            _plain(r.id),
            _plain(r.title),
            str(r.excerpts),
            f"{r.words:,}",
            _plain(r.review_state),
            f"{r.progress:.0%}",
        )
    console.print(table)


def _plain(text: str) -> Text:
    """User text for a rich table: control characters shown as escapes, no markup read."""
    return Text(printable(text))


@cli.command()
@click.argument("query")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many excerpts to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_ctx
def search(obj: Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search of the pseudonymized excerpts: words, "phrases", prefix*, OR, NOT, NEAR.

    \b
      police home            both words, anywhere in the excerpt
      "protection order"     the phrase
      regist*                words that start so: registered, registry
      laughed OR endure      either
      police NOT court       police, in no excerpt holding court (also: -court)
      NEAR(police fine*, 5)  police and fine* with at most 5 words between
                             them, in either order (without ", 5": 10 words)
      police NEAR/5 fine*    the same, written between the words (NEAR: 10)

    Words match whole, without regard to case or accents (cafe finds café).
    A query that cannot be read is one line on stderr, exit 2.
    """
    from testimony.coding.excerpts import excerpt_locations
    from testimony.coding.search import QueryError, search_excerpts

    with obj.project.session() as s:
        try:
            hits = search_excerpts(s, query, limit)
        except QueryError as exc:
            _bad_query(exc)
        where = excerpt_locations(s, [h.excerpt_id for h in hits])
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "excerpt": h.excerpt_id,
                        **where[h.excerpt_id],
                        "score": round(h.score, 4),
                        "snippet": h.snippet,
                        "highlights": h.highlights,
                    }
                    for h in hits
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    for h in hits:
        loc = where[h.excerpt_id]
        snippet = _highlight(h.snippet, h.highlights)
        console.print(
            f"[bold]{escape_markup(loc['interview'])}[/] ¶{loc['position']} "
            f"[dim]{escape_markup(loc['speaker'] or '')}[/]  {snippet}"
        )
    if not hits:
        click.echo("no excerpts match")


def _bad_query(error: Exception) -> NoReturn:
    """A search query that cannot be understood: one line naming the problem, exit 2."""
    click.echo(f"testimony: QUERY: {printable(str(error))}", err=True)
    raise click.exceptions.Exit(2)


def _highlight(snippet: str, highlights: list[tuple[int, int]]) -> str:
    from rich.markup import escape

    out, cursor = [], 0
    for start, end in highlights:
        out += [
            escape(printable(snippet[cursor:start])),
            "[reverse]",
            escape(printable(snippet[start:end])),
            "[/]",
        ]
        cursor = end
    out.append(escape(printable(snippet[cursor:])))
    return "".join(out).replace("\n", " ")


# --- redaction -------------------------------------------------------------------------------


@cli.command("redact-text")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the redacted text and its spans as JSON."
)
@click.option(
    "--jsonl",
    "as_jsonl",
    is_flag=True,
    help='Read {"id","text"} lines; write {"id","spans","text"} lines.',
)
@click.option(
    "--pseudonyms",
    type=click.Choice(["tag", "realistic", "generalise", "settings"]),
    default="settings",
    show_default=True,
    help="How pseudonyms are written: [PERSON-1] tags, made-up names for people, "
    "generalised places and dates, or as the project's (or default) settings say.",
)
@pass_ctx
def redact_text(obj: Context, as_json: bool, as_jsonl: bool, pseudonyms: str) -> None:
    """Redact text from stdin, without a project or with one's lists (--project).

    Plain: stdin is one document; the redacted text goes to stdout. --json adds
    the spans. --jsonl reads one JSON object per line, {"id": ..., "text": ...},
    and writes {"id", "spans": [{"start", "end", "label", "entity"}], "text"}
    per line, offsets in code points of the input text. Mentions of one person
    within a document share an entity, named by its tag ([PERSON-1]). Types the
    settings propose to reviewers rather than redact are left in the text.
    Nothing is stored.
    """
    from testimony.redact.engine import pipeline_for
    from testimony.redact.text import project_vault, redact_texts, scratch_vault
    from testimony.settings import Settings

    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl cannot be used together")
    # --project or the environment variable: that project's lists; otherwise the defaults.
    settings = obj.project.settings if obj.project_dir else Settings()
    pipeline = pipeline_for(settings)
    strategies = (
        settings.pseudonyms
        if pseudonyms == "settings"
        else dict.fromkeys(("PERSON", "GPE", "LOC", "DATE"), pseudonyms)
    )
    try:
        stdin = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.UsageError("stdin is not UTF-8 text") from None
    if as_jsonl:
        records = []
        for number, line in enumerate(stdin.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                records.append((record["id"], str(record["text"])))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise click.UsageError(f'stdin line {number}: expected {{"id", "text"}}') from None
    else:
        records = [(None, stdin)]
    vault = (
        project_vault(obj.project.vault_session(), pipeline) if obj.project_dir else scratch_vault()
    )
    with vault as session:
        results = redact_texts(
            pipeline,
            [text for _id, text in records],
            session,
            strategies=strategies,
            proposed=settings.proposed_labels(),
        )
        for (record_id, _text), result in zip(records, results, strict=True):
            spans = [
                {"start": s.start, "end": s.end, "label": s.label, "entity": s.entity}
                for s in result.spans
            ]
            if as_jsonl:
                click.echo(
                    json.dumps(
                        {"id": record_id, "spans": spans, "text": result.text}, ensure_ascii=False
                    )
                )
            elif as_json:
                click.echo(
                    json.dumps({"spans": spans, "text": result.text}, ensure_ascii=False, indent=2)
                )
            else:
                click.echo(result.text, nl=False)


@cli.command("redact")
@click.option(
    "--interview",
    "interviews_",
    multiple=True,
    metavar="ID",
    help="Only this interview (repeatable); all by default.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_ctx
def redact_cmd(obj: Context, interviews_: tuple[str, ...], as_json: bool) -> None:
    """Run detection again after testimony.yaml's lists or settings changed.

    Reads the raw text from the vault, finds identifiers with the current
    labels, policy and lists, and re-renders the interviews whose text changed
    (and every interview, if a pseudonym strategy changed). Reviewers'
    decisions are kept: accepted and rejected entities, mentions decided on
    their own, identifiers added by hand. Codings stay on the same words.
    """
    from testimony.redact.rerun import rerun_detection

    project = obj.project
    with _progress("redacting", 1) as advance:
        report = rerun_detection(project, list(interviews_) or None, progress=advance)
    result = {
        "interviews": len(report.interviews),
        "mentions_before": report.mentions_before,
        "mentions_after": report.mentions_after,
        "kept_decisions": report.kept_decisions,
        "restyled_entities": report.restyled_entities,
        "excerpts_rerendered": report.rendered.excerpts,
        "codings_moved": report.rendered.codings,
    }
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    kept = counted(report.kept_decisions, "reviewer's decision", "reviewers' decisions")
    click.echo(
        f"{counted(result['interviews'], 'interview')}: "
        f"{counted(report.mentions_before, 'identifier')} before, "
        f"{report.mentions_after} now ({kept} kept); "
        f"{counted(report.rendered.excerpts, 'excerpt')} re-rendered, "
        f"{counted(report.rendered.codings, 'coding')} moved with their words"
    )


@cli.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace DEST if it exists (only once the copy is made)."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was copied as JSON.")
@pass_ctx
def backup_cmd(obj: Context, dest: Path, force: bool, as_json: bool) -> None:
    """A consistent copy of the project in DEST, safe while others are coding.

    project.db and vault.db are copied with SQLite's online backup API (the vault
    only where you hold it: a coder's copy has none), with testimony.yaml and the
    allow and deny files. The copy is checked (integrity, audit chain) before it
    takes DEST's name, and the backup is written to the audit log. A SQLite
    coding database or a vault kept outside the project folder is copied in too,
    and the backup's testimony.yaml points at the copies. For a coding database
    on PostgreSQL the pg_dump command to run is printed.
    """
    from testimony.backup import backup_project

    report = backup_project(obj.project, dest, overwrite=force)
    _say_leftovers_removed(report.leftovers_removed, "backup")
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    click.echo(f"backed up to {report.dest}: {', '.join(report.copied)}")
    for name, why in report.skipped:
        click.echo(f"not copied: {name}: {why}")
    for setting, _was, copy_name in report.relocated:
        click.echo(
            f"{setting} named a database outside the project folder: copied in as "
            f"{copy_name}, and the backup's testimony.yaml points at the copy"
        )
    if report.pg_dump:
        click.echo("the coding database is on PostgreSQL; back it up with (asks the password):")
        click.echo(f"  {report.pg_dump}")


@cli.group("review", cls=TestimonyGroup, invoke_without_command=True)
@click.option("--reviewer", metavar="NAME", help="Who decides (default: coder name, or login).")
@click.pass_context
def review_group(ctx: click.Context, reviewer: str | None) -> None:
    """Decide on proposed redactions (reviewers, who hold the vault).

    Without a subcommand this opens the reviewers' queue: a accept, r reject,
    R reject and allow, t retype, p pseudonym, space marks and m merges, s
    splits, i shows one interview; tab moves to the entity's mentions to
    decide one alone. v opens the raw text: select what the detectors missed
    (arrows, shift+arrows, S for the sentence, or drag) and n redacts it
    everywhere, N in that interview; D signs an interview off as reviewed. n
    in the queue adds a missed identifier by typing it. The subcommands make
    the same decisions from the shell.
    Every decision re-renders the interviews it touches (codings stay on their
    words) and is written to the audit log.
    """
    _context_of(ctx).reviewer = reviewer
    if ctx.invoked_subcommand is None:
        from testimony.tui.review_app import run_review_app

        project = _context_of(ctx).project
        project.vault_engine  # noqa: B018 - a clear error now if this machine has no vault
        sys.exit(run_review_app(project, project.actor(reviewer)))


def _decided(result, verb: str) -> None:  # noqa: ANN001
    rendered = result.rendered
    click.echo(
        f"{verb} {', '.join(map(str, result.entities))}: {counted(rendered.excerpts, 'excerpt')} "
        f"re-rendered, {counted(rendered.codings, 'coding')} moved with their words"
    )
    for code in result.reviewed:
        click.echo(f"{code}: every proposal decided; marked reviewed")


@review_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--interview", metavar="ID", help="Only entities mentioned in this interview.")
@click.option(
    "--with-vault",
    is_flag=True,
    help="Also print each entity's raw text and contexts (for vault holders; never share).",
)
@pass_ctx
def review_list(obj: Context, as_json: bool, interview: str | None, with_vault: bool) -> None:
    """Proposals, one per entity, riskiest first: id, label, pseudonym, mentions,
    interviews, status."""
    from testimony.redact.review import list_proposals

    proposals = list_proposals(obj.project, interview, with_vault)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in proposals], indent=2, ensure_ascii=False))
        return
    for p in proposals:
        where = ",".join(p.interviews[:3]) + ("…" if len(p.interviews) > 3 else "")
        line = (
            f"{p.id:>6}  {p.label:<10} {p.pseudonym[:28]:<28} {p.mentions:>4} "
            f"{'mention ' if p.mentions == 1 else 'mentions'}  "
            f"{where:<24} {p.status}"
        )
        if with_vault:
            line += f"  = {p.canonical}"
        click.echo(line)


@review_group.command("mentions")
@click.argument("entity_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--with-vault", is_flag=True, help="Also print each mention's raw context.")
@pass_ctx
def review_mentions(obj: Context, entity_id: int, as_json: bool, with_vault: bool) -> None:
    """Every mention of one entity: id, interview, where, detector, confidence, status."""
    from dataclasses import asdict

    from testimony.redact.review import list_mentions

    views = list_mentions(obj.project, entity_id, with_vault)
    if as_json:
        rows = [{k: v for k, v in asdict(m).items() if with_vault or k != "context"} for m in views]
        for row in rows:
            if row.get("context"):
                row["context"] = "".join(row["context"])
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for m in views:
        line = (
            f"{m.id:>7}  {m.interview:<9} {m.field:<12} {m.start:>6}-{m.end:<6} "
            f"{m.detector:<10} {m.score:.2f}  {m.status}"
        )
        click.echo(
            line + (f"  …{m.context[0]}[{m.context[1]}]{m.context[2]}…" if m.context else "")
        )


@review_group.command("accept")
@click.argument("ids", nargs=-1, required=True, type=int)
@click.option("--mention", is_flag=True, help="The ids are mentions, decided on their own.")
@pass_ctx
def review_accept(obj: Context, ids: tuple[int, ...], mention: bool) -> None:
    """These entities are identifiers: redact every mention."""
    from testimony.redact.review import accept, decide_mentions

    if mention:
        _decided(
            decide_mentions(obj.project, ids, "accepted", obj.reviewer), "accepted mentions of"
        )
    else:
        _decided(accept(obj.project, ids, obj.reviewer), "accepted")


@review_group.command("reject")
@click.argument("ids", nargs=-1, required=True, type=int)
@click.option("--allow", is_flag=True, help="Add their words to the project's allow file as well.")
@click.option("--mention", is_flag=True, help="The ids are mentions, decided on their own.")
@pass_ctx
def review_reject(obj: Context, ids: tuple[int, ...], allow: bool, mention: bool) -> None:
    """These entities are no identifiers: put their words back."""
    from testimony.redact.review import decide_mentions, reject

    if mention:
        _decided(
            decide_mentions(obj.project, ids, "rejected", obj.reviewer), "rejected mentions of"
        )
    else:
        _decided(reject(obj.project, ids, obj.reviewer, allow=allow), "rejected")


@review_group.command("retype")
@click.argument("entity_id", type=int)
@click.argument("label")
@pass_ctx
def review_retype(obj: Context, entity_id: int, label: str) -> None:
    """Give an entity another type (PERSON, ORG, GPE, LOC, FAC, ...)."""
    from testimony.redact.review import retype

    _decided(retype(obj.project, entity_id, label, obj.reviewer), "retyped")


@review_group.command("pseudonym")
@click.argument("entity_id", type=int)
@click.argument("pseudonym")
@pass_ctx
def review_pseudonym(obj: Context, entity_id: int, pseudonym: str) -> None:
    """Choose an entity's pseudonym yourself (no word of the corpus)."""
    from testimony.redact.review import set_pseudonym

    _decided(set_pseudonym(obj.project, entity_id, pseudonym, obj.reviewer), "renamed")


@review_group.command("merge")
@click.argument("ids", nargs=-1, required=True, type=int)
@pass_ctx
def review_merge(obj: Context, ids: tuple[int, ...]) -> None:
    """These entities are one: all join the first, with its pseudonym."""
    from testimony.redact.review import merge

    _decided(merge(obj.project, list(ids), obj.reviewer), "merged")


@review_group.command("split")
@click.argument("entity_id", type=int)
@pass_ctx
def review_split(obj: Context, entity_id: int) -> None:
    """An entity joined several people: each differently written name gets its own."""
    from testimony.redact.review import split

    _decided(split(obj.project, entity_id, obj.reviewer), "split")


@review_group.command("add")
@click.option("--text", required=True, help="The missed identifier, as it is written.")
@click.option("--label", default="PERSON", show_default=True, help="Its type.")
@click.option("--interview", metavar="ID", help="Only in this interview (default: everywhere).")
@click.option("--force", is_flag=True, help="Redact it even if it is only common words.")
@pass_ctx
def review_add(obj: Context, text: str, label: str, interview: str | None, force: bool) -> None:
    """Redact a missed identifier at every occurrence, in one interview or the project."""
    from testimony.redact.review import add

    _decided(add(obj.project, text, label, interview, obj.reviewer, force), "added")


@review_group.command("deny")
@click.option("--text", "texts", multiple=True, help="An identifier known in advance (repeatable).")
@click.option(
    "--file",
    "list_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of identifiers, one per line ('#' starts a comment); keep it out of the project.",
)
@click.option("--label", default="PERSON", show_default=True, help="Their type.")
@pass_ctx
def review_deny(obj: Context, texts: tuple[str, ...], list_file: Path | None, label: str) -> None:
    """Identifiers known in advance: kept in the vault (not in testimony.yaml, which coders
    receive), redacted wherever they occur now and in every later import."""
    from testimony.redact.review import deny
    from testimony.settings import read_list_file

    terms = list(texts) + (read_list_file(list_file, "--file") if list_file else [])
    _decided(deny(obj.project, terms, label, obj.reviewer), f"denied {len(terms)} as {label}:")


@review_group.command("sign-off")
@click.argument("interviews", nargs=-1, required=True)
@pass_ctx
def review_sign_off(obj: Context, interviews: tuple[str, ...]) -> None:
    """Mark interviews reviewed once read: needed where nothing was proposed."""
    from testimony.redact.review import sign_off

    for code in interviews:
        sign_off(obj.project, code, obj.reviewer)
        click.echo(f"{code}: signed off as reviewed")


@cli.group("audit", cls=TestimonyGroup)
def audit_group() -> None:
    """The project's hash-chained audit log."""


@audit_group.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here, not stdout.")
@click.option(
    "--with-vault",
    is_flag=True,
    help="Add the vault's decision log with the raw words (for vault holders; never share).",
)
@pass_ctx
def audit_export(obj: Context, fmt: str, output: Path | None, with_vault: bool) -> None:
    """The anonymisation log: every change, who and when, without raw identifiers."""
    from testimony.db.audit import export_rows, rows_as_csv

    with obj.project.session() as s:
        rows = export_rows(s)
    if with_vault:
        from testimony.redact.review import vault_log_rows

        rows += vault_log_rows(obj.project)
    text = (
        json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        if fmt == "json"
        else rows_as_csv(rows)
    )
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@audit_group.command("verify")
@pass_ctx
def audit_verify(obj: Context) -> None:
    """Check the log's hash chain: exit 1 naming the first bad entry, 0 if intact."""
    from testimony.db import audit

    with obj.project.session() as s:
        count, problem = audit.verify(s)
    if problem is None:
        click.echo(f"audit log intact: {counted(count, 'entry', 'entries')}")
        return
    where = f"entry {problem.entry_id}" if problem.entry_id is not None else "the log"
    click.echo(f"audit log broken: {where} {problem.reason}", err=True)
    sys.exit(1)


@cli.command("leak-check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@key_file_option("A key file from `testimony key export`, for editors without the vault.")
@pass_ctx
def leak_check(obj: Context, paths: tuple[Path, ...], key_file: Path | None) -> None:
    """Scan files or folders for any known identifier of the project.

    Exit 1 and list each finding as file:line:column, type and pseudonym; the
    identifier itself is never printed. Exit 0 when clean. Needs the vault or
    a key file: without the key, fingerprints cannot be checked.
    """
    from testimony.redact.keys import load_key, pseudonyms_by_fingerprint
    from testimony.redact.leak import FingerprintSet, scan_paths

    project = obj.project
    for path in paths:
        if not path.exists():
            raise TestimonyError(f"{path}: no such file or folder")
    key = load_key(project, key_file)
    with project.session() as s:
        prints = FingerprintSet.load(s, key)
    leaks = scan_paths(list(paths), prints)
    names = pseudonyms_by_fingerprint(project, key) if key_file is None else {}
    for leak in leaks:
        who = names.get(leak.fingerprint, "")
        click.echo(f"{leak.path}:{leak.line}:{leak.column}: {leak.label} {who}".rstrip())
    if leaks:
        click.echo(
            f"{counted(len(leaks), 'identifier')} found; nothing here is safe to publish", err=True
        )
        sys.exit(1)
    click.echo(f"clean: no known identifier in {counted(len(paths), 'path')}")


@cli.group("key", cls=TestimonyGroup)
def key_group() -> None:
    """The fingerprint key, for editors who check exports without the vault."""


@key_group.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@pass_ctx
def key_export(obj: Context, file: Path) -> None:
    """Write the fingerprint key to FILE (mode 0600). Whoever holds it can confirm guesses."""
    from testimony.redact.keys import export_key

    export_key(obj.project, file)
    click.echo(f"wrote {file}; keep it as carefully as the vault")


# --- codebook ----------------------------------------------------------------------------------


@cli.group("codebook", cls=TestimonyGroup)
def codebook_group() -> None:
    """Check, show, import and export the codebook."""


@codebook_group.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
def codebook_validate(file: Path) -> None:
    """Check a codebook file; each problem is printed as file:line:column: message (exit 1)."""
    from testimony.codebook import load_codebook

    codebook = load_codebook(file)
    count = sum(1 for _ in codebook.walk())
    depth = max((d for _t, _p, d in codebook.walk()), default=-1) + 1
    click.echo(f"{file}: ok ({counted(count, 'theme')}, {counted(depth, 'level')})")


@codebook_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_ctx
def codebook_show(obj: Context, as_json: bool) -> None:
    """The project's themes as a tree, with shortcut keys and coding counts."""
    from testimony.coding.themes import list_themes

    with obj.project.session() as s:
        rows = list_themes(s)
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("the project has no codebook yet: testimony codebook import FILE")
        return
    for r in rows:
        line = Text(f"[{r.key}] " if r.key else "    ")
        line.append("  " * r.depth)
        line.append("■ ", style=r.color or "default")
        line.append(printable(r.name))
        line.append(f"  {r.id}", style="dim")
        if r.codings:
            line.append(f"  ({r.codings})")
        console.print(line, overflow="ellipsis", no_wrap=True)


@codebook_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_ctx
def codebook_import(obj: Context, file: Path) -> None:
    """Merge a codebook file (YAML, or a REFI-QDA .qdc) into the project by theme id.

    A .qdc's codes are matched to the project's themes by GUID, then by name;
    new codes become themes and keep their GUID for later exports.

    Themes with codings are never dropped: if the file no longer has them they
    are kept and reported.
    """
    from testimony.codebook import load_codebook
    from testimony.coding.themes import import_codebook
    from testimony.db import audit

    project = obj.project
    if file.suffix.lower() == ".qdc":  # REFI-QDA: codes matched to themes by GUID, then name
        from testimony.refi.codebook import load_qdc, qdc_codebook

        codes = load_qdc(file)
        with project.session() as s:
            codebook = qdc_codebook(s, codes, file.stem)
    else:
        codebook = load_codebook(file)
    with project.session() as s, s.begin():
        merge = import_codebook(s, codebook)
        audit.append(
            s,
            project.actor(),
            "codebook-import",
            codebook.name,
            added=merge.added,
            updated=merge.updated,
            removed=merge.removed,
            kept=merge.kept_with_codings,
        )
    click.echo(
        f"{len(merge.added)} added, {len(merge.updated)} updated, "
        f"{len(merge.unchanged)} unchanged, {len(merge.removed)} removed"
    )
    if merge.kept_with_codings:
        click.echo(
            "kept because they have codings (not in the file): "
            + ", ".join(merge.kept_with_codings),
            err=True,
        )


@codebook_group.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here, not stdout.")
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "qdc"]), default="yaml", show_default=True
)
@key_file_option("A key file for the leak gate, for those without the vault.")
@pass_ctx
def codebook_export(obj: Context, output: Path | None, fmt: str, key_file: Path | None) -> None:
    """Write the project's codebook as YAML (the same shape `codebook validate` accepts),
    or as a REFI-QDA codebook (.qdc) for other QDA tools, through the leak gate."""
    from testimony.codebook import dump_codebook
    from testimony.coding.themes import export_codebook

    if fmt == "qdc":
        from testimony.export.service import ExportOptions, export

        export(
            obj.project,
            ExportOptions(fmt="qdc"),
            output,
            key_file=key_file,
            write_stdout=lambda data: click.echo(data.decode("utf-8"), nl=False),
        )
        if output:
            click.echo(f"wrote {output}")
        return
    from testimony.export.gate import LeakRefused
    from testimony.export.service import write_checked

    with obj.project.session() as s:
        text = dump_codebook(export_codebook(s))
    try:  # theme examples are quotes, typed by coders: the YAML passes the gate too
        written = write_checked(
            obj.project,
            text.encode("utf-8"),
            "yaml",
            output,
            key_file=key_file,
            action="codebook-export",
            write_stdout=lambda data: click.echo(data.decode("utf-8"), nl=False),
        )
    except LeakRefused as exc:
        named = any(f.where == "the file's name" for f in exc.findings)
        for finding in exc.findings:
            click.echo(f"{'the output file' if named else output or 'stdout'}: {finding}", err=True)
        raise
    _say_leftovers_removed(written.leftovers_removed, "export")
    if output:
        click.echo(f"wrote {output}")


@cli.command("keys")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def keys_cmd(as_json: bool) -> None:
    """Every action of the coding and review screens, its key, and yours.

    Your own keys go in a YAML keymap, one 'action id: keys' line each (several
    keys separated by commas): $TESTIMONY_KEYMAP, else
    ~/.config/testimony/keymap.yaml.
    """
    from testimony.tui.keymap import all_actions, keymap_path, load_keymap

    keymap = load_keymap()
    rows = [
        {
            "id": a.id,
            "screen": a.screen,
            "action": a.description,
            "default": a.keys,
            "keys": keymap.get(a.id, a.keys),
        }
        for a in all_actions()
    ]
    path = keymap_path()
    if as_json:
        click.echo(json.dumps({"keymap": str(path), "actions": rows}, indent=2))
        return
    click.echo(f"keymap: {path}{'' if path.exists() else ' (none yet)'}")
    for row in rows:
        mine = "" if row["keys"] == row["default"] else f"  (default {row['default']})"
        click.echo(f"{row['id']:<30} {row['keys']:<22} {row['action']}{mine}")


# --- demo ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--no-tui", is_flag=True, help="Build the project and print its path; no screen.")
@click.option(
    "--coder", metavar="NAME", help="Code as NAME (default: $TESTIMONY_CODER, else morgan)."
)
def demo(directory: Path | None, no_tui: bool, coder: str | None) -> None:
    """Build the demo project from the shipped codebooks/ and corpus/ and open it for coding.

    It goes in ./testimony-demo unless DIR is given, and is reused when it
    exists. Two coders (morgan and quinn) have coded part of it already; you
    code as morgan unless --coder or $TESTIMONY_CODER say otherwise. q quits.
    """
    from testimony.demo import build_demo

    with _progress("building demo", 1) as advance:
        project, report = build_demo(
            directory or Path("testimony-demo"), progress=lambda done, total: advance(done, total)
        )
    try:
        for r in report.failed:
            err_console.print(f"{r.path.name}: refused: {r.reason}")
        if no_tui:
            click.echo(str(project.root))
            return
        from testimony.tui.app import run_coding_app

        code = run_coding_app(project, project.actor(coder))
    finally:
        project.close()
    sys.exit(code)


class _progress:
    """A progress bar on a terminal, nothing when piped."""

    def __init__(self, what: str, total: int) -> None:
        self.what, self.total = what, total
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[int, int], None]:
        if not (sys.stderr.isatty() and self.total):
            return lambda _done, _total: None
        from rich.progress import Progress

        bar = self.bar = Progress(console=err_console, transient=True)
        bar.start()
        task = bar.add_task(self.what, total=self.total)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return advance

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.stop()


# --- coding -------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--coder",
    metavar="NAME",
    help="Code as NAME (default: $TESTIMONY_CODER, `coder` in testimony.yaml, or your login).",
)
@key_file_option(
    "A key file (testimony key export): memos naming a known identifier are warned "
    "about as they are saved. Never the vault.",
    envvar="TESTIMONY_KEY_FILE",
)
@pass_ctx
def code(obj: Context, coder: str | None, key_file: Path | None) -> None:
    """Open the coding workbench: read excerpts, apply themes, memos, search, retrieval.

    Keys are shown in the footer; ctrl+p lists every action. q quits.
    """
    from testimony.redact.memo_check import MemoCheck
    from testimony.tui.app import run_coding_app

    project = obj.project
    check = MemoCheck.from_key_file(project, key_file) if key_file else None
    sys.exit(run_coding_app(project, project.actor(coder), check))


@cli.command()
@click.option("--theme", "themes", multiple=True, metavar="ID", help="Only this theme. Repeatable.")
@click.option("--subthemes", is_flag=True, help="With --theme: include its sub-themes.")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only this coder's.")
@click.option("--interview", "interviews", multiple=True, metavar="ID", help="Only this interview.")
@click.option(
    "--attribute",
    "--where",
    "attributes",
    multiple=True,
    metavar="NAME=VALUE",
    help="Only interviews with this attribute value, e.g. role=survivor (repeatable: values "
    "of one name are alternatives, different names must all match, as in export --where).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_ctx
def codings(
    obj: Context,
    themes: tuple[str, ...],
    subthemes: bool,
    coders: tuple[str, ...],
    interviews: tuple[str, ...],
    attributes: tuple[str, ...],
    as_json: bool,
) -> None:
    """List codings in reading order: id, interview, excerpt, span, theme, coder, quote.

    The quote is the coded pseudonymized text. Filters combine: codings of
    every --theme given, by any --coder given, in any --interview given.
    """
    from testimony.coding.attribute_filter import (
        AttributeFilterError,
        known_attributes,
        parse_attribute_pairs,
        resolve_attributes,
    )
    from testimony.coding.retrieval import QuoteFilter, iter_quotes

    with obj.project.session() as s:
        try:
            wanted = resolve_attributes(known_attributes(s), parse_attribute_pairs(attributes))
        except AttributeFilterError as exc:
            raise AttributeFilterError(f"--attribute: {exc}") from None
        where = QuoteFilter(
            themes=list(themes),
            with_subthemes=subthemes,
            coders=list(coders),
            interviews=list(interviews),
            attributes=wanted,
        )
        quotes = list(iter_quotes(s, where))
    if as_json:
        rows = [
            {
                "id": q.coding,
                "interview": q.interview,
                "excerpt": q.excerpt,
                "position": q.position,
                "speaker": q.speaker,
                "start": q.start,
                "end": q.end,
                "theme": q.theme,
                "coder": q.coder,
                "important": q.important,
                "memo": q.memo,
                "quote": q.quote,
            }
            for q in quotes
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not quotes:
        click.echo("no codings match")
        return
    cells_of = [
        (
            str(q.coding),
            printable(q.interview),
            str(q.position),
            f"{q.start}–{q.end}",
            printable(q.theme) + (" !" if q.important else ""),
            printable(q.coder),
        )
        for q in quotes
    ]
    header = ("id", "interview", "¶", "span", "theme", "coder")
    widths = [max(len(r[i]) for r in [header, *cells_of]) for i in range(len(header))]
    right = {0, 2}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    room = max(20, console.width - sum(widths) - 2 * len(widths))
    click.echo(line(header) + "  quote")
    for cells, q in zip(cells_of, quotes, strict=True):
        quote = printable(" ".join(q.quote.split()))
        if len(quote) > room:
            quote = quote[: room - 1] + "…"
        click.echo(line(cells) + "  " + quote)


@cli.command()
@click.argument("query")
@click.option("--theme", required=True, metavar="ID", help="The theme to apply to every hit.")
@click.option("--coder", metavar="NAME", help="Code as NAME (default: as for `code`).")
@click.option(
    "--unit",
    type=click.Choice(["match", "sentence", "excerpt"]),
    default="match",
    show_default=True,
    help="What to code around each hit: the matched words, their sentence, or the excerpt.",
)
@click.option(
    "--interview", "interviews", multiple=True, metavar="ID", help="Only in this interview."
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_ctx
def autocode(
    obj: Context,
    query: str,
    theme: str,
    coder: str | None,
    unit: str,
    interviews: tuple[str, ...],
    as_json: bool,
) -> None:
    """Apply a theme to every search hit of QUERY, as one undoable action.

    QUERY is a search query (words, "phrases", prefix*, OR, NOT, NEAR), as for
    `search`. With --unit match, a NEAR group is coded from its first word to its last.
    Spans the coder already coded with the theme are left as they are. Undo it
    with `testimony undo`, or u in `testimony code`, like any other action.
    """
    from testimony.coding.search import QueryError
    from testimony.coding.workbench import Workbench

    project = obj.project
    bench = Workbench(project, project.actor(coder))
    try:
        result = bench.autocode(query, theme, unit, list(interviews) or None)
    except QueryError as exc:
        _bad_query(exc)
    if as_json:
        click.echo(json.dumps(result.__dict__))
        return
    click.echo(
        f"{counted(result.added, 'coding')} added as {theme} by {bench.coder} "
        f"in {counted(result.excerpts, 'excerpt')}"
        + (
            f"; {result.already} {'was' if result.already == 1 else 'were'} already coded"
            if result.already
            else ""
        )
    )


# --- export (theme-quote reports, REFI-QDA) ---------------------------------------------------


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["md", "html", "docx", "csv", "json", "qdpx", "qdc"]),
    help="md, html, docx: theme-quote reports; csv, json: one row per quote; "
    "qdpx, qdc: REFI-QDA project and codebook for other QDA tools.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write here (text formats default to stdout).",
)
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="ID",
    help="Only this theme and its sub-themes (repeatable).",
)
@click.option(
    "--interview",
    "interviews_",
    multiple=True,
    metavar="ID",
    help="Only this interview (repeatable).",
)
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME",
    help="Only this coder's codings (repeatable).",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="NAME=VALUE",
    help="Only interviews with this attribute value (repeatable: values of one "
    "name are alternatives, different names must all match).",
)
@click.option(
    "--reviewed-only", is_flag=True, help="Only interviews whose redactions a reviewer signed off."
)
@click.option(
    "--attribute",
    "shown_attributes",
    multiple=True,
    metavar="NAME",
    help="Show this interview attribute in each attribution (repeatable, in order).",
)
@click.option(
    "--context", "with_context", is_flag=True, help="Show the sentence before and after each quote."
)
@click.option("--no-memos", is_flag=True, help="Leave coders' memos out.")
@click.option(
    "--mark-pseudonyms",
    is_flag=True,
    help="Show where pseudonyms stand in quotes ([Name], underlined in DOCX).",
)
@click.option("--all-themes", is_flag=True, help="List themes without quotes too.")
@click.option("--title", help="The report's title (default: the project's name).")
@key_file_option("A key file from `testimony key export`, for editors without the vault.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@pass_ctx
def export_cmd(
    obj: Context,
    fmt: str,
    output: Path | None,
    themes: tuple[str, ...],
    interviews_: tuple[str, ...],
    coders: tuple[str, ...],
    where: tuple[str, ...],
    reviewed_only: bool,
    shown_attributes: tuple[str, ...],
    with_context: bool,
    no_memos: bool,
    mark_pseudonyms: bool,
    all_themes: bool,
    title: str | None,
    key_file: Path | None,
    as_json: bool,
) -> None:
    """Export theme-quote reports or a REFI-QDA project, every file through the leak gate.

    Reports list each theme in codebook order (sub-themes nested) with its
    description, counts and every coded quote with its attribution: interview
    id and chosen attributes, pseudonymized speaker, time code or paragraph,
    coder. Before anything is written the finished file is scanned for every
    known identifier; if one is found nothing is written, the places are listed
    on stderr (never the identifier) and the exit code is 1. Checking needs the
    vault or a key file (--key-file); without either the export is refused.
    """
    from testimony.export.gate import LeakRefused
    from testimony.export.quotes import ExportFilter
    from testimony.export.service import ExportOptions, export

    pairs = []
    for item in where:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r}: use NAME=VALUE", param_hint="--where")
        pairs.append((name, value))
    options = ExportOptions(
        fmt=fmt,
        filters=ExportFilter(
            themes=themes,
            interviews=interviews_,
            coders=coders,
            attributes=tuple(pairs),
            reviewed_only=reviewed_only,
        ),
        title=title,
        shown_attributes=shown_attributes,
        with_context=with_context,
        with_memos=not no_memos,
        mark_pseudonyms=mark_pseudonyms,
        include_empty=all_themes,
    )
    try:
        with _progress(f"exporting {fmt}", 1):
            result = export(
                obj.project,
                options,
                output,
                key_file=key_file,
                write_stdout=lambda data: sys.stdout.buffer.write(data),
            )
    except LeakRefused as exc:
        named = any(f.where == "the file's name" for f in exc.findings)
        for finding in exc.findings:
            click.echo(f"{'the output file' if named else output or 'stdout'}: {finding}", err=True)
        raise
    _say_leftovers_removed(result.leftovers_removed, "export")
    if result.unreviewed:
        err_console.print(
            f"[bold red]WARNING[/]: {counted(len(result.unreviewed), 'quoted interview')} "
            "not reviewed "
            f"for missed identifiers: {', '.join(result.unreviewed)}. Not for publication; "
            "use --reviewed-only once they are signed off.",
            highlight=False,
        )
    summary = {
        "file": str(output) if output else None,
        "format": fmt,
        "quotes": result.quotes,
        "themes": result.themes,
        "unreviewed_interviews": result.unreviewed,
        "sha256": result.sha256,
    }
    if as_json and output:
        click.echo(json.dumps(summary, indent=2))
    elif output:
        what = (
            f"{counted(result.quotes, 'quote')} under {counted(result.themes, 'theme')}"
            if result.themes
            else fmt
        )
        click.echo(f"wrote {output}: {what}; leak gate passed", err=not output)


# --- analysis: agreement between coders --------------------------------------------------------


@cli.command("agree")
@click.option("--coders", nargs=2, required=True, metavar="A B", help="The two coders to compare.")
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="ID",
    help="Only this theme and its sub-themes (repeatable).",
)
@click.option(
    "--interview",
    "interviews_",
    multiple=True,
    metavar="ID",
    help="Compare over these interviews (default: every interview both coded).",
)
@click.option(
    "--disagreements",
    "disagreements_file",
    type=click.Path(path_type=Path),
    metavar="FILE.csv",
    help="Write every disagreement to a CSV file (leak-gated).",
)
@key_file_option("A key file for the leak gate, for those without the vault.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--limit", default=20, show_default=True, help="Disagreements shown on screen.")
@pass_ctx
def agree_cmd(
    obj: Context,
    coders: tuple[str, str],
    themes: tuple[str, ...],
    interviews_: tuple[str, ...],
    disagreements_file: Path | None,
    key_file: Path | None,
    as_json: bool,
    limit: int,
) -> None:
    """Intercoder agreement per theme and overall, with the disagreements listed.

    Units are every excerpt (presence of the theme anywhere in it: Cohen's
    kappa and Krippendorff's alpha, nominal) and every character (coded or
    not: percentage agreement and Cohen's kappa, as NVivo's coding comparison)
    of the interviews both coders worked on. Uncoded text counts. Overall
    figures pool every theme's units.
    """
    from dataclasses import asdict

    from testimony.analysis.agreement import compare_coders

    project = obj.project
    with project.session() as s:
        report = compare_coders(s, coders[0], coders[1], themes, interviews_)
    if disagreements_file is not None:
        from testimony.export.service import write_checked

        written = write_checked(
            project,
            _disagreements_csv(report),
            "csv",
            disagreements_file,
            key_file,
            action="agree-disagreements",
            coders=list(coders),
        )
        _say_leftovers_removed(written.leftovers_removed, "export")
    if as_json:
        click.echo(
            json.dumps(
                {
                    "coders": list(coders),
                    "interviews": report.interviews,
                    "excerpts": report.excerpts,
                    "characters": report.characters,
                    "themes": [t.figures() for t in report.themes],
                    "overall": report.overall.figures(),
                    "disagreements": [asdict(d) for d in report.disagreements],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    a, b = coders
    click.echo(
        f"{a} and {b} over {counted(len(report.interviews), 'interview')}, "
        f"{counted(report.excerpts, 'excerpt', grouped=True)}, "
        f"{counted(report.characters, 'character', grouped=True)} (uncoded text counts).\n"
        "Presence of a theme per excerpt: % agreement, Cohen's kappa, Krippendorff's alpha "
        "(nominal).\nCharacters coded or not: % agreement and Cohen's kappa "
        "(NVivo's coding comparison)."
    )
    table = Table(box=None, pad_edge=False)
    for column in ("theme", f"{a}/{b}/both", "%", "kappa", "alpha", "chars %", "chars kappa"):
        table.add_column(column, justify="left" if column == "theme" else "right")
    for agreement in [*report.themes, report.overall]:
        f = agreement.figures()
        table.add_row(
            f["theme"],
            f"{f['excerpts_a']}/{f['excerpts_b']}/{f['excerpts_both']}",
            _percent(f["presence_agreement"]),
            _figure(f["presence_cohen_kappa"]),
            _figure(f["presence_krippendorff_alpha"]),
            _percent(f["character_agreement"]),
            _figure(f["character_cohen_kappa"]),
        )
    console.print(table)
    if report.disagreements:
        console.print(f"\n[bold]{counted(len(report.disagreements), 'disagreement')}[/]")
        for d in report.disagreements[:limit]:
            words_a = " | ".join(d.text_a) or "—"
            words_b = " | ".join(d.text_b) or "—"
            console.print(
                f"{escape_markup(d.interview)} ¶{d.excerpt} {escape_markup(d.theme)} ({d.kind})\n"
                f"  {a}: {escape_markup(words_a)}\n  {b}: {escape_markup(words_b)}"
            )
        if len(report.disagreements) > limit:
            console.print(
                f"… {len(report.disagreements) - limit} more: --json or --disagreements FILE.csv"
            )


def escape_markup(text: str) -> str:
    """User text for a line of rich markup: on one line, control characters escaped."""
    from rich.markup import escape

    return escape(printable(text.replace("\n", " ")))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _disagreements_csv(report) -> bytes:  # noqa: ANN001
    import csv
    import io

    from testimony.export.rows import neutralise

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "interview",
            "excerpt",
            "theme",
            "kind",
            "coder_a",
            "spans_a",
            "words_a",
            "coder_b",
            "spans_b",
            "words_b",
        ]
    )
    for d in report.disagreements:
        cells = [
            d.interview,
            d.excerpt,
            d.theme,
            d.kind,
            report.coder_a,
            " ".join(f"{s}-{e}" for s, e in d.spans_a),
            " | ".join(d.text_a),
            report.coder_b,
            " ".join(f"{s}-{e}" for s, e in d.spans_b),
            " | ".join(d.text_b),
        ]
        writer.writerow([neutralise(c) for c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- analysis: frequencies and co-occurrence ----------------------------------------------------


@cli.command("stats")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only these coders.")
@click.option(
    "--interview", "interviews_", multiple=True, metavar="ID", help="Only these interviews."
)
@click.option(
    "--png",
    "png",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Also draw a bar chart and a co-occurrence heat map (matplotlib).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--top", default=15, show_default=True, help="Co-occurring pairs shown.")
@pass_ctx
def stats_cmd(
    obj: Context,
    coders: tuple[str, ...],
    interviews_: tuple[str, ...],
    png: Path | None,
    as_json: bool,
    top: int,
) -> None:
    """Codings per theme, interview and coder; which interviews mention each theme;
    which themes co-occur (in the same excerpt, and in overlapping spans)."""
    from testimony.analysis.frequencies import theme_frequencies, write_png

    with obj.project.session() as s:
        freq = theme_frequencies(s, coders, interviews_)
    if png is not None:
        write_png(freq, png)
    if as_json:
        click.echo(json.dumps(freq.as_dict(), indent=2, ensure_ascii=False))
        return
    used = [t for t in freq.themes if t.codings]
    if not used:
        click.echo("no codings yet: testimony code")
        return
    _bars("codings per theme", [("  " * t.depth + t.name, t.codings) for t in used])
    for t in used:
        console.print(
            f"[dim]{escape_markup(t.theme)}: {escape_markup(', '.join(t.interviews))}[/]",
            overflow="fold",
        )
    _bars("codings per interview", list(freq.interviews.items()))
    _bars("codings per coder", list(freq.coders.items()))
    for title, counts in (
        ("themes in the same excerpt", freq.same_excerpt),
        ("themes in overlapping spans", freq.overlapping),
    ):
        console.print(f"\n[bold]{title}[/] (excerpts)")
        for (a, b), n in sorted(counts.items(), key=lambda kv: -kv[1])[:top]:
            console.print(f"{n:>6}  {escape_markup(a)} + {escape_markup(b)}")
    if png is not None:
        click.echo(f"wrote {png}")


def _bars(title: str, rows: list[tuple[str, int]]) -> None:
    """A bar chart in the terminal: label, bar, count."""
    from rich.markup import escape

    console.print(f"\n[bold]{title}[/]")
    labels = [printable(label.replace("\n", " ")) for label, _n in rows]
    width = max((len(label) for label in labels), default=0)
    most = max((n for _label, n in rows), default=1) or 1
    for label, (_raw, n) in zip(labels, rows, strict=True):
        bar = "█" * max(1, round(30 * n / most)) if n else ""
        console.print(f"{escape(label.ljust(width))}  [magenta]{bar}[/] {n}", highlight=False)


_add_commands()
