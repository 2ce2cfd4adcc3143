"""Thai and English labels for everything the dashboard shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pythainlp.util import thai_strftime

from dashboard.vocab import BANGKOK_TZ

Lang = Literal["th", "en"]
"""A page's, a document's or a message's language."""
LANGS: tuple[Lang, ...] = ("th", "en")
DEFAULT_LANG: Lang = "th"


def pick_lang(value: object, *, default: Lang = DEFAULT_LANG) -> Lang:
    """The language `value` names ('th' or 'en'), else `default`: a language from a link, a
    file or a form becomes a `Lang` here, once."""
    return next((lang for lang in LANGS if lang == value), default)


CATEGORY_EN = {
    "ถนน": "Roads",
    "ทางเท้า": "Sidewalks",
    "น้ำท่วม": "Flooding",
    "แสงสว่าง": "Street lights",
    "ความปลอดภัย": "Safety",
    "ความสะอาด": "Cleanliness",
    "ท่อระบายน้ำ": "Drains",
    "กีดขวาง": "Obstruction",
    "สะพาน": "Bridges",
    "จราจร": "Traffic",
    "สายไฟ": "Power lines",
    "คลอง": "Canals",
    "ต้นไม้": "Trees",
    "เสียงรบกวน": "Noise",
    "สัตว์จรจัด": "Stray animals",
    "ป้าย": "Signs",
    "ร้องเรียน": "Complaints",
    "เสนอแนะ": "Suggestions",
    "คนจรจัด": "Homeless people",
    "การเดินทาง": "Getting around",
    "สอบถาม": "Questions",
    "ห้องน้ำ": "Toilets",
    "ป้ายจราจร": "Traffic signs",
    "PM2.5": "PM2.5",
    "unspecified": "Unspecified",
}
CATEGORY_TH_EXTRA = {"unspecified": "ไม่ระบุ"}

LABELS: dict[str, tuple[str, str]] = {
    # (Thai, English)
    "app_title": ("khetmap · เรื่องร้องเรียนกรุงเทพฯ", "khetmap · Bangkok complaints"),
    "page_city": ("ภาพรวมเมือง", "City overview"),
    "page_district": ("รายเขต", "District"),
    "page_tickets": ("รายการเรื่อง", "Tickets"),
    "page_review": ("ทบทวนระดับเมือง", "City review"),
    "page_about": ("เกี่ยวกับข้อมูล", "About the data"),
    "filters": ("ตัวกรอง", "Filters"),
    "dates": ("ช่วงวันที่แจ้ง", "Reported between"),
    "categories": ("ประเภท", "Categories"),
    "state_group": ("สถานะ", "State"),
    "state_all": ("ทั้งหมด", "All"),
    "state_open": ("ยังไม่เสร็จ", "Open"),
    "state_finished": ("เสร็จสิ้น", "Finished"),
    "language": ("ภาษา", "Language"),
    "metric": ("ตัวชี้วัดบนแผนที่", "Map colour"),
    "heat": ("ชั้นความหนาแน่นเรื่องค้าง", "Heatmap of open complaints"),
    "copy_link": ("คัดลอกลิงก์", "Copy link"),
    "link_help": ("ลิงก์นี้เปิดมุมมองเดียวกันนี้", "This link opens exactly this view"),
    "total": ("เรื่องทั้งหมด", "Total"),
    "open": ("ยังไม่เสร็จ", "Open"),
    "finished_share": ("สัดส่วนเสร็จสิ้น", "Finished share"),
    "median_days": ("มัธยฐานวันจนเสร็จ", "Median days to finish"),
    "as_of": ("ข้อมูล ณ", "Data as of"),
    "no_location": ("ไม่มีตำแหน่งที่ใช้ได้", "No usable location"),
    "ranking": ("อันดับเขต", "District ranking"),
    "district": ("เขต", "District"),
    "subdistrict": ("แขวง", "Subdistrict"),
    "choose_district": ("เลือกเขต", "Choose a district"),
    "all_subdistricts": ("ทุกแขวง", "All subdistricts"),
    "city_median": ("ค่ามัธยฐานของเมือง", "city median"),
    "weekly_trend": ("แนวโน้มรายสัปดาห์: แจ้งใหม่ และ เสร็จสิ้น", "Weekly: opened vs finished"),
    "opened": ("แจ้งใหม่", "Opened"),
    "finished": ("เสร็จสิ้น", "Finished"),
    "week": ("สัปดาห์", "Week"),
    "tickets": ("จำนวนเรื่อง", "Tickets"),
    "category": ("ประเภท", "Category"),
    "open_age": ("อายุเรื่องที่ยังค้าง (วัน)", "Age of open tickets (days)"),
    "oldest_open": ("เรื่องค้างนานที่สุด", "Oldest open tickets"),
    "search": ("ค้นหาข้อความ", "Search text"),
    "sort": ("เรียงตาม", "Sort by"),
    "sort_newest": ("ใหม่สุด", "Newest"),
    "sort_oldest": ("เก่าสุด", "Oldest"),
    "sort_district": ("เขต", "District"),
    "sort_state": ("สถานะ", "State"),
    "download_csv": ("ดาวน์โหลด CSV", "Download CSV"),
    "download_geojson": ("ดาวน์โหลด GeoJSON", "Download GeoJSON"),
    "rows_shown": ("แสดง {shown:,} จาก {total:,} เรื่อง", "Showing {shown:,} of {total:,} tickets"),
    "ticket_id": ("เลขเรื่อง", "Ticket"),
    "state": ("สถานะ", "State"),
    "age_days": ("อายุ (วัน)", "Age (days)"),
    "reported": ("วันที่แจ้ง", "Reported"),
    "comment": ("รายละเอียด", "Comment"),
    "photo": ("ภาพก่อน", "Photo"),
    "photo_after": ("ภาพหลัง", "After"),
    "public_page": ("หน้าเรื่องสาธารณะ", "Public page"),
    "address": ("ที่อยู่", "Address"),
    "no_tickets": ("ไม่มีเรื่องตามตัวกรองนี้", "No tickets match these filters"),
    "sources": ("แหล่งข้อมูลและสัญญาอนุญาต", "Sources and licences"),
    "last_ingest": ("การนำเข้าล่าสุด", "Last ingest"),
    "reconciliation": ("การกระทบยอด", "Reconciliation"),
    "quarantine": ("แถวที่กักไว้ตามเหตุผล", "Quarantined rows by reason"),
    "back_to_city": ("← กลับภาพรวมเมือง", "← Back to the city"),
    "click_hint": ("คลิกเขตบนแผนที่เพื่อดูรายละเอียด", "Click a district on the map to open it"),
    "click_sub_hint": (
        "คลิกแขวงบนแผนที่เพื่อกรองเฉพาะแขวงนั้น",
        "Click a subdistrict on the map to narrow to it",
    ),
    "no_finish_dates": (
        "ข้อมูลชุดนี้ไม่มีวันที่ปิดเรื่อง จึงแสดงเส้นเสร็จสิ้นไม่ได้",
        "This data has no closing dates, so the finished line cannot be drawn",
    ),
    "review_period": (
        "ช่วงที่ทบทวน {since} ถึง {until} · เทียบกับ {psince} ถึง {puntil}",
        "Period {since} to {until} · compared with {psince} to {puntil}",
    ),
    "no_reports_in_period": (
        "ไม่มีเรื่องที่แจ้งในช่วงนี้ จึงไม่มีจุดร้อนให้แสดง",
        "No tickets were reported in this period, so there are no hotspots to show",
    ),
    "hotspots": ("จุดร้อน: เมืองแย่ตรงไหน", "Hotspots: where the city is failing"),
    "hot_kind": ("คำถามของแผนที่", "The map's question"),
    "hot_kind_rate": ("เรื่องค้างมากกว่าที่อื่น (อัตรา)", "Stays unresolved more than elsewhere (rate)"),
    "hot_kind_demand": ("เรื่องแจ้งกระจุกตัว (ความต้องการ)", "Complaints concentrate (demand)"),
    "hot_kind_emerging": ("อะไรแย่ลง (รายสัปดาห์)", "What is getting worse (weekly)"),
    "meaning_rate": (
        "แผนที่นี้ตอบว่า ที่ใดเรื่องที่แจ้งในช่วงนี้ยังค้างอยู่ในสัดส่วนสูงกว่าที่อื่น ช่องพื้นที่ที่มีเรื่องน้อยกว่า {n} เรื่องแสดงเป็น “น้อยเกินกว่าจะตัดสิน” ไม่ใช่จุดเย็น",
        "This map answers where a larger share of the period's complaints is still unresolved than elsewhere. Cells with fewer than {n} reports are shown as “too few to judge”, not cold.",
    ),
    "meaning_demand": (
        "แผนที่นี้ตอบว่า เรื่องแจ้งกระจุกตัวที่ใด ซึ่งส่วนใหญ่ตามจำนวนคนที่อยู่และแจ้งเรื่อง ไม่ได้บอกว่าหน่วยงานทำงานแย่",
        "This map answers where complaints concentrate, which mostly follows where people live and report; it does not show poor service.",
    ),
    "meaning_emerging": (
        "แผนที่นี้ตอบว่า จุดร้อนใดเพิ่งเกิดหรือรุนแรงขึ้นในแต่ละสัปดาห์ของช่วงนี้ วัดจาก{measure}",
        "This map answers which hot spots appeared or grew week by week over the period, measured by {measure}.",
    ),
    "method_rate": (
        "สัดส่วนเรื่องที่ยังค้างของแต่ละเซลล์ H3 (ความละเอียด {res}) ปรับให้เรียบแบบเบส์เชิงประจักษ์ (Marshall 1991 ตาม PySAL) แล้วหา Gi* (เซลล์และวงรอบแรก, ค่า z เชิงวิเคราะห์, ควบคุมอัตราการค้นพบเท็จแบบ Benjamini–Hochberg) สัดส่วนทั้งเมือง {share}",
        "Each H3 cell's (resolution {res}) share of reports still open, smoothed by empirical Bayes (Marshall 1991, as in PySAL esda), then Gi* (the cell and its first ring, analytical z, Benjamini–Hochberg false discovery rate); city share {share}",
    ),
    "method_demand": (
        "จำนวนเรื่องที่แจ้งในแต่ละเซลล์ H3 (ความละเอียด {res}) แล้วหา Gi* (เซลล์และวงรอบแรก, ค่า z เชิงวิเคราะห์, ควบคุมอัตราการค้นพบเท็จแบบ Benjamini–Hochberg)",
        "Reports per H3 cell (resolution {res}), then Gi* (the cell and its first ring, analytical z, Benjamini–Hochberg false discovery rate)",
    ),
    "method_emerging": (
        "{weeks} สัปดาห์เต็มที่จบวันที่ {until}: Gi* ของแต่ละสัปดาห์ (ความเชื่อมั่น 90% หลังควบคุมอัตราการค้นพบเท็จ) และการทดสอบแนวโน้ม Mann-Kendall ของค่า z แต่ละเซลล์ (p < 0.05) จัดกลุ่มตามนิยามการวิเคราะห์จุดร้อนอุบัติใหม่ของ ArcGIS",
        "{weeks} whole weeks ending {until}: Gi* for each week (90% confidence after false discovery rate control) and a Mann-Kendall trend test on each cell's z-series (p < 0.05), categorised with ArcGIS's Emerging Hot Spot Analysis definitions",
    ),
    "measure": ("วัดจาก", "Measured by"),
    "measure_reports": ("จำนวนเรื่องที่แจ้งต่อสัปดาห์", "reports per week"),
    "measure_backlog": ("เรื่องค้าง ณ สิ้นแต่ละสัปดาห์", "the open backlog at each week's end"),
    "emerging_too_short": (
        "ช่วงที่เลือกสั้นเกินไปสำหรับแนวโน้ม: ต้องมีอย่างน้อย {n} สัปดาห์เต็ม",
        "The period is too short for a trend: it needs at least {n} whole weeks",
    ),
    "emerging_no_finish": (
        "ไม่มีในข้อมูลนี้: การย้อนสร้างเรื่องค้างรายสัปดาห์ต้องมีวันที่ปิดเรื่อง แต่เรื่องที่ปิดแล้ว {n} เรื่องไม่มี จึงใช้ได้เฉพาะ “จำนวนเรื่องที่แจ้ง”",
        "Not available in this data: rebuilding the weekly backlog needs closing dates, which {n} closed tickets lack; only “reports per week” can be shown",
    ),
    "emerging_counts": ("ช่องพื้นที่ตามรูปแบบ", "Cells by pattern"),
    "pattern": ("รูปแบบ", "Pattern"),
    "too_few_to_judge": ("น้อยเกินกว่าจะตัดสิน", "too few to judge"),
    "no_hot_areas": (
        "ไม่มีพื้นที่ใดเข้าเกณฑ์ในแผนที่นี้",
        "No area meets the test on this map",
    ),
    "areas_title": ("พื้นที่ที่เขตลงมือได้", "Areas a district can act on"),
    "areas_rule_rate": (
        "แต่ละพื้นที่คือช่องพื้นที่ร้อนที่ติดกันภายในเขตเดียว เรียงตามจำนวนเรื่องค้างที่เกินกว่าอัตราของเมือง (มากสุดก่อน)",
        "Each area is touching hot cells within one district, ranked by open tickets above what the city's rate would give (most first).",
    ),
    "areas_rule_demand": (
        "แต่ละพื้นที่คือช่องพื้นที่ร้อนที่ติดกันภายในเขตเดียว เรียงตามจำนวนเรื่องที่แจ้ง (มากสุดก่อน)",
        "Each area is touching hot cells within one district, ranked by tickets reported (most first).",
    ),
    "areas_rule_emerging": (
        "แต่ละพื้นที่คือช่องพื้นที่ที่เป็นจุดร้อนใหม่ ต่อเนื่อง หรือรุนแรงขึ้น ที่ติดกันภายในเขตเดียว เรียงตามจำนวนเรื่องที่แจ้ง (มากสุดก่อน)",
        "Each area is touching new, consecutive or intensifying hot cells within one district, ranked by tickets reported (most first).",
    ),
    "reports": ("เรื่องที่แจ้ง", "Reports"),
    "excess_open": ("ค้างเกินอัตราของเมือง (เรื่อง)", "Open above the city rate (tickets)"),
    "area_label_district": ("เขต{name}", "{name} district"),
    "area_label_subdistrict": ("แขวง{name}", "{name} subdistrict"),
    "area_label_rank": ("{label} (พื้นที่อันดับ {rank})", "{label} (area {rank})"),
    "oldest_open_ids": ("เรื่องค้างนานสุด", "Oldest open"),
    "shared_with": ("เรื่องของเขตอื่นในพื้นที่", "Other districts' tickets inside"),
    "open_area": ("เปิดพื้นที่นี้", "Open this area"),
    "days_short": ("{n} วัน", "{n} d"),
    "open_share_cell": ("สัดส่วนที่ยังค้าง", "Share still open"),
    "smoothed": ("หลังปรับแบบเบส์เชิงประจักษ์", "after empirical Bayes smoothing"),
    "league": ("ตารางอันดับเขตอย่างเป็นธรรม", "Fair district league table"),
    "league_note": (
        "จัดอันดับเฉพาะเขตที่มีเรื่องอย่างน้อย {n} เรื่องในช่วงนี้ ตัวเลขในวงเล็บคือช่วงความเชื่อมั่น 95%",
        "Only districts with at least {n} tickets in the period are ranked; brackets give 95% intervals",
    ),
    "too_few": ("เรื่องน้อยกว่า {n} (ไม่จัดอันดับ):", "Fewer than {n} tickets (not ranked):"),
    "change": ("เปลี่ยนจากช่วงก่อน", "Change vs previous"),
    "share_move_column": (
        "สัดส่วนเรื่องค้างเปลี่ยนจากช่วงก่อน เทียบกับทั้งเมือง (จุด ยิ่งน้อยยิ่งดี)",
        "Change in open share since the previous period, against the city's (points; lower is better)",
    ),
    "move_mark_note": (
        "{mark} เปลี่ยนต่างจากทั้งเมืองเกินความผันผวนปกติ",
        "{mark} Beyond noise: the change differs from the city's by more than chance.",
    ),
    "per_10k_of_period": ("{label} (เรื่องที่แจ้ง {period})", "{label} (reports of {period})"),
    "league_drivers": (
        "ทั้งเมืองมีเรื่องแจ้งที่ระบุเขตได้ {now:,} เรื่อง ช่วงก่อน {before:,} เรื่อง ({change}) "
        "สัดส่วนที่ยังค้าง {share} ช่วงก่อน {share_before}: เรื่องค้างต่อประชากรขึ้นลงตามจำนวนเรื่องแจ้ง "
        "ส่วนเรื่องของช่วงก่อนมีเวลาปิดนานกว่า จึงค้างน้อยกว่าโดยธรรมชาติ "
        "การบอกว่าเขตใดดีขึ้นหรือแย่ลงจึงเทียบสัดส่วนเรื่องค้างของเขตกับที่ทั้งเมืองเปลี่ยนไป",
        "Reports placed in a district, across the city: {now:,} against {before:,} in the previous period ({change}); "
        "share still open {share} against {share_before}. Open per 10,000 residents follows the "
        "number of reports, and the previous period's tickets have had longer to close, so "
        "'better' and 'worse' compare a district's open share with the city's own change.",
    ),
    "audit": ("ตรวจการปิดเรื่อง: ปิดแล้วไม่ได้แปลว่าแก้แล้ว", "Closure audit: closed is not fixed"),
    "audit_note": ("สัดส่วนของเรื่องที่เสร็จสิ้น: {checks}", "Shares of finished tickets: {checks}."),
    "audit_check_no_after_photo": ("ไม่มีภาพหลัง", "no after-photo"),
    "audit_check_fast_close": ("ปิดภายใน {hours} ชม.", "closed within {hours} h"),
    "audit_check_reopened": ("ถูกเปิดซ้ำ", "reopened"),
    "audit_check_low_star": (
        "ได้ 1–2 ดาว (ในเรื่องที่ให้ดาว)",
        "rated 1–2 stars (of those rated)",
    ),
    "flagged": ("เรื่องที่ถูกตั้งข้อสังเกต", "Flagged tickets"),
    "flag_no_after_photo": ("ไม่มีภาพหลัง", "no after-photo"),
    "flag_fast_close": ("ปิดเร็วผิดปกติ", "closed implausibly fast"),
    "flag_reopened": ("ถูกเปิดซ้ำ", "reopened"),
    "flag_low_star": ("1–2 ดาว", "1–2 stars"),
    "min_tickets": ("จำนวนเรื่องขั้นต่ำเพื่อจัดอันดับ", "Minimum tickets to rank"),
    "fast_hours": ("ปิดเร็วกว่า (ชั่วโมง)", "Closed faster than (hours)"),
    "median_open_age": ("มัธยฐานอายุเรื่องค้าง (วัน)", "Median open age (days)"),
    "brief_title": ("สรุปทบทวนระดับเมือง khetmap", "khetmap city review brief"),
    "download_brief": ("ดาวน์โหลดสรุปสำหรับการประชุม (HTML)", "Download the meeting brief (HTML)"),
    "download_brief_pdf": ("ดาวน์โหลดสรุปสำหรับการประชุม (PDF)", "Download the meeting brief (PDF)"),
    "brief_about": (
        "เอกสาร A4 สำหรับแจกในการประชุม: สรุปห้าบรรทัด แผนที่ ตารางอันดับ การตรวจการปิดเรื่อง ข้อควรระวัง และแหล่งข้อมูล (สร้างเมื่อกดดาวน์โหลด)",
        "An A4 document to hand out: a five-line summary, the map, the league table, the closure audit, caveats and sources (made when you download it)",
    ),
    "brief_summary": ("สรุปห้าบรรทัด", "Summary in five lines"),
    "brief_map": (
        "แผนที่: ที่ใดเรื่องค้างมากกว่าที่อื่น และที่ใดเรื่องแจ้งเพิ่มขึ้น",
        "Map: where complaints stay unresolved more than elsewhere, and where reports are growing",
    ),
    "brief_worsening_legend": (
        "เรื่องแจ้งเพิ่มขึ้น (ใหม่ ต่อเนื่อง รุนแรงขึ้น)",
        "reports growing (new, consecutive, intensifying)",
    ),
    "brief_ask": ("ควรถามเขต: {areas}", "Districts to ask about: {areas}"),
    "brief_ask_area": (
        "{label} มีเรื่องค้าง {open:,} จาก {reports:,} เรื่อง (ค้างเกินอัตราของเมือง {excess} เรื่อง)",
        "{label}: {open:,} of {reports:,} still open ({excess} tickets above the city rate)",
    ),
    "brief_ask_none": (
        "ควรถามเขต: ไม่มีพื้นที่ใดที่เรื่องค้างมากกว่าที่อื่นอย่างมีนัยสำคัญ",
        "Districts to ask about: no area stays unresolved significantly more than elsewhere",
    ),
    "brief_ranking": (
        "อันดับแย่สุดตามเรื่องค้างต่อประชากร 10,000 คน (เรื่องที่แจ้ง {period}): {districts}",
        "Worst ranked by open tickets per 10,000 residents (reports of {period}): {districts}",
    ),
    "brief_worse": (
        "แย่ลง: เขตที่สัดส่วนเรื่องค้างเพิ่มขึ้นมากกว่าที่ทั้งเมืองเปลี่ยนไป (ทั้งเมือง {city_before} → {city_now}) เกินความผันผวนปกติ (ช่วงก่อน → ช่วงนี้): {districts}",
        "Worse: districts whose share of open complaints rose beyond noise, against the city's own change (city {city_before} → {city_now}; previous → this period): {districts}",
    ),
    "brief_no_worse": (
        "แย่ลง: ไม่มีเขตที่สัดส่วนเรื่องค้างเพิ่มขึ้นมากกว่าที่ทั้งเมืองเปลี่ยนไป (ทั้งเมือง {city_before} → {city_now}) เกินความผันผวนปกติ",
        "Worse: no district's share of open complaints rose beyond noise against the city's own change (city {city_before} → {city_now})",
    ),
    "brief_better": (
        "ดีขึ้น: เขตที่สัดส่วนเรื่องค้างลดลงมากกว่าที่ทั้งเมืองเปลี่ยนไป (ทั้งเมือง {city_before} → {city_now}) เกินความผันผวนปกติ (ช่วงก่อน → ช่วงนี้): {districts}",
        "Better: districts whose share of open complaints fell beyond noise, against the city's own change (city {city_before} → {city_now}; previous → this period): {districts}",
    ),
    "brief_no_better": (
        "ดีขึ้น: ไม่มีเขตที่สัดส่วนเรื่องค้างลดลงมากกว่าที่ทั้งเมืองเปลี่ยนไป (ทั้งเมือง {city_before} → {city_now}) เกินความผันผวนปกติ",
        "Better: no district's share of open complaints fell beyond noise against the city's own change (city {city_before} → {city_now})",
    ),
    "brief_move_item": (
        "{name} ({before} → {now}, {move} จุดเมื่อเทียบกับทั้งเมือง)",
        "{name} ({before} → {now}, {move} points against the city)",
    ),
    "brief_closures": (
        "การปิดเรื่อง: เสร็จสิ้น {finished:,} เรื่อง ในจำนวนนี้ปิดโดยไม่มีภาพหลัง {share} ของการปิดเรื่อง มากที่สุดที่ {worst} (ข้อตรวจอื่นอยู่ในหัวข้อตรวจการปิดเรื่อง)",
        "Closures: {finished:,} finished; closed without an after-photo: {share} of closures, most in {worst} (the other checks are under the closure audit)",
    ),
    "brief_closures_no_photos": (
        "การปิดเรื่อง: เสร็จสิ้น {finished:,} เรื่อง ข้อมูลนี้ไม่มีภาพหลังการแก้ไข จึงตรวจการปิดเรื่องด้วยภาพไม่ได้",
        "Closures: {finished:,} finished; this data has no after-photos, so closures cannot be checked against them",
    ),
    "brief_judged_title": (
        "แต่ละข้อตรวจใช้ได้กับการปิดเรื่องกี่ส่วน",
        "On what share of the closures each check rests",
    ),
    "brief_judged": ("{check}: {share}", "{check}: {share}"),
    "judged_share": (
        "ใช้ตรวจได้กับ {share} ของการปิดเรื่อง",
        "can be applied to {share} of closures",
    ),
    "judged_all": ("ใช้ตรวจได้กับการปิดเรื่องทุกเรื่อง", "can be applied to every closure"),
    "list_and": ("{first} และ{last}", "{first} and {last}"),
    "brief_worst_each": ("{names} เขตละ {share}", "{names}, {share} each"),
    "brief_map_left_out": (
        "ชื่อเขตที่จะซ้อนทับกันไม่ได้แสดง ({n} เขต)",
        "{n} district names that would overlap are left out",
    ),
    "cannot_judge_why": ("ตรวจไม่ได้ เพราะ{why}", "cannot be judged: {why}"),
    "brief_methods": ("วิธีคำนวณ", "How it is computed"),
    "brief_audit_total": (
        "รวมเรื่องที่เสร็จสิ้นในช่วงนี้ {finished:,} เรื่อง (เฉพาะเรื่องที่ระบุเขตได้)",
        "In all, {finished:,} tickets were finished in the period (those placed in a district).",
    ),
    "method_moves": (
        "ดีขึ้นและแย่ลง: สัดส่วนเรื่องค้าง (เรื่องที่ยังไม่เสร็จ ณ วันนี้ ÷ เรื่องที่แจ้ง) ของแต่ละเขต ช่วงนี้เทียบช่วงก่อน "
        "ลบด้วยที่ทั้งเมืองเปลี่ยนไป ช่วงความเชื่อมั่น 95% แบบ Newcombe (Wilson) ของผลต่างของเขต "
        "เกินความผันผวนปกติเมื่อช่วงไม่คร่อมศูนย์ เฉพาะเขตที่มีเรื่องพอจัดอันดับ จำนวนเรื่องแจ้งไม่ใช้ตัดสินว่าดีขึ้นหรือแย่ลง",
        "Better and worse: each district's open share (tickets open today ÷ reports) this period "
        "against the previous one, less the city's own change; Newcombe's 95% interval (Wilson) "
        "for the district's difference; beyond noise when the interval leaves out zero; only "
        "districts with enough tickets to rank. Report volume never decides better or worse.",
    ),
    "method_league": (
        "ตารางอันดับ: เรื่องค้าง ณ วันนี้ของเรื่องที่แจ้งในช่วงที่ทบทวน ต่อประชากรทะเบียนราษฎร 10,000 คน "
        "ช่วงความเชื่อมั่น 95% แบบปัวซองแม่นตรง คอลัมน์การเปลี่ยนแปลงคือสัดส่วนเรื่องค้างเทียบกับทั้งเมือง "
        "ตามข้อดีขึ้นและแย่ลง (* เมื่อเกินความผันผวนปกติ)",
        "League table: today's open tickets among the review period's reports per 10,000 "
        "registered residents, with an exact Poisson 95% interval; the change column is the open "
        "share against the city's, as for better and worse (* when beyond noise).",
    ),
    "method_audit": (
        "ตรวจการปิดเรื่อง: ไม่มีภาพหลัง (ช่องภาพหลังว่าง photo_after), ปิดภายใน {hours} ชม. "
        "(เวลาปิดเรื่อง last_activity ลบเวลาแจ้ง), ถูกเปิดซ้ำ (count_reopen > 0), 1–2 ดาว (star) "
        "แต่ละข้อนับเฉพาะเรื่องที่มีค่านั้น",
        "Closure audit: no after-photo (photo_after blank), closed within {hours} h (last_activity "
        "minus the report time), reopened (count_reopen > 0), 1–2 stars (star); each check counts "
        "only tickets that carry its field.",
    ),
    "brief_closures_none": (
        "การปิดเรื่อง: ไม่มีเรื่องที่เสร็จสิ้นในช่วงนี้",
        "Closures: no ticket was finished in this period",
    ),
    "brief_league_unit": (
        "หน่วย: เรื่องค้างต่อประชากร 10,000 คน (ช่วงความเชื่อมั่น 95%)",
        "Unit: open tickets per 10,000 residents (95% interval)",
    ),
    "brief_caveats": ("ข้อควรระวัง", "Caveats"),
    "this_map": ("แผนที่นี้", "This map"),
    "the_rate_map": ("แผนที่อัตราเรื่องค้าง", "The unresolved-rate map"),
    "brief_as_of": ("ข้อมูล ณ {as_of} (เวลากรุงเทพฯ)", "Data as of {as_of} (Bangkok time)"),
    "brief_meta": ("ข้อมูล ณ {as_of} · จัดทำเมื่อ {made}", "Data as of {as_of} · made {made}"),
    "photo_open": ("เปิดภาพ", "open photo"),
    "photo_after_open": ("เปิดภาพหลัง", "open after-photo"),
    "rank": ("อันดับ", "Rank"),
    "error_title": ("เกิดปัญหา", "Something went wrong"),
    "internal_error": (
        "แสดงมุมมองนี้ไม่ได้เพราะเกิดข้อผิดพลาดภายใน ลองตัวกรองอื่นหรือโหลดหน้าใหม่ หากยังเป็นอยู่ โปรดแจ้งลิงก์ที่เปิด",
        "This view could not be drawn because of an internal error. Try another filter or "
        "reload the page; if it persists, report the link you opened.",
    ),
    "store_why_missing": (
        "ยังไม่มีข้อมูลให้แสดง: ผู้ดูแลระบบต้องนำเข้าข้อมูลก่อน",
        "There is no data to show yet: the administrator has to load it first.",
    ),
    "store_why_unreadable": (
        "อ่านฐานข้อมูลไม่ได้ จึงแสดงหน้านี้ไม่ได้ โปรดแจ้งผู้ดูแลระบบ (รายละเอียดอยู่ในบันทึกของเซิร์ฟเวอร์)",
        "The data store cannot be read, so this page cannot be shown. Please tell the "
        "administrator (the details are in the server's log).",
    ),
    "store_why_unreachable": (
        "ติดต่อฐานข้อมูลไม่ได้ในขณะนี้ ลองโหลดหน้าใหม่ในอีกสักครู่ หากยังเป็นอยู่ โปรดแจ้งผู้ดูแลระบบ",
        "The database cannot be reached right now. Reload the page in a minute; if it "
        "persists, please tell the administrator.",
    ),
    "store_why_slow": (
        "มุมมองนี้ใช้เวลาคำนวณนานเกินกำหนด ลองเลือกช่วงวันที่ให้สั้นลงหรือพื้นที่ให้เล็กลง",
        "This view took longer than allowed to compute. Try a shorter period or a smaller area.",
    ),
    "empty_store": (
        "ยังไม่มีเรื่องในฐานข้อมูล: ผู้ดูแลระบบต้องนำเข้าข้อมูลก่อน (วิธีอยู่ในคู่มือของ khetmap)",
        "The store has no tickets yet: run khetmap ingest FILE (or khetmap run, which ingests the default data).",
    ),
    "sync_stale": (
        "ข้อมูลปรับปรุงครั้งล่าสุดเมื่อ {when} ซึ่งนานกว่า {hours} ชั่วโมงแล้ว: การดึงข้อมูลประจำวันอาจหยุดทำงาน "
        "ตัวเลขในหน้านี้อาจไม่เป็นปัจจุบัน",
        "The data was last synced {when}, more than {hours} hours ago: the daily sync may have "
        "stopped, and the figures here may be out of date.",
    ),
    "source_api": ("API สาธารณะ", "public API"),
    "source_dump": ("ไฟล์ดัมพ์ CSV", "CSV dump"),
    "as_of_view": (
        "กำลังดูงานค้าง ณ วันที่ {day} จากภาพรวมรายวัน{kind}: ตัวเลขคือจำนวนเรื่องตามเขต แขวง ประเภท "
        "สถานะ และอายุที่บันทึกไว้ในวันนั้น",
        "Viewing the backlog as of {day} from the daily snapshot{kind}: the figures are the "
        "counts by district, subdistrict, category, state and age kept that day.",
    ),
    "as_of_backfilled": (
        " (ย้อนสร้างจากเวลาแจ้งและเวลาเปลี่ยนสถานะล่าสุด ไม่ใช่ภาพที่บันทึกในวันนั้น)",
        " (backfilled from report and last-change times, not recorded on the day)",
    ),
    "as_of_nearest": (
        "ไม่มีภาพรวมของวันที่ {asked}: ใช้วันก่อนหน้าที่ใกล้ที่สุดคือ {day}",
        "There is no snapshot for {asked}: showing the nearest earlier one, {day}.",
    ),
    "as_of_none": (
        "ไม่มีภาพรวมรายวันในหรือก่อนวันที่ {asked}: ประวัติงานค้างเริ่มจากการดึงข้อมูลจาก Traffy ครั้งแรก จึงแสดงข้อมูลปัจจุบันแทน",
        "No daily snapshot on or before {asked}: the backlog's history starts with the first "
        "sync, so this shows today's data.",
    ),
    "as_of_dates_ignored": (
        "ช่วงวันที่ที่เลือกไม่ใช้กับภาพรวมรายวัน: ภาพรวมนับทุกเรื่องที่แจ้งจนถึงวันนั้น",
        "The chosen date range does not apply to a snapshot: it counts every ticket reported "
        "up to that day.",
    ),
    "as_of_needs_tickets": (
        "ส่วนนี้ต้องใช้ข้อมูลรายเรื่อง ซึ่งภาพรวมรายวันไม่ได้เก็บไว้ (เก็บเฉพาะจำนวน): "
        "จึงดูย้อนหลังไม่ได้ ล้างวันที่ที่ดูย้อนหลังออกจากลิงก์เพื่อดูข้อมูลปัจจุบัน",
        "This part needs individual tickets, which a daily snapshot does not keep (only counts): "
        "it cannot be shown as of a past date. Remove the past date from the link to see today's data.",
    ),
    "as_of_page_live": (
        "หน้านี้ต้องใช้ข้อมูลรายเรื่อง ซึ่งภาพรวมรายวันไม่ได้เก็บไว้: จึงแสดงข้อมูลปัจจุบัน ไม่ใช่ ณ วันที่ {day}",
        "This page needs individual tickets, which a daily snapshot does not keep: it shows "
        "today's data, not {day}.",
    ),
    "as_of_metric": (
        "{metric}: ภาพรวมรายวันไม่ได้เก็บค่านี้ (เก็บจำนวนตามสถานะและอายุ): แสดงจำนวนเรื่องค้างแทน",
        "{metric}: a daily snapshot does not keep this (it keeps counts by state and age): "
        "showing open tickets instead.",
    ),
    "backlog_history": ("งานค้างตามช่วงเวลา", "Open backlog over time"),
    "backlog_history_none": (
        "ยังไม่มีประวัติงานค้าง: ภาพรวมรายวันเริ่มเก็บเมื่อดึงข้อมูลจาก Traffy ครั้งแรก "
        "และข้อมูลนี้ไม่มีเวลาเปลี่ยนสถานะล่าสุดที่จะใช้ย้อนสร้างวันก่อนหน้าได้",
        "No backlog history yet: daily snapshots start with the first sync from Traffy, and "
        "this data has no last-change times to backfill earlier days from.",
    ),
    "backlog_history_backfilled": (
        "จุดกลวงคือวันที่ย้อนสร้างจากเวลาแจ้งและเวลาเปลี่ยนสถานะล่าสุด ({share} ของเรื่องมีเวลานี้) "
        "จุดทึบคือภาพรวมที่บันทึกเมื่อดึงข้อมูลในวันนั้น",
        "Hollow points are backfilled from report and last-change times ({share} of tickets have "
        "one); filled points were recorded by a sync that day.",
    ),
    "backlog_history_categories": (
        "เลือกหลายประเภท: เรื่องที่อยู่ในสองประเภทที่เลือกนับในแต่ละประเภท",
        "Several categories chosen: a ticket filed under two of them counts in each.",
    ),
    "snapshot_day": ("วันที่", "Day"),
    "snapshot_kind": ("ที่มา", "Source"),
    "kind_recorded": ("บันทึกเมื่อดึงข้อมูล", "recorded by a sync"),
    "kind_backfilled": ("ย้อนสร้าง", "backfilled"),
    "as_of_bangkok": ("ข้อมูล ณ {when} (เวลากรุงเทพฯ)", "Data as of {when} (Bangkok time)"),
    "choose_options": ("เลือก", "Choose"),
    "all_categories": ("ทุกประเภท", "All categories"),
    "no_district_chosen": (
        "ยังไม่ได้เลือกเขต: เลือกเขตจากรายการด้านบน หรือคลิกเขตบนแผนที่ในหน้าภาพรวมเมือง",
        "No district chosen: pick one from the list above, or click a district on the city overview map",
    ),
    "page_not_found": (
        "ไม่มีหน้า {path}: แสดงหน้าภาพรวมเมืองแทน",
        "There is no page {path}: showing the city overview instead",
    ),
    "map_assets_missing": (
        "วาดแผนที่ไม่ได้: ไม่พบไลบรารีแผนที่ของแอป ({what}) ผู้ดูแลระบบต้องติดตั้งใหม่ตามคู่มือ แล้วเปิดหน้านี้อีกครั้ง",
        "The map cannot be drawn: the app's map libraries are missing ({what}); run scripts/setup.sh and reload",
    ),
    "static_serving_off": (
        "เซิร์ฟเวอร์ไม่ได้เปิดให้บริการไฟล์ของแอป",
        "static file serving is off (server.enableStaticServing)",
    ),
    "vendor_files_missing": ("ไม่มีไฟล์ {files}", "files not installed: {files}"),
    "points_rule": ("จุดที่แสดง", "Points drawn"),
    "points_oldest": ("เรื่องค้างเก่าสุดก่อน", "Oldest open first"),
    "points_newest": ("ใหม่สุดก่อน", "Newest first"),
    "lod_none": (
        "ไม่มีเรื่องที่มีพิกัดตามตัวกรองนี้ในส่วนของแผนที่ที่เห็น",
        "No located tickets of these filters in this part of the map",
    ),
    "lod_cells": (
        "เรื่องในแผนที่ส่วนนี้ {n:,} เรื่อง รวมเป็นช่องหกเหลี่ยมขนาดราว {area} ตร.กม. (ช่องที่มากที่สุด {top:,} เรื่อง สีเข้ม = มาก) "
        "ซูมเข้าหรือคลิกช่องเพื่อเห็นทีละเรื่อง: แสดงเป็นจุดเมื่อซูมถึงระดับ {zoom} หรือเหลือไม่เกิน {limit:,} เรื่องในแผนที่",
        "{n:,} tickets in view, counted in hexagonal cells of ~{area} km² (fullest cell {top:,}; darker = more). "
        "Zoom in or click a cell to see each ticket: they are drawn as points from zoom {zoom}, "
        "or when at most {limit:,} are in view",
    ),
    "lod_points_all": (
        "แสดงทุกเรื่องในแผนที่ส่วนนี้ ({n:,} จุด) คลิกจุดเพื่อดูรายละเอียด",
        "All {n:,} tickets in view, each a point: click one for its details",
    ),
    "lod_points_short": (
        "แสดงทุกเรื่องในแผนที่ส่วนนี้ ({n:,} จุด) มีมากจึงย่อป้ายข้อมูล ข้อความและรูปอยู่ในหน้าสาธารณะของแต่ละเรื่อง",
        "All {n:,} tickets in view, each a point; with this many, popups are short "
        "(the text and photos are on each ticket's public page)",
    ),
    "lod_points_some": (
        "แสดง {shown:,} จาก {n:,} เรื่องในแผนที่ส่วนนี้ (ข้อมูลแผนที่ไม่เกิน 1 MB ต่อครั้ง) ซูมเข้าเพื่อเห็นที่เหลือ",
        "Showing {shown:,} of the {n:,} tickets in view (a view sends at most 1 MB): zoom in for the rest",
    ),
    "lod_cell_click": ("คลิกเพื่อซูมเข้า", "click to zoom in"),
    "lod_unlocated": (
        "{n:,} เรื่องตามตัวกรองนี้ไม่มีพิกัดที่ใช้ได้ จึงไม่อยู่บนแผนที่ ดูได้ในหน้ารายการเรื่อง",
        "{n:,} tickets of these filters have no usable location, so no map shows them: "
        "see the tickets page",
    ),
    "lod_city_zoom": (
        "ซูมเข้าถึงระดับ {zoom} เพื่อเห็นเรื่องร้องเรียนเป็นช่องหกเหลี่ยม แล้วเป็นรายเรื่อง",
        "Zoom in to level {zoom} to see the tickets in hexagonal cells, then one by one",
    ),
    "lod_snapshot": (
        "แผนที่รายเรื่องแสดงข้อมูลวันนี้เสมอ: ภาพย้อนหลังเก็บเฉพาะจำนวน",
        "The ticket layer always shows today: a past day's snapshot keeps counts only",
    ),
    "search_in": ("ค้นหาใน", "Search in"),
    "search_comment": ("รายละเอียดที่ผู้แจ้งเขียน", "The citizen's comment"),
    "search_all": ("รายละเอียด ที่อยู่ และเลขเรื่อง", "Comment, address and ticket number"),
    "search_scope_comment": (
        "ค้นหาเฉพาะในรายละเอียดที่ผู้แจ้งเขียน (ที่อยู่เกือบทุกรายการมีคำว่า “ถนน” จึงไม่นำมาค้นหาโดยตั้งต้น)",
        "Searching the citizen's comment only (almost every address contains “ถนน”, road, so addresses are not searched by default)",
    ),
    "search_scope_all": (
        "ค้นหาในรายละเอียด ที่อยู่ และเลขเรื่อง",
        "Searching the comment, the address and the ticket number",
    ),
    "download_oldest": (
        "ดาวน์โหลดเรื่องค้างทั้งหมดของมุมมองนี้ (CSV, เก่าสุดก่อน)",
        "Download every open ticket of this view (CSV, oldest first)",
    ),
    "oldest_shown": (
        "แสดง {shown:,} เรื่องที่ค้างนานที่สุดจาก {total:,} เรื่องค้าง",
        "The {shown:,} longest-open of {total:,} open tickets",
    ),
    "photo_link": ("ภาพ", "photo"),
    "open_link": ("เปิด", "open"),
    "heat_legend": ("ความหนาแน่นของเรื่องค้าง", "Density of open complaints"),
    "heat_low": ("น้อย", "low"),
    "heat_high": ("มาก", "high"),
    "print_view": ("มุมมองสำหรับพิมพ์", "Print view"),
    "print_live_link": (
        "มุมมองนี้บนหน้าเว็บ (เปิดลิงก์เพื่อดูข้อมูลล่าสุด):",
        "This view on the web (open the link for the latest data):",
    ),
    "print_rows_cut": (
        "พิมพ์ {shown:,} แถวแรกจากทั้งหมด {total:,} แถว ไฟล์ดาวน์โหลดมีครบทุกแถว",
        "The first {shown:,} of {total:,} rows are printed; the downloads hold them all.",
    ),
    "save_map_png": ("บันทึกแผนที่เป็นภาพ (PNG)", "Save the map as a picture (PNG)"),
    "save_map_png_help": (
        "ภาพของแผนที่ส่วนที่เห็นอยู่ พร้อมคำอธิบายสัญลักษณ์ ชื่อ ตัวกรอง และวันที่ของข้อมูล สำหรับจดหมายข่าว ไลน์ หรือสไลด์",
        "The map as you see it, with its legends, a title, the filters and the data's date: for a newsletter, a LINE post or a slide",
    ),
    "picture_title": ("{area}: {metric}", "{area}: {metric}"),
    "picture_as_of": ("ข้อมูล ณ {day}", "data as of {day}"),
    "bangkok": ("กรุงเทพมหานคร", "Bangkok"),
    "map_credits": (
        "ขอบเขตเขต: OCHA HDX COD-AB (กรมแผนที่ทหาร, CC BY 3.0 IGO) · ขอบเขตแขวง: BangkokGIS (กทม.) · "
        "เรื่องร้องเรียน: Traffy Fondue (NECTEC, กทม.) · จัดทำด้วย khetmap",
        "District boundaries: OCHA HDX COD-AB (Royal Thai Survey Department, CC BY 3.0 IGO) · "
        "subdistricts: BangkokGIS (BMA) · complaints: Traffy Fondue (NECTEC, BMA) · made with khetmap",
    ),
    "legend_cluster": (
        "กลุ่มจุด: ตัวเลขคือจำนวนเรื่อง วงแหวนแบ่งสีตามสัดส่วนสถานะ",
        "Clusters: the number of tickets, the ring split by their states",
    ),
    "legend_recurrence": (
        "จุดที่แจ้งซ้ำหลังเคยแก้เสร็จแล้ว",
        "a place reported again after it was fixed",
    ),
    "no_location_note": (
        "{n:,} เรื่องไม่มีพิกัดที่ใช้ได้ จึงไม่อยู่บนแผนที่ (อยู่ในหน้ารายการเรื่อง)",
        "{n:,} tickets have no usable location, so no map shows them (the tickets page lists them)",
    ),
    "expert_settings": ("ตั้งค่าสำหรับผู้วิเคราะห์", "Settings for analysts"),
    "how_computed": ("วิธีคำนวณ", "How it is computed"),
    "ranking_rule": (
        "เรียงตาม{metric} ซึ่งเทียบเขตใหญ่กับเขตเล็กได้อย่างเป็นธรรม เขตที่มีเรื่องน้อยกว่า {n:,} เรื่องไม่จัดอันดับ",
        "Ranked by {metric}, which compares large and small districts fairly; districts with fewer than {n:,} tickets are not ranked.",
    ),
    "poor_denominator": (
        "† {name}: มีเรื่องแจ้งต่อประชากรตามทะเบียนราษฎรสูงกว่าทั้งเมือง {times} เท่า "
        "คนที่อยู่ในเขตช่วงกลางวันมากกว่าตามทะเบียนมาก ตัวเลขต่อประชากรจึงสูงเกินจริง",
        "† {name}: {times} times the city's reports per registered resident; far more people "
        "are there by day than on its register, so its per-resident figures overstate.",
    ),
    "legend_tickets": ("เรื่องร้องเรียน", "Complaints"),
    "dates_help": (
        "พิมพ์หรือเลือกจากปฏิทินเป็นปี ค.ศ. (ปี 2022 คือ พ.ศ. 2565) หน้านี้แสดงวันที่เป็น พ.ศ.",
        "Type or pick dates in the Common Era (YYYY-MM-DD).",
    ),
    "legend_cells": ("จำนวนเรื่องต่อช่อง", "Tickets per cell"),
    "legend_points": ("เรื่องร้องเรียน (จุดละเรื่อง)", "Complaints (a point each)"),
    "legend_open": ("ยังไม่เสร็จ", "open"),
    "legend_finished": ("เสร็จสิ้น", "finished"),
    "legend_other": ("อื่น ๆ (ไม่เกี่ยวข้อง ไม่ทราบ)", "other (irrelevant, unknown)"),
    "heat_outlines": (
        "ขณะเปิดชั้นความหนาแน่น เขตแสดงเฉพาะเส้นขอบ",
        "With the density layer on, districts are drawn as outlines",
    ),
    "no_data": ("ไม่มีข้อมูล", "no data"),
    "metric_not_available": ("ตัวชี้วัดนี้", "This metric"),
    "kpi_notes": ("หมายเหตุตัวเลข", "Notes on the figures"),
    "finished_state_open": (
        "เมื่อกรองเฉพาะเรื่องที่ยังไม่เสร็จ ไม่มีเส้นเสร็จสิ้นให้แสดง",
        "With only open tickets selected there is no finished line to draw",
    ),
    "per_10k_subdistrict": (
        "เรื่องค้างต่อประชากร 10,000 คน: ไม่ใช้กับแขวง (มีจำนวนประชากรรายเขตเท่านั้น)",
        "Open per 10k residents: not applicable to a subdistrict (population is known per district only)",
    ),
    "reading_guide": ("วิธีอ่านหน้านี้", "How to read this page"),
    "guide_rank": (
        "อันดับ 1 คือแย่ที่สุด: มีเรื่องค้างต่อประชากร 10,000 คนมากที่สุดในช่วงที่ทบทวน",
        "Rank 1 is the worst: the most open tickets per 10,000 residents in the period",
    ),
    "guide_open_now": (
        "“ยังไม่เสร็จ” คือสถานะของเรื่อง ณ วันนี้ เรื่องในช่วงก่อนหน้ามีเวลาปิดนานกว่า จึงค้างน้อยกว่าโดยธรรมชาติ "
        "สัดส่วนเรื่องค้างที่สูงขึ้นส่วนหนึ่งมาจากเหตุนี้ การบอกว่าดีขึ้นหรือแย่ลงจึงเทียบกับที่ทั้งเมืองเปลี่ยนไป",
        "“Open” is a ticket's state today. Tickets of the previous period have had longer to "
        "close, so they show fewer open: a rise in open share partly reflects that, so 'better' "
        "and 'worse' are measured against the city's own change",
    ),
    "guide_hotspots": (
        "แผนที่จุดร้อนมีสามคำถาม: “อัตรา” บอกว่าที่ใดเรื่องค้างมากกว่าที่อื่น (ความล้มเหลว), “ความต้องการ” บอกว่าเรื่องแจ้งกระจุกตัวที่ใด (ตามจำนวนคน ไม่ใช่ความล้มเหลว), “อะไรแย่ลง” บอกว่าจุดร้อนใดเพิ่งเกิดหรือรุนแรงขึ้น",
        "The hotspot map asks three questions: “rate” shows where complaints stay unresolved more than elsewhere (failure); “demand” shows where complaints concentrate (people, not failure); “getting worse” shows which hot spots appeared or grew",
    ),
    "hot_area": ("พื้นที่", "Area"),
    "hours_to_finish": ("ชั่วโมงจนปิด", "Hours to close"),
    "flags": ("ข้อสังเกต", "Flags"),
    "league_median_note": ("มัธยฐานวันจนเสร็จ", "Median days to finish"),
    "audit_column_note": ("{column}: {note}", "{column}: {note}"),
    "coverage": ("ข้อมูลรองรับอะไรได้บ้าง", "What the data can support"),
    "coverage_field": ("ข้อมูล", "Field"),
    "coverage_count": ("จำนวนเรื่องที่มี", "Tickets that have it"),
    "coverage_of": ("จาก", "Of"),
    "coverage_share": ("สัดส่วน", "Share"),
    "coverage_uses": ("ตัวเลขที่ใช้ข้อมูลนี้", "Figures that use it"),
    "field_finish_time": ("เวลาปิดเรื่อง (ของเรื่องที่เสร็จสิ้น)", "Finish time (of finished tickets)"),
    "field_star": ("ดาวจากผู้แจ้ง", "Citizen's star rating"),
    "field_after_photo": ("ภาพหลังแก้ไข (ของเรื่องที่เสร็จสิ้น)", "After-photo (of finished tickets)"),
    "field_reopen_count": ("จำนวนครั้งที่ถูกเปิดซ้ำ", "Reopen count"),
    "field_location": ("พิกัดที่ใช้ได้", "Usable location"),
    "field_category": ("ประเภทเรื่อง", "Category"),
    "uses_finish_time": (
        "มัธยฐานวันจนเสร็จ, เส้นเสร็จสิ้นรายสัปดาห์, การปิดเร็วผิดปกติ",
        "median days to finish, weekly finished line, closed implausibly fast",
    ),
    "uses_star": ("สัดส่วน 1–2 ดาว", "1–2 star share"),
    "uses_after_photo": ("สัดส่วนไม่มีภาพหลัง", "no after-photo share"),
    "uses_reopen_count": ("สัดส่วนที่ถูกเปิดซ้ำ", "reopened share"),
    "uses_location": (
        "แผนที่ทุกแผ่น, การนับรายเขตและแขวง",
        "every map, counts per district and subdistrict",
    ),
    "uses_category": ("กราฟและตัวกรองประเภท", "category charts and filters"),
    "data": ("ข้อมูล", "Data"),
    "source": ("แหล่งที่มา", "Source"),
    "licence": ("สัญญาอนุญาต", "Licence"),
    "rows": ("จำนวนแถว", "Rows"),
    "rows_read": ("แถวที่อ่าน", "rows read"),
    "stored_new": ("บันทึก: ใหม่", "stored: new"),
    "stored_updated": ("บันทึก: ปรับปรุง", "stored: updated"),
    "stored_unchanged": ("บันทึก: ไม่เปลี่ยน", "stored: unchanged"),
    "merged_duplicates": ("รวมรายการซ้ำ", "merged duplicates"),
    "quarantined": ("กักไว้", "quarantined"),
    "quarantined_reason": ("กักไว้: {reason}", "quarantined: {reason}"),
    "accounted": (
        "ตรวจนับได้ครบ {accounted:,} / {read:,} แถว",
        "{accounted:,} / {read:,} rows accounted for",
    ),
    "reason": ("เหตุผล", "Reason"),
    "no_rows": ("ไม่มีรายการ", "Nothing to list"),
    "no_quarantine": ("ไม่มีแถวที่ถูกกักไว้", "No row was quarantined"),
    # issue 32: the shell's words (freshness line, filters, Streamlit's own texts, about)
    "fresh_newest": ("ข้อมูลล่าสุด {day}", "Data up to {day}"),
    "fresh_updated": ("ปรับปรุงเมื่อ {when}", "updated {when}"),
    "updates_title": ("การปรับปรุงข้อมูล", "Data updates"),
    "updates_from_traffy": (
        "ปรับปรุงจาก Traffy ({source}) ครั้งล่าสุดเมื่อ {when} (เวลากรุงเทพฯ)",
        "Last updated from Traffy ({source}) {when} (Bangkok time)",
    ),
    "updates_partial": (
        "การปรับปรุงครั้งล่าสุดอ่านย้อนไม่ถึงเรื่องค้างที่เก่าที่สุด เรื่องค้างเก่าบางเรื่องอาจยังแสดงสถานะเดิม",
        "The last update did not read back to the oldest open ticket: some old open tickets "
        "may still show an earlier state.",
    ),
    "updates_from_file": (
        "ข้อมูลมาจากไฟล์ที่นำเข้าเมื่อ {when} (เวลากรุงเทพฯ) ยังไม่เคยปรับปรุงจาก Traffy โดยตรง",
        "The data comes from a file loaded {when} (Bangkok time); it has never been updated "
        "from Traffy directly.",
    ),
    "updates_how": (
        "ข้อมูลล่าสุด: วันที่ใหม่ที่สุดของเวลาแจ้ง (timestamp) หรือเวลาเปลี่ยนแปลงล่าสุด "
        "(last_activity) ในฐานข้อมูล ปรับปรุงเมื่อ: เวลาที่ khetmap sync ทำงานเสร็จครั้งล่าสุด "
        "หรือ ถ้ายังไม่เคยทำงาน เวลาที่ khetmap ingest นำเข้าไฟล์ครั้งล่าสุด ผู้ดูแลระบบตั้งให้ "
        "khetmap sync ทำงานทุกวัน (ดู README) ทุกหน้าเตือนเมื่อการปรับปรุงครั้งล่าสุดเก่ากว่า "
        "KHETMAP_STALE_HOURS ชั่วโมง (ค่าเริ่มต้น {hours})",
        "Data up to: the newest report time (timestamp) or last-change time (last_activity) "
        "in the store. Updated: when the last khetmap sync finished or, never synced, when "
        "khetmap ingest last loaded a file. Run khetmap sync daily (see the README); every "
        "page warns when the last sync is older than KHETMAP_STALE_HOURS hours (default {hours}).",
    ),
    "no_matches": ("ไม่พบ", "No results"),
    "date_mask": ("ค.ศ.-ดด-วว", "yyyy-mm-dd"),
    "cell_size": ("ขนาดช่องของแผนที่", "Map cell size"),
    "cell_size_8": ("ใหญ่ (ราว 0.7 ตร.กม.)", "large (about 0.7 km²)"),
    "cell_size_9": ("เล็ก (ราว 0.1 ตร.กม.)", "small (about 0.1 km²)"),
    "brief_heading": ("เอกสารสรุปสำหรับการประชุม", "Meeting brief"),
    "legend_toggle": ("คำอธิบายสัญลักษณ์", "Legend"),
    # what the data can support
    "not_available": ("ไม่มีในข้อมูลนี้: {why}", "Not available in this data: {why}"),
    "why_missing_finish_time": (
        "ไม่มีเรื่องที่เสร็จสิ้นเรื่องใดมีเวลาปิดเรื่อง ข้อมูลสาธารณะของ Traffy ไม่ได้ให้ค่านี้",
        "no finished ticket has a finish time; Traffy's public data does not give it",
    ),
    "why_missing_star": ("ไม่มีเรื่องใดได้รับการให้ดาวจากผู้แจ้ง", "no ticket has a citizen's star rating"),
    "why_missing_after_photo": (
        "ไม่มีเรื่องที่เสร็จสิ้นเรื่องใดมีภาพหลังแก้ไขในข้อมูลนี้",
        "no finished ticket has an after-photo in this data",
    ),
    "why_missing_reopen_count": (
        "ไม่มีเรื่องใดมีจำนวนครั้งที่ถูกเปิดซ้ำ",
        "no ticket has a reopen count",
    ),
    "why_missing_location": ("ไม่มีเรื่องใดมีพิกัดที่ใช้ได้", "no ticket has a usable location"),
    "why_missing_category": ("ไม่มีเรื่องใดระบุประเภท", "no ticket has a category"),
    "why_missing_population": (
        "มีจำนวนประชากรรายเขตเท่านั้น ไม่มีรายแขวง",
        "population is known per district only, not per subdistrict",
    ),
    "rests_on_finish_time": (
        "คำนวณจาก {n:,} จาก {total:,} เรื่องที่เสร็จสิ้น ({share:.0%}) ที่มีเวลาปิดเรื่อง",
        "Based on the {n:,} of {total:,} finished tickets ({share:.0%}) that have a finish time",
    ),
    "rests_on_star": (
        "คำนวณจาก {n:,} จาก {total:,} เรื่อง ({share:.0%}) ที่ผู้แจ้งให้ดาว",
        "Based on the {n:,} of {total:,} tickets ({share:.0%}) that citizens rated",
    ),
    "rests_on_after_photo": (
        "มีภาพหลังแก้ไข {n:,} จาก {total:,} เรื่องที่เสร็จสิ้น ({share:.0%})",
        "{n:,} of {total:,} finished tickets ({share:.0%}) have an after-photo",
    ),
    "rests_on_reopen_count": (
        "คำนวณจาก {n:,} จาก {total:,} เรื่อง ({share:.0%}) ที่มีจำนวนครั้งที่ถูกเปิดซ้ำ",
        "Based on the {n:,} of {total:,} tickets ({share:.0%}) that have a reopen count",
    ),
    "rests_on_location": (
        "มีพิกัดที่ใช้ได้ {n:,} จาก {total:,} เรื่อง ({share:.1%})",
        "{n:,} of {total:,} tickets ({share:.1%}) have a usable location",
    ),
    "rests_on_category": (
        "ระบุประเภท {n:,} จาก {total:,} เรื่อง ({share:.1%}) ที่เหลือนับเป็น “ไม่ระบุ”",
        "{n:,} of {total:,} tickets ({share:.1%}) have a category; the rest count as “unspecified”",
    ),
    "weekly_opened": ("แนวโน้มรายสัปดาห์: เรื่องที่แจ้งใหม่", "Weekly: opened"),
    "include_predicted": ("รวมประเภทที่คาดจากข้อความ", "Include predicted categories"),
    "include_predicted_help": (
        "เรื่องที่ไม่ระบุประเภทจะนับในประเภทที่แบบจำลองคาดจากรายละเอียดที่ผู้แจ้งเขียน โดยแสดงแยกให้เห็นว่าเป็นการคาด",
        "Untyped tickets count in the category a model predicts from the citizen's comment, always shown apart as predicted",
    ),
    "predicted_kind": ("คาดจากข้อความ", "Predicted"),
    "predicted_cell": ("คาดว่า: {items}", "predicted: {items}"),
    "predicted_note": (
        "“คาดจากข้อความ” คือเรื่องที่ไม่ระบุประเภทซึ่งแบบจำลองคาดประเภทจากรายละเอียด (ค่า F1 จากข้อมูลทดสอบช่วงหลัง): {scores}",
        "“Predicted”: untyped tickets placed by a model from their comment (F1 on later held-out tickets): {scores}",
    ),
    "not_applicable": ("ไม่ใช้กับมุมมองนี้", "Not applicable to this view"),
    # notices for values in the link that were ignored
    "ignored": (
        "ไม่ได้ใช้ค่า {name}={value} จากลิงก์: {why}",
        "Ignored {name}={value} from the link: {why}",
    ),
    "why_unknown": ("ไม่รู้จักพารามิเตอร์นี้", "unknown parameter"),
    "why_too_long": ("ยาวเกิน {n} ตัวอักษร", "longer than {n} characters"),
    "why_district": ("ไม่ใช่รหัสเขตของกรุงเทพฯ (1001–1050)", "not a Bangkok district code (1001–1050)"),
    "why_subdistrict": ("ไม่ใช่รหัสแขวงของกรุงเทพฯ", "not a Bangkok subdistrict code"),
    "why_other_district": (
        "แขวงนี้อยู่ในเขต {parent} ไม่ใช่ {district}",
        "it is in district {parent}, not {district}",
    ),
    "why_date": ("ไม่ใช่วันที่ ใช้รูปแบบ ปปปป-ดด-วว (ค.ศ.)", "not a date; use YYYY-MM-DD"),
    "why_date_range": ("วันที่ต้องอยู่ระหว่าง {low} ถึง {high}", "use a date from {low} to {high}"),
    "why_category": ("ไม่มีประเภทนี้ในข้อมูล", "no such category in the data"),
    "why_categories": ("เลือกได้ไม่เกิน {n} ประเภท", "more than {n} categories"),
    "why_choice": ("ใช้ค่าใดค่าหนึ่งต่อไปนี้: {choices}", "use one of {choices}"),
    "why_number": ("ใช้ตัวเลขตั้งแต่ {low} ถึง {high}", "use a number from {low} to {high}"),
    "why_flag": ("ใช้ 1 (เปิด) หรือ 0 (ปิด)", "use 1 (on) or 0 (off)"),
    "why_not_numbers": ("ไม่ใช่ตัวเลข", "not numbers"),
    "why_not_bangkok": ("ไม่ใช่จุดในหรือใกล้กรุงเทพฯ", "not a point in or near Bangkok"),
    "why_zoom": ("ใช้ระดับซูม {low} ถึง {high}", "use a zoom from {low} to {high}"),
    "why_dept_characters": (
        "มีอักขระควบคุมหรืออักขระกำหนดทิศทางข้อความ",
        "it holds control or text-direction characters",
    ),
    "why_before_since": ("อยู่ก่อนวันเริ่มต้น {since}", "it is before since={since}"),
    "notices_more": (
        "และไม่ได้ใช้ค่าอื่นจากลิงก์อีก {n:,} ค่า",
        "and {n:,} more values from the link were ignored",
    ),
    # --- the district director's week
    "week_section": ("งานประจำสัปดาห์ของเขต", "The district's week"),
    "section": ("มุมมอง", "View"),
    "section_overview": ("ภาพรวมเขต", "District overview"),
    "section_week": (
        "งานประจำสัปดาห์: ประชุม ติดตาม ใบงาน",
        "The week: meeting, follow-up, action sheet",
    ),
    "overdue_kpi": ("เรื่องค้างที่เกินกำหนด", "Open past target"),
    "on_time_share": ("สัดส่วนเสร็จทันกำหนด", "Finished within target"),
    "ratio_kpi": ("เวลาจนเสร็จ ÷ เป้าหมาย", "Time to finish ÷ target"),
    "ratio_direction": (
        "เวลาจนเสร็จ ÷ เป้าหมาย (มัธยฐาน): 1.0 = ตรงเป้าหมาย ต่ำกว่า 1 = เร็วกว่าเป้าหมาย (ดี) "
        "สูงกว่า 1 = ช้ากว่าเป้าหมาย",
        "Time to finish ÷ target (median): 1.0 = on target; below 1 = faster than the "
        "target (better); above 1 = slower",
    ),
    "why_missing_finish_time_target": (
        "ไม่มีเวลาเสร็จ จึงไม่รู้ว่าเสร็จทันกำหนดหรือไม่",
        "no finish times, so whether a ticket finished within its target is unknown",
    ),
    "targets_shipped": (
        "เป้าหมายวันจนเสร็จ: ค่าเริ่มต้นของ khetmap (ค่าชั่วคราว ไม่ใช่มาตรฐานของ กทม.) "
        "เมืองตั้งค่าของตนเองได้ (วิธีอยู่ในคู่มือของ khetmap)",
        "Targets (days to finish): khetmap's defaults (placeholders, not a BMA standard); "
        "a city sets its own with a KHETMAP_TARGETS file",
    ),
    "targets_file": (
        "เป้าหมายวันจนเสร็จจากไฟล์ของเมือง: {path}",
        "Targets (days to finish) from the city's file: {path}",
    ),
    "targets_bad": (
        "ใช้ไฟล์เป้าหมายไม่ได้ ({error}) จึงแสดงตามค่าเริ่มต้นของ khetmap",
        "The targets file cannot be used ({error}); khetmap's defaults are shown",
    ),
    # why a targets file was not used (errors.TargetsProblem), put into targets_bad
    "targets_why_unreadable": ("เปิดอ่านไฟล์ไม่ได้", "it cannot be opened"),
    "targets_why_not_a_file": (
        "ไม่ใช่ไฟล์ข้อความธรรมดา แต่เป็นโฟลเดอร์ ท่อส่งข้อมูล หรืออุปกรณ์",
        "it is not a plain file but a folder, a pipe or a device",
    ),
    "targets_why_too_large": ("ไฟล์ใหญ่เกินไป", "it is too large"),
    "targets_why_too_deep": ("ค่าซ้อนกันลึกเกินไป", "its values are nested too deeply"),
    "targets_why_invalid": (
        "รูปแบบหรือค่าในไฟล์ไม่ถูกต้อง",
        "its layout or one of its values is not valid",
    ),
    "target_rule": (
        "เรื่องที่มีหลายประเภทครบกำหนดตามเป้าหมายที่สั้นที่สุด เรื่องที่ไม่ระบุประเภทใช้ {days} วัน "
        "อายุนับถึง {as_of} เกินกำหนด = ยังไม่เสร็จและอายุเกินเป้าหมาย",
        "A ticket with several categories is due at the shortest of their targets; an untyped "
        "one at {days} days. Ages are counted to {as_of}. Overdue = still open and older than "
        "its target.",
    ),
    "targets_table": ("เป้าหมายและเรื่องเกินกำหนดตามประเภท", "Targets and overdue by category"),
    "by_category_note": (
        "เรื่องที่มีหลายประเภทนับในทุกประเภท และเทียบกับเป้าหมายของประเภทนั้น",
        "A ticket with several categories counts in each, against that category's target",
    ),
    "col_target_days": ("เป้าหมาย (วัน)", "Target (days)"),
    "col_overdue": ("เกินกำหนด", "Overdue"),
    "col_timed": ("เสร็จที่มีเวลาเสร็จ", "Finished with a finish time"),
    "col_on_time": ("สัดส่วนทันกำหนด", "On time"),
    "col_ratio": ("เวลาจนเสร็จ ÷ เป้าหมาย", "Time to finish ÷ target"),
    "week_panel": ("ตั้งแต่สัปดาห์ก่อน", "Since last week"),
    "week_dates": (
        "สัปดาห์ {this} เทียบกับสัปดาห์ {last} (7 วันจนถึงวันล่าสุดของข้อมูล)",
        "Week {this} against week {last} (the 7 days up to the data's latest day)",
    ),
    "week_new": ("แจ้งใหม่", "New"),
    "week_finished": ("เสร็จสิ้น", "Finished"),
    "week_still_open": ("เรื่องใหม่ที่ยังไม่เสร็จ", "New, still open"),
    "week_open_now": ("ค้างทั้งหมดตอนนี้", "Open now"),
    "week_newly_overdue": ("เพิ่งเกินกำหนด", "Newly overdue"),
    "last_week_value": ("สัปดาห์ก่อน {value}", "last week {value}"),
    "noise_yes": ("ต่างเกินความผันผวนปกติ", "beyond noise"),
    "noise_no": ("อยู่ในความผันผวนปกติ", "within noise"),
    "noise_na": ("เทียบไม่ได้", "cannot compare"),
    "change_from_zero": ("จาก 0 ในช่วงที่เทียบ", "up from 0"),
    "week_unknown_overdue": (
        "เรื่องที่เสร็จแล้ว {n} เรื่องครบกำหนดในสองสัปดาห์นี้แต่ไม่มีเวลาเสร็จ "
        "จึงไม่รู้ว่าเกินกำหนดก่อนเสร็จหรือไม่ และไม่ได้นับ",
        "{n} finished tickets fell due in these two weeks but have no finish time, so whether "
        "they went overdue before finishing is unknown; they are not counted",
    ),
    "compare_title": ("เทียบกับช่วงก่อน", "Compared with earlier periods"),
    "compare_method": (
        "จำนวนเรื่องเทียบเป็นอัตราต่อวัน ช่วงความเชื่อมั่น 95% แบบแม่นตรงจากการแจกแจงทวินามแบบมีเงื่อนไข "
        "(จำนวนแบบปัวซง) สัดส่วนเทียบเป็นผลต่างด้วยช่วงความเชื่อมั่น 95% ของ Newcombe (จากช่วงของ Wilson) "
        "ต่างเกินความผันผวนปกติ = ช่วงความเชื่อมั่นไม่ครอบคลุมการไม่เปลี่ยนแปลง",
        "Counts are compared as a rate per day, with an exact 95% interval (conditional "
        "binomial, Poisson counts); shares as a difference, with Newcombe's 95% interval "
        "(from Wilson's). Beyond noise = the interval leaves out no change.",
    ),
    "compare_open_caveat": (
        "ยังไม่เสร็จ คือสถานะวันนี้: เรื่องของช่วงก่อนมีเวลาปิดนานกว่า",
        "Open is today's state: tickets of an earlier period have had longer to close",
    ),
    "compare_period": ("ช่วงนี้ {since} ถึง {until}", "This period {since} to {until}"),
    "compare_previous": ("ช่วงก่อนหน้า {since} ถึง {until}", "Previous period {since} to {until}"),
    "compare_last_year": (
        "ช่วงเดียวกันปีก่อน {since} ถึง {until}",
        "Same period last year {since} to {until}",
    ),
    "compare_not_reached": (
        "ไม่มีในข้อมูลนี้: ข้อมูลเริ่ม {first} หลัง {since}",
        "Not available in this data: it starts on {first}, after {since}",
    ),
    "compare_default_period": (
        "ไม่ได้เลือกช่วงวันที่: ใช้ 4 สัปดาห์สุดท้ายของข้อมูล",
        "No dates chosen: the data's last 4 weeks",
    ),
    "col_figure": ("ตัวชี้วัด", "Figure"),
    "col_now": ("ช่วงนี้", "This period"),
    "col_before": ("ช่วงที่เทียบ", "Compared period"),
    "col_change": ("การเปลี่ยนแปลง (ช่วง 95%)", "Change (95% interval)"),
    "col_noise": ("เกินความผันผวน?", "Beyond noise?"),
    "fig_reported": ("เรื่องที่แจ้ง", "Reported"),
    "fig_open_share": ("สัดส่วนยังไม่เสร็จของเรื่องที่แจ้ง", "Open share of those reported"),
    "fig_on_time_share": ("สัดส่วนเสร็จทันกำหนด", "Finished within target"),
    "compare_categories": (
        "เรื่องที่แจ้งตามประเภท เทียบกับช่วงก่อนหน้า",
        "Reports by category against the previous period",
    ),
    "compare_subdistricts": (
        "เรื่องที่แจ้งตามแขวง เทียบกับช่วงก่อนหน้า",
        "Reports by subdistrict against the previous period",
    ),
    "responsibility_title": ("ใครรับผิดชอบ", "Who is responsible"),
    "col_unit": ("หน่วยงานที่รับผิดชอบ", "Responsible unit"),
    "col_outside": ("นอกสำนักงานเขต", "Outside the district office"),
    "col_median_open_age": ("มัธยฐานอายุเรื่องค้าง (วัน)", "Median age of open (days)"),
    "col_median_finish": ("มัธยฐานวันจนเสร็จ", "Median days to finish"),
    "yes": ("ใช่", "yes"),
    "no": ("ไม่", "no"),
    "unit_rule": (
        "หน่วยงานที่รับผิดชอบ = หน่วยงานสุดท้ายที่ระบุในเรื่อง (สำนักงานเขตมาก่อน แล้วจึงฝ่ายหรือหน่วยงานที่รับเรื่องต่อ)",
        "The responsible unit is the last organisation listed on the ticket (the district "
        "office first, then the section or agency it was passed to)",
    ),
    "only_top_level": (
        "ข้อมูลนี้ระบุเพียงหน่วยงานระดับบน (กรุงเทพมหานคร) จึงแยกความรับผิดชอบตามหน่วยงานไม่ได้",
        "This data names only the top-level organisation (Bangkok Metropolitan "
        "Administration), so responsibility cannot be split by unit",
    ),
    "units_rest_on": (
        "ระบุหน่วยงานย่อยเพียง {n:,} จาก {total:,} เรื่อง ({share:.1%}) ที่เหลือระบุเพียงกรุงเทพมหานคร",
        "Only {n:,} of {total:,} tickets ({share:.1%}) name a unit; the rest name only the "
        "Bangkok Metropolitan Administration",
    ),
    "forwarded_share": (
        "ส่งต่อออกนอกสำนักงานเขต: {n:,} จาก {total:,} เรื่องที่ระบุหน่วยงาน ({share:.1%}) "
        "เวลาที่อยู่นอกสำนักงานเขตอยู่นอกการควบคุมของเขต",
        "Passed outside the district office: {n:,} of {total:,} tickets that name a unit "
        "({share:.1%}), time the district does not control",
    ),
    "time_with_unit_na": (
        "เวลาที่เรื่องอยู่กับแต่ละหน่วยงาน: ไม่มีในข้อมูลนี้ เพราะ Traffy เก็บเวลาเปลี่ยนแปลงล่าสุดเพียงครั้งเดียวต่อเรื่อง "
        "ไม่เก็บเวลาส่งต่อแต่ละครั้ง ตารางแสดงอายุเรื่องค้างตามหน่วยงานปัจจุบันแทน",
        "Time spent with each unit: not available in this data: Traffy keeps one last-change "
        "time per ticket, not one per hand-over; the table shows the age of open tickets by "
        "their current unit instead",
    ),
    "unit_unnamed": ("ไม่ระบุหน่วยงาน", "No unit named"),
    "recurrence_title": ("ปัญหาที่กลับมาซ้ำ", "Recurring problems"),
    "recurrence_rule": (
        "จุดเดียวกัน = เรื่องประเภทเดียวกันที่อยู่ห่างกันไม่เกิน {radius:.0f} เมตร (ต่อเนื่องกัน) "
        "กลับมาซ้ำ = มีการแจ้งอีกหลังจากเรื่องก่อนหน้าที่จุดนั้นเสร็จแล้ว "
        "ไม่นับเรื่องที่ไม่ระบุประเภทหรือไม่มีตำแหน่ง เรียงตามจำนวนครั้งที่แจ้ง",
        "One place = reports of one category within {radius:.0f} m of each other (linked); "
        "a recurrence = reported again after an earlier report there was finished. Untyped "
        "tickets and those without a location are left out. Ranked by reports.",
    ),
    "recurrence_weaker": (
        "ข้อมูลนี้ไม่มีเวลาเสร็จ: เสร็จแล้ว หมายถึงเรื่องก่อนหน้าที่ตอนนี้มีสถานะเสร็จสิ้น "
        "ซึ่งอาจเสร็จหลังการแจ้งครั้งถัดมา (เกณฑ์ที่อ่อนกว่า)",
        "This data has no finish times: finished means an earlier report that is finished "
        "now, which may have finished after the later report (a weaker rule)",
    ),
    "recurrence_none": ("ไม่พบปัญหาที่กลับมาซ้ำในมุมมองนี้", "No recurring problem in this view"),
    "recurrence_count": ("{n:,} จุด", "{n:,} places"),
    "recurrence_layer": ("ปัญหาที่กลับมาซ้ำบนแผนที่", "Recurring problems on the map"),
    "col_place": ("สถานที่", "Place"),
    "col_reports": ("แจ้ง (ครั้ง)", "Reports"),
    "col_times_finished": ("เสร็จ (ครั้ง)", "Times finished"),
    "col_first_report": ("แจ้งครั้งแรก", "First report"),
    "col_last_report": ("แจ้งล่าสุด", "Last report"),
    "col_ticket_links": ("เรื่อง", "Tickets"),
    "recurrence_popup": (
        "{category}: แจ้ง {reports} ครั้ง เสร็จ {finished} ครั้ง ยังไม่เสร็จ {open}",
        "{category}: {reports} reports, finished {finished} times, {open} open",
    ),
    "most_overdue": ("เรื่องที่เกินกำหนดมากที่สุดก่อน", "Most overdue first"),
    "most_overdue_caption": (
        "เรื่องค้าง {open:,} เรื่อง เกินกำหนด {overdue:,} เรื่อง แสดง {shown} เรื่องแรก",
        "{open:,} open, {overdue:,} overdue; the first {shown} shown",
    ),
    "col_due": ("ครบกำหนด", "Due"),
    "col_days_overdue": ("เกินกำหนด (วัน)", "Days overdue"),
    "action_sheet": ("ใบงานประจำสัปดาห์", "Weekly action sheet"),
    "action_sheet_caption": (
        "{rows:,} เรื่องค้างใน {sheets} แผ่นงาน แผ่นละฝ่ายหรือหน่วยงาน เรียงจากเร่งด่วนที่สุด "
        "(จำนวนวันที่เกินกำหนดเทียบกับเป้าหมาย) พร้อมแผ่นสรุปสัปดาห์นี้เทียบสัปดาห์ก่อน",
        "{rows:,} open tickets on {sheets} sheets, one per department or agency, most urgent "
        "first (days overdue relative to the target), and a summary of this week against last",
    ),
    "download_action_sheet": ("ดาวน์โหลดใบงาน (Excel)", "Download the action sheet (Excel)"),
    "download_action_pdf": (
        "ดาวน์โหลดใบงานสำหรับพิมพ์ (PDF)",
        "Download the action sheet for printing (PDF)",
    ),
    "action_rows_of_unit": ("{unit}: {rows:,} เรื่อง", "{unit}: {rows:,} tickets"),
    "xl_summary": ("สรุป", "Summary"),
    "xl_title": (
        "ใบงานประจำสัปดาห์ {district} สัปดาห์ {week}",
        "Weekly action sheet, {district}, week {week}",
    ),
    "xl_made": (
        "จัดทำโดย khetmap ข้อมูล ณ {as_of} (เวลากรุงเทพฯ)",
        "Made by khetmap; data as of {as_of} (Bangkok time)",
    ),
    "xl_this_week": ("สัปดาห์นี้", "This week"),
    "xl_last_week": ("สัปดาห์ก่อน", "Last week"),
    "xl_rows": ("เรื่องในแผ่นงาน", "Tickets on its sheet"),
    "xl_action": ("การดำเนินการ", "Action taken"),
    "xl_by": ("ผู้ดำเนินการ", "By whom"),
    "xl_date": ("วันที่ดำเนินการ", "Date"),
    "xl_photo": ("ภาพ", "Photo"),
    "xl_public": ("หน้าเรื่อง", "Public page"),
    "xl_location": ("พิกัด", "Location"),
    "xl_address": ("ที่อยู่", "Address"),
    "xl_comment": ("ข้อความผู้แจ้ง", "Citizen's text"),
    "xl_reported": ("วันที่แจ้ง", "Reported"),
    "xl_age": ("อายุ (วัน)", "Age (days)"),
    "xl_state": ("สถานะ", "State"),
    "xl_unit": ("หน่วยงาน", "Unit"),
    "unit_unrouted": ("ยังไม่ได้ส่งต่อ", "Not yet routed"),
    "route_named": ("ระบุในข้อมูล", "named in the data"),
    "route_agency": ("หน่วยงานภายนอก (ระบุในข้อมูล)", "outside agency (named in the data)"),
    "route_category": ("ตามประเภท", "routed by category"),
    "route_predicted": ("ตามประเภทที่ระบบคาดการณ์", "by predicted category"),
    "route_unrouted": ("ยังไม่ได้ส่งต่อ", "not yet routed"),
    "xl_routed": ("ที่มาของการส่งต่อ", "Routed"),
    "xl_urgency": ("ความเร่งด่วน (เท่าของเป้าหมาย)", "Urgency (× target)"),
    "xl_signature": ("ลงชื่อ", "Signature"),
    "xl_note": ("หมายเหตุ", "Note"),
    # report rounds, departments, Traffy's figures, changes since the last import (issue 34)
    "round_label": ("รอบที่ {id} · {at}", "Round {id} · {at}"),
    "since_import": ("ตั้งแต่นำเข้าข้อมูลครั้งล่าสุด: {parts}", "Since the last import: {parts}"),
    "since_import_new": ("เรื่องใหม่ {n:,} เรื่อง", "{n:,} new"),
    "since_import_finished": ("เสร็จสิ้น {n:,} เรื่อง", "{n:,} finished"),
    "since_import_reopened": ("กลับมาเปิดใหม่ {n:,} เรื่อง", "{n:,} reopened"),
    "since_import_passed": ("ส่งต่อให้{unit} {n:,} เรื่อง", "{n:,} passed to {unit}"),
    "finish_standing_in": (
        "เวลาเสร็จสิ้นของ {n:,} จาก {total:,} เรื่องที่เสร็จสิ้น คือเวลาที่เรื่องมีความเคลื่อนไหว"
        "ครั้งล่าสุด ซึ่งอาจช้ากว่าวันที่เสร็จจริง (เช่น มีการให้คะแนนหรือแสดงความเห็นภายหลัง)",
        "For {n:,} of {total:,} finished tickets the finish time is the time of the ticket's "
        "last change, which can be later than when it was finished (a later rating or comment "
        "moves it).",
    ),
    "dept_title": ("เรื่องค้างแยกตามฝ่าย", "Open tickets per department"),
    "dept_caption": (
        "กลุ่มที่ยังไม่มีผู้รับผิดชอบแสดงก่อน เรื่องที่ระบุหลายฝ่ายนับในทุกฝ่าย "
        "เกินกำหนดคือค้างนานกว่าเวลาเป้าหมายของประเภทเรื่อง",
        "The group no one has yet comes first. A ticket naming several departments counts in "
        "each. Overdue: open longer than its category's target.",
    ),
    "dept_none_named": (
        "ข้อมูลชุดนี้ไม่ระบุฝ่ายที่รับผิดชอบ จึงจัดเรื่องให้ฝ่ายที่ดูแลประเภทของเรื่องนั้น"
        "ตามตารางการส่งต่อของเขต และทำเครื่องหมายว่า “ตามประเภท”",
        "This data names no departments: each ticket goes to the department that normally "
        "owns its category (the district's routing table), marked “routed by category”.",
    ),
    "col_oldest_ticket": ("เรื่องที่ค้างนานที่สุด", "Oldest open ticket"),
    "col_oldest_days": ("ค้างมาแล้ว (วัน)", "Open for (days)"),
    "col_on_map": ("ดูบนแผนที่", "On the map"),
    "dept_map_only": ("แผนที่แสดงเฉพาะเรื่องของ{unit}", "The map shows only the tickets of {unit}"),
    "dept_map_all": ("แสดงทุกเรื่องบนแผนที่", "Show every ticket on the map"),
    "dept_unknown": (
        "ไม่พบหน่วยงานนี้ในเขตที่เลือก แผนที่จึงแสดงทุกเรื่อง",
        "That unit has no tickets in this district: the map shows every ticket.",
    ),
    "traffy_title": ("ตัวเลขของเขตแบบหน้าจอของ Traffy", "The district as Traffy's screen counts it"),
    "traffy_total": ("ทั้งหมด", "Total"),
    "traffy_start": ("รอรับเรื่อง", "Waiting"),
    "traffy_in_progress": ("กำลังดำเนินการ", "In progress"),
    "traffy_finish": ("เสร็จสิ้น", "Finished"),
    "traffy_forward": ("ส่งต่อ", "Forwarded"),
    "traffy_irrelevant": ("ไม่เกี่ยวข้อง", "Irrelevant"),
    "traffy_managed": ("จัดการแล้ว", "Managed"),
    "traffy_caption": (
        "นับแบบเดียวกับหน้าจอเขตของ Traffy: ทั้งหมด = รอรับเรื่อง + กำลังดำเนินการ + เสร็จสิ้น "
        "+ ส่งต่อ + ไม่เกี่ยวข้อง (รวมติดตามเรื่อง); จัดการแล้ว = ทั้งหมด − รอรับเรื่อง; "
        "สัดส่วนคิดจากทั้งหมด ไม่ขึ้นกับตัวกรองวันที่และสถานะ",
        "Counted as Traffy's district screen does: total = waiting + in progress + finished + "
        "forwarded + irrelevant (follow-ups included); managed = total − waiting; shares of "
        "the total; the date and state filters do not apply.",
    ),
    "traffy_held": (
        "ในจำนวนที่กำลังดำเนินการ {n:,} เรื่องติดขัดตามระบบ (รองบประมาณ จัดซื้อจัดจ้าง "
        "หรือขั้นตอนทางกฎหมาย) ซึ่งฝ่ายใดก็ปิดไม่ได้ภายในสัปดาห์นี้",
        "Of those in progress, {n:,} are held by the system (waiting on budget, procurement or "
        "a legal process): no department can clear them this week.",
    ),
    "traffy_outside": (
        "{n:,} เรื่องมีสถานะที่ไม่อยู่ในกลุ่มใดของ Traffy จึงไม่นับรวมในทั้งหมด",
        "{n:,} tickets have a state in none of Traffy's groups and are not in the total.",
    ),
    "changes_title": ("การเปลี่ยนแปลงจากการนำเข้าข้อมูล", "What the imports changed"),
    "changes_not_kept": (
        "ยังไม่มีบันทึกการเปลี่ยนแปลงรายเรื่อง จะเริ่มบันทึกเมื่อนำเข้าข้อมูลครั้งถัดไป",
        "No per-ticket changes are recorded yet: they start with the next import.",
    ),
    "changes_first_import": (
        "ข้อมูลชุดนี้นำเข้าเป็นครั้งแรก ยังไม่มีข้อมูลครั้งก่อนให้เทียบว่ามีอะไรเปลี่ยน",
        "This is the first import of the data: there is no earlier one to compare with yet.",
    ),
    "changes_of_import": (
        "การนำเข้าครั้งที่ {n} ในเขตนี้ เปลี่ยนสถานะ {state:,} เรื่อง ได้รับคะแนน {rated:,} เรื่อง",
        "Import {n}, in this district: {state:,} changed state, {rated:,} rated.",
    ),
    "rounds_title": ("รอบรายงาน", "Report rounds"),
    "rounds_none": ("ยังไม่มีรอบรายงานของเขตนี้", "There are no report rounds for this district yet."),
    "rounds_readonly": (
        "หน้านี้แสดงรอบรายงานอย่างเดียว: ผู้อำนวยการและเจ้าหน้าที่ของเขตส่งหลักฐานและปิดรอบได้ที่นี่เมื่อเข้าสู่ระบบ "
        "ส่วนการทำรอบใหม่ทำโดยผู้ดูแลข้อมูลของเขต",
        "This page only shows the rounds: the district's director and staff return evidence "
        "and lock a round here once signed in; new rounds are made by the district's data "
        "administrator.",
    ),
    "round_heading": (
        "รอบที่ {id} · ทำเมื่อ {at} · {tickets:,} เรื่อง · ส่งหลักฐานแล้ว {returned} จาก {units} หน่วยงาน",
        "Round {id} · made {at} · {tickets:,} tickets · evidence back from {returned} of {units} units",
    ),
    "round_locked": ("ปิดรอบแล้วเมื่อ {at}", "Locked {at}"),
    "round_open": ("ยังรับหลักฐานอยู่", "Still taking evidence"),
    "col_round_tickets": ("เรื่องในรอบ", "Tickets in the round"),
    "col_evidence": ("หลักฐาน", "Evidence"),
    "col_returned_at": ("ส่งกลับเมื่อ", "Returned"),
    "col_evidence_file": ("ไฟล์ที่ส่ง", "File sent"),
    "evidence_back": ("ส่งแล้ว", "Returned"),
    "evidence_waiting": ("ยังไม่ส่ง", "Not yet"),
    "download_evidence": ("ดาวน์โหลดหลักฐานของ{unit}", "Download the evidence of {unit}"),
    "rounds_may_return": (
        "ส่งหลักฐานของแต่ละหน่วยงานในรอบที่ยังเปิดอยู่ได้ที่นี่: ภาพถ่าย (PNG, JPEG, WebP) หรือ PDF "
        "ไม่เกิน {mb} MB ระบบตรวจชนิดไฟล์จากเนื้อไฟล์ และบันทึกว่าใครส่งเมื่อใด",
        "You may return each unit's evidence for an open round here: a photo (PNG, JPEG, WebP) "
        "or a PDF of at most {mb} MB. The file's type is checked from its content, and who sent "
        "it and when is recorded.",
    ),
    "rounds_may_lock": (
        "ส่งหลักฐานของแต่ละหน่วยงานในรอบที่ยังเปิดอยู่ได้ที่นี่: ภาพถ่าย (PNG, JPEG, WebP) หรือ PDF "
        "ไม่เกิน {mb} MB และปิดรอบได้ (รอบที่ปิดแล้วไม่รับหลักฐานอีก) ระบบบันทึกว่าใครทำอะไรเมื่อใด",
        "You may return each unit's evidence for an open round here (a photo: PNG, JPEG, WebP, "
        "or a PDF of at most {mb} MB) and lock a round (a locked round takes no more evidence). "
        "Who did what and when is recorded.",
    ),
    "evidence_upload": ("ส่งหลักฐานของ{unit}", "Return the evidence of {unit}"),
    "round_lock_button": ("ปิดรอบที่ {id}", "Lock round {id}"),
    "round_write_returned": (
        "บันทึกหลักฐานของ{unit} ในรอบที่ {id} แล้ว ({name})",
        "The evidence of {unit} is kept with round {id} ({name}).",
    ),
    "round_write_locked": (
        "ปิดรอบที่ {id} แล้ว รอบนี้ไม่รับหลักฐานอีก",
        "Round {id} is locked: it takes no more evidence.",
    ),
    "round_write_refused": (
        "ไม่ได้บันทึก: บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้สำหรับรอบหรือเขตนี้",
        "Not saved: your account may not do this for this round or district.",
    ),
    "round_write_too_large": (
        "ไม่ได้บันทึก: ไฟล์ใหญ่เกิน {mb} MB โปรดส่งภาพหรือไฟล์สแกนที่เล็กลง",
        "Not saved: the file is larger than {mb} MB; send a smaller photo or scan.",
    ),
    "round_write_not_evidence": (
        "ไม่ได้บันทึก: เนื้อไฟล์ไม่ใช่ภาพถ่าย (PNG, JPEG, WebP) หรือ PDF ที่สมบูรณ์ ไม่ว่าชื่อไฟล์จะเป็นอะไร",
        "Not saved: by its content the file is not a photo (PNG, JPEG, WebP) or a whole PDF, "
        "whatever its name says.",
    ),
    "round_write_unreadable": (
        "ไม่ได้บันทึก: อ่านไฟล์นี้ไม่ได้",
        "Not saved: the file could not be read.",
    ),
    "round_write_stale": (
        "ไม่ได้บันทึก: รอบนี้ปิดแล้วหรือไม่มีหน่วยงานนี้ โปรดดูตารางอีกครั้ง",
        "Not saved: this round is locked or has no such unit; see the table again.",
    ),
    "round_write_store": (
        "ไม่ได้บันทึก: ระบบบันทึกลงฐานข้อมูลไม่ได้ในขณะนี้ ผู้ดูแลระบบดูสาเหตุได้จากบันทึกของเซิร์ฟเวอร์",
        "Not saved: the dashboard cannot write to its database now; the administrator can see "
        "why in the server's log.",
    ),
    "xl_page": ("หน้า {page} จาก {pages}", "page {page} of {pages}"),
    "xl_new_this": ("แจ้งใหม่ สัปดาห์นี้", "New this week"),
    "xl_new_last": ("แจ้งใหม่ สัปดาห์ก่อน", "New last week"),
    "xl_finished_this": ("เสร็จสิ้น สัปดาห์นี้", "Finished this week"),
    "xl_finished_last": ("เสร็จสิ้น สัปดาห์ก่อน", "Finished last week"),
    "xl_sheet": ("เรื่องในแผ่นงาน", "On its sheet"),
    "xl_unit_meta": (
        "เรื่องค้าง {open:,} เรื่อง เกินกำหนด {overdue:,} เรื่อง เรียงจากเร่งด่วนที่สุด "
        "(จำนวนวันที่เกินกำหนดเทียบกับเป้าหมายของประเภทนั้น)",
        "{open:,} open, {overdue:,} overdue; most urgent first (days overdue relative to "
        "the category's target)",
    ),
    "xl_more": (
        "และอีก {n:,} เรื่องในไฟล์ Excel",
        "and {n:,} more in the workbook",
    ),
    "xl_finished_weekly": ("จำนวนเรื่องที่เสร็จสิ้นในแต่ละสัปดาห์", "finished per week"),
    "xl_note_several": (
        "เรื่องที่ระบุหลายฝ่ายนับในทุกฝ่ายที่ระบุ",
        "A ticket that names several departments counts in each.",
    ),
    "xl_note_routing": (
        "“ตามประเภท”: ข้อมูลไม่ระบุฝ่าย จึงส่งต่อให้ฝ่ายที่มักรับผิดชอบประเภทเรื่องนั้น ตามตารางการส่งต่อของเขต",
        "“Routed by category”: the data names no department, so the ticket goes to the "
        "department that normally owns its category, from the district's routing table.",
    ),
    # alerts and digests by mail, webhook and feed (dashboard.notify.alerts, dashboard.notify.mail)
    "alert_subject_digest_day": ("สรุปประจำวัน {area} {when}", "Daily digest for {area}, {when}"),
    "alert_subject_digest_week": (
        "สรุปประจำสัปดาห์ {area} {when}",
        "Weekly digest for {area}, {when}",
    ),
    "alert_subject_events": (
        "แจ้งเตือน {area}: {count} เรื่องที่ควรรู้",
        "Alerts for {area}: {count} to know about",
    ),
    "alert_heading_digest": ("สรุปเรื่องร้องเรียน {area}", "Complaints in {area}"),
    "alert_heading_events": ("แจ้งเตือน {area}", "Alerts for {area}"),
    "alert_period": ("ช่วงวันที่ {period} เทียบกับ {earlier}", "{period}, against {earlier}"),
    "alert_as_of": ("ข้อมูล ณ {when}", "Data as of {when}"),
    "alert_open_now": ("เรื่องที่ยังไม่เสร็จ ณ ขณะนี้", "Open now"),
    "alert_new": ("แจ้งใหม่", "New reports"),
    "alert_finished": ("เสร็จสิ้น", "Finished"),
    "alert_newly_overdue": ("เพิ่งเกินกำหนด", "Newly overdue"),
    "alert_figure": ("{now} เรื่อง (ช่วงก่อนหน้า {before} เรื่อง)", "{now} (before: {before})"),
    "alert_beyond_up": (
        "เพิ่มขึ้น {change} มากกว่าความผันผวนปกติ (ช่วงความเชื่อมั่น 95%: {low} ถึง {high})",
        "up {change}, beyond noise (95% interval {low} to {high})",
    ),
    "alert_beyond_down": (
        "ลดลง {change} มากกว่าความผันผวนปกติ (ช่วงความเชื่อมั่น 95%: {low} ถึง {high})",
        "down {change}, beyond noise (95% interval {low} to {high})",
    ),
    "alert_within_noise": (
        "เปลี่ยน {change} อยู่ในความผันผวนปกติ (ช่วงความเชื่อมั่น 95%: {low} ถึง {high})",
        "{change}, within noise (95% interval {low} to {high})",
    ),
    "alert_no_compare": ("ช่วงก่อนหน้าไม่มีเรื่อง จึงเทียบไม่ได้", "nothing to compare with"),
    "alert_not_in_data": ("ไม่มีในข้อมูลนี้", "Not in this data"),
    "alert_missing_finish_time": (
        "เรื่องที่เสร็จสิ้นไม่มีเวลาที่เสร็จ จึงนับเรื่องที่เสร็จในช่วงนี้ไม่ได้",
        "finished tickets carry no finish time, so finishes in the period cannot be counted",
    ),
    "alert_overdue_unknown": (
        "อีก {count} เรื่องเสร็จแล้วแต่ไม่ทราบเวลาที่เสร็จ จึงไม่ทราบว่าเกินกำหนดหรือไม่",
        "{count} more finished without a finish time: whether they went overdue is unknown",
    ),
    "alert_oldest": ("เรื่องที่ค้างนานที่สุด", "Oldest open tickets"),
    "alert_top_categories": ("ประเภทที่แจ้งมากที่สุดในช่วงนี้", "Most reported categories"),
    "alert_ticket_line": (
        "{id} · {category} · แจ้งเมื่อ {reported} · ค้าง {days} วัน (เป้าหมาย {target} วัน)",
        "{id} · {category} · reported {reported} · open {days} days (target {target})",
    ),
    "alert_category_line": (
        "{category}: {now} เรื่อง (ช่วงก่อนหน้า {before})",
        "{category}: {now} (before: {before})",
    ),
    "alert_rule_spike": ("จำนวนเรื่องแจ้งสูงผิดปกติ", "Reports beyond noise"),
    "alert_spike_line": (
        "{period}: แจ้ง {reports} เรื่อง เทียบกับ {baseline} เรื่องใน {days} วันก่อนหน้า "
        "เพิ่มขึ้น {change} ต่อวัน (ช่วงความเชื่อมั่น 95%: {low} ถึง {high})",
        "{period}: {reports} reports against {baseline} in the {days} days before, "
        "up {change} per day (95% interval {low} to {high})",
    ),
    "alert_rule_hotspot": ("จุดร้องเรียนหนาแน่นที่เกิดขึ้นใหม่", "New emerging hot spots"),
    "alert_hotspot_line": ("ช่องพื้นที่ {cell}: {pattern}", "Cell {cell}: {pattern}"),
    "alert_pattern_new hot": ("จุดหนาแน่นใหม่", "new hot spot"),
    "alert_pattern_consecutive hot": ("หนาแน่นต่อเนื่อง", "consecutive hot spot"),
    "alert_pattern_intensifying hot": ("หนาแน่นขึ้นเรื่อย ๆ", "intensifying hot spot"),
    "alert_rule_recurrence": ("มีการแจ้งซ้ำในจุดเดิม", "Reported again at a recurring place"),
    "alert_recurrence_line": (
        "{category} · {address} · แจ้งแล้ว {reports} ครั้ง ล่าสุด {last}",
        "{category} · {address} · {reports} reports, last {last}",
    ),
    "alert_rule_overdue": (
        "เรื่องค้างเกิน {times} เท่าของเวลาเป้าหมาย",
        "Open past {times}× their target",
    ),
    "alert_more_events": ("และอีก {count} เรื่อง", "and {count} more"),
    "alert_open_view": ("เปิดดูในแดชบอร์ด", "Open in the dashboard"),
    "alert_open_ticket": ("เปิดดูเรื่องนี้", "Open this ticket"),
    "alert_footer": (
        "ท่านได้รับข้อความนี้เพราะมีการสมัครรับแจ้งเตือน “{name}” ข้อความของประชาชนถูกปิดข้อมูลส่วนบุคคลแล้ว",
        "You receive this because of the subscription “{name}”. Personal data in citizens' "
        "text has been hidden.",
    ),
    "alert_no_address": ("ไม่ระบุที่อยู่", "no address"),
    # subscriptions a signed-in user manages in the app (dashboard.notify.own_subscriptions)
    "own_subs_title": ("รับสรุปและแจ้งเตือนทางอีเมล", "Digests and alerts by e-mail"),
    "own_subs_caption": (
        "ส่งถึง {email} ซึ่งเป็นอีเมลที่ท่านใช้เข้าสู่ระบบเท่านั้น ข้อความของประชาชนในอีเมลจะถูกปิดข้อมูลส่วนบุคคล",
        "Sent only to {email}, the address you signed in with. Personal data in citizens' "
        "text is hidden in the mail.",
    ),
    "own_subs_none": ("ท่านยังไม่ได้สมัครรับสรุปของเขตใด", "You have no subscriptions yet."),
    "own_subs_line": (
        "{area} {every}: {rules} (สมัครเมื่อ {when})",
        "{area}, {every}: {rules} (added {when})",
    ),
    "own_subs_every": ("ความถี่", "How often"),
    "own_sub_every_day": ("รายวัน", "daily"),
    "own_sub_every_week": ("รายสัปดาห์", "weekly"),
    "own_sub_name": ("สรุป{every} {area} ของ {who}", "{area} {every} for {who}"),
    "own_subs_rules": ("สิ่งที่ต้องการทราบ", "What to be told"),
    "own_rule_digest": ("สรุปตัวเลขของช่วง", "The period's digest"),
    "own_subs_add": ("สมัครรับของ{area}", "Subscribe for {area}"),
    "own_subs_remove": ("ยกเลิก", "Remove"),
    "own_subs_added": ("สมัครแล้ว: {name}", "Subscribed: {name}"),
    "own_subs_removed": ("ยกเลิกแล้ว", "Removed."),
    "own_subs_refused": (
        "บันทึกไม่ได้: สิทธิ์ของท่านไม่ครอบคลุมเขตนี้ หรือที่อยู่อีเมลไม่ใช่ของท่าน",
        "Not saved: your role does not cover this district, or the address is not yours.",
    ),
    "own_subs_failed": (
        "บันทึกไม่ได้ในขณะนี้ โปรดลองอีกครั้งภายหลัง",
        "Could not be saved just now: please try again later.",
    ),
    "own_subs_invalid": (
        "บันทึกไม่ได้: ต้องเลือกอย่างน้อยหนึ่งเรื่องที่ต้องการทราบ และอีเมลที่ใช้เข้าสู่ระบบต้องเป็นที่อยู่ที่ส่งถึงได้",
        "Not saved: choose at least one thing to be told, and the address you signed in "
        "with must be one mail can reach.",
    ),
    # sign-in and roles (dashboard.access; the sidebar's account control)
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "sign_in_again": ("เข้าสู่ระบบอีกครั้ง", "Sign in again"),
    "signed_in_as": ("เข้าสู่ระบบในชื่อ {who}", "Signed in as {who}"),
    "role_governor": ("สำนักงานผู้ว่าราชการ: ทุกเขต", "Governor's office: every district"),
    "role_director": ("ผู้อำนวยการเขต: {districts}", "District director: {districts}"),
    "role_staff": ("เจ้าหน้าที่สำนักงานเขต: {districts}", "District staff: {districts}"),
    "role_admin": ("ผู้ดูแลระบบ: ทุกเขต", "Administrator: every district"),
    "public_view": (
        "มุมมองสาธารณะ: เบอร์โทร ชื่อ เลขบัตรประชาชน อีเมล และทะเบียนรถในข้อความของประชาชนถูกปิดไว้",
        "Public view: phone numbers, names, ID numbers, e-mail addresses and plates in "
        "citizens' text are hidden",
    ),
    "own_districts_whole": (
        "ข้อความของประชาชนแสดงเต็มเฉพาะในเขตของท่าน เขตอื่นปิดข้อมูลส่วนบุคคลไว้",
        "Citizens' text is shown whole in your districts only; elsewhere personal data is hidden",
    ),
    "redaction_off": (
        "ข้อความของประชาชนแสดงเต็มแก่ทุกคน (เครือข่ายภายใน)",
        "Citizens' text is shown whole to everyone (closed intranet)",
    ),
    "signin_no_email": (
        "การเข้าสู่ระบบไม่ได้ส่งอีเมลของท่านมา จึงแสดงมุมมองสาธารณะ โปรดขอให้ฝ่ายไอทีส่งอีเมลมากับการเข้าสู่ระบบ",
        "Your sign-in did not say your e-mail address, so you see the public view. Ask the "
        "IT team to include the e-mail address in the sign-in.",
    ),
    "signin_unverified": (
        "ผู้ให้บริการเข้าสู่ระบบยังไม่ได้ยืนยันอีเมลของท่าน จึงแสดงมุมมองสาธารณะ",
        "Your identity provider has not verified your e-mail address, so you see the public view.",
    ),
    "signin_expired": (
        "การเข้าสู่ระบบของท่านหมดอายุแล้ว จึงแสดงมุมมองสาธารณะ โปรดเข้าสู่ระบบอีกครั้ง",
        "Your sign-in has expired, so you see the public view. Please sign in again.",
    ),
    "signin_no_role": (
        "บัญชีของท่านยังไม่มีสิทธิ์ในแดชบอร์ดนี้ จึงแสดงมุมมองสาธารณะ โปรดขอให้ผู้ดูแลระบบเพิ่มชื่อท่านในรายชื่อผู้มีสิทธิ์",
        "Your account has no role in this dashboard yet, so you see the public view. Ask the "
        "administrator to add you to the list of roles.",
    ),
    "signin_roles_unusable": (
        "รายชื่อผู้มีสิทธิ์อ่านไม่ได้ ทุกคนจึงเห็นมุมมองสาธารณะจนกว่าผู้ดูแลระบบจะแก้ไข",
        "The list of roles cannot be read, so everyone sees the public view until the "
        "administrator fixes it.",
    ),
    # markers that replace personal data in citizens' text (dashboard.access.redact)
    "redact_phone": ("[เบอร์โทร]", "[phone]"),
    "redact_id": ("[เลขบัตรประชาชน]", "[ID number]"),
    "redact_email": ("[อีเมล]", "[e-mail]"),
    "redact_name": ("[ชื่อ]", "[name]"),
    "redact_plate": ("[ทะเบียนรถ]", "[plate]"),
    # --- the pages' smaller things (issue 32): ages, cut downloads, subdistricts, the week
    "col_days_to_finish": ("วันจนเสร็จ", "Days to finish"),
    "age_open_only": (
        "อายุ (วัน) แสดงเฉพาะเรื่องที่ยังไม่เสร็จ",
        "Age (days) is shown for open tickets only",
    ),
    "days_to_finish_missing": (
        "เรื่องที่เสร็จแล้วไม่แสดงอายุ และไม่มีวันจนเสร็จ: {why}",
        "A finished ticket shows no age and no days to finish: {why}",
    ),
    # a line of a CSV file: no comma (a spreadsheet would split it into cells)
    "export_cut": (
        "ไฟล์นี้มีเพียง {shown} เรื่องแรกจาก {total} เรื่องของมุมมองนี้ ({order}) "
        "เลือกตัวกรองให้แคบลงเพื่อได้ครบทุกเรื่อง",
        "This file holds only the first {shown} of the view's {total} tickets ({order}); "
        "narrow the filters to get every one",
    ),
    "subdistrict_table": ("เรื่องค้างตามแขวง", "Open tickets by subdistrict"),
    "col_oldest_open_days": ("ค้างนานที่สุด (วัน)", "Oldest open (days)"),
    "subdistrict_table_caption": (
        "นับตามพิกัดของเรื่อง เรียงจากแขวงที่มีเรื่องค้างมากที่สุด "
        "เกินกำหนด = ยังไม่เสร็จและค้างนานกว่าเป้าหมายของประเภทเรื่อง",
        "Counted by each ticket's location, most open first. Overdue: open longer than its "
        "category's target",
    ),
    "recurrence_on_overview": (
        "แผนที่ของปัญหาที่กลับมาซ้ำอยู่ในมุมมอง “{view}”: ลิงก์ด้านล่างเปิดแผนที่นั้นพร้อม {shown} จุดแรกเป็นวงสีม่วง",
        "The map of recurring problems is on the “{view}” view: the link below opens it with "
        "the first {shown} drawn as purple rings",
    ),
    "recurrence_open_map": (
        "เปิดแผนที่ปัญหาที่กลับมาซ้ำ (ภาพรวมเขต)",
        "Open the map of recurring problems (district overview)",
    ),
    # --- issue 32 follow-ups: Traffy's cards, columns no row can fill
    "traffy_share": ("{share:.1%} ของทั้งหมด", "{share:.1%} of the total"),
    # a line under a table: what it leaves out ({what}: “name”, …) and why
    "not_shown": ("ไม่แสดง {what}: {why}", "{what} not shown: {why}"),
    "why_no_value": ("ไม่มีแถวใดในตารางนี้มีค่า", "no row of this table has a value"),
    "why_per_10k_subdistrict": (
        "ไม่ใช้กับแขวง (มีจำนวนประชากรรายเขตเท่านั้น)",
        "not applicable to a subdistrict (population is known per district only)",
    ),
    "why_age_open_only": (
        "อายุแสดงเฉพาะเรื่องที่ยังไม่เสร็จ",
        "an age is shown for open tickets only",
    ),
    "why_finish_days_finished": (
        "มีเฉพาะเรื่องที่เสร็จสิ้นและมีเวลาปิดเรื่อง",
        "known only for finished tickets with a finish time",
    ),
    # --- issue 32 acceptance (p32-qa): the review's headline cards ---------------------
    "headline_reports": ("เรื่องที่แจ้งในช่วงนี้", "Reports in the period"),
    "headline_reports_before": ("ช่วงก่อน {n:,}", "previous period {n:,}"),
    "headline_open": ("ในจำนวนนี้ยังไม่เสร็จ", "Of these, still open"),
    "headline_open_share": ("{share} ของเรื่องที่แจ้ง", "{share} of the reports"),
    "headline_ranked": ("เขตที่จัดอันดับ", "Districts ranked"),
    "headline_ranked_of": ("จาก {n} เขต", "of {n}"),
    "headline_worst": ("อันดับ 1 (ค้างต่อ 10,000 คน)", "Rank 1 (open per 10k)"),
}

METRIC_LABELS = {
    "open": ("เรื่องที่ยังไม่เสร็จ", "Open tickets"),
    "total": ("เรื่องทั้งหมด", "All tickets"),
    "open_share": ("สัดส่วนที่ยังไม่เสร็จ", "Open share"),
    "open_per_10k": ("เรื่องค้างต่อประชากร 10,000 คน", "Open per 10k residents"),
    "median_days_to_finish": ("มัธยฐานวันจนเสร็จ", "Median days to finish"),
    "open_over_30": ("เรื่องค้างเกิน 30 วัน", "Open > 30 days"),
    "overdue": ("เรื่องค้างที่เกินกำหนด", "Open past target"),
    "on_time_share": ("สัดส่วนเสร็จทันกำหนด", "Finished within target"),
}

STATE_NAMES = {
    "waiting": ("รอรับเรื่อง", "Waiting"),
    "forwarded": ("ส่งต่อ", "Forwarded"),
    "in_progress": ("กำลังดำเนินการ", "In progress"),
    "finished": ("เสร็จสิ้น", "Finished"),
    "irrelevant": ("ไม่เกี่ยวข้อง", "Irrelevant"),
    "other": ("อื่น ๆ", "Other"),
    "unknown": ("ไม่ทราบ", "Unknown"),
    "open_unrecorded": ("ค้างอยู่ (ไม่ทราบสถานะวันนั้น)", "Open (state that day not recorded)"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """Return the label for `key` in `lang` ('th' or 'en'), formatted with `values`."""
    thai, english = LABELS[key]
    text = english if lang == "en" else thai
    return text.format(**values) if values else text


def metric_label(metric: str, lang: Lang) -> str:
    thai, english = METRIC_LABELS[metric]
    return english if lang == "en" else thai


def state_label(state: str, lang: Lang) -> str:
    thai, english = STATE_NAMES.get(state, (state, state))
    return english if lang == "en" else thai


def category_label(category: str, lang: Lang) -> str:
    """Return a category's display name; Thai names are the data's own."""
    if lang == "en":
        return CATEGORY_EN.get(category, category)
    return CATEGORY_TH_EXTRA.get(category, category)


def area_name(name_th: str, name_en: str, lang: Lang) -> str:
    return name_en if lang == "en" else name_th


HOTSPOT_CLASSES = {"hot": ("จุดร้อน", "hot spot"), "cold": ("จุดเย็น", "cold spot")}
EMERGING_PATTERNS = {
    "new": ("ใหม่", "new"),
    "consecutive": ("ต่อเนื่อง", "consecutive"),
    "intensifying": ("รุนแรงขึ้น", "intensifying"),
    "persistent": ("คงอยู่", "persistent"),
    "diminishing": ("ลดลง", "diminishing"),
    "sporadic": ("เป็นครั้งคราว", "sporadic"),
    "oscillating": ("สลับไปมา", "oscillating"),
    "historical": ("ในอดีต", "historical"),
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "en" else pair[0]


def hotspot_class(label: str, lang: Lang) -> str:
    """'hot 99%' → 'จุดร้อน 99%' (or 'hot spot 99%'); 'intensifying hot' → 'จุดร้อนรุนแรงขึ้น'
    (or 'intensifying hot spot'); 'too few', 'no pattern' and 'not significant' translated."""
    if label == "too few":
        return t("too_few_to_judge", lang)
    if label in ("no pattern", "not significant"):
        return _pick(
            ("ไม่มีรูปแบบ", "no pattern")
            if label == "no pattern"
            else ("ไม่มีนัยสำคัญ", "not significant"),
            lang,
        )
    first, _, last = label.partition(" ")
    if first in EMERGING_PATTERNS and last in HOTSPOT_CLASSES:
        spot = _pick(HOTSPOT_CLASSES[last], lang)
        word = _pick(EMERGING_PATTERNS[first], lang)
        return f"{word} {spot}" if lang == "en" else f"{spot}{word}"
    kind, _, confidence = label.partition(" ")
    if kind not in HOTSPOT_CLASSES:
        return label
    return f"{_pick(HOTSPOT_CLASSES[kind], lang)} {confidence}".strip()


BUDDHIST_ERA_OFFSET = 543
"""A Thai date's year is the Buddhist era's: the Common era's plus this."""


def year_offset(lang: Lang) -> int:
    """What to add to a Common-era year to write it in `lang` (charts' axes use it)."""
    return 0 if lang == "en" else BUDDHIST_ERA_OFFSET


def months(lang: Lang) -> tuple[str, ...]:
    """The short month names ('ม.ค.' … / 'Jan' …), from PyThaiNLP in Thai."""
    return tuple(_strftime(datetime(2000, month, 1), "%b", lang) for month in range(1, 13))


def short_date(day: date, lang: Lang) -> str:
    """'18 ธ.ค. 2565' (Buddhist-era year, as Thai offices write it) / '18 Dec 2022'."""
    return _strftime(_midnight(day), "%-d %b %Y", lang)


def long_date(day: date, lang: Lang) -> str:
    """'18 ธันวาคม 2565' / '18 December 2022': for headings."""
    return _strftime(_midnight(day), "%-d %B %Y", lang)


def date_time(moment: datetime, lang: Lang) -> str:
    """'18 ธ.ค. 2565 14:05' / '18 Dec 2022 14:05', in Bangkok time."""
    local = moment.astimezone(BANGKOK_TZ) if moment.tzinfo else moment
    return _strftime(local, "%-d %b %Y %H:%M", lang)


def date_range(since: date, until: date, lang: Lang) -> str:
    """A period, both ends written in full: '1 ธ.ค. 2565 – 18 ธ.ค. 2565'."""
    return f"{short_date(since, lang)} – {short_date(until, lang)}"


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _strftime(moment: datetime, pattern: str, lang: Lang) -> str:
    if lang == "en":
        return moment.strftime(pattern.replace("%-d", str(moment.day)))
    return str(thai_strftime(moment, pattern))
