"""`khetmap sync` and `khetmap fetch` against misbehaving servers (issue 29, round 3).

Each test drives the real sync (or fetch) against the local Traffy stand-in on 127.0.0.1
(tests/traffy_server.py) into a real DuckDB store; tickets are the newest 1,500 real ones.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard import cli
from dashboard.errors import FetchError, SyncError
from dashboard.ingest import fetch, sync
from dashboard.ingest.load import ingest_files
from dashboard.store import duck
from tests.conftest import real_data_dir
from tests.test_sync import assert_mirrors, dump_bytes, finish_one_ticket, stored
from tests.traffy_server import FakeTraffy, sample_tickets

PAGE = 200
TICKETS = 1500
REPO = Path(__file__).resolve().parents[1]
FINISHED = "เสร็จสิ้น"
BANGKOK_MAY_13 = datetime(2023, 5, 13, 3, 0, tzinfo=UTC)
"""10:00 in Bangkok the day after the dump sample's newest report"""


@pytest.fixture(scope="module")
def real_tickets() -> list[dict[str, Any]]:
    return sample_tickets(real_data_dir() / "traffy_sample.csv.gz", TICKETS)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Real boundaries; no politeness delay, short backoff and timeouts."""
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(real_data_dir()))
    monkeypatch.setenv("KHETMAP_SYNC_DELAY", "0")
    monkeypatch.setenv("KHETMAP_SYNC_BACKOFF", "0.05")
    monkeypatch.setenv("KHETMAP_SYNC_TIMEOUT", "0.5")
    monkeypatch.setenv("KHETMAP_SYNC_ATTEMPTS", "3")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("KHETMAP_SYNC_DIR", raising=False)


@pytest.fixture
def fake(real_tickets: list[dict[str, Any]]) -> FakeTraffy:
    return FakeTraffy(tickets=[dict(t) for t in real_tickets], page_size=PAGE)


@pytest.fixture
def served(fake: FakeTraffy) -> Iterator[str]:
    with fake.running() as url:
        yield url


@pytest.fixture
def location(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


# --- the list's end and `total` --------------------------------------------------------


def test_an_over_counting_total_ends_at_the_lists_end_with_every_ticket_stored_once(
    fake: FakeTraffy, served: str, location: Path
) -> None:
    fake.total_extra = 7  # the real API's count ran 7 ahead of its list
    outcome = sync.sync(location=location, base_url=served)
    assert outcome.complete and outcome.stop_reason == "reached the end of the list"
    assert_mirrors(location, fake, outcome)
    # offsets 0, 150, ..., 1350 (a short page of 150 ends the list), then the head once
    assert [s.offset for s in fake.seen] == [*range(0, 1351, 150), 0]
    assert "the API counts 1,507 tickets but its list ended at 1,500" in outcome.line()
    again = sync.sync(location=location, base_url=served)  # not stuck on a journal
    assert again.complete and again.resumed_from is None


BAD_TOTALS = {
    "a string": ('"1500"', 'total and list disagree: the API\'s total ("1500") is not a count'),
    "negative": ("-5", "the API's total (-5) is not a count"),
    "NaN": ("NaN", "the API's total (NaN) is not a count"),
    "a boolean": ("true", "the API's total (true) is not a count"),
    "an object": ('{"n": 1500}', 'the API\'s total ({"n": 1500}) is not a count'),
    "too small": ("3", "the API counts 3 tickets but its list ended at 1,500"),
    "1e400": ("1e400", "the API's total (Infinity) is not a count"),
}


@pytest.mark.parametrize("case", BAD_TOTALS, ids=list(BAD_TOTALS))
def test_a_bad_total_is_a_hint_the_crawl_reads_to_the_lists_end_and_says_so(
    case: str, fake: FakeTraffy, served: str, location: Path
) -> None:
    fake.total_json, said = BAD_TOTALS[case]
    outcome = sync.sync(location=location, base_url=served)
    assert outcome.complete and outcome.stop_reason == "reached the end of the list"
    assert outcome.pages == 11  # ten walking back, one at the head
    assert_mirrors(location, fake, outcome)
    assert len(stored(location)) == TICKETS
    assert said in outcome.line()


@pytest.mark.parametrize("arriving", [8, 250])
def test_tickets_reported_during_the_crawl_are_stored_by_that_same_sync(
    arriving: int, fake: FakeTraffy, served: str, location: Path
) -> None:
    newcomers = [
        dict(t, ticket_id=f"2022-NEW{n:04d}", timestamp="2022-12-18 12:00:00.000000+00")
        for n, t in enumerate(fake.tickets[:arriving])
    ]

    def report_at_the_head(server: FakeTraffy, number: int) -> None:
        if number == 5:  # `total` grows in the middle of the crawl
            server.tickets[:0] = newcomers

    fake.on_request.append(report_at_the_head)
    outcome = sync.sync(location=location, base_url=served)
    assert len(fake.tickets) == TICKETS + arriving
    assert_mirrors(location, fake, outcome)  # all of them, each once, in one sync
    assert outcome.head_rereads == (1 if arriving < PAGE else 2)


# --- a stale journal -------------------------------------------------------------------


def _fail_after_the_first_page(fake: FakeTraffy, location: Path | str, served: str) -> None:
    """A sync that stops after its first page, leaving a journal (as a killed one does)."""
    fake.offset_faults = {PAGE - 50: ["status_false"] * 3}
    with pytest.raises(SyncError):
        sync.sync(location=location, base_url=served)
    fake.offset_faults = {}


def _everything_finished(fake: FakeTraffy, folder: Path) -> Path:
    """The server's tickets, all finished, as a search-API file (newer than the journal)."""
    for ticket in fake.tickets:
        ticket["state"], ticket["status"] = FINISHED, "finish"
    path = folder / "newer.json"
    path.write_text(json.dumps({"status": True, "results": fake.tickets}), encoding="utf-8")
    return path


def test_a_resumed_sync_never_writes_a_ticket_older_than_the_store(
    fake: FakeTraffy, served: str, location: Path, tmp_path: Path
) -> None:
    page_one = {str(t["ticket_id"]): t["state"] for t in fake.tickets[:PAGE]}
    _fail_after_the_first_page(fake, location, served)
    ingest_files(paths=[_everything_finished(fake, tmp_path)], store_path=location)
    outcome = sync.sync(location=location, base_url=served)
    assert outcome.resumed_from == PAGE - 50  # the journal's first page was used
    states = dict(stored(location))
    assert sum(1 for state in page_one.values() if state != FINISHED) == 182  # journal: open
    assert [t for t, state in states.items() if state != FINISHED] == []  # none went back
    assert_mirrors(location, fake, outcome)
    result = outcome.reconciliation
    assert result is not None and result.kept_newer == TICKETS  # all written by the ingest
    assert f"{TICKETS:,} kept as stored" in outcome.line()


def test_an_unfinished_crawl_older_than_the_resume_limit_starts_afresh(
    fake: FakeTraffy, served: str, location: Path
) -> None:
    begun = datetime(2022, 12, 19, 1, 0, tzinfo=UTC)
    fake.offset_faults = {PAGE - 50: ["status_false"] * 3}
    with pytest.raises(SyncError):
        sync.sync(location=location, base_url=served, now=lambda: begun)
    fake.offset_faults, asked = {}, len(fake.seen)
    later = begun + timedelta(hours=13)  # the limit is 12 h (KHETMAP_SYNC_RESUME_HOURS)
    outcome = sync.sync(location=location, base_url=served, now=lambda: later)
    assert fake.seen[asked].offset == 0 and outcome.resumed_from is None
    assert "an unfinished crawl begun 2022-12-19 01:00 UTC was not resumed" in outcome.line()
    assert_mirrors(location, fake, outcome)


# --- slow servers and endless bodies ---------------------------------------------------


def test_a_server_that_trickles_a_page_is_cut_at_the_deadline(
    fake: FakeTraffy, served: str, location: Path
) -> None:
    fake.offset_faults = {PAGE - 50: ["drip"] * 3}  # a byte every 10 ms for 3 s, each time
    started = time.monotonic()
    with pytest.raises(SyncError) as raised:
        sync.sync(location=location, base_url=served)
    took = time.monotonic() - started
    message = str(raised.value)
    assert "did not send the whole answer within 0.5 s" in message and "\n" not in message
    assert took < 2.5  # 3 tries cut at 0.5 s (+ backoff), where each trickle lasts 3 s


@pytest.fixture
def one_file(monkeypatch: pytest.MonkeyPatch) -> fetch.DataFile:
    item = dataclasses.replace(fetch.FILES[3], upstream_url=None)  # the dump sample
    monkeypatch.setattr(fetch, "FILES", (item,))
    return item


def test_fetch_refuses_an_endless_body_at_its_cap_and_writes_nothing(
    fake: FakeTraffy,
    served: str,
    tmp_path: Path,
    one_file: fetch.DataFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KHETMAP_FETCH_MAX_BYTES", str(1 << 20))
    fake.file_faults = {one_file.name: "endless"}
    target = tmp_path / "data"
    with pytest.raises(FetchError) as raised:
        list(fetch.fetch_all(data_dir=target, mirror=fake.files_url(served)))
    message = str(raised.value)
    assert "sent more than 1,048,576 bytes" in message and "KHETMAP_FETCH_MAX_BYTES" in message
    assert list(target.iterdir()) == []


def test_fetch_cuts_a_trickling_mirror_at_the_deadline(
    fake: FakeTraffy,
    served: str,
    tmp_path: Path,
    one_file: fetch.DataFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KHETMAP_FETCH_DEADLINE", "1")
    fake.files = {one_file.name: dump_bytes()}
    fake.file_faults = {one_file.name: "drip"}
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        list(fetch.fetch_all(data_dir=tmp_path / "data", mirror=fake.files_url(served)))
    assert "did not send the whole answer within 1 s" in str(raised.value)
    assert time.monotonic() - started < 2.5  # the trickle lasts 3 s


def test_a_full_disk_during_the_dump_download_is_one_line_and_keeps_the_previous_dump(
    fake: FakeTraffy, served: str, location: Path
) -> None:
    url = fake.dump_url(served)
    fake.set_dump(dump_bytes())
    sync.sync(location=location, source="dump", base_url=url, now=lambda: BANGKOK_MAY_13)
    kept = sync.state_dir(location) / "dump" / "bangkok_traffy.csv"
    version = duck.store_version(location)
    fake.set_dump(finish_one_ticket(dump_bytes()) * 2)  # a new dump, larger than the limit
    limited = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))\n"
        "from dashboard import cli\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            limited,
            "sync",
            "--source",
            "dump",
            "--store",
            str(location),
            "--base-url",
            url,
        ],
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "cannot write the dump's download" in done.stderr
    assert "File too large" in done.stderr and "previous dump" in done.stderr
    assert kept.read_bytes() == dump_bytes()  # the previous dump, whole
    assert duck.store_version(location) == version  # the store untouched


# --- a clock far ahead -----------------------------------------------------------------


def _snapshot_days(location: Path) -> list[tuple[date, bool]]:
    with duckdb.connect(str(location), read_only=True) as con:
        return [
            (row[0], bool(row[1]))
            for row in con.execute(
                "SELECT as_of, bool_or(backfilled) FROM backlog_snapshots GROUP BY 1 ORDER BY 1"
            ).fetchall()
        ]


def test_a_clock_years_ahead_stores_no_snapshot_and_says_why(
    fake: FakeTraffy, served: str, location: Path
) -> None:
    fake.set_dump(dump_bytes())  # reports of 2023-05-11 and 12, with finish times
    in_2031 = datetime(2031, 1, 1, 3, 0, tzinfo=UTC)
    outcome = sync.sync(
        location=location, source="dump", base_url=fake.dump_url(served), now=lambda: in_2031
    )
    assert outcome.snapshot is not None and not outcome.snapshot.taken
    assert (
        "no snapshot for 2031-01-01: the clock says 2031-01-01 but the newest report is of "
        "2023-05-12, more than 7 days before" in outcome.line()
    )
    assert _snapshot_days(location) == [(date(2023, 5, 11), True)]  # only before the data's end


def test_history_remove_deletes_the_snapshots_after_a_day(
    fake: FakeTraffy, served: str, location: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.set_dump(dump_bytes())
    url = fake.dump_url(served)
    sync.sync(location=location, source="dump", base_url=url, now=lambda: BANGKOK_MAY_13)
    assert [day for day, _ in _snapshot_days(location)] == [
        date(2023, 5, 11),
        date(2023, 5, 12),
        date(2023, 5, 13),
    ]
    code = cli.main(["history", "remove", "--after", "2023-05-11", "--store", str(location)])
    assert code == 0
    assert capsys.readouterr().out.startswith(
        "history: removed the snapshots of 2 days after 2023-05-11 from "
    )
    assert _snapshot_days(location) == [(date(2023, 5, 11), True)]
    assert cli.main(["history", "remove", "--after", "2023-05-11", "--store", str(location)]) == 0
    assert "removed the snapshots of 0 days" in capsys.readouterr().out  # nothing left after


# --- credentials, paths, ids and arguments ---------------------------------------------


def test_a_password_in_the_base_url_is_never_stored_logged_or_printed(
    fake: FakeTraffy,
    served: str,
    location: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = served.replace("http://", "http://khetuser:s3cret-pw@")
    fake.faults = {2: "503"}  # one retry: its warning goes to the log
    assert cli.main(["sync", "--store", str(location), "--base-url", secret]) == 0
    fake.offset_faults = {PAGE - 50: ["html"] * 3}  # then a failing sync: its error line
    assert cli.main(["sync", "--store", str(location), "--base-url", secret]) == 2
    said = capsys.readouterr()
    everything = said.out + said.err + caplog.text
    assert "s3cret-pw" not in everything and "khetuser:***@" in everything
    with duckdb.connect(str(location), read_only=True) as con:
        rows = con.execute("SELECT url, summary FROM syncs").fetchall()
    assert rows and all("s3cret-pw" not in f"{url} {summary}" for url, summary in rows)
    assert rows[0][0] == secret.replace("s3cret-pw", "***")
    journal = sync.state_dir(location) / "api" / "journal.json"
    assert "s3cret-pw" not in journal.read_text(encoding="utf-8")  # the failed one's


def test_a_postgresql_stores_sync_folder_is_the_same_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://khet:pw-one@db.example:5432/khetmap"
    folders = []
    for place in ("a", "b"):
        (tmp_path / place).mkdir()
        monkeypatch.chdir(tmp_path / place)
        folders.append(sync.state_dir(url))
    assert folders[0] == folders[1] and folders[0].parent == tmp_path / "state" / "khetmap"
    other_password = url.replace("pw-one", "pw-two")
    assert sync.state_dir(other_password) == folders[0]  # the same store, the same lock
    assert sync.state_dir(url.replace("/khetmap", "/other")) != folders[0]


def test_a_ticket_sent_with_and_without_its_id_in_one_sync_is_stored_once(
    fake: FakeTraffy, served: str, location: Path
) -> None:
    anonymous = dict(fake.tickets[10])
    anonymous["ticket_id"] = ""
    fake.tickets.insert(1000, anonymous)  # the same ticket again, on a later page, no id
    outcome = sync.sync(location=location, base_url=served)
    ids = [ticket for ticket, _ in stored(location)]
    assert len(ids) == len(set(ids)) == TICKETS
    assert not [ticket for ticket in ids if ticket.startswith("noid-")]
    result = outcome.reconciliation
    assert result is not None and result.surrogate_ids == 0
    assert result.accounted == result.rows_read


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--since", "9999-12-31", "--base-url", "http://127.0.0.1:9/x"], "9999-12-31"),
        (
            ["--since", "2099-12-31", "--base-url", "http://127.0.0.1:9/x"],
            "--since 2099-12-31 is after today",
        ),
        (["--base-url", "http://127.0.0.1:99999/x"], "Port out of range"),
        (["--base-url", "ftp://127.0.0.1/x"], "is not an http:// or https:// address"),
        (["--source", "dump", "--base-url", "http://u:pw@127.0.0.1:99999/d.csv"], "u:***@"),
    ],
)
def test_a_bad_sync_argument_is_one_line_and_exit_2(
    arguments: list[str], said: str, location: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = cli.main(["sync", "--store", str(location), *arguments])
    except SystemExit as exited:  # argparse's own refusals
        code = int(exited.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and "internal error" not in err
    assert not location.exists()


def test_a_resumed_sync_into_postgresql_never_writes_a_ticket_older_than_the_store(
    fake: FakeTraffy, served: str, pg_url: str, tmp_path: Path
) -> None:
    import psycopg

    _fail_after_the_first_page(fake, pg_url, served)
    ingest_files(paths=[_everything_finished(fake, tmp_path)], store_path=pg_url)
    outcome = sync.sync(location=pg_url, base_url=served)
    assert outcome.resumed_from == PAGE - 50
    with psycopg.connect(pg_url) as con:
        states = dict(con.execute("SELECT ticket_id, state_label FROM tickets").fetchall())
    assert len(states) == TICKETS and set(states.values()) == {FINISHED}
    result = outcome.reconciliation
    assert result is not None and result.kept_newer == TICKETS
