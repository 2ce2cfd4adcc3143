"""Files khetmap writes for people and small files it reads for its settings.

A document (a brief, a workbook, a downloaded file, the sync's journal) is written to a
temporary file in the folder it goes to, flushed to disk and renamed over the old one, so
a failed write (a full disk) leaves the previous file as it was and never a truncated one.
A settings file is read only if it is a regular file, and never more than a cap, so a
device or a pipe named by mistake cannot exhaust memory or hang. Failures are one line
(`OutputFileError`, `UnreadableFileError`) that names the path and the fix. Pure: no
streamlit.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from dashboard.errors import OutputFileError, UnreadableFileError

FULL_DISK = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def check_writable(target: Path) -> None:
    """Refuse, before any work, a path no file can be written to: a folder, or a file in a
    folder that does not exist."""
    if target.is_dir():
        raise OutputFileError(f"{target} is a folder; give the path of a file inside it.")
    folder = target.parent
    if not folder.is_dir():
        raise OutputFileError(
            f"{target}: the folder {folder} does not exist; create it first or write elsewhere."
        )


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file in its folder, renamed into place.

    A reader sees the old file or the new one, never half of one.
    """
    check_writable(target)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise disk_error(target, exc) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise disk_error(target, exc) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def write_rendered(target: Path, render: Callable[[], bytes]) -> bytes:
    """Render a document and write it with `write_atomically`; return its bytes.

    Renderers write temporary files of their own (openpyxl a file per sheet): a full disk
    while rendering is the same one line as a full disk while writing, not an internal error.
    """
    try:
        data = render()
    except OSError as exc:
        if exc.errno not in FULL_DISK:
            raise
        raise disk_error(target, exc) from exc
    write_atomically(target, data)
    return data


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def disk_error(target: Path, exc: OSError) -> OutputFileError:
    """One line: why `target` was not written, that any previous file is intact, what to do."""
    folder = target.parent
    if exc.errno in (errno.EISDIR, errno.ENOTEMPTY):
        return OutputFileError(f"{target} is a folder; give the path of a file inside it.")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return OutputFileError(
            f"{target}: the folder {folder} does not exist; create it first or write elsewhere."
        )
    if exc.errno in FULL_DISK:
        why, fix = f"the disk is full ({exc.strerror})", "free space or write elsewhere"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why, fix = f"{folder} cannot be written to ({exc.strerror})", "write elsewhere"
    else:
        why, fix = exc.strerror or str(exc), "check the folder and try again"
    return OutputFileError(
        f"{target} was not written: {why}; any previous file there is unchanged; {fix}."
    )


def stamp(path: Path | None) -> str:
    """What the city's own file a setting names (`config.targets_file`, ...) depends on, for
    cache keys: the file, its time and size ('shipped' when unset), so an edited file shows on
    the next run."""
    if path is None:
        return "shipped"
    try:
        info = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{info.st_mtime_ns}:{info.st_size}"


def read_bounded(path: Path, *, limit: int) -> bytes:
    """The bytes of the regular file `path`, refused if it holds more than `limit`.

    Opened without blocking and checked on the open file: a pipe with no writer cannot hang
    the read, and a device (`/dev/zero`) is refused, not read for ever.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UnreadableFileError(
            f"{path} cannot be read ({exc.strerror or exc})", reason="unreadable"
        ) from exc
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise UnreadableFileError(
                f"{path} is not a regular file (a folder, pipe or device)", reason="not_a_file"
            )
        with os.fdopen(handle, "rb", closefd=False) as source:
            data = source.read(limit + 1)
    except OSError as exc:
        raise UnreadableFileError(
            f"{path} cannot be read ({exc.strerror or exc})", reason="unreadable"
        ) from exc
    finally:
        os.close(handle)
    if len(data) > limit:
        raise UnreadableFileError(f"{path} is larger than {limit:,} bytes", reason="too_large")
    return data
