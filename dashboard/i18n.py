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
        "Gi* บนเซลล์ H3 ความละเอียด {res} (น้ำหนักแบบไบนารีของเซลล์และวงรอบแรก รวมตัวเอง) ทดสอบด้วยการสุ่มสลับ {perms} ครั้ง (ค่าเริ่มสุ่ม {seed}) ควบคุมอัตราการค้นพบเท็จด้วยวิธี Benjamini–Hochberg ที่แต่ละระดับความเชื่อมั่น",
        "Local Gi* on H3 cells at resolution {res} (binary weights over each cell and its first ring, the cell included), {perms} permutations with seed {seed}; Benjamini–Hochberg false discovery rate control at each confidence level",
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
    "brief_meta": ("ข้อมูล ณ {as_of} · จัดทำเมื่อ {made}", "Data as of {as_of} · made {made}"),
    "map_title": ("แผนที่จุดร้อน", "Hotspot map"),
    "photo_open": ("เปิดภาพ", "open photo"),
    "photo_after_open": ("เปิดภาพหลัง", "open after-photo"),
    "rank": ("อันดับ", "Rank"),
    "error_title": ("เกิดปัญหา", "Something went wrong"),
    "internal_error": (
        "แสดงมุมมองนี้ไม่ได้เพราะเกิดข้อผิดพลาดภายใน ลองตัวกรองอื่นหรือโหลดหน้าใหม่ หากยังเป็นอยู่ โปรดแจ้งลิงก์ที่เปิด",
        "This view could not be drawn because of an internal error. Try another filter or "
        "reload the page; if it persists, report the link you opened.",
    ),
    "empty_store": (
        "ยังไม่มีเรื่องในฐานข้อมูล: สั่ง khetmap ingest ไฟล์ (หรือ khetmap run ซึ่งนำเข้าข้อมูลตั้งต้นให้)",
        "The store has no tickets yet: run khetmap ingest FILE (or khetmap run, which ingests the default data).",
    ),
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
        "วาดแผนที่ไม่ได้: ไม่พบไลบรารีแผนที่ของแอป ({what}) ให้รัน scripts/setup.sh แล้วเปิดใหม่",
        "The map cannot be drawn: the app's map libraries are missing ({what}); run scripts/setup.sh and reload",
    ),
    "static_serving_off": (
        "การให้บริการไฟล์คงที่ปิดอยู่ (server.enableStaticServing)",
        "static file serving is off (server.enableStaticServing)",
    ),
    "vendor_files_missing": ("ไม่มีไฟล์ {files}", "files not installed: {files}"),
    "points_rule": ("จุดที่แสดง", "Points drawn"),
    "points_oldest": ("เรื่องค้างเก่าสุดก่อน", "Oldest open first"),
    "points_newest": ("ใหม่สุดก่อน", "Newest first"),
    "points_shown_oldest": (
        "แสดง {shown:,} จาก {total:,} จุด: เรื่องค้างที่เก่าที่สุดก่อน แล้วจึงเรื่องใหม่สุด (แจ้งระหว่าง {first} ถึง {last})",
        "Showing {shown:,} of {total:,} points: the oldest open tickets first, then the newest (reported {first} to {last})",
    ),
    "points_shown_newest": (
        "แสดง {shown:,} จาก {total:,} จุด: เรื่องที่แจ้งใหม่สุดก่อน (แจ้งระหว่าง {first} ถึง {last})",
        "Showing {shown:,} of {total:,} points: the newest tickets first (reported {first} to {last})",
    ),
    "points_all": ("แสดงทั้ง {total:,} จุด", "Showing all {total:,} points"),
    "points_none": ("ไม่มีเรื่องที่มีพิกัดตามตัวกรองนี้", "No located tickets match these filters"),
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
        "“ยังไม่เสร็จ” คือสถานะของเรื่อง ณ วันนี้ เรื่องในช่วงก่อนหน้ามีเวลาปิดนานกว่า จึงมีเรื่องค้างน้อยกว่าโดยธรรมชาติ ค่าเปลี่ยนแปลงที่ติดลบและแนวโน้ม “ลดลง” ส่วนหนึ่งมาจากเหตุนี้ ไม่ได้แปลว่าดีขึ้นเสมอไป",
        "“Open” is a ticket's state today. Tickets of the previous period have had longer to close, so they show fewer open: a negative change and a “diminishing” trend partly reflect that, not necessarily an improvement",
    ),
    "guide_hotspots": (
        "จุดร้อนแสดงว่าเรื่องค้างกระจุกตัวที่ใด ซึ่งส่วนใหญ่ตามจำนวนคนที่อยู่และแจ้งเรื่อง ไม่ได้บอกว่าหน่วยงานทำงานแย่",
        "Hotspots show where open complaints concentrate, which mostly follows where people live and report; they do not by themselves show poor service",
    ),
    "hot_area": ("พื้นที่", "Area"),
    "area_cells": ("จำนวนเซลล์", "Cells"),
    "area_districts": ("{n} เขต ส่วนใหญ่ {names}", "{n} districts, mostly {names}"),
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
    # what the data can support
    "not_available": ("ไม่มีในข้อมูลนี้: {why}", "Not available in this data: {why}"),
    "why_missing_finish_time": (
        "ไม่มีเรื่องที่เสร็จสิ้นเรื่องใดมีเวลาปิดเรื่อง (last_activity) ข้อมูลจาก API สาธารณะของ Traffy ไม่มีค่านี้",
        "no finished ticket has a finish time (last_activity); Traffy's public API does not return it",
    ),
    "why_missing_star": ("ไม่มีเรื่องใดได้รับการให้ดาวจากผู้แจ้ง", "no ticket has a citizen's star rating"),
    "why_missing_after_photo": (
        "ไม่มีเรื่องที่เสร็จสิ้นเรื่องใดมีภาพหลังแก้ไขในข้อมูลนี้",
        "no finished ticket has an after-photo in this data",
    ),
    "why_missing_reopen_count": (
        "ไม่มีเรื่องใดมีจำนวนครั้งที่ถูกเปิดซ้ำ (count_reopen)",
        "no ticket has a reopen count (count_reopen)",
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
    "na_short": ("ไม่มีในข้อมูลนี้", "Not in this data"),
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
    "why_before_since": ("อยู่ก่อนวันเริ่มต้น {since}", "it is before since={since}"),
}

METRIC_LABELS = {
    "open": ("เรื่องที่ยังไม่เสร็จ", "Open tickets"),
    "total": ("เรื่องทั้งหมด", "All tickets"),
    "open_share": ("สัดส่วนที่ยังไม่เสร็จ", "Open share"),
    "open_per_10k": ("เรื่องค้างต่อประชากร 10,000 คน", "Open per 10k residents"),
    "median_days_to_finish": ("มัธยฐานวันจนเสร็จ", "Median days to finish"),
    "open_over_30": ("เรื่องค้างเกิน 30 วัน", "Open > 30 days"),
}

STATE_NAMES = {
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
    thai, english = STATE_NAMES.get(state, (state, state))
    return english if lang == "en" else thai


def category_label(category: str, lang: str) -> str:
    """Return a category's display name; Thai names are the data's own."""
    if lang == "en":
        return CATEGORY_EN.get(category, category)
    return CATEGORY_TH_EXTRA.get(category, category)


def area_name(name_th: str, name_en: str, lang: str) -> str:
    return name_en if lang == "en" else name_th


HOTSPOT_CLASSES = {"hot": ("จุดร้อน", "hot spot"), "cold": ("จุดเย็น", "cold spot")}
TRENDS = {
    "new": ("ใหม่", "new"),
    "intensifying": ("รุนแรงขึ้น", "intensifying"),
    "persistent": ("คงที่", "persistent"),
    "diminishing": ("ลดลง", "diminishing"),
    "–": ("ไม่มีช่วงก่อนให้เทียบ", "no previous period"),
}
FLAGS = {
    "no_after_photo": ("ไม่มีภาพหลัง", "no after-photo"),
    "fast_close": ("ปิดเร็วผิดปกติ", "closed implausibly fast"),
    "reopened": ("ถูกเปิดซ้ำ", "reopened"),
    "low_star": ("1–2 ดาว", "1–2 stars"),
}
THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
ENGLISH_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def hotspot_class(label: str, lang: str) -> str:
    """'hot 99%' → 'จุดร้อน 99%' (or 'hot spot 99%'); anything else unchanged."""
    kind, _, confidence = label.partition(" ")
    if kind not in HOTSPOT_CLASSES:
        return label
    return f"{_pick(HOTSPOT_CLASSES[kind], lang)} {confidence}".strip()


def trend(word: str, lang: str) -> str:
    return _pick(TRENDS.get(word, (word, word)), lang)


def flag(name: str, lang: str) -> str:
    return _pick(FLAGS.get(name, (name, name)), lang)


def months(lang: str) -> tuple[str, ...]:
    return ENGLISH_MONTHS if lang == "en" else THAI_MONTHS


def short_date(day: object, lang: str) -> str:
    """'6 มิ.ย. 2022' / '6 Jun 2022' (Common-era years, like every date in khetmap)."""
    from datetime import date

    assert isinstance(day, date)
    return f"{day.day} {months(lang)[day.month - 1]} {day.year}"
