"""Alerts and digests per area, sent to a real SMTP server (aiosmtpd) and a real HTTP
receiver on 127.0.0.1: exact digest figures equal to `metrics`, a second run sends nothing,
a run killed with SIGKILL mid-send and run again leaves one message per subscriber, a dead
SMTP server does not hold up the webhook, bad entries are refused one line each, and the
Thai mail opened in Chromium has no English word."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dashboard import boundaries, cli, store
from dashboard.analysis import metrics, targets
from dashboard.analysis.filters import Filters
from dashboard.errors import SubscriptionsError
from dashboard.ingest.load import ingest_files
from dashboard.notify import alerts, delivery, mail
from dashboard.notify.subscriptions import Area, Known, district_area, load
from dashboard.vocab import BANGKOK_TZ
from tests.alert_receivers import (
    MailBox,
    Posts,
    http_receiver,
    smtp_server,
    subscriptions_toml,
    write_tickets,
)

YESTERDAY = date(2022, 7, 1)
NOW = datetime(2022, 7, 1, 20, 0, tzinfo=UTC)  # 2 July 03:00 in Bangkok
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture
def loaded_store(data_dir: Path, tmp_path: Path, store_location: str) -> str:
    ingest_files(
        paths=[write_tickets(tmp_path, YESTERDAY)], store_path=store_location, data_dir=data_dir
    )
    return store_location


@pytest.fixture
def receivers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MailBox, Posts, int]]:
    box, posts = MailBox(), Posts()
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    with smtp_server(box) as smtp_port, http_receiver(posts) as http_port:
        for name, value in _settings(smtp_port, http_port, feeds).items():
            monkeypatch.setenv(name, value)
        yield box, posts, http_port


def _settings(smtp_port: int, http_port: int, feeds: Path) -> dict[str, str]:
    return {
        "KHETMAP_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "KHETMAP_MAIL_FROM": "alerts@khet.example",
        "KHETMAP_WEBHOOK_HOSTS": f"127.0.0.1:{http_port}",
        "KHETMAP_FEED_DIR": str(feeds),
        "KHETMAP_PUBLIC_URL": "https://khet.example/",
        "KHETMAP_ALERTS_BACKOFF": "0.01",
        "KHETMAP_ALERTS_ATTEMPTS": "2",
    }


def _file(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    path = tmp_path / "subscriptions.toml"
    path.write_text(subscriptions_toml(entries), encoding="utf-8")
    return path


def _director(http_port: int, **extra: object) -> dict[str, object]:
    return {
        "name": "ผอ.เขต 1001",
        "district": "1001",
        "email": "director@khet.example",
        "webhook": f"http://127.0.0.1:{http_port}/hook",
        "feed": True,
        **extra,
    }


# --- the digest's figures ----------------------------------------------------------------


def test_a_digest_on_hand_built_tickets_has_exact_numbers_equal_to_metrics(
    loaded_store: str, data_dir: Path
) -> None:
    districts = boundaries.load_districts(data_dir=data_dir)
    period = alerts.period_for("day", NOW)
    assert (period.since, period.until) == (YESTERDAY, YESTERDAY)
    with store.at(loaded_store).reader() as con:
        ctx = alerts.context(
            con, now=NOW, districts=districts, targets=targets.load(), public_url=None
        )
        assert ctx is not None
        area = load_area(data_dir, "1001")
        body = alerts.digest(ctx, area=area, period=period, every="day", lang="th")
        in_area = Filters(district="1001")
        yesterday = Filters(district="1001", since=YESTERDAY, until=YESTERDAY)
        day_before = Filters(
            district="1001",
            since=YESTERDAY - timedelta(days=1),
            until=YESTERDAY - timedelta(days=1),
        )
        open_now = metrics.totals(con, filters=in_area).open
        new_now = metrics.totals(con, filters=yesterday).total
        new_before = metrics.totals(con, filters=day_before).total
        categories = metrics.category_counts(con, filters=yesterday)
        oldest = metrics.oldest_open(con, filters=in_area, as_of=ctx.as_of, limit=5)
    # N1, N3, P1, O1, D1 open; N1-N3 new yesterday, P1 the day before; N2 and F1 finished
    # yesterday; D1 (flooding, 3 days) overdue from yesterday
    assert (body["open_now"], body["new"]["now"], body["new"]["before"]) == (5, 3, 1)
    assert (body["open_now"], body["new"]["now"], body["new"]["before"]) == (
        open_now, new_now, new_before,
    )  # fmt: skip
    assert body["finished"] is not None and body["finished"]["now"] == 2
    assert (body["newly_overdue"]["now"], body["newly_overdue"]["before"]) == (1, 0)
    assert body["new"]["beyond_noise"] is False
    assert [c["category"] for c in body["top_categories"]] == ["ถนน", "น้ำท่วม"]
    assert [int(c["change"]["now"] or 0) for c in body["top_categories"]] == [
        int(categories.set_index("category")["total"][c]) for c in ("ถนน", "น้ำท่วม")
    ]
    assert [t["id"] for t in body["oldest"]] == list(oldest["ticket_id"]) == [
        "O1", "D1", "P1", "N1", "N3",
    ]  # fmt: skip
    # a citizen's phone number and a name after a title never reach a message
    comments = {t["id"]: t["comment"] for t in body["oldest"]}
    assert comments["N1"] == "ถนนพัง โทร [เบอร์โทร]"
    assert comments["O1"] == "นาย[ชื่อ] แจ้ง"
    assert body["not_in_data"] == []


def load_area(data_dir: Path, code: str) -> Area:
    return district_area(code, layer=boundaries.load_districts(data_dir=data_dir))


def test_a_digest_without_finish_times_says_not_in_this_data_instead_of_a_zero(
    data_dir: Path, tmp_path: Path
) -> None:
    from tests.fixtures import ticket, write_csv

    rows = [
        ticket("A", timestamp="2022-07-01 03:00:00+00", state="เสร็จสิ้น", last_activity=""),
        ticket("B", timestamp="2022-07-01 04:00:00+00", last_activity=""),
    ]
    location = str(tmp_path / "s.duckdb")
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=location, data_dir=data_dir
    )
    with store.at(location).reader() as con:
        ctx = alerts.context(
            con, now=NOW, districts=boundaries.load_districts(data_dir=data_dir),
            targets=targets.load(), public_url=None,
        )  # fmt: skip
        assert ctx is not None
        body = alerts.digest(
            ctx, area=load_area(data_dir, "1001"), period=alerts.period_for("day", NOW),
            every="day", lang="th",
        )  # fmt: skip
    assert body["finished"] is None
    assert body["not_in_data"] == ["finish_time"]
    doc = _doc(body)
    text = mail.text_body(doc)
    assert "ไม่มีในข้อมูลนี้: เรื่องที่เสร็จสิ้นไม่มีเวลาที่เสร็จ" in text
    assert "เสร็จสิ้น: 0" not in text


def _doc(body: alerts.DigestDoc, lang: str = "th") -> alerts.MessageDoc:
    return alerts.MessageDoc(
        schema=alerts.SCHEMA, subscription="ทดสอบ", message="digest:day:2022-07-01",
        kind="digest", lang=lang, area=alerts.AreaDoc(key="district:1001", name="เขต1001"),
        as_of="2022-07-01T09:00:00+00:00", link=None, digest=body, events=[], more_events=0,
    )  # fmt: skip


# --- sending -------------------------------------------------------------------------------


def test_mail_webhook_and_feed_each_get_the_digest_and_a_second_run_sends_nothing_new(
    loaded_store: str, tmp_path: Path, receivers: tuple[MailBox, Posts, int]
) -> None:
    box, posts, http_port = receivers
    path = _file(tmp_path, [_director(http_port, rules=["digest", "overdue"], overdue_times=1)])
    first = delivery.run(location=loaded_store, subscriptions_path=path, now=NOW)
    # the digest and one alert message (D1 passed 1x its target yesterday), on 3 channels
    assert (first.sent, first.skipped, first.failed) == (6, 0, 0)
    subjects = sorted(str(m["Subject"]) for m in box.to("director@khet.example"))
    assert subjects == ["สรุปประจำวัน เขต1001 1 ก.ค. 2565", "แจ้งเตือน เขต1001: 1 เรื่องที่ควรรู้"]
    bodies = posts.bodies()
    assert sorted(b["message"] for b in bodies) == [
        "alerts:" + _alerts_key(["overdue:1:D1"]), "digest:day:2022-07-01",
    ]  # fmt: skip
    overdue = next(b for b in bodies if b["kind"] == "alerts")
    assert [e["key"] for e in overdue["events"]] == ["overdue:1:D1"]
    feed_file = next((tmp_path / "feeds").glob("*.atom"))
    assert feed_file.read_text(encoding="utf-8").count("<entry>") == 2

    second = delivery.run(location=loaded_store, subscriptions_path=path, now=NOW)
    assert (second.sent, second.skipped, second.failed) == (0, 3, 0)
    assert len(box.mails) == 2 and len(posts.received) == 2
    assert feed_file.read_text(encoding="utf-8").count("<entry>") == 2


def _alerts_key(keys: list[str]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:20]


def test_a_failing_smtp_server_does_not_stop_the_webhook_and_is_tried_again_next_run(
    loaded_store: str, tmp_path: Path, receivers: tuple[MailBox, Posts, int]
) -> None:
    box, posts, http_port = receivers
    box.refuse = True  # every mail answered "451 try again later"
    path = _file(tmp_path, [_director(http_port)])
    first = delivery.run(location=loaded_store, subscriptions_path=path, now=NOW)
    assert (first.sent, first.failed) == (2, 1)  # webhook and feed sent, mail failed
    assert [b["message"] for b in posts.bodies()] == ["digest:day:2022-07-01"]
    assert box.mails == []
    box.refuse = False
    second = delivery.run(location=loaded_store, subscriptions_path=path, now=NOW)
    assert (second.sent, second.failed) == (1, 0)
    assert [str(m["Subject"]) for m in box.to("director@khet.example")] == [
        "สรุปประจำวัน เขต1001 1 ก.ค. 2565"
    ]
    assert len(posts.received) == 1


def test_a_webhook_in_line_format_is_a_push_message_with_a_retry_key_and_the_token_from_settings(
    loaded_store: str, tmp_path: Path, receivers: tuple[MailBox, Posts, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _box, posts, http_port = receivers
    monkeypatch.setenv("KHETMAP_LINE_TOKEN", "line-secret")
    line_to = "U" + "0" * 32
    entry: dict[str, object] = {
        "name": "line", "district": "1001", "webhook": f"http://127.0.0.1:{http_port}/push",
        "webhook_format": "line", "line_to": line_to,
    }  # fmt: skip
    delivery.run(location=loaded_store, subscriptions_path=_file(tmp_path, [entry]), now=NOW)
    [(path, headers, _body)] = posts.received
    [body] = posts.bodies()
    assert path == "/push" and headers["Authorization"] == "Bearer line-secret"
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["X-Line-Retry-Key"])
    assert body["to"] == line_to
    [message] = body["messages"]
    assert message["type"] == "text"
    assert message["text"].startswith("สรุปประจำวัน เขต1001 1 ก.ค. 2565\n\nสรุปเรื่องร้องเรียน เขต1001")


# --- bad input -------------------------------------------------------------------------------


def test_bad_entries_get_one_line_each_nothing_is_sent_for_them_and_the_good_one_is_sent(
    loaded_store: str, tmp_path: Path, receivers: tuple[MailBox, Posts, int]
) -> None:
    box, posts, _http_port = receivers
    entries: list[dict[str, object]] = [
        {"name": "unknown district", "district": "9999", "email": "a@khet.example"},
        {"name": "bad mail", "district": "1001", "email": "not an address"},
        {"name": "internal", "district": "1001", "webhook": "http://169.254.169.254/latest"},
        {"name": "<b>x</b>", "district": "1001", "email": "b@khet.example"},
        {"name": "token", "district": "1001", "feed": True, "token": "abc"},
        {"name": "good", "district": "1001", "email": "good@khet.example"},
    ]
    warned: list[str] = []
    summary = delivery.run(
        location=loaded_store, subscriptions_path=_file(tmp_path, entries), now=NOW,
        warn=warned.append,
    )  # fmt: skip
    assert warned == [
        'subscription 1 ("unknown district") has the unknown district "9999": nothing is sent for it.',
        'subscription 2 ("bad mail") has the e-mail address "not an address", which is not one: '
        "nothing is sent for it.",
        'subscription 3 ("internal") has the webhook "http://169.254.169.254/latest", whose host '
        "is not allowed (KHETMAP_WEBHOOK_HOSTS): nothing is sent for it.",
        'subscription 4 ("<b>x</b>") has markup or control characters (< > & " `) in its name: '
        "nothing is sent for it.",
        "subscription 5 (\"token\") has unknown settings 'token' (tokens come from settings, "
        "never from this file): nothing is sent for it.",
    ]
    assert (summary.subscriptions, summary.refused, summary.sent) == (1, 5, 1)
    assert [rcpt for rcpt, _ in box.mails] == [["good@khet.example"]]
    assert posts.received == []


def test_ten_thousand_entries_with_bad_ones_among_them_refuse_only_the_bad_ones(
    data_dir: Path, tmp_path: Path
) -> None:
    entries: list[dict[str, object]] = [
        {"name": f"s{i}", "district": "1001" if i % 1000 else "0000", "email": f"u{i}@khet.example"}
        for i in range(10_000)
    ]
    known = Known(
        districts=boundaries.load_districts(data_dir=data_dir),
        subdistricts=boundaries.load_subdistricts(data_dir=data_dir),
    )
    loaded = load(_file(tmp_path, entries), known=known)
    assert len(loaded.subscriptions) == 9_990
    assert len(loaded.refused) == 10
    assert loaded.refused[0] == (
        'subscription 1 ("s0") has the unknown district "0000": nothing is sent for it.'
    )


def test_a_file_that_is_not_toml_is_exit_2_with_the_line_number(
    loaded_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[subscription]]\nname = "a"\ndistrict = 1001"\n', encoding="utf-8")
    code = cli.main(["alerts", "run", "--subscriptions", str(path), "--store", loaded_store])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "line 3" in err and "not a TOML file" in err
    with pytest.raises(SubscriptionsError):
        load(path, known=Known(boundaries.load_districts(), boundaries.load_subdistricts()))


# --- killed mid-send ---------------------------------------------------------------------------


def _bangkok_yesterday() -> date:
    return datetime.now(UTC).astimezone(BANGKOK_TZ).date() - timedelta(days=1)


def _run_cli(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "alerts", "run", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_run_killed_mid_send_and_run_again_leaves_every_subscriber_one_message(
    backend: str, data_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tests.conftest import fresh_database

    location = (
        str(tmp_path / "s.duckdb")
        if backend == "duckdb"
        else fresh_database(request.getfixturevalue("postgres_server"))
    )
    ingest_files(
        paths=[write_tickets(tmp_path, _bangkok_yesterday())], store_path=location,
        data_dir=data_dir,
    )  # fmt: skip
    people = [f"p{i}@khet.example" for i in range(6)]
    path = _file(
        tmp_path, [{"name": f"n{i}", "district": "1001", "email": p} for i, p in enumerate(people)]
    )
    release = threading.Event()
    box = MailBox(hold=release, hold_after=3)
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    with smtp_server(box) as smtp_port:
        env = {**os.environ, **_settings(smtp_port, 1, feeds), "KHETMAP_ALERTS_WORKERS": "1"}
        args = ("--subscriptions", str(path), "--store", location)
        first = _run_cli(env, *args)
        assert box.holding.wait(60), first.communicate()
        first.send_signal(signal.SIGKILL)  # the 4th mail is with the server, unanswered
        first.wait(30)
        assert first.returncode == -signal.SIGKILL
        release.set()
        assert len(box.mails) == 4
        second = _run_cli(env, *args)
        out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    assert out.decode().strip().endswith("(6 subscriptions, 0 refused)")
    ids = {p: {str(m["Message-ID"]) for m in box.to(p)} for p in people}
    assert all(len(found) == 1 for found in ids.values()), ids
    copies = [len(box.to(p)) for p in people]
    # the three answered before the kill are not sent again; the one the kill cut off
    # between the server's acceptance and its answer goes again, with the same Message-ID
    assert copies == [1, 1, 1, 2, 1, 1]


# --- the Thai mail, in a browser -----------------------------------------------------------------


ALLOWED_LATIN = re.compile(
    r"^(?:[A-Z]\d+|https?|khet|example|district|tickets|since|until|q|in|all)$"
)


@pytest.mark.browser
def test_the_thai_mail_has_no_english_word_escapes_the_data_and_reads_well_in_chromium(
    loaded_store: str, tmp_path: Path, receivers: tuple[MailBox, Posts, int]
) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium is not installed")
    box, _posts, http_port = receivers
    path = _file(
        tmp_path, [_director(http_port, rules=["digest", "overdue", "spike"], overdue_times=1)]
    )
    delivery.run(location=loaded_store, subscriptions_path=path, now=NOW)
    mails = sorted(box.to("director@khet.example"), key=lambda m: str(m["Subject"]))
    html = mails[0].get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    page_file = tmp_path / "mail.html"
    page_file.write_text(html, encoding="utf-8")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 760, "height": 900})
        page.route(
            "**/*",
            lambda route: (
                route.abort() if not route.request.url.startswith("file:") else route.continue_()
            ),
        )
        page.goto(page_file.as_uri())
        shown = page.inner_text("body")
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
        page.screenshot(path=str(SHOTS / "alert_mail_th.png"), full_page=True)
        browser.close()
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", shown)
    # only ticket ids (O1, D1 …) and the citizens' own markup shown as text
    assert [w for w in words if not ALLOWED_LATIN.match(w) and w not in ("b", "script", "x")] == []
    assert "สรุปเรื่องร้องเรียน เขต1001" in shown and "1 ก.ค. 2565" in shown
    assert "https://khet.example/district?district=1001&since=2022-07-01&until=2022-07-01" in hrefs
    text = mails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text)
        if not ALLOWED_LATIN.match(w) and w not in ("b", "script", "x")
    ] == []


# --- the other rules -------------------------------------------------------------------------


def test_spike_and_recurrence_fire_once_each_on_hand_built_tickets(
    data_dir: Path, tmp_path: Path
) -> None:
    from tests.fixtures import centre, ticket, write_csv

    lon, lat = centre("1001")
    here = f"{lon},{lat}"
    rows = [
        # the baseline: one report 20 days before yesterday, one 40 days before (the data
        # reaches back past the 28 baseline days)
        ticket("B1", timestamp="2022-06-11 03:00:00+00", state="เสร็จสิ้น",
               last_activity="2022-06-12 03:00:00+00", coords=here),
        ticket("B0", timestamp="2022-05-22 03:00:00+00", code="1002"),
        # yesterday: six reports, one of them at B1's place, same category, after B1 was
        # finished: the place recurs
        *[ticket(f"S{i}", timestamp="2022-07-01 03:00:00+00", half=1) for i in range(5)],
        ticket("R1", timestamp="2022-07-01 04:00:00+00", coords=here),
    ]  # fmt: skip
    location = str(tmp_path / "s.duckdb")
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=location, data_dir=data_dir
    )
    known = Known(
        boundaries.load_districts(data_dir=data_dir),
        boundaries.load_subdistricts(data_dir=data_dir),
    )
    entry = {"name": "s", "district": "1001", "feed": True, "rules": ["spike", "recurrence"]}
    [sub] = load(_file(tmp_path, [entry]), known=known).subscriptions
    with store.at(location).reader() as con:
        ctx = alerts.context(
            con, now=NOW, districts=known.districts, targets=targets.load(), public_url=None
        )
        assert ctx is not None
        found = alerts.events(ctx, sub, period=alerts.period_for("day", NOW))
        [planned] = alerts.plan(ctx, sub, already=set())
        again = alerts.plan(ctx, sub, already=set(planned.events))
    assert [e["key"] for e in found] == ["spike:2022-07-01:2022-07-01", "recurrence:ถนน:R1"]
    spike = found[0]
    assert (spike["reports"], spike["baseline_reports"], spike["change"]["now"]) == (6, 1, 6.0)
    assert spike["change"]["change"] == pytest.approx(6 / (1 / 28) - 1)
    assert spike["change"]["beyond_noise"] is True
    assert found[1]["reports"] == 2
    assert planned.events == ("spike:2022-07-01:2022-07-01", "recurrence:ถนน:R1")
    assert again == []


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
def test_mail_logs_in_with_the_user_and_password_of_the_smtp_url(
    loaded_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = MailBox()
    with smtp_server(box, login=("khet office", "p@ss:word")) as port:
        monkeypatch.setenv(
            "KHETMAP_SMTP_URL", f"smtp://khet%20office:p%40ss%3Aword@127.0.0.1:{port}"
        )
        monkeypatch.setenv("KHETMAP_MAIL_FROM", "alerts@khet.example")
        monkeypatch.setenv("KHETMAP_ALERTS_BACKOFF", "0.01")
        entry: dict[str, object] = {"name": "a", "district": "1001", "email": "a@khet.example"}
        summary = delivery.run(
            location=loaded_store, subscriptions_path=_file(tmp_path, [entry]), now=NOW
        )
        monkeypatch.setenv("KHETMAP_SMTP_URL", f"smtp://khet%20office:wrong@127.0.0.1:{port}")
        (tmp_path / "b").mkdir()
        entry_b: dict[str, object] = {"name": "b", "district": "1001", "email": "b@khet.example"}
        refused = delivery.run(
            location=loaded_store, subscriptions_path=_file(tmp_path / "b", [entry_b]), now=NOW
        )
    assert (summary.sent, summary.failed) == (1, 0)
    assert [rcpt for rcpt, _ in box.mails] == [["a@khet.example"]]
    assert (refused.sent, refused.failed) == (0, 1)  # 535: refused, not retried
