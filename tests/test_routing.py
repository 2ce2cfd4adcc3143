"""Routing: department named in the data, else outside agency, else category, else the
classifier's category, else not yet routed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis import routing
from dashboard.analysis.routing import Route, Routing, route
from dashboard.errors import RoutingError

TABLE = Routing(by_category={"ถนน": "โยธา", "ความสะอาด": "รักษาความสะอาดและสวนสาธารณะ"})


def _route(orgs: list[str], categories: list[str], predicted: list[str] = []) -> Route:  # noqa: B006
    return route(
        organisations=orgs,
        categories=categories,
        predicted=predicted,
        district_name_th="บางกะปิ",
        routing=TABLE,
    )


def test_a_department_the_data_names_wins_over_everything_else() -> None:
    orgs = ["เขตบางกะปิ", "ฝ่ายโยธา เขตบางกะปิ", "การไฟฟ้านครหลวง MEA"]
    assert _route(orgs, ["ความสะอาด"]) == Route(units=("ฝ่ายโยธา",), how="named")


def test_a_ticket_naming_two_departments_goes_to_both_once_each() -> None:
    orgs = ["ฝ่ายโยธา เขตบางกะปิ", "ฝ่ายเทศกิจ เขตบางกะปิ", "ฝ่ายโยธา  เขตบางกะปิ"]
    assert _route(orgs, []) == Route(units=("ฝ่ายโยธา", "ฝ่ายเทศกิจ"), how="named")


def test_an_outside_agency_the_data_names_comes_before_the_category_rule() -> None:
    orgs = ["เขตบางกะปิ", "การไฟฟ้านครหลวง MEA"]
    assert _route(orgs, ["ถนน"]) == Route(units=("การไฟฟ้านครหลวง MEA",), how="agency")


def test_the_city_and_the_district_office_alone_leave_the_category_rule_to_decide() -> None:
    orgs = ["กรุงเทพมหานคร", "เขตบางกะปิ"]
    assert _route(orgs, ["ความสะอาด", "ถนน"]) == Route(units=("ฝ่ายโยธา",), how="category")


def test_an_untyped_ticket_is_routed_by_its_predicted_category() -> None:
    assert _route([], [], ["ความสะอาด"]) == Route(
        units=("ฝ่ายรักษาความสะอาดและสวนสาธารณะ",), how="predicted"
    )


def test_a_prediction_never_overrides_the_citizens_own_category() -> None:
    assert _route([], ["น้ำท่วม"], ["ถนน"]) == Route(units=(), how="unrouted")


def test_a_ticket_nothing_routes_is_not_yet_routed() -> None:
    assert _route(["เขตบางกะปิ"], []) == Route(units=(), how="unrouted")


def test_a_ten_kilobyte_department_name_is_cut_and_a_bare_prefix_ignored() -> None:
    long_name = "ฝ่าย" + "ก" * 10_000
    found = routing.named_departments([long_name, "ฝ่าย", " , "])
    assert found == (long_name[: routing.MAX_NAME_CHARS],)


def test_the_shipped_table_gives_every_category_a_department_of_the_ten() -> None:
    shipped = routing.shipped()
    assert len(shipped.by_category) == 23
    assert set(shipped.by_category.values()) <= set(routing.DEPARTMENTS)
    assert shipped.department_for(["ถนน"]) == "โยธา"
    assert shipped.department_for(["การเดินทาง"]) is None


def test_a_city_file_named_by_the_setting_replaces_the_shipped_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "routing.toml"
    own.write_text('[categories]\n"ถนน" = "เทศกิจ"\n', encoding="utf-8")
    monkeypatch.setenv("KHETMAP_ROUTING", str(own))
    loaded = routing.load()
    assert loaded.by_category == {"ถนน": "เทศกิจ"}
    assert loaded.source == str(own)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[categories]\n"ถนน" = "ฝ่ายโยธา"\n', "is not one of the ten departments"),
        ("[other]\nx = 1\n", "unknown section"),
        ("[categories\n", "not valid TOML"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "not valid TOML"),
    ],
)
def test_a_bad_routing_file_is_one_line_naming_the_problem(
    tmp_path: Path, text: str, said: str
) -> None:
    bad = tmp_path / "routing.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RoutingError, match=said) as caught:
        routing.load(bad)
    assert "\n" not in str(caught.value)


def test_a_device_or_a_folder_is_refused_without_reading_it(tmp_path: Path) -> None:
    for path in (Path("/dev/zero"), tmp_path):
        with pytest.raises(RoutingError, match="not a regular file"):
            routing.load(path)


def test_a_shortened_department_name_is_the_department_it_stands_for() -> None:
    orgs = ["ฝ่ายรักษาความสะอาดฯ เขตบางกะปิ", "ฝ่ายรักษาความสะอาด เขตบางกะปิ", "ฝ่ายสิ่งแวดล้อมฯ"]
    assert routing.named_departments(orgs) == (
        "ฝ่ายรักษาความสะอาดและสวนสาธารณะ",
        "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล",
    )
    assert routing.named_departments(["ฝ่ายงานพิเศษ เขตบางกะปิ"]) == ("ฝ่ายงานพิเศษ",)
