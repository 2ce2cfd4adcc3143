"""Subscriptions a signed-in user manages in the app: a Bang Kapi director adds a weekly
digest for 1006, it is stored (both backends) and logged, and `khetmap alerts run` mails it
to their own address (aiosmtpd on 127.0.0.1); a forged request for another address or a
district outside the role is refused on the server call itself, nothing stored; the page
offers it only to a signed-in user whose role covers the district."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard import access, boundaries, store
from dashboard.access import Viewer, writes
from dashboard.errors import SubscriptionsError, WriteRefusedError
from dashboard.ingest.load import ingest_files
from dashboard.notify import delivery, own_subscriptions
from dashboard.notify.own_subscriptions import Request, Stored
from dashboard.notify.subscriptions import Known
from dashboard.ui import shell
from tests.alert_receivers import MailBox, smtp_server
from tests.apptest import open_page, plain, serving
from tests.fixtures import ticket, write_csv
from tests.test_access import ROLES_TOML, claims, viewer_of

ADDED = datetime(2022, 7, 4, 2, 0, tzinfo=UTC)
RUN = datetime(2022, 7, 4, 20, 0, tzinfo=UTC)  # Tuesday 5 July 03:00 in Bangkok
DIRECTOR = "director.bangkapi@bangkok.go.th"
NAME = f"สรุปรายสัปดาห์ เขต1006 ของ {DIRECTOR}"


def _stamp(day: str, hour: int = 3) -> str:
    return f"2022-{day} {hour:02d}:00:00+00"


TICKETS = [
    # the week of 27 June - 3 July: three reports in 1006, one finished on 1 July
    ticket("W1", code="1006", timestamp=_stamp("06-28"), last_activity=_stamp("06-28")),
    ticket("W2", code="1006", timestamp=_stamp("06-29"), last_activity=_stamp("06-29")),
    ticket("W3", code="1006", timestamp=_stamp("06-30"), state="เสร็จสิ้น",
           last_activity=_stamp("07-01")),
    # the week before: one report
    ticket("E1", code="1006", timestamp=_stamp("06-22"), last_activity=_stamp("06-22")),
    # another district, and the data reaching past the week's end
    ticket("C1", code="1030", timestamp=_stamp("06-29"), last_activity=_stamp("07-04")),
]  # fmt: skip


@pytest.fixture
def loaded(tmp_path: Path, data_dir: Path, store_location: str) -> str:
    csv = write_csv(tmp_path / "t.csv", TICKETS)
    ingest_files(paths=[csv], store_path=store_location, data_dir=data_dir)
    return store_location


@pytest.fixture
def known(data_dir: Path) -> Known:
    return Known(
        districts=boundaries.load_districts(data_dir=data_dir),
        subdistricts=boundaries.load_subdistricts(data_dir=data_dir),
    )


@pytest.fixture
def roles_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("KHETMAP_ROLES", str(path))
    return path


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[MailBox]:
    box = MailBox()
    with smtp_server(box) as port:
        monkeypatch.setenv("KHETMAP_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("KHETMAP_MAIL_FROM", "alerts@khet.example")
        monkeypatch.setenv("KHETMAP_PUBLIC_URL", "https://khet.example/")
        monkeypatch.setenv("KHETMAP_ALERTS_BACKOFF", "0.01")
        yield box


def weekly(viewer: Viewer, *, district: str = "1006", email: str | None = None) -> Request:
    return Request(
        district=district, every="week", rules=("digest",), lang="th",
        email=email if email is not None else viewer.email or "",
    )  # fmt: skip


def test_a_bang_kapi_director_adds_a_weekly_digest_for_1006_which_is_stored_logged_and_mailed_to_their_address(
    loaded: str, known: Known, roles_file: Path, mailbox: MailBox
) -> None:
    director = viewer_of(claims())
    stored = own_subscriptions.add(
        loaded, viewer=director, request=weekly(director), known=known, now=ADDED
    )
    expected = Stored(
        owner=DIRECTOR, district="1006", every="week", name=NAME, lang="th",
        rules=("digest",), email=DIRECTOR, added_at=ADDED,
    )  # fmt: skip
    assert stored == expected
    with store.at(loaded).reader() as con:
        found = own_subscriptions.listed(con, owner="Director.BangKapi@bangkok.go.th")
        logged = writes.log_entries(con)
    assert [replace_time(s) for s in found] == [expected]
    assert logged.drop(columns="written_at").to_dict(orient="records") == [
        {
            "who": DIRECTOR, "role": "director", "action": "manage_subscriptions",
            "district_code": "1006", "target": NAME,
            "detail": f"add: every week, rules digest, to {DIRECTOR}",
        }
    ]  # fmt: skip

    first = delivery.run(location=loaded, subscriptions_path=None, now=RUN)
    assert (first.subscriptions, first.refused) == (1, 0)
    assert (first.sent, first.skipped, first.failed) == (1, 0, 0)
    [message] = mailbox.to(DIRECTOR)
    assert [rcpt for rcpt, _ in mailbox.mails] == [[DIRECTOR]]
    assert str(message["Subject"]) == "สรุปประจำสัปดาห์ เขต1006 27 มิ.ย. 2565 – 3 ก.ค. 2565"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "แจ้งใหม่: 3 เรื่อง (ช่วงก่อนหน้า 1 เรื่อง)" in text
    assert f"“{NAME}”" in text
    second = delivery.run(location=loaded, subscriptions_path=None, now=RUN)
    assert (second.sent, second.skipped, second.failed) == (0, 1, 0)
    assert len(mailbox.mails) == 1


def replace_time(found: Stored) -> Stored:
    """The stored time as a UTC datetime (each backend hands back its own time zone)."""
    from dataclasses import replace

    return replace(found, added_at=found.added_at.astimezone(UTC))


def test_a_forged_request_for_another_address_or_a_district_outside_the_role_is_refused_and_nothing_is_stored(
    loaded: str, known: Known
) -> None:
    director = viewer_of(claims())
    with pytest.raises(WriteRefusedError) as refused:
        own_subscriptions.add(
            loaded, viewer=director, request=weekly(director, email="mayor@bangkok.go.th"),
            known=known, now=ADDED,
        )  # fmt: skip
    assert str(refused.value) == (
        f"{DIRECTOR} may subscribe only their own signed-in address, not 'mayor@bangkok.go.th'"
    )
    with pytest.raises(WriteRefusedError) as refused:
        own_subscriptions.add(
            loaded, viewer=director, request=weekly(director, district="1030"), known=known,
            now=ADDED,
        )  # fmt: skip
    assert str(refused.value) == (
        f"{DIRECTOR} may not manage subscriptions for district '1030': their role does not cover it"
    )
    for nobody in (access.PUBLIC_VIEWER, viewer_of(claims("someone@gmail.com"))):
        with pytest.raises(WriteRefusedError):
            own_subscriptions.add(
                loaded, viewer=nobody, request=weekly(nobody), known=known, now=ADDED
            )
    no_rules = Request(district="1006", every="week", rules=(), lang="th", email=DIRECTOR)
    with pytest.raises(SubscriptionsError) as invalid:
        own_subscriptions.add(loaded, viewer=director, request=no_rules, known=known, now=ADDED)
    assert str(invalid.value) == (
        f'subscription 1 ("{NAME[:40]}") has rules that are not a list of rule names: nothing is '
        "sent for it."
    )
    with pytest.raises(WriteRefusedError):  # another district's staff removes nothing here
        own_subscriptions.remove(
            loaded, viewer=viewer_of(claims("staff.chatuchak@bangkok.go.th")), district="1006",
            every="week", now=ADDED,
        )  # fmt: skip
    with store.at(loaded).reader() as con:
        assert own_subscriptions.listed(con, owner=None) == []
        assert writes.log_entries(con).empty


def test_a_user_removes_only_their_own_subscription_and_the_removal_is_logged(
    tmp_path: Path, data_dir: Path, known: Known
) -> None:
    location = str(tmp_path / "s.duckdb")
    ingest_files(paths=[write_csv(tmp_path / "t.csv", TICKETS)], store_path=location,
                 data_dir=data_dir)  # fmt: skip
    director = viewer_of(claims())
    governor = viewer_of(claims("deputy@governor.bangkok.go.th"))
    own_subscriptions.add(location, viewer=director, request=weekly(director), known=known,
                          now=ADDED)  # fmt: skip
    own_subscriptions.add(location, viewer=governor, request=weekly(governor), known=known,
                          now=ADDED)  # fmt: skip
    own_subscriptions.remove(location, viewer=governor, district="1006", every="week", now=ADDED)
    with store.at(location).reader() as con:
        assert [s.owner for s in own_subscriptions.listed(con, owner=None)] == [DIRECTOR]
        actions = writes.log_entries(con)[["who", "detail"]].to_dict(orient="records")
    assert {(a["who"], a["detail"][:6]) for a in actions} == {
        (DIRECTOR, "add: e"),
        ("deputy@governor.bangkok.go.th", "add: e"),
        ("deputy@governor.bangkok.go.th", "remove"),
    }


def test_a_stored_subscription_whose_owner_lost_the_role_is_refused_at_run_time_in_one_line(
    tmp_path: Path, data_dir: Path, known: Known, roles_file: Path, mailbox: MailBox
) -> None:
    location = str(tmp_path / "s.duckdb")
    ingest_files(paths=[write_csv(tmp_path / "t.csv", TICKETS)], store_path=location,
                 data_dir=data_dir)  # fmt: skip
    director = viewer_of(claims())
    own_subscriptions.add(location, viewer=director, request=weekly(director), known=known,
                          now=ADDED)  # fmt: skip
    roles_file.write_text(ROLES_TOML.replace('districts = ["1006"]', 'districts = ["1030"]'))
    lines: list[str] = []
    summary = delivery.run(location=location, subscriptions_path=None, now=RUN, warn=lines.append)
    assert lines == [
        f"stored subscription '{NAME}': its owner's role no longer covers district '1006' in "
        "the roles file: nothing is sent for it."
    ]
    assert (summary.subscriptions, summary.refused, summary.sent) == (0, 1, 0)
    assert mailbox.mails == []


# --- the page ------------------------------------------------------------------------------


def test_the_district_page_lets_a_signed_in_director_add_and_remove_and_shows_nothing_to_others(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "s.duckdb"
    ingest_files(paths=[write_csv(tmp_path / "t.csv", TICKETS)], store_path=str(location),
                 data_dir=data_dir)  # fmt: skip
    director = viewer_of(claims())
    viewer = {"now": director}
    monkeypatch.setattr(shell, "current_viewer", lambda: viewer["now"])
    title = "รับสรุปและแจ้งเตือนทางอีเมล"
    with serving(location, monkeypatch):
        at = open_page("district", district="1006")
        assert not at.exception
        assert [e.label for e in at.expander if e.label == title] == [title]
        assert any(plain(c.value) == "ท่านยังไม่ได้สมัครรับสรุปของเขตใด" for c in at.caption)
        at.multiselect(key="w_sub_rules").set_value(["digest", "overdue"])
        at.button(key="w_sub_add").click().run()
        assert [plain(s.value) for s in at.success] == [f"สมัครแล้ว: {NAME}"]
        with store.at(str(location)).reader() as con:
            [stored] = own_subscriptions.listed(con, owner=DIRECTOR)
        assert (stored.every, stored.rules, stored.email) == (
            "week", ("digest", "overdue"), DIRECTOR,
        )  # fmt: skip
        listed = [plain(m.value) for m in at.markdown if "สมัครเมื่อ" in m.value]
        assert len(listed) == 1 and listed[0].startswith(
            "เขต1006 รายสัปดาห์: สรุปตัวเลขของช่วง, เรื่องค้างเกิน 2 เท่าของเวลาเป้าหมาย"
        )
        at.button(key="w_unsub_1006_week").click().run()
        assert [plain(s.value) for s in at.success] == ["ยกเลิกแล้ว"]
        with store.at(str(location)).reader() as con:
            assert own_subscriptions.listed(con, owner=None) == []

        for other in (access.PUBLIC_VIEWER, viewer_of(claims("staff.chatuchak@bangkok.go.th"))):
            viewer["now"] = other
            at = open_page("district", district="1006")
            assert not at.exception
            assert [e.label for e in at.expander if e.label == title] == []
            assert [b for b in at.button if b.key == "w_sub_add"] == []
