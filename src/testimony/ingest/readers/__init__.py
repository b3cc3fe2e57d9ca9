"""One reader per transcript format; each turns decoded input into ParsedDocuments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from testimony.ingest.model import ReadResult
from testimony.ingest.readers import csvfile, docx, markdown, subtitles, text

Reader = Callable[[Path, bytes, dict], ReadResult]

READERS: dict[str, tuple[str, Reader]] = {
    ".txt": ("txt", text.read),
    ".text": ("txt", text.read),
    ".md": ("md", markdown.read),
    ".markdown": ("md", markdown.read),
    ".docx": ("docx", docx.read),
    ".vtt": ("vtt", subtitles.read_vtt),
    ".srt": ("srt", subtitles.read_srt),
    ".csv": ("csv", csvfile.read),
    ".tsv": ("csv", csvfile.read),
}

SUPPORTED = ", ".join(sorted(READERS))
