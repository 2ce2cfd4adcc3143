"""Domain errors. Each message names the bad value and says what to do."""

from typing import Literal

FileRefusal = Literal["unreadable", "not_a_file", "too_large"]
"""Why a small file (settings) was not read: `files.read_bounded`."""
TargetsProblem = Literal[FileRefusal, "too_deep", "invalid"]
"""Why a targets file was not used; a page says it in its language (i18n `targets_why_*`)."""
StoreProblem = Literal["missing", "unreadable", "unreachable", "slow"]
"""Why the store cannot answer a page: no store yet, a corrupt file (or any other failure),
a database that does not answer, a query over its time limit."""


class KhetmapError(Exception):
    """Base class for errors shown to a user as one line."""


class InputFileError(KhetmapError):
    """An input file cannot be read as Traffy CSV or Open311 JSON."""


class TruncatedFileError(InputFileError):
    """A file's last record was cut short (still being written or downloaded)."""


class BoundaryFileError(KhetmapError):
    """A boundary or population file is missing or corrupt."""


class FetchError(KhetmapError):
    """A data file could not be downloaded or failed its checksum."""


class StoreError(KhetmapError):
    """The store is missing, corrupt or unreachable, or refuses a write.

    The message (with a path or a host) is for the command line and the server's log; a
    page says `reason` in its own language (i18n `store_why_*`).
    """

    def __init__(self, message: str, *, reason: StoreProblem = "unreadable") -> None:
        super().__init__(message)
        self.reason: StoreProblem = reason


class FilterError(KhetmapError):
    """A filter value (date, category, area) is not valid."""


class SyncError(KhetmapError):
    """`khetmap sync` could not get a usable answer; the store is unchanged."""


class TargetsError(KhetmapError):
    """A targets file (days to finish per category) cannot be read or holds a bad value."""

    def __init__(self, message: str, *, reason: TargetsProblem = "invalid") -> None:
        super().__init__(message)
        self.reason: TargetsProblem = reason


class UnreadableFileError(KhetmapError):
    """A small file (settings) is not a regular file, is too large or cannot be read."""

    def __init__(self, message: str, *, reason: FileRefusal) -> None:
        super().__init__(message)
        self.reason: FileRefusal = reason


class OutputFileError(KhetmapError):
    """A document (brief, workbook) cannot be written where asked; a previous one is unchanged."""


class RoutingError(KhetmapError):
    """A routing file (department per category) cannot be read or holds a bad value."""


class SubscriptionsError(KhetmapError):
    """A subscriptions file cannot be read or parsed at all (a bad entry is only skipped)."""


class RolesError(KhetmapError):
    """A roles file (who sees citizens' text whole, who may write) cannot be used at all."""


class WriteRefusedError(KhetmapError):
    """A signed-in user asked for a write their role does not allow (checked on the server)."""


class RoundError(KhetmapError):
    """A report round cannot be made, found or changed (unknown id or unit, locked)."""


EvidenceProblem = Literal["too_large", "not_evidence", "unreadable"]
"""Why a round's evidence was refused; a page says it in its language (i18n `round_write_*`)."""


class EvidenceError(KhetmapError):
    """A file returned as a round's evidence is not an image or a PDF, or is too large."""

    def __init__(self, message: str, *, reason: EvidenceProblem = "not_evidence") -> None:
        super().__init__(message)
        self.reason: EvidenceProblem = reason


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its class name when it has none): what a
    one-line error quotes of a library's error."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
