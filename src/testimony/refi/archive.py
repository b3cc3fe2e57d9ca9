"""A .qdpx file opened safely: a zip whose entries are read in memory, never extracted.

Entry names are checked before anything is read (no absolute paths, no `..`,
no symlinks, no device names), sizes are capped from the real decompressed
bytes rather than the headers a zip bomb lies in, and files are looked up the
ways tools write them (`sources/` or `Sources/`, any case).
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MAX_ENTRIES = 20_000
MAX_RATIO = 200  # text compresses 3-10x; a bomb compresses thousands of times
CHUNK = 1 << 16


class ArchiveRefused(ValueError):
    """The file is not a usable .qdpx; the message says why (never its content)."""


@dataclass
class QdpxArchive:
    """The entries of a .qdpx, by lower-cased path, read on demand within a total budget."""

    zip: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]
    max_bytes: int
    read_bytes: int = 0

    def find(self, *names: str) -> str | None:
        """The stored path of the first name present, compared without case."""
        for name in names:
            info = self.entries.get(name.casefold())
            if info is not None:
                return info.filename
        return None

    def project_file(self) -> str:
        """project.qde, or the only .qde at the top (some tools name it after the project)."""
        found = self.find("project.qde")
        if found:
            return found
        qdes = [i.filename for k, i in self.entries.items() if k.endswith(".qde") and "/" not in k]
        if len(qdes) == 1:
            return qdes[0]
        raise ArchiveRefused("no project.qde inside (is it a REFI-QDA project?)")

    def source_path(self, name: str) -> str | None:
        """A source file named by an internal:// path, under sources/, Sources/ or the top."""
        name = name.lstrip("/")
        return self.find(f"sources/{name}", name)

    def read(self, path: str) -> bytes:
        """An entry's bytes, refusing it once the archive's total passes the budget."""
        info = self.zip.getinfo(path)
        out = bytearray()
        with self.zip.open(info) as handle:
            while chunk := handle.read(CHUNK):
                out += chunk
                self.read_bytes += len(chunk)
                limit = max(info.compress_size * MAX_RATIO, 1 << 20)
                if self.read_bytes > self.max_bytes or len(out) > limit:
                    raise ArchiveRefused(
                        "it unpacks to far more than it holds (a zip bomb?); nothing was read"
                    )
        return bytes(out)

    def close(self) -> None:
        self.zip.close()


def open_qdpx(data: bytes, max_bytes: int) -> QdpxArchive:
    """Open a .qdpx's bytes after checking every entry name; ArchiveRefused if unsafe.

    The bytes already read are opened, not the file again: what was checked is what is used.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError):
        raise ArchiveRefused("not a zip archive, so not a .qdpx") from None
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveRefused(f"more than {MAX_ENTRIES} entries; not a QDA project")
        entries: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for number, info in enumerate(infos, start=1):
            _check_entry(info, number)
            declared += info.file_size
            if info.file_size > (1 << 20) and info.file_size > info.compress_size * MAX_RATIO:
                raise ArchiveRefused(
                    f"entry {number} unpacks to {info.file_size // info.compress_size or 1}x "
                    "its size (a zip bomb?); nothing was read"
                )
            if not info.is_dir():
                entries[info.filename.casefold()] = info
        if declared > max_bytes:
            raise ArchiveRefused(
                f"it unpacks to {declared // (1 << 20)} MB, over the "
                f"{max_bytes // (1 << 20)} MB limit (import.max_file_mb in testimony.yaml)"
            )
    except ArchiveRefused:
        archive.close()
        raise
    return QdpxArchive(archive, entries, max_bytes)


def _check_entry(info: zipfile.ZipInfo, number: int) -> None:
    """Refuse names that would point outside the archive if anyone extracted it."""
    name = info.filename
    where = f"entry {number}"
    if "\x00" in name or any(ord(ch) < 32 for ch in name):
        raise ArchiveRefused(f"{where} has control characters in its name")
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        raise ArchiveRefused(f"{where} has an absolute path; a .qdpx holds relative paths only")
    if ".." in PurePosixPath(posix).parts:
        raise ArchiveRefused(f"{where} climbs out of the archive with '..' (path traversal)")
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        raise ArchiveRefused(f"{where} is a symbolic link; a .qdpx holds plain files only")
    if info.flag_bits & 0x1:
        raise ArchiveRefused(f"{where} is encrypted; export the project without a password")
