"""Every read query, in one place. Pure string builders: no connection, no streamlit.

Each function returns the SQL text of one statement; parameters are `?` placeholders
whose values the caller passes (never interpolated), except the fixed vocabulary and
numbers computed here. `where` is the condition `filters.Filters.where()` builds.

Written once, in the SQL that DuckDB and PostgreSQL share: `FILTER (WHERE …)`,
`extract(epoch FROM …)`, `percentile_cont(0.5) WITHIN GROUP (…)`, `ARRAY[…]`, `&&`,
`strpos`, `array_agg`, an alias on every subquery, numbers cast to DOUBLE PRECISION. The
one difference left (the H3 cell's integer type) is a `Dialect` field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dashboard.vocab import (
    BACKLOG_STATES,
    FINISHED,
    TRAFFY_GROUPS,
    UNSPECIFIED,
    held_by_system_sql,
    open_sql,
)


@dataclass(frozen=True)
class Dialect:
    name: str
    cell_type: str
    """the integer type of an H3 cell (DuckDB: unsigned; PostgreSQL has only signed)"""


DUCKDB = Dialect(name="duckdb", cell_type="UBIGINT")
POSTGRESQL = Dialect(name="postgresql", cell_type="BIGINT")


def dialect_of(connection: object) -> Dialect:
    """The reader's dialect (a PostgreSQL reader says so; DuckDB's connection is the default)."""
    found = getattr(connection, "dialect", DUCKDB)
    return found if isinstance(found, Dialect) else DUCKDB


def epoch(expression: str) -> str:
    return f"extract(epoch FROM {expression})::DOUBLE PRECISION"


def median(expression: str) -> str:
    return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {expression})"


def list_length(column: str) -> str:
    return f"coalesce(array_length({column}, 1), 0)"


FINISH_TIME = "coalesce(finished_at, last_activity)"
"""A finished ticket's finish time: Traffy's `timestamp_finished` where the data has it (the
web export), else its last change (`last_activity`), which a later rating or comment can
move past the finish (`finish_time_basis` says which a figure rests on)."""
FINISH_HOURS = f"ceil(({epoch(FINISH_TIME)} - {epoch('reported_at')}) / 3600.0)"
"""Whole hours (rounded up) from report to finish: `<= target × 24` is exact for whole-day targets."""
AFTER_PHOTO_GIVEN = (
    "(CASE WHEN photo_after = '' THEN FALSE WHEN ascii(photo_after) > 32 THEN TRUE "
    "ELSE trim(photo_after) <> '' END)"
)
"""The after-photo field is not blank. Same as `coalesce(trim(photo_after), '') <> ''`, but
trims only a value that starts with a space: 3× faster on 10M tickets (a CASE is lazy)."""

DERIVED: dict[str, tuple[str, str]] = {
    "is_open": ("BOOLEAN", open_sql()),
    "finish_days": (
        "DOUBLE",
        f"CASE WHEN state = '{FINISHED}' AND {FINISH_TIME} IS NOT NULL "
        f"THEN ({epoch(FINISH_TIME)} - {epoch('reported_at')}) / 86400.0 END",
    ),
    "after_photo": ("BOOLEAN", f"coalesce({AFTER_PHOTO_GIVEN}, FALSE)"),
    "located": ("BOOLEAN", "location_issue IS NULL AND lon IS NOT NULL"),
    "typed": ("BOOLEAN", f"{list_length('categories')} > 0"),
}
"""Per-ticket facts stored next to the fields they come from (name: type, SQL over the
ticket's own fields). The ingest writes them with each ticket; a store written before one
of them existed gets it on its next write, and is read meanwhile through a view that
computes what it lacks (`derived_view`). Read as columns, a city filter change at 10M
tickets ran its three queries in 1.2 s instead of 2.1 s with the first three (the state
list, the finish time's two epochs and the after-photo's text were worked out again per
ticket on every query); `located` and `typed` (a nullable text and a list read per ticket)
took another ~0.18 s off."""

OPEN = "is_open"
"""The ticket is open (`vocab.OPEN_STATES`), as stored."""
DAYS_TO_FINISH = "finish_days"
"""Days from report to finish, for a finished ticket with a finish time (else NULL)."""
HAS_FINISH_TIME = "finish_days IS NOT NULL"
HAS_AFTER_PHOTO = "after_photo"
LOCATED = "located"
"""The ticket has a usable location: no location issue, and coordinates. The ingest gives
every ticket it cannot place in a district an issue (`normalise.locate`), so a located
ticket has a district."""
TYPED = "typed"
"""The ticket has at least one category."""


ADDED_FIELDS: dict[str, str] = {"hashtags": "VARCHAR", "finished_at": "TIMESTAMPTZ"}
"""A ticket's own fields added after the first stores were written (the CityData export's
hashtags, the web export's finish time). An older store gets them, empty, on its next
write, and is read meanwhile through a view that gives them as NULL (`derived_view`)."""


def derived_values() -> str:
    """The stored facts as a select list, over a ticket's own fields."""
    return ", ".join(f"{sql} AS {name}" for name, (_type, sql) in DERIVED.items())


def derived_view(table: str, missing: Sequence[str]) -> str:
    """A ticket table written before the `missing` fields (`ADDED_FIELDS`, as NULL) and
    stored facts (`DERIVED`, computed) existed, with them."""
    fields = "".join(f", NULL::{ADDED_FIELDS[n]} AS {n}" for n in missing if n in ADDED_FIELDS)
    values = "".join(f", {DERIVED[n][1]} AS {n}" for n in missing if n in DERIVED)
    return f"SELECT *{values} FROM (SELECT *{fields} FROM {table}) AS fielded"


DERIVED_PRESENT = (
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets' "
    "AND table_schema = ? AND table_catalog = current_database() AND column_name IN ("
    + ", ".join(f"'{name}'" for name in (*ADDED_FIELDS, *DERIVED))
    + ")"
)
"""The added fields and stored facts the store's ticket table has (parameter: its schema)."""
CATEGORIES_OR_UNSPECIFIED = (
    f"CASE WHEN {list_length('categories')} = 0 THEN ARRAY['{UNSPECIFIED}']::VARCHAR[] "
    "ELSE categories END"
)
AGE_DAYS = f"floor(({epoch('?::TIMESTAMPTZ')} - {epoch('reported_at')}) / 86400.0)"
"""Whole days from the report to the as-of instant (the parameter)."""
NO_CATEGORY = f"NOT {TYPED}"


def any_category(count: int) -> str:
    """The ticket has one of `count` categories (one parameter each).

    `array_position` per name, not `categories && ?`: the same on both backends, and 4×
    faster on DuckDB (10M tickets: 0.12 s against 0.60 s for one category).
    """
    return "(" + " OR ".join(["array_position(categories, ?::VARCHAR) IS NOT NULL"] * count) + ")"


PREDICTED_ANY_CATEGORY = (
    f"({NO_CATEGORY} AND ticket_id IN "
    "(SELECT ticket_id FROM predictions WHERE categories && ?::VARCHAR[]))"
)
"""An untyped ticket the classifier put in one of the categories (the parameter)."""
NOT_PREDICTED = "ticket_id NOT IN (SELECT ticket_id FROM predictions)"
HAS_PREDICTIONS = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'predictions'"
PREDICTION_COUNT = "SELECT count(*) FROM predictions"
CLASSIFIER_SCORES = "SELECT category, held_out_f1, predicted FROM classifier_scores"


PREDICTIONS_OF = (
    "SELECT ticket_id, categories, confidence FROM predictions "
    "WHERE ticket_id IN (SELECT unnest(?::VARCHAR[]))"
)
"""The predictions of some tickets (the parameter: their ids)."""

HAS_TABLE = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
SNAPSHOT_DAYS = "SELECT DISTINCT as_of FROM backlog_snapshots"
BACKFILL_BASIS = (
    "SELECT count(*), count(last_activity), "
    "min(reported_at) FILTER (WHERE last_activity IS NOT NULL) FROM tickets"
)
"""Tickets, those with a last change time, and the first report among them (for backfill)."""
LAST_SYNC = (
    "SELECT source, url, started_at, finished_at, pages, results, head, reached_back_to, "
    "complete, summary FROM syncs ORDER BY sync_id DESC LIMIT 1"
)
LAST_COMPLETE_SYNC_HEAD = (
    "SELECT head FROM syncs WHERE complete AND source = ? ORDER BY sync_id DESC LIMIT 1"
)
NEXT_SYNC_ID = "SELECT coalesce(max(sync_id), 0) + 1 FROM syncs"
OLDEST_OPEN_REPORT = f"SELECT min(reported_at) FROM tickets WHERE {OPEN}"
LAST_INGEST_AT = "SELECT max(finished_at) FROM ingests"
LAST_INGEST_ID = "SELECT coalesce(max(ingest_id), 0) FROM ingests"
"""The store's last ingest: a sync's crawl notes it at its start, and never overwrites a
ticket a later ingest wrote (`ingest.ingest_files(read_at_ingest=…)`)."""

AS_OF = "SELECT max(greatest(reported_at, coalesce(last_activity, reported_at))) FROM tickets"
NEWEST_REPORT = "SELECT max(reported_at) FROM tickets"
KNOWN_CATEGORIES = (
    "SELECT c, count(*) AS n FROM (SELECT unnest(categories) AS c FROM tickets) AS listed "
    "GROUP BY c ORDER BY n DESC, c"
)
TYPED_FOR_TRAINING = (
    f"SELECT comment, categories, reported_at FROM tickets WHERE {list_length('categories')} > 0 "
    "AND coalesce(trim(comment), '') <> '' ORDER BY reported_at, ticket_id"
)
UNTYPED_FOR_PREDICTION = f"SELECT ticket_id, comment FROM tickets WHERE {list_length('categories')} = 0 ORDER BY ticket_id"
LAST_INGEST = "SELECT * FROM ingests ORDER BY ingest_id DESC LIMIT 1"
QUARANTINE_REASONS = "SELECT reason, count(*) AS rows FROM quarantine GROUP BY 1 ORDER BY 2 DESC"


def target_days(groups: Sequence[tuple[int, int]], default: int) -> str:
    """A ticket's target in days: the first (shortest) group it has a category of, else
    `default`. `groups` are (days, number of categories), shortest first; the days are
    validated whole numbers (targets.py) and each category name is a parameter
    (`Targets.sql_params`)."""
    branches = " ".join(f"WHEN {any_category(n)} THEN {int(d)}" for d, n in groups if n)
    return f"(CASE {branches} ELSE {int(default)} END)" if branches else f"({int(default)})"


def area_code(code_column: str | None, no_location_code: str) -> str:
    """A ticket's area for the per-area counts: `code_column`'s value, `no_location_code`
    for an unlocated ticket or a located one without it; '' for every ticket with no
    `code_column` (city- or view-wide figures)."""
    if not code_column:
        return "''"
    return (
        f"CASE WHEN {code_column} IS NULL OR NOT {LOCATED} THEN '{no_location_code}' "
        f"ELSE {code_column} END"
    )


def tally(*, code_column: str | None, where: str, no_location_code: str, aged: bool) -> str:
    """The filtered tickets counted once per area (`area_code`) and per combination of what
    a figure asks of a ticket: its state, whether it is open, located, typed, timed, has an
    after-photo, was reopened (-1: not recorded) and its open-age bucket (`aged`; -1: not
    open, or reported after the as-of instant). Every count of the area summary, the totals
    and the coverage is a sum over these rows (`metrics.tally`): one scan instead of
    three, and at 10M tickets grouping by a few flags costs less than one filtered count
    per figure (0.45 s against 0.37 + 0.24 + 0.06 s for the same counts).

    Parameters: the age edges (`age_edges`) when `aged`, then the filter's.
    """
    edges = " ".join(
        f"WHEN reported_at > ?::TIMESTAMPTZ THEN {i}" for i in range(-1, len(AGE_BUCKETS))
    )
    age = f"CASE WHEN NOT {OPEN} THEN -1 {edges} ELSE {len(AGE_BUCKETS)} END" if aged else "-1"
    return f"""
    SELECT {area_code(code_column, no_location_code)} AS code, state, {OPEN} AS is_open,
        {LOCATED} AS located, {TYPED} AS typed, {HAS_FINISH_TIME} AS timed,
        {HAS_AFTER_PHOTO} AS after_photo,
        CASE WHEN count_reopen IS NULL THEN -1 WHEN count_reopen > 0 THEN 1 ELSE 0 END
            AS reopened,
        {age} AS age,
        count(*) AS tickets, count(star) AS stars,
        coalesce(sum(star), 0)::DOUBLE PRECISION AS star_sum
    FROM tickets WHERE {where}
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    """


def judged(*, code_column: str, where: str, no_location_code: str, target: str) -> str:
    """Per area: the open tickets older than their target (`target`: `target_days(...)`)
    and the finished ones finished within it. The targets' category overlaps are most of
    the cost, so only a view that shows these pays for them.

    Parameters: the as-of instant, the target's, then the filter's.
    """
    return f"""
    SELECT {area_code(code_column, no_location_code)} AS code,
        count(*) FILTER (WHERE {OPEN} AND age_days > target_days) AS overdue,
        count(*) FILTER (WHERE {HAS_FINISH_TIME} AND {FINISH_HOURS} <= target_days * 24)
            AS on_time
    FROM (
        SELECT *, {AGE_DAYS} AS age_days, {target} AS target_days FROM tickets WHERE {where}
    ) AS aged
    GROUP BY 1
    """


def finish_medians(*, code_column: str | None, where: str, no_location_code: str) -> str:
    """The median days to finish per area (`area_code`), over the tickets with a finish
    time. Parameters: the filter's."""
    return f"""
    SELECT {area_code(code_column, no_location_code)} AS code,
        {median(DAYS_TO_FINISH)} AS median_days_to_finish
    FROM tickets WHERE {where} AND {HAS_FINISH_TIME} GROUP BY 1
    """


AGE_BUCKETS = (("open_age_0_7", 0, 7), ("open_age_8_30", 8, 30), ("open_age_31_90", 31, 90))


def age_edges(as_of: datetime) -> list[datetime]:
    """The report instants bounding `tally`'s open-age buckets, its first parameters: the
    as-of instant (a later report has no age yet), then each bucket's oldest edge.

    A ticket is `age` whole days old (`AGE_DAYS`) when it was reported after as_of − (age + 1)
    days and at or before as_of − age days. Comparing the stored instant with these is
    exact, and at 10M tickets 0.25 s faster than working out every ticket's age.
    """
    return [as_of, *(as_of - timedelta(days=high + 1) for _name, _low, high in AGE_BUCKETS)]


def weekly(where: str) -> str:
    """Opened per week of report, finished per week of finish time (Bangkok weeks)."""
    return f"""
    WITH t AS (
        SELECT reported_at, {FINISH_TIME} AS finish_time, finish_days FROM tickets WHERE {where}
    )
    SELECT week, sum(opened)::BIGINT AS opened, sum(finished)::BIGINT AS finished FROM (
        SELECT date_trunc('week', timezone('Asia/Bangkok', reported_at))::DATE AS week,
               1 AS opened, 0 AS finished FROM t
        UNION ALL
        SELECT date_trunc('week', timezone('Asia/Bangkok', finish_time))::DATE, 0, 1
        FROM t WHERE {HAS_FINISH_TIME}
    ) AS events GROUP BY week ORDER BY week
    """


def category_counts(where: str, *, predicted_apart: bool = False) -> str:
    """Tickets per category; with `predicted_apart`, untyped tickets the classifier placed
    are not counted as "unspecified" (they are counted by `predicted_category_counts`)."""
    unspecified = CATEGORIES_OR_UNSPECIFIED
    if predicted_apart:
        unspecified = unspecified.replace("THEN ARRAY", f"AND {NOT_PREDICTED} THEN ARRAY")
    return f"""
    SELECT category, count(*) AS total, count(*) FILTER (WHERE is_open) AS open FROM (
        SELECT unnest({unspecified}) AS category, {OPEN} AS is_open
        FROM tickets WHERE {where}
    ) AS listed GROUP BY category ORDER BY total DESC, category
    """


def predicted_category_counts(where: str) -> str:
    """Untyped tickets per predicted category (total and open)."""
    return f"""
    SELECT category, count(*) AS total, count(*) FILTER (WHERE is_open) AS open FROM (
        SELECT unnest(p.categories) AS category, t.{OPEN} AS is_open
        FROM tickets t JOIN predictions p ON p.ticket_id = t.ticket_id
        WHERE t.ticket_id IN (SELECT ticket_id FROM tickets WHERE {where})
    ) AS listed GROUP BY category ORDER BY total DESC, category
    """


TICKET_FIELDS = f"""
    ticket_id, categories, state, state_label, reported_at, last_activity, district_code,
    subdistrict_code, comment, address, photo, photo_after, lon, lat, location_issue,
    count_reopen, star, {AGE_DAYS}::INTEGER AS age_days, {DAYS_TO_FINISH}
"""
"""The columns of a ticket list; the parameter is the as-of instant (for `age_days`).
`finish_days`: days from report to finish where the ticket has a finish time."""
POINT_FIELDS = f"""
    ticket_id, categories, state, reported_at, lat, lon, {AGE_DAYS}::INTEGER AS age_days,
    {DAYS_TO_FINISH}
"""
"""What a compact map point carries (`lod`); the parameter is the as-of instant."""

SORTS = {
    "newest": "reported_at DESC, ticket_id",
    "oldest": "reported_at ASC, ticket_id",
    "district": "district_code NULLS LAST, reported_at DESC, ticket_id",
    "state": "state, reported_at DESC, ticket_id",
}
POINT_ORDERS = {
    # the director's backlog first: open tickets oldest first, then the rest newest first
    "oldest": f"({OPEN}) DESC, CASE WHEN {OPEN} THEN {epoch('reported_at')} "
    f"ELSE -{epoch('reported_at')} END, ticket_id",
    "newest": "reported_at DESC, ticket_id",
}
SEARCH_COMMENT = "strpos(lower(coalesce(comment, '')), lower(?)) > 0"
SEARCH_ALL = (
    "(strpos(lower(coalesce(comment, '')), lower(?)) > 0 "
    "OR strpos(lower(coalesce(address, '')), lower(?)) > 0 "
    "OR strpos(lower(ticket_id), lower(?)) > 0)"
)
BOX = "lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"


def in_box(where: str) -> str:
    """Located tickets of `where` inside a box; parameters: the condition's, then south,
    north, west, east (`lod.Viewport.box`). Edges count as inside."""
    return f"{where} AND {LOCATED} AND {BOX}"


def cells_in_box(where: str, resolution: int, dialect: Dialect = DUCKDB) -> str:
    """Tickets and open tickets per H3 cell at `resolution`, of the located tickets in a box."""
    return f"""
    SELECT {h3_parent(resolution, dialect)} AS cell, count(*) AS total,
           count(*) FILTER (WHERE {OPEN}) AS open
    FROM tickets WHERE {in_box(where)} AND h3_r9 IS NOT NULL
    GROUP BY 1 ORDER BY 1
    """


def count(where: str) -> str:
    return f"SELECT count(*) FROM tickets WHERE {where}"


def ticket_list(where: str, order: str, fields: str = TICKET_FIELDS) -> str:
    """Parameters: the as-of instant, the condition's, then the row limit."""
    return f"SELECT {fields} FROM tickets WHERE {where} ORDER BY {order} LIMIT ?"


def h3_parent(resolution: int, dialect: Dialect = DUCKDB) -> str:
    """SQL turning the stored resolution-9 cell into its parent at `resolution` (<= 9).

    An H3 index keeps its resolution in bits 52–55 and one 3-bit digit per resolution;
    a parent has the lower resolution and digits past it set to 7.
    """
    if not 0 <= resolution <= 9:
        raise ValueError(f"resolution must be 0..9, got {resolution}")
    unused = sum(7 << ((15 - digit) * 3) for digit in range(resolution + 1, 10))
    cell = dialect.cell_type
    return f"((h3_r9 & ~(15::{cell} << 52)) | ({resolution}::{cell} << 52) | {unused}::{cell})"


def open_by_cell(where: str, resolution: int, dialect: Dialect = DUCKDB) -> str:
    return f"""
    SELECT {h3_parent(resolution, dialect)} AS cell, count(*) AS open
    FROM tickets WHERE {where} AND {OPEN} AND h3_r9 IS NOT NULL
    GROUP BY 1 ORDER BY 1
    """


# --- the governor's review ---------------------------------------------------------------


def open_by_district(where: str) -> str:
    """Open and all tickets per district, counted as `area_summary` counts them (located
    tickets)."""
    return f"""
    SELECT district_code AS code, count(*) FILTER (WHERE {OPEN}) AS open, count(*) AS total
    FROM tickets WHERE {where} AND district_code IS NOT NULL AND {LOCATED}
    GROUP BY 1
    """


def district_figures(where: str) -> str:
    return f"""
    SELECT district_code AS code, count(*) AS tickets, count(*) FILTER (WHERE {OPEN}) AS open
    FROM tickets WHERE {where} AND district_code IS NOT NULL GROUP BY 1
    """


def finish_days(where: str) -> str:
    return f"""
    SELECT district_code AS code, {DAYS_TO_FINISH} AS days
    FROM tickets WHERE {where} AND district_code IS NOT NULL AND {HAS_FINISH_TIME}
    """


def audit_flags(fast_close_hours: float) -> dict[str, str]:
    """Each closure-audit flag as a condition on a finished ticket."""
    return {
        "no_after_photo": f"NOT {HAS_AFTER_PHOTO}",
        "fast_close": (
            f"{FINISH_TIME} IS NOT NULL AND "
            f"({epoch(FINISH_TIME)} - {epoch('reported_at')}) < {float(fast_close_hours) * 3600}"
        ),
        "reopened": "coalesce(count_reopen, 0) > 0",
        "low_star": "star IS NOT NULL AND star <= 2",
    }


def closure_audit(where: str, flags: dict[str, str]) -> str:
    counts = ",\n".join(f"count(*) FILTER (WHERE {sql}) AS {name}" for name, sql in flags.items())
    return f"""
    SELECT district_code AS code, count(*) AS finished, count(star) AS rated,
           count(count_reopen) AS with_reopen_count, {counts}
    FROM tickets WHERE {where} AND state = '{FINISHED}' AND district_code IS NOT NULL
    GROUP BY 1
    """


def flagged_tickets(where: str, flags: dict[str, str]) -> str:
    """Finished tickets with a flag, most flags first. Parameters: the condition's, a limit."""
    columns = ",\n".join(f"({sql}) AS {name}" for name, sql in flags.items())
    any_flag = " OR ".join(f"({sql})" for sql in flags.values())
    score = " + ".join(f"({sql})::INT" for sql in flags.values())
    return f"""
    SELECT ticket_id, district_code, reported_at, {FINISH_TIME} AS last_activity,
           ({epoch(FINISH_TIME)} - {epoch("reported_at")}) / 3600.0 AS hours_to_finish,
           photo, photo_after, star, count_reopen, comment, {columns}
    FROM tickets WHERE {where} AND state = '{FINISHED}' AND ({any_flag})
    ORDER BY {score} DESC, reported_at DESC, ticket_id LIMIT ?
    """


def reports_by_cell(where: str, resolution: int, dialect: Dialect = DUCKDB) -> str:
    """Tickets reported and still open per H3 cell: the demand and the unresolved rate."""
    return f"""
    SELECT {h3_parent(resolution, dialect)} AS cell, count(*) AS reports,
           count(*) FILTER (WHERE {OPEN}) AS open
    FROM tickets WHERE {where} AND h3_r9 IS NOT NULL
    GROUP BY 1 ORDER BY 1
    """


WEEK_SECONDS = 7 * 86400


def weekly_reports_by_cell(where: str, resolution: int, dialect: Dialect = DUCKDB) -> str:
    """Reports per cell and week, weeks counted back from an end instant (0 = the last week).

    Parameters: the end instant, then the condition's.
    """
    return f"""
    SELECT cell, weeks_back, count(*) AS reports FROM (
        SELECT {h3_parent(resolution, dialect)} AS cell,
               floor(({epoch("?::TIMESTAMPTZ")} - {epoch("reported_at")}) / {WEEK_SECONDS}.0)
                   AS weeks_back
        FROM tickets WHERE {where} AND h3_r9 IS NOT NULL
    ) AS binned GROUP BY 1, 2 ORDER BY 1, 2
    """


def backlog_spans_by_cell(where: str, resolution: int, dialect: Dialect = DUCKDB) -> str:
    """Tickets by cell, week reported and week closed (NULL: still open), counted back from an
    end instant, for reconstructing the open backlog at the end of each week. Tickets closed
    without a finish time cannot be placed and are left out (the caller counts them).

    Parameters: the end instant twice, the condition's, the end instant, the start instant.
    """
    return f"""
    SELECT cell, report_back, close_back, count(*) AS tickets FROM (
        SELECT {h3_parent(resolution, dialect)} AS cell,
               floor(({epoch("?::TIMESTAMPTZ")} - {epoch("reported_at")}) / {WEEK_SECONDS}.0)
                   AS report_back,
               CASE WHEN {OPEN} THEN NULL ELSE
                   floor(({epoch("?::TIMESTAMPTZ")} - {epoch(FINISH_TIME)}) / {WEEK_SECONDS}.0)
               END AS close_back
        FROM tickets
        WHERE {where} AND h3_r9 IS NOT NULL AND ({OPEN} OR {FINISH_TIME} IS NOT NULL)
          AND reported_at < ?::TIMESTAMPTZ AND ({OPEN} OR {FINISH_TIME} >= ?::TIMESTAMPTZ)
    ) AS spans GROUP BY 1, 2, 3
    """


def closed_without_time(where: str) -> str:
    """Closed tickets, and those with no finish time: they cannot be placed in a
    reconstructed backlog."""
    return f"""
    SELECT count(*) AS closed, count(*) FILTER (WHERE {FINISH_TIME} IS NULL) AS without_time
    FROM tickets WHERE {where} AND NOT ({OPEN})
    """


def hot_cell_counts(where: str, resolution: int, dialect: Dialect = DUCKDB) -> str:
    """Per hot cell and district: the tickets reported and still open (hot areas' ranking).

    Parameters: the condition's, then the cells.
    """
    parent = h3_parent(resolution, dialect)
    return f"""
    SELECT {parent} AS cell, district_code, count(*) AS reports,
           count(*) FILTER (WHERE {OPEN}) AS open
    FROM tickets
    WHERE {where} AND h3_r9 IS NOT NULL AND {parent} IN (SELECT unnest(?::{dialect.cell_type}[]))
    GROUP BY 1, 2
    """


HOT_AREA_DETAILS = ("subdistricts", "categories", "open_age", "oldest_open", "addresses")


def hot_area_details(
    part: str, where: str, resolution: int, dialect: Dialect = DUCKDB, *, addresses: int = 5000
) -> str:
    """One part of the shown hot areas' description (`HOT_AREA_DETAILS`), per area number.

    An area's own tickets are those of its district in its cells. Parameters: three lists
    of the same length (cell, area number, district), the as-of instant, then the
    condition's.
    """
    cell = dialect.cell_type
    own = f"""
    WITH hot AS (
        SELECT unnest(?::{cell}[]) AS hot_cell, unnest(?::INTEGER[]) AS hot_area,
               unnest(?::VARCHAR[]) AS hot_district
    ), own AS (
        SELECT hot_area, ticket_id, subdistrict_code, {OPEN} AS is_open, address,
               ({epoch("?::TIMESTAMPTZ")} - {epoch("reported_at")}) / 86400.0 AS age_days,
               {CATEGORIES_OR_UNSPECIFIED} AS categories
        FROM tickets JOIN hot
          ON {h3_parent(resolution, dialect)} = hot_cell AND district_code = hot_district
        WHERE {where} AND h3_r9 IS NOT NULL
    )"""
    body = {
        "subdistricts": """
    SELECT hot_area, subdistrict_code, count(*) AS n FROM own
    WHERE subdistrict_code IS NOT NULL GROUP BY 1, 2""",
        "categories": """
    SELECT hot_area, category, count(*) AS n
    FROM (SELECT hot_area, unnest(categories) AS category FROM own) AS named GROUP BY 1, 2""",
        "open_age": f"""
    SELECT hot_area, {median("age_days")} AS median_age FROM own WHERE is_open GROUP BY 1""",
        "oldest_open": """
    SELECT hot_area, ticket_id, age_days FROM (
        SELECT hot_area, ticket_id, age_days, row_number() OVER (
            PARTITION BY hot_area ORDER BY age_days DESC, ticket_id) AS k
        FROM own WHERE is_open
    ) AS ranked WHERE k <= 3 ORDER BY hot_area, k""",
        "addresses": f"""
    SELECT hot_area, address FROM (
        SELECT hot_area, address, row_number() OVER (
            PARTITION BY hot_area ORDER BY ticket_id) AS k
        FROM own
    ) AS first WHERE k <= {int(addresses)} ORDER BY hot_area, k""",
    }[part]
    return own + body + "\n"


# --- the backlog's daily snapshots (history) --------------------------------------------

BACKLOG = "state IN (" + ", ".join(f"'{s}'" for s in BACKLOG_STATES) + ")"
"""A snapshot row counts open backlog (including 'open, state that day not recorded')."""
SNAPSHOT_ON_OR_BEFORE = "SELECT max(as_of) FROM backlog_snapshots WHERE as_of <= ?"
SNAPSHOT_KIND = "SELECT bool_or(backfilled), min(taken_at) FROM backlog_snapshots WHERE as_of = ?"


def snapshot_where(*, categories: bool, district: bool, subdistrict: bool) -> str:
    """Rows of one view: '*' (each ticket once) or the chosen categories (parameter), an area."""
    clauses = ["category IN (SELECT unnest(?::VARCHAR[]))" if categories else "category = '*'"]
    if district:
        clauses.append("district_code = ?")
    if subdistrict:
        clauses.append("subdistrict_code = ?")
    return " AND ".join(clauses)


def backlog_history(where: str) -> str:
    """Open backlog per snapshot day and state (state-filtered to the backlog's states)."""
    return f"""
SELECT as_of, state, sum(tickets) AS tickets, bool_or(backfilled) AS backfilled
FROM backlog_snapshots WHERE {where} AND {BACKLOG}
GROUP BY as_of, state ORDER BY as_of, state
"""


def snapshot_summary(*, code_column: str, where: str) -> str:
    """Per-area counts of one snapshot day (the first parameter), shaped like area_summary."""
    return f"""
SELECT {code_column} AS code,
    sum(tickets) AS total,
    coalesce(sum(tickets) FILTER (WHERE {BACKLOG}), 0) AS open,
    coalesce(sum(tickets) FILTER (WHERE state = '{FINISHED}'), 0) AS finished,
    coalesce(sum(tickets) FILTER (WHERE state = 'irrelevant'), 0) AS irrelevant,
    coalesce(sum(tickets) FILTER (WHERE state = 'unknown'), 0) AS unknown,
    coalesce(sum(age_0_7) FILTER (WHERE {BACKLOG}), 0) AS open_age_0_7,
    coalesce(sum(age_8_30) FILTER (WHERE {BACKLOG}), 0) AS open_age_8_30,
    coalesce(sum(age_31_90) FILTER (WHERE {BACKLOG}), 0) AS open_age_31_90,
    coalesce(sum(age_over_90) FILTER (WHERE {BACKLOG}), 0) AS open_age_over_90
FROM backlog_snapshots WHERE as_of = ? AND {where}
GROUP BY {code_column}
"""


# --- the district director's week ---------------------------------------------------------


TICKET_TEXTS = ("comment", "photo", "photo_after")
"""A ticket's long texts: shown for a few listed tickets, never needed to count."""


def week_tickets(where: str, target: str, *, texts: bool = True) -> str:
    """Every ticket of a view, with what the director's week needs of each; without
    `texts`, the long `TICKET_TEXTS` are left out (a third of the frame at 10M tickets).

    Parameters: the as-of instant, the target's, then the condition's.
    """
    long_texts = "".join(f"{column}, " for column in TICKET_TEXTS) if texts else ""
    return f"""
    SELECT ticket_id, categories, state, reported_at, last_activity, {FINISH_TIME} AS finish_time,
           organization, district_code, subdistrict_code, lon, lat, location_issue, address,
           {long_texts}
           {OPEN} AS is_open, {AGE_DAYS} AS age_days, {target} AS target_days,
           CASE WHEN {HAS_FINISH_TIME} THEN {FINISH_HOURS} END AS finish_hours
    FROM tickets WHERE {where}
    ORDER BY reported_at, ticket_id
    """


def ticket_texts_of(where: str) -> str:
    """The long texts of some tickets of a view: the ids, then the condition's parameters.
    The view's condition lets DuckDB skip the row groups of other districts (sorted
    storage); by the ids alone it reads every ticket (10M: 0.2 s for 20 tickets)."""
    return (
        f"SELECT ticket_id, {', '.join(TICKET_TEXTS)} FROM tickets "
        f"WHERE ticket_id IN (SELECT unnest(?::VARCHAR[])) AND {where}"
    )


FIRST_REPORT = "SELECT min(reported_at) FROM tickets"


# --- Traffy's own groups, departments, what changed per import -----------------------------


def traffy_groups(where: str) -> str:
    """Per district (NULL: no location), the tickets in each of Traffy's status groups
    (`vocab.TRAFFY_GROUPS`), those in none (`outside`), and the in-progress ones held by
    budget, procurement or a legal process. Parameters: the filter's."""
    counts = "".join(
        f"count(*) FILTER (WHERE state IN ({_quoted(states)})) AS {group}, "
        for group, states in TRAFFY_GROUPS.items()
    )
    grouped = _quoted([s for states in TRAFFY_GROUPS.values() for s in states])
    return f"""
    SELECT district_code AS code, {counts}
        count(*) FILTER (WHERE state NOT IN ({grouped})) AS outside,
        count(*) FILTER (WHERE state = 'in_progress' AND {held_by_system_sql()}) AS held_by_system
    FROM tickets WHERE {where} GROUP BY 1
    """


def _quoted(words: Sequence[str]) -> str:
    """Fixed vocabulary words as a SQL list's items."""
    return ", ".join(f"'{word}'" for word in words)


def finish_time_basis(where: str) -> str:
    """Finished tickets with Traffy's finish time, with only their last change standing in,
    and with neither. Parameters: the filter's."""
    return f"""
    SELECT count(*) FILTER (WHERE finished_at IS NOT NULL) AS finish_time,
        count(*) FILTER (WHERE finished_at IS NULL AND last_activity IS NOT NULL) AS last_activity,
        count(*) FILTER (WHERE finished_at IS NULL AND last_activity IS NULL) AS none
    FROM tickets WHERE {where} AND state = '{FINISHED}'
    """


def organisations_counted(where: str) -> str:
    """Tickets and open tickets per district, list of organisations and categories: what
    routing needs, once per distinct combination. Parameters: the filter's."""
    return f"""
    SELECT district_code, organization, categories, count(*) AS total,
        count(*) FILTER (WHERE {OPEN}) AS open
    FROM tickets WHERE {where} GROUP BY 1, 2, 3
    """


LAST_INGEST_WITH_CHANGES = "SELECT max(ingest_id) FROM ticket_changes"
TICKET_CHANGES = """
    SELECT ingest_id, ticket_id, district_code, change, value_before, value_after
    FROM ticket_changes
    WHERE ingest_id > ? AND (district_code = ? OR ?::VARCHAR IS NULL)
    ORDER BY ingest_id, ticket_id, change
"""
"""What imports after one (the first parameter) changed, in a district (the second and
third, NULL: every district)."""


# --- report rounds (`rounds`) --------------------------------------------------------------

NEXT_ROUND_ID = "SELECT coalesce(max(round_id), 0) + 1 FROM rounds"
ROUND_TICKETS_INSERT = """
    INSERT INTO round_tickets (round_id, unit, position, ticket_id, state, overdue, routed)
    SELECT ?, ?, p, t, s, o, r FROM (
        SELECT unnest(?::INTEGER[]) AS p, unnest(?::VARCHAR[]) AS t,
               unnest(?::VARCHAR[]) AS s, unnest(?::BOOLEAN[]) AS o,
               unnest(?::VARCHAR[]) AS r
    ) AS listed
"""
"""A unit's tickets in a round, in one statement: the round, the unit, then the lists."""
ROUNDS = """
    SELECT r.round_id, r.district_code, r.made_at, r.as_of, r.last_import, r.lang,
           r.tickets, r.locked_at,
           (SELECT count(*) FROM round_workbooks w WHERE w.round_id = r.round_id) AS units,
           (SELECT count(DISTINCT e.unit) FROM round_evidence e
            WHERE e.round_id = r.round_id) AS returned
    FROM rounds r WHERE ?::VARCHAR IS NULL OR r.district_code = ?
    ORDER BY r.round_id DESC
"""
"""The rounds of a district (the parameter twice; NULL: every district), newest first."""
ROUND_UNITS = """
    WITH listed AS (
        SELECT unit, count(*) AS tickets, count(*) FILTER (WHERE overdue) AS overdue,
               min(routed) AS routed
        FROM round_tickets WHERE round_id = ? GROUP BY unit
    ), latest AS (
        SELECT unit, returned_at, file_name, media_type, size,
               row_number() OVER (PARTITION BY unit ORDER BY returned_at DESC) AS n,
               count(*) OVER (PARTITION BY unit) AS returns
        FROM round_evidence WHERE round_id = ?
    )
    SELECT b.unit, coalesce(l.tickets, 0) AS tickets, coalesce(l.overdue, 0) AS overdue,
           l.routed, b.file_name, e.returned_at, e.file_name AS evidence_name,
           e.media_type AS evidence_type, e.size AS evidence_size,
           coalesce(e.returns, 0) AS returns
    FROM round_workbooks b
    LEFT JOIN listed l ON l.unit = b.unit
    LEFT JOIN latest e ON e.unit = b.unit AND e.n = 1
    WHERE b.round_id = ?
    ORDER BY b.file_name
"""
"""Per unit of a round (its id three times): its tickets, how many were overdue, its
workbook, and the latest evidence it returned."""
ROUND_TICKETS = (
    "SELECT unit, ticket_id FROM round_tickets WHERE round_id = ? ORDER BY unit, position"
)
ROUND_WORKBOOKS = (
    "SELECT unit, file_name, content FROM round_workbooks WHERE round_id = ? ORDER BY file_name"
)
ROUND_EVIDENCE_LATEST = (
    "SELECT media_type, content FROM round_evidence WHERE round_id = ? AND unit = ? "
    "ORDER BY returned_at DESC LIMIT 1"
)
AMONG_TICKETS = "ticket_id IN (SELECT unnest(?::VARCHAR[]))"
"""A filter's condition: one of the listed tickets (the parameter: their ids)."""
WRITE_LOG_ENTRIES = (
    "SELECT written_at, who, role, action, district_code, target, detail FROM write_log "
    "ORDER BY written_at DESC, who LIMIT ?"
)
"""The newest writes users made from a page (`writes.log_entries`); the parameter: how many."""
STORED_SUBSCRIPTIONS = (
    "SELECT owner, district_code, every, name, lang, rules, email, added_at FROM subscriptions "
    "WHERE CAST(? AS VARCHAR) IS NULL OR lower(owner) = lower(CAST(? AS VARCHAR)) "
    "ORDER BY lower(owner), district_code, every"
)
"""Subscriptions users added in the app (`own_subscriptions`); the parameters: an owner's
address twice (NULL, NULL: everyone's)."""
