"""Domain errors. Each message names the bad value and says what to do."""


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
    """The DuckDB store is missing, locked or not a khetmap store."""


class FilterError(KhetmapError):
    """A filter value (date, category, area) is not valid."""


class SyncError(KhetmapError):
    """`khetmap sync` could not get a usable answer; the store is unchanged."""


class TargetsError(KhetmapError):
    """A targets file (days to finish per category) cannot be read or holds a bad value."""
