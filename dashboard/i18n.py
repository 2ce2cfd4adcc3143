"""Thai and English labels for everything the dashboard shows."""

from __future__ import annotations

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
    "points_capped": (
        "แสดง {shown:,} จาก {total:,} จุด (จำกัดเพื่อความเร็ว)",
        "Showing {shown:,} of {total:,} points (capped to stay fast)",
    ),
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
        "ข้อมูลชุดนี้ไม่มีวันที่ปิดเรื่อง (last_activity) จึงแสดงเส้นเสร็จสิ้นไม่ได้",
        "This data has no closing dates (last_activity), so the finished line cannot be drawn",
    ),
    "review_period": (
        "ช่วงที่ทบทวน {since} ถึง {until} · เทียบกับ {psince} ถึง {puntil}",
        "Period {since} to {until} · compared with {psince} to {puntil}",
    ),
    "no_open_in_period": (
        "ไม่มีเรื่องค้างที่แจ้งในช่วงนี้ จึงไม่มีจุดร้อนให้แสดง",
        "No open tickets were reported in this period, so there are no hotspots to show",
    ),
    "hotspots": ("จุดร้อนของเรื่องค้าง", "Hotspots of open complaints"),
    "hotspot_method": (
        "Gi* บนเซลล์ H3 ความละเอียด {res} (น้ำหนักแบบไบนารีของเซลล์และวงรอบแรก รวมตัวเอง) ทดสอบด้วยการสุ่มสลับ {perms} ครั้ง seed {seed};",
        "Local Gi* on H3 cells at resolution {res} (binary weights over each cell and its first ring, the cell included), {perms} permutations with seed {seed};",
    ),
    "league": ("ตารางอันดับเขตอย่างเป็นธรรม", "Fair district league table"),
    "league_note": (
        "จัดอันดับเฉพาะเขตที่มีเรื่องอย่างน้อย {n} เรื่องในช่วงนี้ ตัวเลขในวงเล็บคือช่วงความเชื่อมั่น 95%",
        "Only districts with at least {n} tickets in the period are ranked; brackets give 95% intervals",
    ),
    "too_few": ("เรื่องน้อยกว่า {n} (ไม่จัดอันดับ):", "Fewer than {n} tickets (not ranked):"),
    "change": ("เปลี่ยนจากช่วงก่อน", "Change vs previous"),
    "audit": ("ตรวจการปิดเรื่อง: ปิดแล้วไม่ได้แปลว่าแก้แล้ว", "Closure audit: closed is not fixed"),
    "audit_note": (
        "สัดส่วนของเรื่องที่เสร็จสิ้น: ไม่มีภาพหลัง, ปิดภายใน {hours} ชม., ถูกเปิดซ้ำ, ได้ 1–2 ดาว (ในเรื่องที่ให้ดาว)",
        "Shares of finished tickets: no after-photo, closed within {hours} h, reopened, rated 1–2 stars (of those rated)",
    ),
    "flagged": ("เรื่องที่ถูกตั้งข้อสังเกต", "Flagged tickets"),
    "no_after_photo": ("ไม่มีภาพหลัง", "No after-photo"),
    "fast_close": ("ปิดเร็วผิดปกติ", "Closed implausibly fast"),
    "reopened": ("ถูกเปิดซ้ำ", "Reopened"),
    "low_star": ("1–2 ดาว", "1–2 stars"),
    "resolution": ("ความละเอียด H3", "H3 resolution"),
    "min_tickets": ("จำนวนเรื่องขั้นต่ำเพื่อจัดอันดับ", "Minimum tickets to rank"),
    "fast_hours": ("ปิดเร็วกว่า (ชั่วโมง)", "Closed faster than (hours)"),
    "median_open_age": ("มัธยฐานอายุเรื่องค้าง (วัน)", "Median open age (days)"),
    "trend": ("แนวโน้ม", "Trend"),
    "brief_title": ("สรุปทบทวนระดับเมือง khetmap", "khetmap city review brief"),
    "download_brief": ("ดาวน์โหลดสรุปสำหรับการประชุม (HTML)", "Download the meeting brief (HTML)"),
    "error_title": ("เกิดปัญหา", "Something went wrong"),
}

METRIC_LABELS = {
    "open": ("เรื่องที่ยังไม่เสร็จ", "Open tickets"),
    "total": ("เรื่องทั้งหมด", "All tickets"),
    "open_share": ("สัดส่วนที่ยังไม่เสร็จ", "Open share"),
    "open_per_10k": ("เรื่องค้างต่อประชากร 10,000 คน", "Open per 10k residents"),
    "median_days_to_finish": ("มัธยฐานวันจนเสร็จ", "Median days to finish"),
    "open_over_30": ("เรื่องค้างเกิน 30 วัน", "Open > 30 days"),
}

STATE_LABELS = {
    "waiting": ("รอรับเรื่อง", "Waiting"),
    "forwarded": ("ส่งต่อ", "Forwarded"),
    "in_progress": ("กำลังดำเนินการ", "In progress"),
    "finished": ("เสร็จสิ้น", "Finished"),
    "irrelevant": ("ไม่เกี่ยวข้อง", "Irrelevant"),
    "other": ("อื่น ๆ", "Other"),
    "unknown": ("ไม่ทราบ", "Unknown"),
}


def t(key: str, lang: str, **values: object) -> str:
    """Return the label for `key` in `lang` ('th' or 'en'), formatted with `values`."""
    thai, english = LABELS[key]
    text = english if lang == "en" else thai
    return text.format(**values) if values else text


def metric_label(metric: str, lang: str) -> str:
    thai, english = METRIC_LABELS[metric]
    return english if lang == "en" else thai


def state_label(state: str, lang: str) -> str:
    thai, english = STATE_LABELS.get(state, (state, state))
    return english if lang == "en" else thai


def category_label(category: str, lang: str) -> str:
    """Return a category's display name; Thai names are the data's own."""
    if lang == "en":
        return CATEGORY_EN.get(category, category)
    return CATEGORY_TH_EXTRA.get(category, category)


def area_name(name_th: str, name_en: str, lang: str) -> str:
    return name_en if lang == "en" else name_th
