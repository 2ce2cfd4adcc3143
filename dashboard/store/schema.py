"""The tables every store holds, in the column types both backends share, and how a ticket
table written by an older khetmap is brought up to date (`add_derived`)."""

from __future__ import annotations

from typing import Any, Protocol

from numpy.typing import NDArray

from dashboard.store.queries import ADDED_FIELDS, DERIVED, DERIVED_PRESENT
from dashboard.store.reader import Reader

SCHEMA_VERSION = 1

TICKET_COLUMNS = """
    ticket_id VARCHAR NOT NULL,
    id_is_surrogate BOOLEAN NOT NULL,
    content_key VARCHAR NOT NULL,
    row_hash UBIGINT NOT NULL,
    categories VARCHAR[] NOT NULL,
    type_raw VARCHAR,
    organization VARCHAR,
    comment VARCHAR,
    photo VARCHAR,
    photo_after VARCHAR,
    address VARCHAR,
    subdistrict_label VARCHAR,
    district_label VARCHAR,
    province VARCHAR,
    reported_at TIMESTAMPTZ NOT NULL,
    last_activity TIMESTAMPTZ,
    state VARCHAR NOT NULL,
    state_label VARCHAR,
    star INTEGER,
    count_reopen INTEGER,
    coords_raw VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    coords_swapped BOOLEAN NOT NULL,
    location_issue VARCHAR,
    district_code VARCHAR,
    subdistrict_code VARCHAR,
    h3_r9 UBIGINT,
    district_label_mismatch BOOLEAN NOT NULL,
    subdistrict_label_mismatch BOOLEAN NOT NULL,
    source_file VARCHAR NOT NULL,
    source_record BIGINT NOT NULL,
    hashtags VARCHAR,
    finished_at TIMESTAMPTZ,
    ingest_id INTEGER NOT NULL
"""

TICKET_NAMES = [line.strip().split()[0] for line in TICKET_COLUMNS.strip().split(",\n")]
"""A ticket's own fields, as read and written; the stored facts worked out from them are
`queries.DERIVED` (written with each ticket, never read from a file)."""
STORED_COLUMNS = [name for name in TICKET_NAMES if name != "ingest_id"]
"""A ticket's fields as an ingest stages and writes them (its `ingest_id` is the ingest's)."""
DERIVED_COLUMNS = ",\n".join(f"    {name} {kind}" for name, (kind, _sql) in DERIVED.items())

# The quarantine and the ingest log, in the column types both backends share.
QUARANTINE_TABLE = """
CREATE TABLE IF NOT EXISTS quarantine (
    ingest_id INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    raw_text VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ingests (
    ingest_id INTEGER NOT NULL PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    files VARCHAR[] NOT NULL,
    rows_read BIGINT NOT NULL,
    stored_new BIGINT NOT NULL,
    stored_updated BIGINT NOT NULL,
    stored_unchanged BIGINT NOT NULL,
    merged_duplicates BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    quarantine_reasons VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ticket_changes (
    ingest_id INTEGER NOT NULL,
    ticket_id VARCHAR NOT NULL,
    district_code VARCHAR,
    change VARCHAR NOT NULL,
    value_before VARCHAR,
    value_after VARCHAR
);
CREATE TABLE IF NOT EXISTS predictions (
    ticket_id VARCHAR NOT NULL PRIMARY KEY,
    categories VARCHAR[] NOT NULL,
    confidence DOUBLE PRECISION[] NOT NULL,
    trained_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS classifier_scores (
    category VARCHAR NOT NULL PRIMARY KEY,
    held_out_f1 DOUBLE PRECISION NOT NULL,
    predicted BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS backlog_snapshots (
    as_of DATE NOT NULL,
    district_code VARCHAR NOT NULL,
    subdistrict_code VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    tickets BIGINT NOT NULL,
    age_0_7 BIGINT NOT NULL,
    age_8_30 BIGINT NOT NULL,
    age_31_90 BIGINT NOT NULL,
    age_over_90 BIGINT NOT NULL,
    backfilled BOOLEAN NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS syncs (
    sync_id INTEGER NOT NULL PRIMARY KEY,
    source VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    pages INTEGER NOT NULL,
    results BIGINT NOT NULL,
    head TIMESTAMPTZ,
    reached_back_to TIMESTAMPTZ,
    complete BOOLEAN NOT NULL,
    ingest_id INTEGER,
    summary VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    subscription VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    events VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    state VARCHAR NOT NULL,
    sent_at TIMESTAMPTZ,
    attempts INTEGER NOT NULL,
    last_error VARCHAR,
    PRIMARY KEY (subscription, channel, message)
);
CREATE TABLE IF NOT EXISTS write_log (
    written_at TIMESTAMPTZ NOT NULL,
    who VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    detail VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    owner VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    every VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    rules VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner, district_code, every)
);
"""
"""Predicted categories of untyped tickets live in their own table: a citizen's own type
in `tickets` is never overwritten. `ticket_changes` holds what each ingest (or sync) changed
per ticket (`ingest.CHANGES_SQL`); `write_log` every write a signed-in user made from a page
(`writes.checked_write`); `subscriptions` the alerts a signed-in user asked for in the app
(`own_subscriptions`), sent by `khetmap alerts run` with the file's."""

ROUND_TABLES = """
CREATE TABLE IF NOT EXISTS rounds (
    round_id INTEGER NOT NULL PRIMARY KEY,
    district_code VARCHAR NOT NULL,
    made_at TIMESTAMPTZ NOT NULL,
    as_of TIMESTAMPTZ NOT NULL,
    last_import INTEGER,
    lang VARCHAR NOT NULL,
    tickets INTEGER NOT NULL,
    locked_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS round_tickets (
    round_id INTEGER NOT NULL,
    unit VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    ticket_id VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    overdue BOOLEAN NOT NULL,
    routed VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS round_workbooks (
    round_id INTEGER NOT NULL,
    unit VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    content {blob} NOT NULL
);
CREATE TABLE IF NOT EXISTS round_evidence (
    round_id INTEGER NOT NULL,
    unit VARCHAR NOT NULL,
    returned_at TIMESTAMPTZ NOT NULL,
    file_name VARCHAR NOT NULL,
    media_type VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL,
    content {blob} NOT NULL
);
"""
"""Report rounds (`rounds`): each round's snapshot of open tickets per unit and the
workbooks it handed out, written once and never changed (a lock only sets `locked_at`),
and the evidence each unit returned. `{blob}` is the backend's byte type."""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS tickets ({TICKET_COLUMNS},
{DERIVED_COLUMNS});
{QUARANTINE_TABLE}
{ROUND_TABLES.format(blob="BLOB")}
CREATE TABLE IF NOT EXISTS meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL);
"""


def add_derived(con: Reader, *, schema: str, types: dict[str, str]) -> None:
    """Bring a ticket table written before some of `queries.ADDED_FIELDS` and
    `queries.DERIVED` up to date (in the open write): add the missing fields (empty) and
    facts (filled from each ticket's fields); a table that has them all is left alone."""
    missing = missing_derived(con, schema)
    if not missing:
        return
    for name in missing:
        kind = ADDED_FIELDS[name] if name in ADDED_FIELDS else types[name]
        con.execute(f"ALTER TABLE tickets ADD COLUMN {name} {kind}")
    derived = [name for name in missing if name in DERIVED]
    if derived:
        values = ", ".join(f"{name} = {DERIVED[name][1]}" for name in derived)
        con.execute(f"UPDATE tickets SET {values}")


def missing_derived(con: Reader, schema: str) -> tuple[str, ...]:
    """The added fields (`queries.ADDED_FIELDS`, first) and stored facts (`queries.DERIVED`)
    the store's ticket table was written without."""
    present = {row[0] for row in con.execute(DERIVED_PRESENT, [schema]).fetchall()}
    has_tickets = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = 'tickets' AND table_schema = ? AND table_catalog = current_database()",
        [schema],
    ).fetchall()[0][0]
    wanted = (*ADDED_FIELDS, *DERIVED)
    return tuple(name for name in wanted if has_tickets and name not in present)


class Areas(Protocol):
    """Named polygons (`boundaries.AreaLayer`), which a PostgreSQL store keeps as tables
    (`districts`, `subdistricts`) for maps and QGIS."""

    @property
    def codes(self) -> tuple[str, ...]: ...

    @property
    def names_th(self) -> tuple[str, ...]: ...

    @property
    def names_en(self) -> tuple[str, ...]: ...

    @property
    def parent_codes(self) -> tuple[str, ...]: ...

    @property
    def geometries(self) -> NDArray[Any]: ...
