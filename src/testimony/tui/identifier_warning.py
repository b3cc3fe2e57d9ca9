"""A notification when text a coder saved names a known identifier (memo, theme text)."""

from __future__ import annotations

from textual.app import App

from testimony.redact.memo_check import warning_for


def warn_of_identifiers(app: App, text: str, what: str = "memo") -> None:
    """Notify (never block) if the app has a memo check and the text names someone known."""
    check = getattr(app, "memo_check", None)
    if not text or check is None:
        return
    message = warning_for(check.identifiers_in(text), what)
    if message:
        app.notify(message, title=f"Identifier in {what}", severity="warning", timeout=15)
