"""Where each dataset khetmap shows comes from, and its licence (About page and brief)."""

SOURCES = [
    # (data th, data en), (source th, source en), (licence th, licence en)
    (
        ("เรื่องร้องเรียน Traffy Fondue", "Traffy Fondue tickets"),
        (
            "ข้อมูลสาธารณะของ Traffy Fondue (NECTEC) และกรุงเทพมหานคร",
            "Traffy Fondue (NECTEC) / Bangkok Metropolitan Administration public data",
        ),
        ("ไม่ได้ระบุ", "not stated"),
    ),
    (
        ("ขอบเขต 50 เขต", "District boundaries (50 khet)"),
        (
            "OCHA HDX COD-AB ประเทศไทย, กรมแผนที่ทหาร",
            "OCHA HDX COD-AB Thailand, Royal Thai Survey Department",
        ),
        ("CC BY 3.0 IGO", "CC BY 3.0 IGO"),
    ),
    (
        ("ขอบเขต 180 แขวง", "Subdistrict boundaries (180 khwaeng)"),
        ("BangkokGIS กรุงเทพมหานคร", "BangkokGIS, Bangkok Metropolitan Administration"),
        ("ไม่ได้ระบุ", "not stated"),
    ),
    (
        ("ชื่อเขตและแขวง ไทย/อังกฤษ", "Thai/English area names"),
        ("GeoThai (รหัสเขตการปกครองของกรมการปกครอง)", "GeoThai (DOPA administrative codes)"),
        ("CC BY 4.0", "CC BY 4.0"),
    ),
    (
        ("ประชากรตามทะเบียนราษฎร์ 2568", "Registered population 2025"),
        (
            "สถิติทะเบียนราษฎร์ กรมการปกครอง (stat.bora.dopa.go.th)",
            "DOPA registration statistics (stat.bora.dopa.go.th)",
        ),
        ("สถิติทางการ ไม่ได้ระบุ", "official statistics, not stated"),
    ),
]
