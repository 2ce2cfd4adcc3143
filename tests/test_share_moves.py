"""'Better' and 'worse' rest on each district's open share against the city's own change,
never on report volume (the brief's summary and the review page's league read them)."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis import review


def _league(rows: list[tuple[str, int, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["code", "tickets", "open", "tickets_before", "open_before"]
    ).assign(eligible=True)


def test_a_fall_in_reports_alone_is_neither_better_nor_worse() -> None:
    # the city: 30% open before, 40% now (the older period has had longer to close)
    league = _league(
        [
            ("1001", 430, 172, 1757, 527),  # reports fell 1,757 -> 428: same 30% -> 40% move
            ("1002", 5000, 2000, 5000, 1500),
            ("1003", 5000, 2000, 5000, 1500),
        ]
    )
    assert review.share_moves(league).empty


def test_a_district_whose_open_share_rose_beyond_the_citys_is_worse_by_the_difference() -> None:
    league = _league(
        [
            ("1001", 1000, 700, 1000, 300),  # 30% -> 70%: +40 points
            ("1002", 9000, 3600, 9000, 2700),  # 30% -> 40%: the city's +10 (near enough)
            ("1003", 1000, 200, 1000, 300),  # 30% -> 20%: -10 points
        ]
    )
    moves = review.share_moves(league)
    city = (700 + 3600 + 200) / 11000 - (300 + 2700 + 300) / 11000
    assert moves["code"].tolist() == ["1001", "1003"]
    assert moves["move"].round(4).tolist() == [round(0.4 - city, 4), round(-0.1 - city, 4)]
    assert (moves["low"] > 0).iloc[0] and (moves["high"] < 0).iloc[1]


def test_the_drivers_say_how_reports_and_the_open_share_moved() -> None:
    league = _league([("1001", 1131, 573, 2479, 600)])
    text = review.Drivers.of(league).text("en")
    assert "1,131 against 2,479" in text and "(-54%)" in text and "51% against 24%" in text


def test_every_ranked_district_has_its_move_and_only_those_beyond_noise_are_marked() -> None:
    league = _league(
        [
            ("1001", 1000, 700, 1000, 300),  # 30% -> 70%
            ("1002", 9000, 3600, 9000, 2700),  # 30% -> 40%: about the city's own move
            ("1003", 1000, 200, 1000, 300),  # 30% -> 20%
            ("1004", 20, 9, 0, 0),  # nothing before: no move
        ]
    )
    league.loc[league["code"] == "1003", "eligible"] = False  # too few to rank: left out
    moves = review.open_share_moves(league)
    city = (700 + 3600 + 200 + 9) / 11020 - (300 + 2700 + 300) / 11000
    assert moves["code"].tolist() == ["1001", "1002"]
    assert moves["move"].round(4).tolist() == [round(0.4 - city, 4), round(0.1 - city, 4)]
    assert moves["beyond_noise"].tolist() == [True, False]
    assert review.share_moves(league)["code"].tolist() == ["1001"]


def test_a_move_is_printed_in_whole_points_with_its_sign() -> None:
    assert [review.share_points(m) for m in (0.25, -0.151, 0.004, -0.004)] == [
        "+25",
        "-15",
        "0",
        "0",
    ]
