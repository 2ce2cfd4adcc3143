"""Roles, viewers, what they see whole, and writes checked on the server (no browser)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard import access, store
from dashboard.access import Viewer, privacy, roles, writes
from dashboard.access.privacy import EVERYTHING, PUBLIC, Disclosure
from dashboard.access.roles import Role
from dashboard.errors import RolesError, WriteRefusedError
from dashboard.ingest.load import ingest_files
from tests.fixtures import ticket, write_csv

KNOWN = frozenset({"1006", "1030", "1001"})
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ROLES_TOML = """
[[grant]]
email = "Director.BangKapi@bangkok.go.th"
role = "director"
districts = ["1006"]

[[grant]]
email = "staff.chatuchak@bangkok.go.th"
role = "staff"
districts = ["1030", "1001"]

[[grant]]
domain = "governor.bangkok.go.th"
role = "governor"

[[grant]]
email = "it@governor.bangkok.go.th"
role = "admin"
"""
PHONE_AND_NAME = "ฝาท่อแตกหน้าบ้าน แจ้งโดยนายสมปอง รักดี โทร 089-159-8998"
PHONE_AND_NAME_REDACTED = "ฝาท่อแตกหน้าบ้าน แจ้งโดยนาย[ชื่อ] โทร [เบอร์โทร]"


def parsed(text: str = ROLES_TOML) -> roles.Roles:
    return roles.parse(text, known_districts=KNOWN, source="roles.toml")


def claims(email: object = "director.bangkapi@bangkok.go.th", **more: object) -> dict[str, object]:
    found: dict[str, object] = {
        "is_logged_in": True,
        "email": email,
        "name": "Somchai",
        "iat": NOW.timestamp() - 3600,
    }
    found.update(more)
    return {k: v for k, v in found.items() if v is not None}


def viewer_of(found: dict[str, object] | None, *, usable: bool = True) -> Viewer:
    return access.viewer_from_claims(
        found, roles=parsed(), roles_usable=usable, now=NOW, session_hours=12
    )


def test_an_address_has_its_own_role_before_its_domains_and_case_does_not_matter() -> None:
    found = parsed()
    assert found.role_for("DIRECTOR.bangkapi@Bangkok.go.th") == Role(
        "director", frozenset({"1006"})
    )
    assert found.role_for("somsri@governor.bangkok.go.th") == Role("governor")
    assert found.role_for("it@governor.bangkok.go.th") == Role("admin")
    assert found.role_for("someone@bangkok.go.th") is None
    assert found.role_for("no-at-sign") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[grant]]\nemail = "a@b.go.th"\nrole = "boss"',
            "roles file roles.toml: grant 1: unknown role 'boss' (known: governor, director, staff, admin)",
        ),
        (
            '[[grant]]\nemail = "a@b.go.th"\nrole = "director"\ndistricts = ["1006"]\n'
            '[[grant]]\nemail = "A@b.go.th"\nrole = "director"\ndistricts = ["1030"]',
            "roles file roles.toml: grant 2: email 'a@b.go.th' is listed twice with different "
            "roles or districts",
        ),
        (
            '[[grant]]\nemail = "a@b.go.th"\nrole = "staff"\ndistricts = ["9999"]',
            "roles file roles.toml: grant 1: no district has the code '9999'",
        ),
        (
            '[[grant]]\nemail = "a@b.go.th"\nrole = "director"',
            "roles file roles.toml: grant 1: role 'director' needs districts = [\"1006\", …] "
            "(district codes)",
        ),
        (
            '[[grant]]\ndomain = "b.go.th"\nrole = "governor"\ndistricts = ["1006"]',
            "roles file roles.toml: grant 1: role 'governor' covers every district: remove "
            "'districts'",
        ),
        (
            '[[grant]]\nemail = "not an address"\nrole = "admin"',
            "roles file roles.toml: grant 1: 'not an address' is not an e-mail address",
        ),
        (
            '[[grant]]\nemail = "a@b.go.th"\ndomain = "b.go.th"\nrole = "admin"',
            "roles file roles.toml: grant 1: give one of email or domain",
        ),
        (
            '[[grant]]\nemail = "a@b.go.th"\nrole = "admin"\nexpires = 2027',
            "roles file roles.toml: grant 1: unknown key 'expires' (known: districts, domain, "
            "email, role)",
        ),
        (
            '[people]\n"a@b.go.th" = "admin"',
            "roles file roles.toml: unknown section 'people' (expected [[grant]] entries)",
        ),
        ("grant = 3", "roles file roles.toml: 'grant' must be [[grant]] entries (at most 10,000)"),
    ],
)
def test_a_bad_roles_file_is_refused_whole_in_one_line(text: str, message: str) -> None:
    with pytest.raises(RolesError) as refused:
        parsed(text)
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_the_same_grant_twice_is_not_a_conflict() -> None:
    entry = '[[grant]]\nemail = "a@b.go.th"\nrole = "staff"\ndistricts = ["1006"]\n'
    assert parsed(entry + entry).role_for("a@b.go.th") == Role("staff", frozenset({"1006"}))


def test_a_roles_file_that_is_not_a_regular_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(RolesError) as refused:
        roles.load(known_districts=KNOWN, path=tmp_path)
    assert str(refused.value) == (
        f"roles file {tmp_path} is not a regular file (a folder, pipe or device)"
    )


def test_a_director_sees_their_district_whole_and_may_write_only_there() -> None:
    director = viewer_of(claims())
    assert director.problem is None
    assert director.disclosure == Disclosure(districts=frozenset({"1006"}))
    assert director.own_districts == ("1006",)
    assert access.may(director, action="lock_round", district="1006")
    assert access.may(director, action="return_evidence", district="1006")
    assert not access.may(director, action="lock_round", district="1030")
    assert not access.may(director, action="return_evidence", district="1030")


def test_staff_return_evidence_but_only_directors_lock_and_the_governor_writes_nothing() -> None:
    staff = viewer_of(claims("staff.chatuchak@bangkok.go.th"))
    governor = viewer_of(claims("deputy@governor.bangkok.go.th"))
    admin = viewer_of(claims("it@governor.bangkok.go.th"))
    assert staff.own_districts == ("1001", "1030")
    assert access.may(staff, action="return_evidence", district="1030")
    assert not access.may(staff, action="lock_round", district="1030")
    assert governor.disclosure == EVERYTHING and governor.own_districts == ()
    assert not access.may(governor, action="return_evidence", district="1030")
    assert access.may(admin, action="lock_round", district="1030")


@pytest.mark.parametrize(
    ("found", "problem"),
    [
        (claims(email=None), "no_email"),
        (claims(email="Somchai"), "no_email"),
        (claims(email_verified=False), "unverified"),
        (claims(email_verified="false"), "unverified"),
        (claims(iat=NOW.timestamp() - 13 * 3600), "expired"),
        (claims(iat=None), "expired"),
        (claims(iat="yesterday"), "expired"),
        (claims(iat=NOW.timestamp() + 3600), "expired"),
        (claims("someone@gmail.com"), "no_role"),
    ],
)
def test_a_doubtful_sign_in_gets_the_public_view_and_says_why(
    found: dict[str, object], problem: str
) -> None:
    viewer = viewer_of(found)
    assert viewer.signed_in
    assert viewer.problem == problem
    assert viewer.role is None
    assert viewer.disclosure == PUBLIC
    assert not access.may(viewer, action="return_evidence", district="1006")


def test_a_roles_file_that_cannot_be_used_gives_even_a_director_the_public_view() -> None:
    viewer = viewer_of(claims(), usable=False)
    assert viewer.problem == "roles_unusable" and viewer.disclosure == PUBLIC


def test_not_signed_in_is_the_public_viewer() -> None:
    assert viewer_of(None) == access.PUBLIC_VIEWER
    assert viewer_of({"is_logged_in": False, "email": "x@y.go.th"}) == access.PUBLIC_VIEWER
    assert access.PUBLIC_VIEWER.disclosure == PUBLIC


def test_citizens_text_is_redacted_outside_the_disclosed_districts() -> None:
    frame = pd.DataFrame(
        {
            "ticket_id": ["A", "B", "C", "D"],
            "district_code": ["1006", "1030", None, "1006"],
            "comment": [PHONE_AND_NAME, PHONE_AND_NAME, PHONE_AND_NAME, None],
            "address": ["ชุมชนบุญร่มไทร 061 825 5355"] * 4,
        }
    )
    shown = privacy.protect_tickets(
        frame, disclosure=Disclosure(districts=frozenset({"1006"})), lang="th"
    )
    assert list(shown["comment"][:3]) == [
        PHONE_AND_NAME,
        PHONE_AND_NAME_REDACTED,
        PHONE_AND_NAME_REDACTED,
    ]
    assert pd.isna(shown["comment"][3])  # missing stays missing
    assert list(shown["address"]) == [
        "ชุมชนบุญร่มไทร 061 825 5355",
        "ชุมชนบุญร่มไทร [เบอร์โทร]",
        "ชุมชนบุญร่มไทร [เบอร์โทร]",
        "ชุมชนบุญร่มไทร 061 825 5355",
    ]
    assert frame["comment"][1] == PHONE_AND_NAME  # the cached frame is left as it was
    assert privacy.protect_tickets(frame, disclosure=EVERYTHING, lang="th") is frame
    assert privacy.citizen_text(PHONE_AND_NAME, lang="en", whole=False) == (
        "ฝาท่อแตกหน้าบ้าน แจ้งโดยนาย[name] โทร [phone]"
    )
    assert privacy.citizen_text(None, lang="th", whole=True) == ""


def test_a_search_finds_a_redacted_ticket_only_by_what_is_still_shown() -> None:
    found = pd.DataFrame(
        {
            "ticket_id": ["A", "B"],
            "district_code": ["1006", "1030"],
            "comment": [PHONE_AND_NAME, PHONE_AND_NAME],
            "address": ["", ""],
        }
    )
    disclosure = Disclosure(districts=frozenset({"1006"}))
    shown = privacy.protect_tickets(found, disclosure=disclosure, lang="th")

    def kept(q: str) -> list[str]:
        keep = privacy.still_found(shown, found, q=q, scope="comment", disclosure=disclosure)
        return list(found["ticket_id"][keep])

    assert kept("089-159") == ["A"]
    assert kept("สมปอง") == ["A"]
    assert kept("ฝาท่อ") == ["A", "B"]
    assert kept("") == ["A", "B"]


# --- writes, checked on the server and logged ---------------------------------------


def round_table(con: store.Reader) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS test_rounds (round_id VARCHAR, district_code VARCHAR, "
        "locked BOOLEAN)"
    )


def lock_round(location: str, viewer: Viewer, *, district: str, round_id: str) -> None:
    """A round-shaped write, as a page's 'lock this round' button would call it."""

    def change(con: store.Reader) -> None:
        round_table(con)
        con.execute("INSERT INTO test_rounds VALUES (?, ?, TRUE)", [round_id, district])

    writes.checked_write(
        location,
        viewer=viewer,
        write=writes.Write(action="lock_round", district=district, target=round_id),
        change=change,
        now=NOW,
    )


def test_a_director_of_one_district_cannot_lock_or_return_evidence_for_another_and_allowed_writes_are_logged(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    csv = write_csv(tmp_path / "t.csv", [ticket("T-1", code="1006"), ticket("T-2", code="1030")])
    ingest_files(paths=[csv], store_path=store_location, data_dir=data_dir)
    director = viewer_of(claims())
    with pytest.raises(WriteRefusedError) as refused:
        lock_round(store_location, director, district="1030", round_id="2026-W49-1030")
    assert str(refused.value) == (
        "director.bangkapi@bangkok.go.th may not lock round for district '1030': their role "
        "does not cover it"
    )
    with pytest.raises(WriteRefusedError):
        writes.checked_write(
            store_location,
            viewer=director,
            write=writes.Write(action="return_evidence", district="1030", target="T-2"),
            change=round_table,
            now=NOW,
        )
    with pytest.raises(WriteRefusedError):
        lock_round(store_location, access.PUBLIC_VIEWER, district="1006", round_id="r")
    with store.at(store_location).reader() as con:
        assert not store.has_table(con, "test_rounds")
        assert writes.log_entries(con).empty
    lock_round(store_location, director, district="1006", round_id="2026-W49-1006")
    with store.at(store_location).reader() as con:
        assert con.execute("SELECT * FROM test_rounds").fetchall() == [
            ("2026-W49-1006", "1006", True)
        ]
        logged = writes.log_entries(con)
    assert logged.drop(columns="written_at").to_dict(orient="records") == [
        {
            "who": "director.bangkapi@bangkok.go.th",
            "role": "director",
            "action": "lock_round",
            "district_code": "1006",
            "target": "2026-W49-1006",
            "detail": "",
        }
    ]
    assert pd.Timestamp(logged["written_at"][0]) == pd.Timestamp(NOW)


@pytest.mark.parametrize(
    ("value", "on"),
    [(None, True), ("1", True), ("", True), ("no", True), ("0", False), (" 0 ", False)],
)
def test_only_a_redact_setting_of_0_switches_redaction_off(
    monkeypatch: pytest.MonkeyPatch, value: str | None, on: bool
) -> None:
    from dashboard import config

    if value is None:
        monkeypatch.delenv("KHETMAP_REDACT", raising=False)
    else:
        monkeypatch.setenv("KHETMAP_REDACT", value)
    assert config.redaction_on() is on


@pytest.mark.parametrize(
    ("value", "hours"),
    [("8", 8.0), ("0.5", 0.5), ("0", 12.0), ("nan", 12.0), ("721", 12.0), ("x", 12.0)],
)
def test_the_session_length_is_read_strictly(
    monkeypatch: pytest.MonkeyPatch, value: str, hours: float
) -> None:
    from dashboard import config

    monkeypatch.setenv("KHETMAP_SESSION_HOURS", value)
    assert config.session_hours() == hours
