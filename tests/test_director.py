"""The district director's week on hand-built tickets: targets and overdue, on-time share
(and 'not available' without finish times), period changes with their intervals, the
recurrence register, the responsibility split and the action sheet read back by openpyxl."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

from dashboard import boundaries, cli, store
from dashboard.analysis import director, metrics, targets
from dashboard.analysis.change import Period, count_change, share_change
from dashboard.analysis.filters import Filters
from dashboard.errors import TargetsError
from dashboard.ingest.load import ingest_files
from dashboard.store import Reader, queries
from dashboard.vocab import local_midnight
from tests.fixtures import centre, ticket, write_csv

AS_OF = local_midnight(date(2022, 7, 1))  # 2022-06-30 17:00 UTC
TARGETS = targets.parse(
    '[default]\ndays = 30\n[categories]\n"ถนน" = 15\n"น้ำท่วม" = 3\n', source="test"
)
# metres to degrees near the fixture's districts (13.6°N)
DEG_PER_M_LAT = 1 / 110_574
DEG_PER_M_LON = 1 / (111_320 * 0.9720)

DUE_TICKETS = [
    # open: age 29 days (> 15: overdue by 14)
    ticket("A", timestamp="2022-06-01 12:00:00+00"),
    # open: age 10 days (not overdue)
    ticket("B", timestamp="2022-06-20 12:00:00+00", state="กำลังดำเนินการ"),
    # open, two categories: due at the shortest (3 days), age 5: overdue by 2
    ticket("C", timestamp="2022-06-25 12:00:00+00", type_="{ถนน,น้ำท่วม}"),
    # open, untyped: the default 30 days, age 25: not overdue
    ticket("D", timestamp="2022-06-05 12:00:00+00", type_="{}"),
    # finished in 9 days against 15: on time (ratio 0.6)
    ticket(
        "E",
        state="เสร็จสิ้น",
        timestamp="2022-06-01 00:00:00+00",
        last_activity="2022-06-10 00:00:00+00",
    ),
    # finished in 7 days against 3: late (ratio 2.333…)
    ticket(
        "F",
        state="เสร็จสิ้น",
        type_="{น้ำท่วม}",
        timestamp="2022-06-01 00:00:00+00",
        last_activity="2022-06-08 00:00:00+00",
    ),
    # another district: open and overdue (age 60 > 30)
    ticket("G", code="1002", timestamp="2022-05-01 12:00:00+00", type_="{}"),
]


def _store(tmp_path: Path, data_dir: Path, location: str, rows: list[dict[str, str]]) -> str:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=location, data_dir=data_dir
    )
    return location


@pytest.fixture
def con(tmp_path: Path, data_dir: Path, store_location: str) -> Iterator[Reader]:
    _store(tmp_path, data_dir, store_location, DUE_TICKETS)
    with store.at(store_location).reader() as reader:
        yield reader


def week(con: Reader, district: str = "1001", **kwargs: object) -> pd.DataFrame:
    return director.week_tickets(
        con,
        filters=Filters(district=district),
        as_of=kwargs.get("as_of", AS_OF),
        targets=TARGETS,  # type: ignore[arg-type]
    )


def test_open_tickets_are_overdue_past_their_shortest_target_on_both_backends(con: Reader) -> None:
    judged = week(con).set_index("ticket_id")
    assert judged.loc["A", "target_days"] == 15 and judged.loc["A", "days_overdue"] == 14
    assert judged.loc["C", "target_days"] == 3 and judged.loc["C", "days_overdue"] == 2
    assert judged.loc["D", "target_days"] == 30 and not judged.loc["D", "overdue"]
    assert sorted(judged.index[judged["overdue"]]) == ["A", "C"]
    figures = director.due_figures(judged.reset_index())
    assert (figures.open, figures.overdue, figures.timed, figures.on_time) == (4, 2, 2, 1)
    assert figures.on_time_share == 0.5
    assert figures.ratio == pytest.approx((9 / 15 + 7 / 3) / 2)
    due = director.open_due(judged.reset_index())
    assert list(due["ticket_id"]) == ["A", "C", "D", "B"]  # most overdue, then oldest
    assert due.loc[0, "due_day"] == date(2022, 6, 16)


def test_the_city_metrics_overdue_and_on_time_share_come_from_the_area_summary(
    con: Reader, data_dir: Path
) -> None:
    frame = metrics.area_summary(
        con,
        by="district",
        layer=boundaries.load_districts(),
        population=None,
        filters=Filters(),
        as_of=AS_OF,
        targets=TARGETS,
    ).set_index("code")
    assert frame.loc["1001", "overdue"] == 2 and frame.loc["1002", "overdue"] == 1
    assert frame.loc["1001", "on_time_share"] == 0.5
    assert pd.isna(frame.loc["1002", "on_time_share"])  # nothing finished there: no share
    assert frame.loc["1003", "overdue"] == 0


def test_per_category_each_ticket_is_judged_against_that_categorys_target(con: Reader) -> None:
    table = director.by_category(week(con), TARGETS).set_index("category")
    assert table.loc["ถนน", ["target_days", "open", "overdue", "timed", "on_time"]].tolist() == [
        15,
        3,
        1,
        1,
        1,
    ]
    assert table.loc["น้ำท่วม", ["target_days", "open", "overdue", "timed", "on_time"]].tolist() == [
        3,
        1,
        1,
        1,
        0,
    ]
    assert table.loc["unspecified", ["target_days", "open", "overdue"]].tolist() == [30, 1, 0]
    assert table.loc["ถนน", "ratio"] == pytest.approx(9 / 15)


def test_on_time_share_is_not_available_without_finish_times(
    tmp_path: Path, data_dir: Path
) -> None:
    rows = [ticket("E", state="เสร็จสิ้น", last_activity=""), ticket("A", last_activity="")]
    location = _store(tmp_path, data_dir, str(tmp_path / "s.duckdb"), rows)
    with store.at(location).reader() as con:
        judged = week(con)
        frame = metrics.area_summary(
            con, by="district", layer=boundaries.load_districts(), population=None,
            filters=Filters(), as_of=AS_OF, targets=TARGETS,
        ).set_index("code")  # fmt: skip
    figures = director.due_figures(judged)
    assert figures.timed == 0 and figures.on_time_share is None and figures.ratio is None
    assert pd.isna(frame.loc["1001", "on_time_share"])
    week_ = director.since_last_week(judged, as_of_day=date(2022, 6, 30))
    assert week_.finished is None  # a finished ticket without a time: unknown, not zero


def test_a_count_change_has_an_exact_poisson_interval_and_a_noise_verdict() -> None:
    change = count_change(20, 10, now_days=7, before_days=7)
    assert change.change == pytest.approx(1.0)
    low_share, high_share = stats.beta.ppf(0.025, 20, 11), stats.beta.ppf(0.975, 21, 10)
    assert change.low == pytest.approx(low_share / (1 - low_share) - 1)
    assert change.high == pytest.approx(high_share / (1 - high_share) - 1)
    assert change.low < 0 < change.high and change.beyond_noise is False  # 20 vs 10 is noise
    assert count_change(60, 20, now_days=7, before_days=7).beyond_noise is True
    # a period twice as long: the rate per day is compared
    assert count_change(20, 20, now_days=7, before_days=14).change == pytest.approx(1.0)
    assert count_change(0, 0, now_days=7, before_days=7).beyond_noise is None


def test_a_share_change_has_newcombes_interval() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80
    change = share_change(56, 70, 48, 80)
    assert change.change == pytest.approx(0.2)
    assert round(change.low or 0, 4) == 0.0524 and round(change.high or 0, 4) == 0.3339
    assert change.beyond_noise is True


def test_periods_previous_and_last_year_and_whether_the_data_reaches_back() -> None:
    period = Period(date(2022, 6, 1), date(2022, 6, 28))
    assert period.previous() == Period(date(2022, 5, 4), date(2022, 5, 31))
    assert period.last_year() == Period(date(2021, 6, 1), date(2021, 6, 28))
    assert Period(date(2024, 2, 29), date(2024, 3, 1)).last_year().since == date(2023, 2, 28)
    tickets = pd.DataFrame(
        {
            "reported_day": [date(2022, 6, 2)] * 3 + [date(2022, 5, 10)],
            "is_open": [True, False, False, True],
            "on_time": [False] * 4,
            "timed": [False] * 4,
        }
    )
    compared = director.compare_period(
        tickets, period=period, earlier=period.previous(), first_day=date(2022, 5, 1)
    )
    assert compared.reaches and compared.rows["reported"].now == 3
    assert compared.rows["reported"].before == 1
    assert compared.rows["open_share"].now == pytest.approx(1 / 3)
    assert compared.rows["on_time_share"].change is None  # nothing timed: cannot compare
    late = director.compare_period(
        tickets, period=period, earlier=period.last_year(), first_day=date(2022, 5, 1)
    )
    assert not late.reaches


def test_since_last_week_counts_new_finished_and_newly_overdue(
    tmp_path: Path, data_dir: Path
) -> None:
    rows = [
        ticket("N1", timestamp="2022-06-28 03:00:00+00"),  # new this week
        ticket("N2", timestamp="2022-06-27 03:00:00+00", state="เสร็จสิ้น",
               last_activity="2022-06-29 03:00:00+00"),  # new and finished this week
        ticket("L1", timestamp="2022-06-20 03:00:00+00"),  # new last week
        # ถนน (15 days): reported 10 June, due 25 June, overdue from 26 June: this week
        ticket("O1", timestamp="2022-06-10 03:00:00+00"),
        # reported 3 June: overdue from 19 June: last week, still open
        ticket("O2", timestamp="2022-06-03 03:00:00+00"),
        # reported 2 June, finished 17 June after falling due on 17 June: not overdue
        ticket("O3", timestamp="2022-06-02 03:00:00+00", state="เสร็จสิ้น",
               last_activity="2022-06-16 03:00:00+00"),
    ]  # fmt: skip
    location = _store(tmp_path, data_dir, str(tmp_path / "w.duckdb"), rows)
    with store.at(location).reader() as con:
        judged = week(con)
    found = director.since_last_week(judged, as_of_day=date(2022, 6, 30))
    assert found.this == Period(date(2022, 6, 24), date(2022, 6, 30))
    assert (found.new.now, found.new.before) == (2, 1)
    assert found.finished is not None and (found.finished.now, found.finished.before) == (1, 0)
    assert found.still_open == 1 and found.open_now == 4
    assert (found.newly_overdue.now, found.newly_overdue.before) == (1, 1)


def _near(lon: float, lat: float, east_m: float, north_m: float) -> str:
    return f"{lon + east_m * DEG_PER_M_LON:.7f},{lat + north_m * DEG_PER_M_LAT:.7f}"


def recurrence_rows(*, with_times: bool) -> list[dict[str, str]]:
    lon, lat = centre("1001")
    done = (lambda day: f"2022-06-{day:02d} 03:00:00+00") if with_times else (lambda day: "")
    return [
        # the same pothole three times within 20 m: two closed, then reported again
        ticket("P1", coords=_near(lon, lat, 0, 0), timestamp="2022-06-01 03:00:00+00",
               state="เสร็จสิ้น", last_activity=done(5)),
        ticket("P2", coords=_near(lon, lat, 12, 5), timestamp="2022-06-10 03:00:00+00",
               state="เสร็จสิ้น", last_activity=done(12)),
        ticket("P3", coords=_near(lon, lat, 6, -12), timestamp="2022-06-20 03:00:00+00"),
        # another category at the same spot: not the same problem
        ticket("S1", coords=_near(lon, lat, 2, 2), type_="{ทางเท้า}",
               timestamp="2022-06-15 03:00:00+00"),
        # the same category 500 m away: another place
        ticket("R1", coords=_near(lon, lat, 500, 0), timestamp="2022-06-21 03:00:00+00"),
        # two reports at one spot, the first finished only after the second came in
        ticket("Q1", coords=_near(lon, lat, -900, 0), timestamp="2022-06-01 03:00:00+00",
               state="เสร็จสิ้น", last_activity=done(25)),
        ticket("Q2", coords=_near(lon, lat, -890, 0), timestamp="2022-06-20 03:00:00+00"),
    ]  # fmt: skip


def test_three_reports_of_one_pothole_two_closed_are_one_recurrence_of_three(
    tmp_path: Path, data_dir: Path
) -> None:
    location = _store(
        tmp_path, data_dir, str(tmp_path / "r.duckdb"), recurrence_rows(with_times=True)
    )
    with store.at(location).reader() as con:
        found = director.recurrences(week(con), radius_m=40)
    assert found.with_finish_times
    register = found.register
    assert len(register) == 1  # Q1/Q2: finished after the later report, no recurrence
    place = register.iloc[0]
    assert (place["category"], place["reports"], place["finished"], place["open"]) == (
        "ถนน",
        3,
        2,
        1,
    )
    assert place["ticket_ids"] == ["P1", "P2", "P3"]
    assert (place["first_report"], place["last_report"]) == (date(2022, 6, 1), date(2022, 6, 20))


def test_without_finish_times_the_weaker_rule_is_used_and_said(
    tmp_path: Path, data_dir: Path
) -> None:
    location = _store(
        tmp_path, data_dir, str(tmp_path / "r.duckdb"), recurrence_rows(with_times=False)
    )
    with store.at(location).reader() as con:
        found = director.recurrences(week(con), radius_m=40)
    assert not found.with_finish_times
    # finished now and reported earlier: P1-P3 and Q1-Q2 both count under the weaker rule
    assert sorted(found.register["reports"].tolist()) == [2, 3]


ORGS = {
    "own": "เขตเขต1001",
    "section": "เขตเขต1001,ฝ่ายโยธา เขตเขต1001",
    "agency": "เขตเขต1001,สำนักการโยธา กทม.",
    "top": "กรุงเทพมหานคร",
}


def test_responsibility_splits_by_the_last_unit_and_counts_tickets_passed_outside(
    tmp_path: Path, data_dir: Path
) -> None:
    rows = [
        ticket("U1", organization=ORGS["own"], timestamp="2022-06-01 12:00:00+00"),
        ticket("U2", organization=ORGS["section"], timestamp="2022-06-25 12:00:00+00"),
        ticket("U3", organization=ORGS["agency"], timestamp="2022-06-01 12:00:00+00"),
        ticket("U4", organization=ORGS["agency"], timestamp="2022-06-28 12:00:00+00"),
        ticket("U5", organization=ORGS["top"], timestamp="2022-06-28 12:00:00+00"),
    ]
    location = _store(tmp_path, data_dir, str(tmp_path / "o.duckdb"), rows)
    with store.at(location).reader() as con:
        found = director.responsibility(week(con), district_name_th="เขต1001")
    assert not found.only_top_level
    assert (found.tickets, found.below_top, found.forwarded_outside) == (5, 4, 2)
    assert found.forwarded_share == 0.5
    units = found.units.set_index("unit")
    assert units.loc["สำนักการโยธา กทม.", ["outside", "open", "overdue"]].tolist() == [True, 2, 1]
    assert units.loc["ฝ่ายโยธา เขตเขต1001", ["outside", "open", "overdue"]].tolist() == [False, 1, 0]
    assert units.loc["เขตเขต1001", "outside"] is False or not units.loc["เขตเขต1001", "outside"]
    assert units.loc["กรุงเทพมหานคร", "open"] == 1


def test_only_the_top_level_organisation_is_said(tmp_path: Path, data_dir: Path) -> None:
    rows = [ticket("T1", organization="กรุงเทพมหานคร"), ticket("T2", organization="กรุงเทพมหานคร")]
    location = _store(tmp_path, data_dir, str(tmp_path / "o.duckdb"), rows)
    with store.at(location).reader() as con:
        found = director.responsibility(week(con), district_name_th="เขต1001")
    assert found.only_top_level and found.forwarded_share is None


def test_khetmap_actions_writes_the_workbook_and_refuses_bad_input(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    location = _store(tmp_path, data_dir, str(tmp_path / "c.duckdb"), DUE_TICKETS)
    out = tmp_path / "week.xlsx"
    code = cli.main(
        ["actions", "--district", "1001", "--lang", "en", "--out", str(out), "--store", location]
    )
    assert code == 0 and openpyxl.load_workbook(out).sheetnames[0] == "Summary"
    assert "4 tickets on 1 department sheets" in capsys.readouterr().out
    assert cli.main(["actions", "--district", "9999", "--out", str(out), "--store", location]) == 2
    bad = tmp_path / "targets.toml"
    bad.write_text('[default]\ndays = 30\n[categories]\n"ถนน" = -4\n', encoding="utf-8")
    monkeypatch.setenv("KHETMAP_TARGETS", str(bad))
    capsys.readouterr()
    assert cli.main(["actions", "--district", "1001", "--out", str(out), "--store", location]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "-4 is outside 1–3650 days" in error[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[default]\ndays = 30\n[categories]\n"ถนน" = 1.5\n', "not a whole number"),
        ('[default]\ndays = "x"\n', "not a number of days"),
        ('[categories]\n"ถนน" = 3\n', "needs a [default] section"),
        ("[default]\ndays = 30\n[extra]\n", "unknown section"),
        ("[default\n", "not valid TOML"),
    ],
)
def test_a_bad_targets_file_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(TargetsError, match=message.replace("[", r"\[")):
        targets.parse(text, source="city.toml")


def test_the_shipped_targets_cover_every_known_category_and_load_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard.i18n import CATEGORY_EN

    monkeypatch.delenv("KHETMAP_TARGETS", raising=False)
    shipped = targets.load()
    assert shipped.shipped and shipped.default_days == 30
    assert set(CATEGORY_EN) - {"unspecified"} <= set(shipped.by_category)
    assert shipped.days_for(["ถนน", "น้ำท่วม"]) == 3 and shipped.days_for([]) == 30


def test_the_kd_tree_places_equal_a_brute_force_grouping_on_random_tickets() -> None:
    rng = np.random.default_rng(1)
    n = 600
    lon0, lat0 = 100.5, 13.7
    frame = pd.DataFrame(
        {
            "ticket_id": [f"T{i:03d}" for i in range(n)],
            "categories": [["ถนน"] if i % 3 else ["ทางเท้า"] for i in range(n)],
            "state": rng.choice(["finished", "waiting"], n),
            "reported_at": pd.date_range("2022-06-01", periods=n, freq="h", tz="UTC"),
            "last_activity": [None] * n,
            "lon": lon0 + rng.uniform(0, 0.01, n),
            "lat": lat0 + rng.uniform(0, 0.01, n),
            "location_issue": [None] * n,
            "subdistrict_code": ["100101"] * n,
            "address": [""] * n,
        }
    )
    frame["is_open"] = frame["state"].eq("waiting")
    frame["reported_day"] = frame["reported_at"].dt.date
    frame["finished_day"] = None
    found = director.recurrences(frame, radius_m=30)
    # brute force: every pair, union-find, the same rule (a finished report before the last)
    x = frame["lon"].to_numpy() * 111_320 * np.cos(np.radians(frame["lat"].mean()))
    y = frame["lat"].to_numpy() * 110_574
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            same = frame["categories"][i] == frame["categories"][j]
            if same and (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 <= 30**2:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    expected = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        finished = [m for m in members if frame["state"][m] == "finished"]
        if finished and min(finished) < max(members):  # reported in index order
            expected.add(tuple(frame["ticket_id"][m] for m in sorted(members)))
    assert len(expected) > 10
    assert {tuple(ids) for ids in found.register["ticket_ids"]} == expected


def test_the_cached_week_leaves_long_texts_out_and_listed_tickets_get_theirs_back_on_both_backends(
    con: Reader,
) -> None:
    full = week(con)
    slim = director.week_tickets(
        con,
        filters=Filters(district="1001"),
        as_of=AS_OF,
        targets=TARGETS,  # type: ignore[arg-type]
        texts=False,
    )
    texts = list(queries.TICKET_TEXTS)
    assert not set(texts) & set(slim.columns)
    pd.testing.assert_frame_equal(slim, full.drop(columns=texts))
    listed = director.open_due(slim).head(3)
    assert len(listed) == 3
    back = director.with_texts(con, listed, filters=Filters(district="1001"))
    assert list(back["ticket_id"]) == list(listed["ticket_id"])  # order kept
    expected = full.set_index("ticket_id").loc[list(listed["ticket_id"]), texts]
    assert back[texts].fillna("").to_numpy().tolist() == expected.fillna("").to_numpy().tolist()
    assert all(back["comment"] == "หลุมบ่อ")
    assert all(back["photo"].str.startswith("https://example.invalid/"))
    none = director.with_texts(con, listed.head(0), filters=Filters(district="1001"))
    assert len(none) == 0 and set(texts) <= set(none.columns)
