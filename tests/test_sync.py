"""`khetmap sync` against a local Traffy stand-in (127.0.0.1) with scripted faults.

After every sync the store must hold each ticket the server holds exactly once, in its
latest state, and the reconciliation must add up; a sync that fails leaves the store as
it was and says why in one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.errors import SyncError
from dashboard.ingest import sync
from dashboard.ingest.sync import Outcome
from dashboard.store import duck
from tests.conftest import real_data_dir
from tests.traffy_server import FakeTraffy, real_page, sample_tickets

PAGE = 200
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def real_tickets() -> list[dict[str, Any]]:
    """The newest 1,500 real tickets of traffy_sample.csv.gz, as the API serves them."""
    return sample_tickets(real_data_dir() / "traffy_sample.csv.gz", 1500)


@pytest.fixture(autouse=True)
def quick_and_real(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Real boundaries; no politeness delay, short backoff and timeout (the policy is the
    same); a PostgreSQL store's sync folder under the test's own state directory."""
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(real_data_dir()))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("KHETMAP_SYNC_DELAY", "0")
    monkeypatch.setenv("KHETMAP_SYNC_BACKOFF", "0.05")
    monkeypatch.setenv("KHETMAP_SYNC_TIMEOUT", "0.5")
    monkeypatch.setenv("KHETMAP_SYNC_ATTEMPTS", "4")
    monkeypatch.delenv("KHETMAP_SYNC_DIR", raising=False)


@pytest.fixture
def fake(real_tickets: list[dict[str, Any]]) -> FakeTraffy:
    return FakeTraffy(tickets=[dict(t) for t in real_tickets], page_size=PAGE)


@pytest.fixture
def served(fake: FakeTraffy) -> Iterator[str]:
    with fake.running() as url:
        yield url


def stored(location: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(location), read_only=True) as con:
        return [
            (str(r[0]), str(r[1]))
            for r in con.execute("SELECT ticket_id, state_label FROM tickets").fetchall()
        ]


def assert_mirrors(location: Path, fake: FakeTraffy, outcome: Outcome) -> None:
    """Each server ticket once, in its latest state; the reconciliation adds up."""
    rows = stored(location)
    ids = [ticket for ticket, _ in rows]
    assert len(ids) == len(set(ids)), "a ticket is stored twice"
    assert dict(rows) == {str(t["ticket_id"]): t["state"] for t in fake.tickets}
    result = outcome.reconciliation
    assert result is not None
    assert result.rows_read == outcome.results
    assert result.accounted == result.rows_read
    assert result.quarantined_total == 0


def test_three_real_api_pages_are_stored_once_each_with_the_page_overlaps_merged(
    tmp_path: Path,
) -> None:
    folder = real_data_dir() / "traffy_api"
    fake = FakeTraffy(
        replay={o: real_page(folder / f"search_offset_{o}.json.gz") for o in (0, 950, 1900)}
    )
    location = tmp_path / "store.duckdb"
    with fake.running() as url:
        outcome = sync.sync(location=location, base_url=url, pages=3)
    # steps of 950 (pages overlap), then the head again: it meets tickets seen, and stops
    assert [s.offset for s in fake.seen] == [0, 950, 1900, 0]
    assert outcome.head_rereads == 1
    assert all(s.headers["User-Agent"].startswith("khetmap/") for s in fake.seen)
    result = outcome.reconciliation
    assert result is not None
    assert result.rows_read == 4000
    assert result.accounted == 4000
    assert result.merged_duplicates > 0  # the overlaps and the ticket twice on page 0
    ids = [ticket for ticket, _ in stored(location)]
    assert len(ids) == len(set(ids)) == result.stored_new
    assert not outcome.complete  # three pages of 192,000 tickets: it says it stopped early
    assert "page budget" in outcome.line()


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param({2: "503", 3: "503"}, id="503 twice then success"),
        pytest.param({3: "timeout"}, id="a timeout"),
        pytest.param({2: "html"}, id="HTML instead of JSON"),
        pytest.param({4: "truncated"}, id="truncated JSON"),
        pytest.param({2: "status_false"}, id="status false"),
        pytest.param({3: "empty"}, id="an empty page in the middle"),
    ],
)
def test_a_transient_fault_is_retried_and_loses_nothing(
    faults: dict[int, str], fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    fake.faults = faults
    location = tmp_path / "store.duckdb"
    outcome = sync.sync(location=location, base_url=served)
    assert outcome.complete and outcome.retries == len(faults)
    assert_mirrors(location, fake, outcome)


def test_a_429_waits_at_least_what_retry_after_asks(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    fake.faults = {2: "429"}
    location = tmp_path / "store.duckdb"
    outcome = sync.sync(location=location, base_url=served)
    refused, retried = fake.seen[1], fake.seen[2]
    assert refused.status == 429 and retried.offset == refused.offset
    assert retried.at - refused.at >= 1.0  # Retry-After: 1 (the backoff alone is 0.05 s)
    assert_mirrors(location, fake, outcome)


def test_duplicates_within_a_page_are_merged_once(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    twice = dict(fake.tickets[5])
    fake.tickets.insert(7, twice)  # the same ticket twice on page 1, as on the real page 0
    location = tmp_path / "store.duckdb"
    outcome = sync.sync(location=location, base_url=served)
    result = outcome.reconciliation
    assert result is not None
    assert result.merged_duplicates >= 1
    del fake.tickets[7]
    assert_mirrors(location, fake, outcome)


def test_reports_arriving_during_the_crawl_shift_offsets_without_losing_a_ticket(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    newcomers = [dict(t, ticket_id=f"2022-NEW{n:03d}") for n, t in enumerate(fake.tickets[:90])]

    def report_thirty(server: FakeTraffy, number: int) -> None:
        if 2 <= number <= 4:  # `total` grows between requests; every offset moves by 30
            batch = newcomers[(number - 2) * 30 : (number - 1) * 30]
            server.tickets[:0] = batch

    fake.on_request.append(report_thirty)
    location = tmp_path / "store.duckdb"
    outcome = sync.sync(location=location, base_url=served)
    assert outcome.rereads == 0  # new reports only widen the overlap
    seen = {ticket for ticket, _ in stored(location)}
    old = {str(t["ticket_id"]) for t in fake.tickets} - {t["ticket_id"] for t in newcomers}
    assert old <= seen  # every ticket that was there when the crawl began
    second = sync.sync(location=location, base_url=served)  # the next sync picks up the rest
    assert_mirrors(location, fake, second)


def test_tickets_withdrawn_mid_crawl_make_it_read_closer_and_lose_nothing(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    def withdraw(server: FakeTraffy, number: int) -> None:
        if number == 3:  # 120 tickets vanish between the 2nd and 3rd page: offsets move up
            del server.tickets[160:280]

    fake.on_request.append(withdraw)
    location = tmp_path / "store.duckdb"
    outcome = sync.sync(location=location, base_url=served)
    assert outcome.rereads >= 1 and not outcome.gaps
    seen = {ticket for ticket, _ in stored(location)}
    assert {str(t["ticket_id"]) for t in fake.tickets} <= seen


@pytest.mark.parametrize("fault", ["html", "huge"])
def test_a_bad_answer_that_persists_fails_in_one_line_and_leaves_the_store_as_it_was(
    fault: str, fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    location = tmp_path / "store.duckdb"
    first = sync.sync(location=location, base_url=served)
    assert_mirrors(location, fake, first)
    version = duck.store_version(location)
    fake.tickets[0]["state"] = "เสร็จสิ้น"
    fake.offset_faults = {PAGE - 50: [fault] * 10}
    with pytest.raises(SyncError) as raised:
        sync.sync(location=location, base_url=served)
    message = str(raised.value)
    assert "\n" not in message
    assert ("HTML" in message) if fault == "html" else ("10," in message or "bytes" in message)
    assert duck.store_version(location) == version  # not even rewritten


def test_a_result_without_ticket_id_is_kept_under_a_surrogate_id(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    anonymous = dict(fake.tickets[10])
    del anonymous["ticket_id"]
    anonymous["timestamp"] = "2022-12-18 09:00:00.000000+00"
    fake.tickets.insert(0, anonymous)
    location = tmp_path / "store.duckdb"
    outcome = sync.sync(location=location, base_url=served)
    result = outcome.reconciliation
    assert result is not None and result.surrogate_ids == 1
    assert result.accounted == result.rows_read
    ids = [ticket for ticket, _ in stored(location)]
    assert len(ids) == len(set(ids)) == len(fake.tickets)
    assert len([i for i in ids if i.startswith("noid-")]) == 1


def test_a_ticket_finished_between_two_syncs_is_finished_and_day_one_still_shows_it_open(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    location = tmp_path / "store.duckdb"
    waiting = next(t for t in fake.tickets if t["state"] == "รอรับเรื่อง")
    # the day after the newest real ticket (2022-12-18), 09:00 in Bangkok, and the next
    day1 = datetime(2022, 12, 19, 2, 0, tzinfo=UTC)
    day2 = datetime(2022, 12, 20, 2, 0, tzinfo=UTC)
    first = sync.sync(location=location, base_url=served, now=lambda: day1)
    assert first.snapshot is not None and first.snapshot.day == date(2022, 12, 19)
    waiting["state"], waiting["status"] = "เสร็จสิ้น", "finish"
    second = sync.sync(location=location, base_url=served, now=lambda: day2)
    assert_mirrors(location, fake, second)
    result = second.reconciliation
    assert result is not None and result.stored_updated == 1
    with duckdb.connect(str(location), read_only=True) as con:
        code = con.execute(
            "SELECT coalesce(district_code, 'none'), coalesce(subdistrict_code, 'none') "
            "FROM tickets WHERE ticket_id = ?",
            [waiting["ticket_id"]],
        ).fetchall()[0]
        counts = dict(
            con.execute(
                "SELECT as_of, sum(tickets) FILTER (WHERE state = 'waiting') FROM backlog_snapshots "
                "WHERE category = '*' AND district_code = ? AND subdistrict_code = ? GROUP BY 1",
                list(code),
            ).fetchall()
        )
        days = con.execute(
            "SELECT as_of, bool_or(backfilled), sum(tickets) FROM backlog_snapshots "
            "WHERE category = '*' GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert counts[date(2022, 12, 19)] == (counts.get(date(2022, 12, 20)) or 0) + 1
    assert [(d, b) for d, b, _ in days] == [
        (date(2022, 12, 19), False),
        (date(2022, 12, 20), False),
    ]
    assert all(n == len(fake.tickets) for _, _, n in days)  # every ticket once under '*'
    third = sync.sync(location=location, base_url=served, now=lambda: day2)
    assert third.snapshot is not None and not third.snapshot.taken  # one per Bangkok day


def test_two_syncs_of_one_store_never_run_at_once(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    location = tmp_path / "store.duckdb"
    fake.response_delay = 0.3
    env = _cli_env()
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.cli",
            "sync",
            "--store",
            str(location),
            "--base-url",
            served,
        ],
        env=env,
        cwd=REPO,
    )
    try:
        _wait_for(lambda: fake.api_requests >= 1)
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard.cli",
                "sync",
                "--store",
                str(location),
                "--base-url",
                served,
            ],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert "another khetmap sync" in second.stderr and second.stderr.count("\n") == 1
    finally:
        assert first.wait(timeout=120) == 0


def test_a_killed_sync_resumes_where_it_stopped(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    location = tmp_path / "store.duckdb"
    fake.response_delay = 0.2
    command = [
        sys.executable,
        "-m",
        "dashboard.cli",
        "sync",
        "--store",
        str(location),
        "--base-url",
        served,
    ]
    killed = subprocess.Popen(command, env=_cli_env(), cwd=REPO)
    _wait_for(lambda: fake.api_requests >= 4)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    assert not location.exists()  # nothing half-stored
    asked_before = len(fake.seen)
    fake.response_delay = 0.0
    done = subprocess.run(
        command, env=_cli_env(), cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    resumed = [s.offset for s in fake.seen[asked_before:]]
    assert resumed[0] is not None and resumed[0] > 0  # went on; did not start again at 0
    assert "resumed at offset" in done.stdout and done.stdout.count("\n") == 1
    rows = stored(location)
    assert len(rows) == len({t for t, _ in rows}) == len(fake.tickets)
    assert "reconciliation OK" in done.stdout


def _cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    return env


def _wait_for(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


# --- the dump ------------------------------------------------------------------------


def dump_bytes() -> bytes:
    return (real_data_dir() / "traffy_dump_format_sample.csv").read_bytes()


BANGKOK_MAY_13 = datetime(2023, 5, 13, 3, 0, tzinfo=UTC)


def finish_one_ticket(data: bytes) -> bytes:
    """The dump a day later: its first waiting ticket finished, with a newer last_activity."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    first = next(row for row in rows if row["state"] == "รอรับเรื่อง")
    first["state"], first["last_activity"] = "เสร็จสิ้น", "2023-05-13 01:00:00.000000+00"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_an_unchanged_dump_is_not_downloaded_twice_and_a_changed_one_is(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    location = tmp_path / "store.duckdb"
    url = fake.dump_url(served)
    fake.set_dump(dump_bytes())
    first = sync.sync(location=location, source="dump", base_url=url, now=lambda: BANGKOK_MAY_13)
    assert first.downloaded and first.reconciliation is not None
    assert first.reconciliation.accounted == first.reconciliation.rows_read == 1000
    second = sync.sync(location=location, source="dump", base_url=url, now=lambda: BANGKOK_MAY_13)
    asked = fake.seen[-1]
    assert asked.headers.get("If-None-Match") == fake.dump_etag and asked.status == 304
    assert not second.downloaded and second.reconciliation is None
    assert "has not changed" in second.line()
    fake.set_dump(finish_one_ticket(dump_bytes()))
    third = sync.sync(location=location, source="dump", base_url=url, now=lambda: BANGKOK_MAY_13)
    assert fake.seen[-1].status == 200 and third.downloaded
    assert third.reconciliation is not None and third.reconciliation.stored_updated == 1


def test_a_dump_download_cut_half_way_resumes_with_a_range_request(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    location = tmp_path / "store.duckdb"
    fake.set_dump(dump_bytes())
    fake.dump_cut_once = True
    outcome = sync.sync(location=location, source="dump", base_url=fake.dump_url(served))
    statuses = [s.status for s in fake.seen]
    assert statuses == [200, 206]
    resumed_at = int(fake.seen[1].headers["Range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_at <= len(dump_bytes()) // 2  # from what had arrived, not from 0
    assert outcome.reconciliation is not None and outcome.reconciliation.rows_read == 1000
    kept = sync.state_dir(location) / "dump" / "bangkok_traffy.csv"
    assert kept.read_bytes() == dump_bytes()  # the two halves make the file, byte for byte


def test_days_before_the_first_sync_are_backfilled_from_finish_times_and_marked(
    fake: FakeTraffy, served: str, tmp_path: Path
) -> None:
    import pandas as pd

    from dashboard.store.history import day_end

    location = tmp_path / "store.duckdb"
    fake.set_dump(dump_bytes())
    outcome = sync.sync(
        location=location, source="dump", base_url=fake.dump_url(served), now=lambda: BANGKOK_MAY_13
    )
    assert outcome.snapshot is not None and outcome.snapshot.backfilled_days == 2
    assert outcome.snapshot.backfill_share == 1.0
    with duckdb.connect(str(location), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        snap = con.execute(
            "SELECT as_of, backfilled, state, sum(tickets) FROM backlog_snapshots "
            "WHERE category = '*' GROUP BY 1, 2, 3"
        ).df()
        tickets = con.execute("SELECT reported_at, last_activity, state FROM tickets").df()
    snap["as_of"] = pd.to_datetime(snap["as_of"]).dt.date
    marks = snap.groupby("as_of")["backfilled"].first().to_dict()
    assert marks == {date(2023, 5, 11): True, date(2023, 5, 12): True, date(2023, 5, 13): False}
    for day in (date(2023, 5, 11), date(2023, 5, 12)):
        end = pd.Timestamp(day_end(day))
        known = tickets[tickets["reported_at"] < end]
        expected = (
            known["state"].where(known["last_activity"] <= end, "open_unrecorded").value_counts()
        )
        found = snap[snap["as_of"] == day].set_index("state")["sum(tickets)"]
        assert found.sort_index().to_dict() == expected.sort_index().to_dict()


def test_a_sync_into_postgresql_mirrors_the_server_and_keeps_the_snapshot(
    fake: FakeTraffy, served: str, pg_url: str
) -> None:
    import psycopg

    outcome = sync.sync(
        location=pg_url, base_url=served, now=lambda: datetime(2022, 12, 19, tzinfo=UTC)
    )
    assert outcome.reconciliation is not None
    assert outcome.reconciliation.accounted == outcome.reconciliation.rows_read
    with psycopg.connect(pg_url) as con:
        rows = con.execute("SELECT ticket_id, state_label FROM tickets").fetchall()
        whole = con.execute(
            "SELECT sum(tickets) FROM backlog_snapshots WHERE category = '*'"
        ).fetchall()[0][0]
        logged = con.execute("SELECT source, complete FROM syncs").fetchall()
    assert dict(rows) == {str(t["ticket_id"]): t["state"] for t in fake.tickets}
    assert len(rows) == whole == len(fake.tickets)
    assert logged == [("api", True)]
