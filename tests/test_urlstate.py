from __future__ import annotations

from datetime import date
from urllib.parse import unquote_plus

import pytest

from dashboard import i18n
from dashboard.render import urlstate
from dashboard.render.urlstate import (
    NO_DEPARTMENT,
    Known,
    MapView,
    ViewState,
    link,
    notice_lines,
    parse,
    to_params,
)

KNOWN = Known(
    districts=frozenset({"1001", "1030"}),
    subdistricts={"103001": "1030", "103002": "1030", "100101": "1001"},
    categories=frozenset({"ถนน", "น้ำท่วม", "unspecified"}),
)


def as_lists(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def test_full_state_round_trips_through_the_url() -> None:
    state = ViewState(
        district="1030",
        subdistrict="103002",
        since=date(2022, 6, 1),
        until=date(2022, 7, 31),
        categories=("ถนน", "unspecified"),
        state="open",
        metric="open_per_10k",
        heat=True,
        lang="en",
        view=MapView(lat=13.8, lon=100.55, zoom=14),
        q="หลุม",
        sort="oldest",
    )
    params = to_params(state)
    assert params == {
        "district": "1030",
        "subdistrict": "103002",
        "since": "2022-06-01",
        "until": "2022-07-31",
        "category": ["ถนน", "unspecified"],
        "state": "open",
        "metric": "open_per_10k",
        "heat": "1",
        "lang": "en",
        "lat": "13.80000",
        "lon": "100.55000",
        "zoom": "14",
        "q": "หลุม",
        "sort": "oldest",
    }
    parsed, notices = parse(as_lists(params), known=KNOWN)
    assert parsed == state and notices == []


def test_defaults_give_a_bare_link() -> None:
    assert to_params(ViewState()) == {}
    assert link("city", ViewState()) == "/"
    assert (
        link("district", ViewState(district="1001", lang="en")) == "/district?district=1001&lang=en"
    )
    assert link("tickets", ViewState(categories=("ถนน", "น้ำท่วม"))) == (
        "/tickets?category=%E0%B8%96%E0%B8%99%E0%B8%99&category=%E0%B8%99%E0%B9%89%E0%B8%B3%E0%B8%97%E0%B9%88%E0%B8%A7%E0%B8%A1"
    )


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        (
            {"district": ["9999"]},
            "Ignored district=9999 from the link: not a Bangkok district code (1001–1050)",
        ),
        (
            {"since": ["yesterday"]},
            "Ignored since=yesterday from the link: not a date; use YYYY-MM-DD",
        ),
        (
            {"district": ["1" * 10_000]},
            "Ignored district=" + "1" * 40 + "… from the link: longer than 200 characters",
        ),
        (
            {"metric": ["speed"]},
            "Ignored metric=speed from the link: use one of open, total, open_share, open_per_10k, median_days_to_finish, open_over_30, overdue, on_time_share",
        ),
        (
            {"state": ["closed"]},
            "Ignored state=closed from the link: use one of all, open, finished",
        ),
        ({"lang": ["fr"]}, "Ignored lang=fr from the link: use one of th, en"),
        ({"category": ["ufo"]}, "Ignored category=ufo from the link: no such category in the data"),
        (
            {"subdistrict": ["999999"]},
            "Ignored subdistrict=999999 from the link: not a Bangkok subdistrict code",
        ),
        (
            {"district": ["1001"], "subdistrict": ["103001"]},
            "Ignored subdistrict=103001 from the link: it is in district 1030, not 1001",
        ),
        (
            {"since": ["2022-07-01"], "until": ["2022-06-01"]},
            "Ignored until=2022-06-01 from the link: it is before since=2022-07-01",
        ),
        (
            {"lat": ["48.8"], "lon": ["2.35"], "zoom": ["12"]},
            "Ignored lat/lon=48.8,2.35 from the link: not a point in or near Bangkok",
        ),
        (
            {"lat": ["13.7"], "lon": ["100.5"], "zoom": ["40"]},
            "Ignored zoom=40 from the link: use a zoom from 8 to 19",
        ),
        ({"heat": ["yes"]}, "Ignored heat=yes from the link: use 1 (on) or 0 (off)"),
        ({"file": ["/etc/passwd"]}, "Ignored file=/etc/passwd from the link: unknown parameter"),
    ],
)
def test_bad_values_become_notices_and_defaults(params: dict[str, list[str]], notice: str) -> None:
    state, notices = parse(params, known=KNOWN)
    assert [n.text("en") for n in notices] == [notice]
    defaults = ViewState()
    assert state.since is None or state.since == date(2022, 7, 1)
    assert state.metric == defaults.metric and state.lang == defaults.lang and state.view is None
    assert state.subdistrict is None


def test_subdistrict_alone_implies_its_district() -> None:
    state, notices = parse({"subdistrict": ["103002"]}, known=KNOWN)
    assert (state.district, state.subdistrict, notices) == ("1030", "103002", [])


def test_repeated_and_duplicate_categories() -> None:
    state, _ = parse({"category": ["ถนน", "น้ำท่วม", "ถนน"]}, known=KNOWN)
    assert state.categories == ("ถนน", "น้ำท่วม")


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        (
            {"until": ["9999-12-31"]},
            "Ignored until=9999-12-31 from the link: use a date from 2015-01-01 to 2100-12-31",
        ),
        (
            {"since": ["0001-01-01"]},
            "Ignored since=0001-01-01 from the link: use a date from 2015-01-01 to 2100-12-31",
        ),
        ({"min_n": ["²"]}, "Ignored min_n=² from the link: use a number from 1 to 100000"),
        ({"fast_h": ["²"]}, "Ignored fast_h=² from the link: use a number from 0.25 to 168"),
        ({"fast_h": ["0"]}, "Ignored fast_h=0 from the link: use a number from 0.25 to 168"),
        ({"res": ["7"]}, "Ignored res=7 from the link: use one of 8, 9"),
        ({"points": ["random"]}, "Ignored points=random from the link: use one of oldest, newest"),
    ],
)
def test_values_that_used_to_raise_become_notices(
    params: dict[str, list[str]], notice: str
) -> None:
    state, notices = parse(params, known=KNOWN)
    assert [n.text("en") for n in notices] == [notice]
    assert (state.since, state.until, state.min_n, state.fast_h, state.res) == (
        None,
        None,
        30,
        1.0,
        8,
    )


def test_review_settings_round_trip_as_typed_fields() -> None:
    state = ViewState(res=9, min_n=5, fast_h=2.5, points="newest", search_in="all")
    params = to_params(state)
    assert params == {"in": "all", "points": "newest", "res": "9", "min_n": "5", "fast_h": "2.5"}
    assert parse(as_lists(params), known=KNOWN) == (state, [])


def test_a_parameter_name_is_cut_short_like_a_value() -> None:
    name = "![x](https://evil.example/x.png)" + "a" * 500
    _, notices = parse({name: ["1"]}, known=KNOWN)
    assert notices[0].text("en") == f"Ignored {name[:40]}…=1 from the link: unknown parameter"


def test_notices_speak_the_page_language() -> None:
    _, notices = parse({"district": ["9999"]}, known=KNOWN)
    assert notices[0].text("th") == (
        "ไม่ได้ใช้ค่า district=9999 จากลิงก์: ไม่ใช่รหัสเขตของกรุงเทพฯ (1001–1050)"
    )


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"lat": ["๑๓.๗"], "lon": ["100.5"], "zoom": ["12"]}, "๑๓.๗,100.5,12"),
        ({"lat": ["1_3.75"], "lon": ["100.5"], "zoom": ["12"]}, "1_3.75,100.5,12"),
        ({"lat": ["13.75"], "lon": ["10_0.5"], "zoom": ["12"]}, "13.75,10_0.5,12"),
        ({"lat": ["13.75"], "lon": ["100.5"], "zoom": ["๑๒"]}, "13.75,100.5,๑๒"),
        ({"lat": ["13.75"], "lon": ["100.5"], "zoom": ["1_2"]}, "13.75,100.5,1_2"),
        ({"lat": [" 13.75"], "lon": ["100.5"], "zoom": ["12"]}, " 13.75,100.5,12"),
        ({"lat": ["1e1"], "lon": ["100.5"], "zoom": ["12"]}, "1e1,100.5,12"),
    ],
)
def test_a_map_view_in_other_than_ascii_digits_gives_a_notice_and_the_fitted_view(
    params: dict[str, list[str]], shown: str
) -> None:
    state, notices = parse(params, known=KNOWN)
    assert state.view is None
    assert [n.text("en") for n in notices] == [
        f"Ignored lat/lon/zoom={shown} from the link: not numbers"
    ]


@pytest.mark.parametrize("day", ["๒๐๒๒-๐๖-๐๑", "20220601", "2022-W22-3", "2022-06-01T00:00"])
def test_a_date_not_written_yyyy_mm_dd_in_ascii_digits_is_ignored(day: str) -> None:
    state, notices = parse({"since": [day], "as_of": [day]}, known=KNOWN)
    assert (state.since, state.as_of) == (None, None)
    assert [n.text("en") for n in notices] == [
        f"Ignored since={day} from the link: not a date; use YYYY-MM-DD",
        f"Ignored as_of={day} from the link: not a date; use YYYY-MM-DD",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [("min_n", "๕"), ("min_n", "1_0"), ("fast_h", "๒.๕"), ("res", "๙"), ("district", "๑๐๐๑")],
)
def test_other_numbers_in_thai_digits_are_ignored(name: str, value: str) -> None:
    state, notices = parse({name: [value]}, known=KNOWN)
    assert (state.min_n, state.fast_h, state.res, state.district) == (30, 1.0, 8, None)
    assert [(n.name, n.value) for n in notices] == [(name, value)]


def test_a_map_view_in_ascii_digits_is_still_read() -> None:
    state, notices = parse({"lat": ["13.75"], "lon": ["100.50000"], "zoom": ["12"]}, known=KNOWN)
    assert (state.view, notices) == (MapView(lat=13.75, lon=100.5, zoom=12), [])


def test_three_hundred_unknown_parameters_make_five_lines_and_a_count() -> None:
    params = {f"p{i:03d}": ["1"] for i in range(300)}
    _, notices = parse(params, known=KNOWN)
    assert len(notices) == 300
    assert notice_lines(notices, lang="en") == [
        "Ignored p000=1 from the link: unknown parameter",
        "Ignored p001=1 from the link: unknown parameter",
        "Ignored p002=1 from the link: unknown parameter",
        "Ignored p003=1 from the link: unknown parameter",
        "Ignored p004=1 from the link: unknown parameter",
        "and 295 more values from the link were ignored",
    ]
    assert notice_lines(notices, lang="th")[-1] == "และไม่ได้ใช้ค่าอื่นจากลิงก์อีก 295 ค่า"
    assert notice_lines(notices[:5], lang="en")[-1] == (
        "Ignored p004=1 from the link: unknown parameter"
    )
    assert notice_lines([], lang="en") == []


def test_a_departments_map_filter_round_trips_through_the_link_and_refuses_control_characters() -> (
    None
):
    for unit in ("ฝ่ายโยธา", NO_DEPARTMENT, "การไฟฟ้านครหลวง MEA"):
        state = ViewState(district="1001", department=unit)
        url = link("district", state)
        assert url.startswith("/district?district=1001&dept=")
        query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
        parsed, notices = parse({k: [unquote_plus(v)] for k, v in query.items()}, known=KNOWN)
        assert (parsed, notices) == (state, [])
    parsed, notices = parse({"dept": ["ฝ่าย\u202eโยธา"]}, known=KNOWN)
    assert parsed.department is None
    assert [n.name for n in notices] == ["dept"]


def test_a_page_applies_only_its_filters_and_every_page_names_its_own() -> None:
    state = ViewState(
        district="1001",
        since=date(2022, 5, 1),
        until=date(2022, 6, 30),
        categories=("ถนน",),
        state="open",
        predicted=True,
        lang="en",
    )
    assert urlstate.filtered("city", state) == state
    assert urlstate.filtered("review", state) == state.with_(state="all")
    assert urlstate.filtered("about", state) == ViewState(district="1001", lang="en")
    # the link keeps every filter: the page only ignores it
    assert urlstate.link("about", state) == (
        "/about?district=1001&since=2022-05-01&until=2022-06-30&category=%E0%B8%96%E0%B8%99%E0%B8%99"
        "&state=open&predicted=1&lang=en"
    )


@pytest.mark.parametrize(
    ("given", "picked"),
    [("en", "en"), ("th", "th"), (None, "th"), ("", "th"), ("EN", "th"), ("fr", "th"), (1, "th")],
)
def test_a_language_from_outside_is_th_or_en_and_anything_else_is_thai(
    given: object, picked: str
) -> None:
    assert i18n.pick_lang(given) == picked
    assert i18n.pick_lang(given, default="en") == (picked if given in ("en", "th") else "en")
