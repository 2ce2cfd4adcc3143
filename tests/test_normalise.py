from __future__ import annotations

import pytest

from dashboard.normalise import CANONICAL_STATES, canonical_state


@pytest.mark.parametrize(
    ("label", "state"),
    [
        ("รอรับเรื่อง", "waiting"),
        ("ส่งต่อ(ใหม่)", "forwarded"),
        ("ส่งเรื่องแล้ว", "forwarded"),
        ("กำลังดำเนินการ", "in_progress"),
        ("เสร็จสิ้น", "finished"),
        ("ไม่เกี่ยวข้อง", "irrelevant"),
        ("", "unknown"),
        ("   ", "unknown"),
        (None, "unknown"),
        ("ของบประมาณ", "other"),
        ("start", "waiting"),
        ("forward", "forwarded"),
        ("follow", "in_progress"),
        ("inprogress", "in_progress"),
        ("finish", "finished"),
        ("irrelevant", "irrelevant"),
    ],
)
def test_state_labels_map_exactly(label: str | None, state: str) -> None:
    assert canonical_state(label) == state
    assert state in CANONICAL_STATES
