from __future__ import annotations

import duckdb
import pyarrow as pa

from dashboard.ingest.normalise import parse_records
from dashboard.ingest.sources import RAW_COLUMNS
from dashboard.vocab import CANONICAL_STATES

EXPECTED = {
    "รอรับเรื่อง": "waiting",
    "ส่งต่อ(ใหม่)": "forwarded",
    "ส่งเรื่องแล้ว": "forwarded",
    "กำลังดำเนินการ": "in_progress",
    "เสร็จสิ้น": "finished",
    "ไม่เกี่ยวข้อง": "irrelevant",
    "": "unknown",
    "   ": "unknown",
    # was "other" before Traffy's twelve statuses were mapped (issue 34): in progress, open
    "ของบประมาณ": "in_progress",
    "start": "waiting",
    "forward": "forwarded",
    # was in_progress: Traffy counts follow-up (ติดตามเรื่อง) as irrelevant (issue 34)
    "follow": "irrelevant",
    "inprogress": "in_progress",
    "finish": "finished",
    "irrelevant": "irrelevant",
    "open": "waiting",
    "closed": "finished",
    "รับเรื่อง": "in_progress",
    "ศึกษาปัญหา": "in_progress",
    "จัดทำนโยบาย": "in_progress",
    "จัดซื้อจัดจ้าง": "in_progress",
    "ขั้นตอนทางกฎหมาย": "in_progress",
    "ติดตามเรื่อง": "irrelevant",
    "แปลก": "other",
}


def test_state_labels_map_exactly_in_the_ingest_query() -> None:
    """The mapping ingest really uses: the SQL in `parse_records`, run on each label."""
    labels = list(EXPECTED)
    columns = {name: pa.array([""] * len(labels)) for name in RAW_COLUMNS}
    columns["state"] = pa.array(labels)
    columns["timestamp"] = pa.array(["2022-06-01 00:00:00+00"] * len(labels))
    columns["source_record"] = pa.array(range(1, len(labels) + 1), pa.int64())
    con = duckdb.connect()
    parsed = parse_records(con, pa.table(columns))
    got = dict(zip(labels, parsed["state"].to_pylist(), strict=True))
    assert got == EXPECTED
    assert set(got.values()) <= set(CANONICAL_STATES)
    assert parsed["state_label"].to_pylist()[8] == "ของบประมาณ"  # the original label is kept
