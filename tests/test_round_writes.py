"""Returning a round's evidence and locking a round from the district page (issues 33, 34):
a signed-in Bang Kapi director does both in the page (AppTest, `at.user` as the identity
provider's claims); the server refuses a round of another district however it is asked; each
write is one row of the write log; a dashboard that reads through a role that may only read
writes through `KHETMAP_WRITE_STORE`.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import FileUploader

from dashboard import access, config, store
from dashboard.access import Viewer, roles, writes
from dashboard.cli import main
from dashboard.errors import StoreError, WriteRefusedError
from dashboard.ingest.load import ingest_files
from dashboard.render import rounds, urlstate
from dashboard.ui import shell
from tests.apptest import APP, grid_with, plain, serving
from tests.conftest import real_data_dir
from tests.test_browser_signin import BANG_KAPI, BANG_KAPI_AT, CHATUCHAK, CHATUCHAK_AT, DIRECTOR
from tests.test_citydata import CITYDATA, citydata_row, write_rows
from tests.test_rounds import png_bytes

KAPI, CHAT = "เขตบางกะปิ", "เขตจตุจักร"
ROLES = f"""
[[grant]]
email = "{DIRECTOR}"
role = "director"
districts = ["{BANG_KAPI}"]
"""
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def office_rows() -> list[dict[str, str]]:
    """Two Bang Kapi tickets for ฝ่ายโยธา, one for ฝ่ายเทศกิจ; one Chatuchak ticket."""
    return [
        citydata_row("KAPI1", f"{KAPI}, ฝ่ายโยธา {KAPI}", coords=BANG_KAPI_AT),
        citydata_row("KAPI2", f"{KAPI}, ฝ่ายโยธา {KAPI}", coords=BANG_KAPI_AT),
        citydata_row("KAPI3", f"{KAPI}, ฝ่ายเทศกิจ {KAPI}", coords=BANG_KAPI_AT),
        citydata_row("CHAT1", f"{CHAT}, ฝ่ายโยธา {CHAT}", coords=CHATUCHAK_AT),
    ]


def new_round(location: str, district: str, folder: Path) -> int:
    folder.mkdir(exist_ok=True)
    args = ["round", "new", "--district", district, "--out", str(folder), "--store", location]
    assert main(args) == 0
    with store.at(location).reader() as con:
        return int(rounds.listing(con, district=district)["round_id"].iloc[0])


def offices(tmp_path: Path, location: str) -> tuple[int, int]:
    """The store at `location` with the office rows and a round each: (Bang Kapi's round,
    Chatuchak's round)."""
    csv = write_rows(tmp_path / "citydata.csv", CITYDATA, office_rows())
    ingest_files(paths=[csv], store_path=location, data_dir=real_data_dir())
    return new_round(location, BANG_KAPI, tmp_path / "r1"), new_round(
        location, CHATUCHAK, tmp_path / "r2"
    )


def director() -> Viewer:
    known = frozenset({BANG_KAPI, CHATUCHAK})
    return access.viewer_from_claims(
        {"is_logged_in": True, "email": DIRECTOR, "iat": NOW.timestamp() - 60},
        roles=roles.parse(ROLES, known_districts=known, source="roles.toml"),
        roles_usable=True,
        now=NOW,
        session_hours=12,
    )


def stored(
    location: str,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], pd.DataFrame]:
    """(evidence rows, rounds' locks, the write log) of the store."""
    with store.at(location).reader() as con:
        evidence = con.execute(
            "SELECT round_id, unit, file_name, media_type, size, returned_at FROM round_evidence "
            "ORDER BY returned_at"
        ).fetchall()
        locks = con.execute("SELECT round_id, locked_at FROM rounds ORDER BY round_id").fetchall()
        return evidence, locks, writes.log_entries(con)


@pytest.fixture
def signed_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-in set up (the page asks `shell.signin_configured`, which reads the server's
    secrets; `at.user` stands in for the provider's claims) with the roles file."""
    (tmp_path / "roles.toml").write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("KHETMAP_ROLES", str(tmp_path / "roles.toml"))
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(real_data_dir()))
    monkeypatch.setattr(shell, "signin_configured", lambda: True)


def district_page(district: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.user = {"is_logged_in": True, "email": DIRECTOR, "email_verified": True,
               "name": "Somchai", "iat": int(time.time()) - 60}  # fmt: skip
    at.query_params["district"] = district
    at.query_params["section"] = "week"
    at.switch_page(urlstate.PAGES["district"].file)
    return at.run()


def uploaders(at: AppTest, round_id: int) -> dict[str, FileUploader]:
    """Label → the evidence upload of each unit of the round."""
    return {
        u.label: u
        for u in at.file_uploader
        if re.fullmatch(rf"upload_{round_id}_\d+_\d+", str(u.key))
    }


@pytest.mark.usefixtures("signed_in")
def test_bang_kapis_director_returns_evidence_and_locks_a_round_in_the_page_each_write_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = str(tmp_path / "store.duckdb")
    kapi_round, chat_round = offices(tmp_path, location)
    with serving(Path(location), monkeypatch):
        at = district_page(BANG_KAPI)
        assert not at.exception
        offered = uploaders(at, kapi_round)
        assert sorted(offered) == ["ส่งหลักฐานของฝ่ายเทศกิจ", "ส่งหลักฐานของฝ่ายโยธา"]
        offered["ส่งหลักฐานของฝ่ายโยธา"].set_value(
            ("sheet.png", b"<html>not an image</html>", "image/png")
        )
        at.run()
        assert [plain(e.value) for e in at.error] == [
            "ไม่ได้บันทึก: เนื้อไฟล์ไม่ใช่ภาพถ่าย (PNG, JPEG, WebP) หรือ PDF ที่สมบูรณ์ ไม่ว่าชื่อไฟล์จะเป็นอะไร"
        ]
        assert stored(location)[0] == []

        uploaders(at, kapi_round)["ส่งหลักฐานของฝ่ายโยธา"].set_value(
            ("ใบงานลงนาม.png", png_bytes(), "image/png")
        )
        at.run()
        assert not at.exception and not at.error
        assert [plain(s.value) for s in at.success] == [
            f"บันทึกหลักฐานของฝ่ายโยธา ในรอบที่ {kapi_round} แล้ว (ใบงานลงนาม.png)"
        ]
        evidence, _, logged = stored(location)
        assert [row[:5] for row in evidence] == [
            (kapi_round, "ฝ่ายโยธา", "ใบงานลงนาม.png", "image/png", len(png_bytes()))
        ]
        panel = grid_with(at, "หลักฐาน")  # read again on the run after the write
        assert panel["หลักฐาน"].tolist() == ["ส่งแล้ว", "ยังไม่ส่ง"]  # type: ignore[index]

        at.button(key=f"lock_{kapi_round}").click().run()
        assert [plain(s.value) for s in at.success] == [f"ปิดรอบที่ {kapi_round} แล้ว รอบนี้ไม่รับหลักฐานอีก"]
        assert uploaders(at, kapi_round) == {}
        assert not [b for b in at.button if b.key == f"lock_{kapi_round}"]
    evidence, locks, logged = stored(location)
    assert len(evidence) == 1 and evidence[0][5] is not None
    assert locks[0][0] == kapi_round and locks[0][1] is not None
    assert locks[1] == (chat_round, None)
    assert logged.drop(columns="written_at").sort_values("action").to_dict("records") == [
        {"who": DIRECTOR, "role": "director", "action": "lock_round",
         "district_code": BANG_KAPI, "target": str(kapi_round), "detail": ""},
        {"who": DIRECTOR, "role": "director", "action": "return_evidence",
         "district_code": BANG_KAPI, "target": str(kapi_round),
         "detail": f"ฝ่ายโยธา: ใบงานลงนาม.png (image/png, {len(png_bytes()):,} bytes)"},
    ]  # fmt: skip


@pytest.mark.usefixtures("signed_in")
def test_the_same_director_sees_another_districts_rounds_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = str(tmp_path / "store.duckdb")
    _, chat_round = offices(tmp_path, location)
    rounds.owner_write(  # Chatuchak's evidence is back: a signed sheet can hold names
        location,
        lambda con: rounds.add_evidence(
            con, round_id=chat_round,
            unit=str(rounds.find(con, round_id=chat_round).units["unit"].iloc[0]),
            name="sheet.png", content=png_bytes(), kind="image/png", at=NOW,
        ),
    )  # fmt: skip
    with serving(Path(location), monkeypatch):
        at = district_page(CHATUCHAK)
    assert not at.exception
    assert uploaders(at, chat_round) == {}
    # the evidence is not offered to a director of another district (nor to the public)
    assert not [b for b in at.get("download_button") if "หลักฐาน" in b.proto.label]
    assert not [b for b in at.button if str(b.key).startswith("lock_")]
    assert "หน้านี้แสดงรอบรายงานอย่างเดียว" in " ".join(c.value for c in at.caption)


def test_a_round_of_another_district_is_refused_on_the_server_and_nothing_is_stored(
    tmp_path: Path, store_location: str
) -> None:
    kapi_round, chat_round = offices(tmp_path, store_location)
    viewer = director()
    forged = [  # Chatuchak's round asked for as Bang Kapi's, and as Chatuchak's
        (BANG_KAPI, chat_round, "is not a round of district '1006'"),
        (CHATUCHAK, chat_round, "may not return evidence for district '1030'"),
    ]
    for district, round_id, said in forged:
        with pytest.raises(WriteRefusedError, match=said):
            rounds.return_evidence(store_location, viewer=viewer, district=district,
                                   round_id=round_id, unit="ฝ่ายโยธา", name="x.png",
                                   content=png_bytes(), now=NOW)  # fmt: skip
    with pytest.raises(WriteRefusedError, match="is not a round of district '1006'"):
        rounds.lock_as(store_location, viewer=viewer, district=BANG_KAPI, round_id=chat_round,
                       now=NOW)  # fmt: skip
    with pytest.raises(WriteRefusedError, match="may not lock round for district '1030'"):
        rounds.lock_as(store_location, viewer=viewer, district=CHATUCHAK, round_id=chat_round,
                       now=NOW)  # fmt: skip
    with pytest.raises(WriteRefusedError):  # not signed in: refused for its own district too
        rounds.lock_as(store_location, viewer=access.PUBLIC_VIEWER, district=BANG_KAPI,
                       round_id=kapi_round, now=NOW)  # fmt: skip
    evidence, locks, logged = stored(store_location)
    assert evidence == [] and logged.empty
    assert locks == [(kapi_round, None), (chat_round, None)]


def test_a_dashboard_reading_as_a_read_only_role_writes_through_the_write_store_setting(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kapi_round, _ = offices(tmp_path, pg_url)
    role = f"r{uuid.uuid4().hex[:10]}"
    assert main(["grant-reader", role, "--store", pg_url]) == 0
    reader_url = pg_url.replace("//khetmap@", f"//{role}@")
    monkeypatch.setenv("KHETMAP_STORE", reader_url)
    monkeypatch.delenv("KHETMAP_WRITE_STORE", raising=False)
    assert config.write_location() == reader_url
    with pytest.raises(StoreError, match="permission denied"):
        rounds.lock_as(config.write_location(), viewer=director(), district=BANG_KAPI,
                       round_id=kapi_round, now=NOW)  # fmt: skip
    assert stored(reader_url)[1][0] == (kapi_round, None) and stored(reader_url)[2].empty

    monkeypatch.setenv("KHETMAP_WRITE_STORE", pg_url)
    rounds.lock_as(config.write_location(), viewer=director(), district=BANG_KAPI,
                   round_id=kapi_round, now=NOW)  # fmt: skip
    _, locks, logged = stored(reader_url)  # the dashboard's own role reads the lock and its row
    assert locks[0] == (kapi_round, pd.Timestamp(NOW).to_pydatetime())
    assert logged[["who", "action", "target"]].values.tolist() == [
        [DIRECTOR, "lock_round", str(kapi_round)]
    ]
