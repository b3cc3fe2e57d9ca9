"""The reviewers' queue: proposed redactions by entity, riskiest first, decided by keyboard.

Reviewers hold the vault, so this screen shows raw text: each entity's words
and its mentions in context. Every decision calls the review service (the same
one `testimony review accept|reject|…` calls) in a worker, then the queue,
the entity and the progress line are read again.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from testimony.counts import counted
from testimony.errors import TestimonyError
from testimony.project import Project
from testimony.redact import review
from testimony.tui.screens.prompt import Prompt
from testimony.tui.widgets.footer import Footer

STATUS_STYLE = {"accepted": "green", "rejected": "red", "proposed": "yellow"}


class ReviewScreen(Screen[None]):
    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("a", "decide('accept')", "Accept", id="review.accept"),
        Binding("r", "decide('reject')", "Reject", id="review.reject"),
        Binding("R", "decide('allow')", "Allow", id="review.allow"),
        Binding("t", "retype", "Retype", id="review.retype"),
        Binding("p", "pseudonym", "Rename", id="review.rename"),
        Binding("space", "mark", "Mark", show=False, id="review.mark"),
        Binding("m", "merge", "Merge", id="review.merge"),
        Binding("s", "split", "Split", id="review.split"),
        Binding("v", "raw_text", "Raw text", id="review.raw-text"),
        Binding("n", "add", "Type missed", id="review.type-missed"),
        Binding("i", "filter_interview", "Interview", show=False, id="review.interview"),
        Binding("tab", "switch", "Entity/mentions", show=False, id="review.entity-mentions"),
        Binding("j", "cursor(1)", "Down", show=False, id="review.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="review.up"),
        Binding("q", "app.quit", "Quit", id="review.quit"),
    ]

    def __init__(self, project: Project, reviewer: str) -> None:
        super().__init__()
        self.project = project
        self.reviewer = reviewer
        self.proposals: list[review.Proposal] = []
        self.marked: set[int] = set()
        self.only_interview: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="progress")
        with Horizontal(id="body"):
            queue: DataTable[str | Text] = DataTable(
                id="queue", cursor_type="row", zebra_stripes=True
            )
            queue.border_title = "Proposals, riskiest first"
            yield queue
            with Vertical(id="side"):
                yield Static("", id="entity")
                mentions: DataTable[str | Text] = DataTable(id="mentions", cursor_type="row")
                mentions.border_title = "Mentions (tab, then a/r decides one)"
                yield mentions
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        queue = self.query_one("#queue", DataTable)
        queue.add_columns("", "id", "status", "type", "words", "pseudonym", "n", "interviews")
        self.query_one("#mentions", DataTable).add_columns("id", "where", "status", "context")
        self.reload()

    # --- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def reload(self, keep: int | None = None) -> None:
        try:
            proposals = review.list_proposals(
                self.project, self.only_interview, with_vault=True, contexts=False
            )
        except TestimonyError as exc:
            self.only_interview = None
            self.app.call_from_thread(self.say, str(exc))
            proposals = review.list_proposals(self.project, with_vault=True, contexts=False)
        progress = review.review_progress(self.project)
        self.app.call_from_thread(self._show, proposals, progress, keep)

    def _show(self, proposals, progress, keep: int | None) -> None:  # noqa: ANN001
        self.proposals = proposals
        queue = self.query_one("#queue", DataTable)
        row = queue.cursor_row
        queue.clear()
        for p in proposals:
            queue.add_row(
                "•" if p.id in self.marked else "",
                str(p.id),
                Text(p.status, style=STATUS_STYLE.get(p.status, "")),
                p.label,
                (p.canonical or "")[:22],
                p.pseudonym[:18],
                str(p.mentions),
                ",".join(p.interviews[:2]) + ("…" if len(p.interviews) > 2 else ""),
                key=str(p.id),
            )
        if keep is not None and str(keep) in queue.rows:
            queue.move_cursor(row=queue.get_row_index(str(keep)))
        elif proposals:
            queue.move_cursor(row=min(row, len(proposals) - 1))
        done = sum(p.state == "reviewed" for p in progress)
        parts = [f"{counted(len(progress), 'interview')}, {done} reviewed"] + [
            f"{p.interview} {p.decided}/{p.proposals}" for p in progress if p.state != "reviewed"
        ][:6]
        if self.only_interview:
            parts.insert(0, f"showing {self.only_interview} only (i changes)")
        self.query_one("#progress", Static).update(" · ".join(parts))
        self.show_entity()

    def current(self) -> review.Proposal | None:
        queue = self.query_one("#queue", DataTable)
        if not self.proposals or queue.cursor_row >= len(self.proposals):
            return None
        return self.proposals[queue.cursor_row]

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_entity()

    def show_entity(self) -> None:
        proposal = self.current()
        entity = self.query_one("#entity", Static)
        if proposal is None:
            entity.update("Nothing to review.")
            return
        text = Text()
        text.append(proposal.canonical or "", style="bold")
        text.append(f"  {proposal.label}  → ")
        text.append(proposal.pseudonym, style="italic reverse")
        text.append(
            f"\nfound by {', '.join(proposal.detectors)}; lowest confidence "
            f"{proposal.confidence:.2f}; {counted(proposal.mentions, 'mention')} in "
            f"{counted(len(proposal.interviews), 'interview')}; {proposal.status}"
        )
        entity.update(text)
        self.load_mentions(proposal.id)

    @work(thread=True, exclusive=True, group="mentions")
    def load_mentions(self, entity_id: int) -> None:
        try:
            views = review.list_mentions(self.project, entity_id, with_vault=True)
        except TestimonyError:
            views = []
        self.app.call_from_thread(self._show_mentions, views)

    def _show_mentions(self, views) -> None:  # noqa: ANN001
        table = self.query_one("#mentions", DataTable)
        table.clear()
        for m in views[:500]:
            table.add_row(
                str(m.id),
                f"{m.interview} {m.field}",
                Text(m.status, style=STATUS_STYLE.get(m.status, "")),
                _context(m.context),
                key=str(m.id),
            )

    # --- deciding ------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        mentions = self.query_one("#mentions", DataTable)
        table = mentions if mentions.has_focus else self.query_one("#queue", DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    def action_switch(self) -> None:
        queue, mentions = self.query_one("#queue"), self.query_one("#mentions")
        (mentions if queue.has_focus else queue).focus()

    def action_decide(self, how: str) -> None:
        mentions = self.query_one("#mentions", DataTable)
        if mentions.has_focus and mentions.row_count and how in {"accept", "reject"}:
            key = str(mentions.coordinate_to_cell_key(mentions.cursor_coordinate).row_key.value)
            status = "accepted" if how == "accept" else "rejected"
            self.run_decision(
                lambda: review.decide_mentions(self.project, [int(key)], status),
                f"mention {key} {status}",
            )
            return
        ids = self._targets()
        if not ids:
            return
        if how == "accept":
            self.run_decision(lambda: review.accept(self.project, ids, self.reviewer), "accepted")
        else:
            allow = how == "allow"
            self.run_decision(
                lambda: review.reject(self.project, ids, self.reviewer, allow),
                "rejected and allowed" if allow else "rejected",
            )

    def _targets(self) -> list[int]:
        if self.marked:
            return sorted(self.marked)
        proposal = self.current()
        return [proposal.id] if proposal else []

    def action_mark(self) -> None:
        proposal = self.current()
        if proposal is None:
            return
        self.marked ^= {proposal.id}
        queue = self.query_one("#queue", DataTable)
        queue.update_cell(
            str(proposal.id),
            queue.ordered_columns[0].key,
            "•" if proposal.id in self.marked else "",
        )

    def action_merge(self) -> None:
        proposal = self.current()
        ids = sorted(self.marked | ({proposal.id} if proposal else set()))
        if len(ids) < 2:
            self.say("Mark entities with space first, then m merges them into one.")
            return
        self.run_decision(lambda: review.merge(self.project, ids, self.reviewer), "merged")

    def action_split(self) -> None:
        proposal = self.current()
        if proposal:
            self.run_decision(
                lambda: review.split(self.project, proposal.id, self.reviewer), "split"
            )

    def action_retype(self) -> None:
        proposal = self.current()
        if proposal is None:
            return

        def answered(label: str | None) -> None:
            if label:
                self.run_decision(
                    lambda: review.retype(self.project, proposal.id, label, self.reviewer),
                    "retyped",
                )

        self.app.push_screen(Prompt(f"New type for {proposal.id} (PERSON, ORG, GPE…)"), answered)

    def action_pseudonym(self) -> None:
        proposal = self.current()
        if proposal is None:
            return

        def answered(name: str | None) -> None:
            if name:
                self.run_decision(
                    lambda: review.set_pseudonym(self.project, proposal.id, name, self.reviewer),
                    "pseudonym set",
                )

        self.app.push_screen(Prompt("Pseudonym", proposal.pseudonym), answered)

    def action_add(self) -> None:
        def answered(text: str | None) -> None:
            if not text:
                return
            words, _, label = text.partition("|")
            self.run_decision(
                lambda: review.add(
                    self.project, words.strip(), (label.strip() or "PERSON"), None, self.reviewer
                ),
                "added",
            )

        self.app.push_screen(
            Prompt("Missed identifier, as written (add |LABEL for a type other than PERSON)"),
            answered,
        )

    def action_raw_text(self) -> None:
        from testimony.tui.screens.raw_text import RawTextScreen

        proposal = self.current()
        interview = self.only_interview or (proposal.interviews[0] if proposal else None)

        def reopened(_result: None) -> None:
            self.reload()

        self.app.push_screen(RawTextScreen(self.project, self.reviewer, interview), reopened)

    def action_filter_interview(self) -> None:
        def answered(code: str | None) -> None:
            if code is not None:
                self.only_interview = code.strip() or None
                self.reload()

        self.app.push_screen(
            Prompt("Show only this interview's proposals (empty: all)", self.only_interview or ""),
            answered,
        )

    @work(thread=True, exclusive=True, group="decide")
    def run_decision(self, decide, verb: str) -> None:  # noqa: ANN001
        try:
            result = decide()
        except TestimonyError as exc:
            self.app.call_from_thread(self.say, str(exc))
            return
        self.marked.clear()
        message = (
            f"{verb} {', '.join(map(str, result.entities))}: "
            f"{counted(result.rendered.excerpts, 'excerpt')} re-rendered, "
            f"{counted(result.rendered.codings, 'coding')} moved with their words"
        )
        if result.reviewed:
            message += f"; reviewed: {', '.join(result.reviewed)}"
        self.app.call_from_thread(self.say, message)
        self.app.call_from_thread(self.reload)  # the next undecided entity takes this row

    def say(self, message: str) -> None:
        self.query_one("#message", Static).update(message)


def _context(parts: tuple[str, str, str] | None) -> Text:
    """A mention in its raw context, the mention itself in bold."""
    if parts is None:
        return Text("")
    before, words, after = parts
    return Text.assemble(
        ("…" + before.lstrip(), "dim"), (words, "bold reverse"), (after + "…", "dim")
    )
