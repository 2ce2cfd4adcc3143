"""What reading a store takes: a connection that runs one SQL statement with parameters.

Every module that reads takes a `Reader`, never a particular database's connection class;
each backend (`duck`, `postgres`) hands out its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import pandas as pd

from dashboard.store.queries import HAS_TABLE


class Result(Protocol):
    """The answer to one statement."""

    def df(self) -> pd.DataFrame: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Reader(Protocol):
    """A read connection: runs one SQL statement with `?` parameters."""

    def execute(self, query: str, parameters: Sequence[Any] | None = ..., /) -> Result: ...


def has_table(con: Reader, name: str) -> bool:
    """True when the store has a table called `name` (one a newer version adds, such as
    `syncs` or `backlog_snapshots`, may be missing from an older store)."""
    return bool(con.execute(HAS_TABLE, [name]).fetchall()[0][0])
