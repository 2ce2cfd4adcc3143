"""Find personal data in citizens' text and replace it with a visible marker.

A Traffy comment (or address) can hold a phone number, a 13-digit ID number, an e-mail
address, a person's name after a title (นาย, นางสาว, คุณ …) or a vehicle plate. `find`
says where they are, `redact` replaces each with a marker in the page's language
("[เบอร์โทร]", "[phone]" …) and `redact_series` does a column of texts. Whatever a page,
popup, download or document shows to someone who is not signed in is to go through
`redact` on the server, before anything is sent.

Every input is untrusted: a value that is not a string never raises, and every pattern
is bounded (no nested unbounded repetition), so a 10,000-character text takes a few
milliseconds. How well it works, kind by kind, is measured on hand-labelled real
comments in tests/test_redact.py and reported in the README.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from dashboard.i18n import Lang, t

Kind = Literal["phone", "id", "email", "name", "plate"]
KINDS: tuple[Kind, ...] = ("phone", "id", "email", "name", "plate")
# when two findings overlap, the earlier kind here wins
_PRIORITY: dict[Kind, int] = {"email": 0, "id": 1, "phone": 2, "plate": 3, "name": 4}


@dataclass(frozen=True)
class Span:
    """One finding: `text[start:end]` is personal data of this kind."""

    kind: Kind
    start: int
    end: int


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Links are kept as they are: the digits in them are ids, coordinates and times.
# (Possessive quantifiers: a label never gives characters back, so "1-1-1-…" is linear.)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']{1,2000}+"
    r"|(?<![A-Za-z0-9.-])[A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){1,6}+/[^\s<>\"']{0,2000}+",
    re.IGNORECASE,
)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@(?:[A-Za-z0-9-]{1,63}+\.){1,8}"
    r"[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)

# --- numbers -------------------------------------------------------------------------
# A separator between two digits: a dash or a dot (or two: "02--311-4472") with up to
# two spaces around it, or one or two spaces. Never a newline: a phone number on one
# line and a house number on the next are two things.
_SEP = r"(?:[ \t]{0,2}[-.]{1,2}[ \t]{0,2}|[ \t]{1,2})?"


def _digits(count: int) -> str:
    return rf"(?:{_SEP}\d){{{count}}}"


# Thai numbers without the leading 0: mobile 6/8/9 + 8 digits, Bangkok 2 + 7 digits, and
# the provincial area codes 32-39, 42-45, 52-56, 73-77 + 6 digits.
_NATIONAL = (
    rf"(?:[689]{_digits(8)}|2{_digits(7)}"
    rf"|(?:3{_SEP}[2-9]|4{_SEP}[2-5]|5{_SEP}[2-6]|7{_SEP}[3-7]){_digits(6)})"
)
_PHONE = re.compile(
    r"(?<!\d)(?<!\d\.)"
    rf"(?:\+[ \t]?66{_SEP}(?:\(0\)[ \t]?)?|0{_SEP})"
    rf"{_NATIONAL}"
    r"(?:[ \t]?-[ \t]?\d{1,2}(?!\d))?"  # an extension range: 02-372-2225-7
    r"(?!\d)(?![ \t]{0,2}[-.][ \t]{0,2}\d)"
)
# dd.mm.yy or dd.mm.yyyy at the start of a phone-shaped run is a date, and
# 088-6-00170-6 is a bank account
_NOT_PHONE = re.compile(
    r"\d{1,2}[ \t]?[./-][ \t]?\d{1,2}[ \t]?[./-][ \t]?\d{2}|\d{3}-\d-\d{5}-\d(?!\d)"
)

_ID = re.compile(r"(?<!\d)(?<!\d[.,])\d[ \-]?\d{4}[ \-]?\d{5}[ \-]?\d{2}[ \-]?\d(?!\d)(?![.,]\d)")


def _outside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return not any(start < stop and begin < end for begin, stop in spans)


def _urls(scan: str) -> list[tuple[int, int]]:
    return [match.span() for match in _URL.finditer(scan)]


def _emails(scan: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(scan):
        yield Span("email", *match.span())


def _ids(scan: str, urls: list[tuple[int, int]]) -> Iterator[Span]:
    for match in _ID.finditer(scan):
        if _outside(urls, *match.span()):
            yield Span("id", *match.span())


def _phones(scan: str, urls: list[tuple[int, int]]) -> Iterator[Span]:
    for match in _PHONE.finditer(scan):
        if _outside(urls, *match.span()) and not _NOT_PHONE.match(match.group()):
            yield Span("phone", *match.span())


# --- vehicle plates ------------------------------------------------------------------
_CONSONANT = "[ก-ฮ]"
_PLATE_END = r"(?![\d/])(?!\.\d)"
# 1กข 1234, 7 กก 8950, 6 ก ญ 5815: a digit, two letters, two to four digits
_PLATE_DIGIT_FIRST = re.compile(
    rf"(?<!\d)\d[ ]?(?P<letters>{_CONSONANT}[ .]?{_CONSONANT})"
    rf"[ ]{{0,2}}-?[ ]{{0,2}}(?P<number>[1-9]\d{{1,3}}){_PLATE_END}"
)
# กข 1234, กข-1234, ขฉก 209: letters alone are common Thai words ("ซอย 5", "รถ 2 คัน",
# "ตอน 3 ทุ่ม"), so these count only with three or four digits, and with a dash or next to
# a word that says a vehicle is meant
_PLATE_LETTERS_FIRST = re.compile(
    rf"(?<![ก-๙\d])(?P<letters>{_CONSONANT}{{2,3}})(?P<gap>[ ]{{0,2}}-?[ ]{{0,2}})"
    rf"(?P<number>[1-9]\d{{2,3}}){_PLATE_END}"
)
# 13-1149: a bus or a truck, only right after "ทะเบียน"
_PLATE_NUMERIC = re.compile(r"ทะเบียน(?:รถ)?[ \t\n]{0,3}(?P<plate>\d{1,2}[ ]?-[ ]?\d{4})(?!\d)")
_VEHICLE_WORDS = re.compile(
    r"ทะเบียน|ป้าย|(?<!สามา)รถ|แท็กซี่|แทกซี่|แท๊กซี่|taxi|จยย|จักรยานยนต์|มอเตอร์ไซ|มอไซ"
    r"|honda|toyota|isuzu|nissan|mazda|ford|mitsubishi|benz|bmw|volvo|วอลโว่",
    re.IGNORECASE,
)
# letter pairs and triples that are words or abbreviations, not plates
_NOT_PLATE_LETTERS = frozenset(
    {
        *("ซอย", "ถนน", "รถ", "คน", "ผม", "กม", "ชม", "ซม", "มม", "ตร", "รร", "ปอ", "จส"),
        *("นบ", "ทส", "พศ", "คศ", "ลบ", "ชน", "ทล", "อบ", "สน", "มบ", "ปล", "รอบ", "จอด"),
        *("กทม", "สส", "สก", "ทม", "บก", "ตชด", "รพ", "สปก"),
    }
)
# month abbreviations written without dots: "9 กค 65" is a date
_MONTHS = frozenset(("มค", "กพ", "พค", "กค", "สค", "กย", "ตค", "พย", "ธค"))
_PROVINCE = re.compile(r"[ ]{0,2}(?:กทม\.?|กรุงเทพ(?:มหานคร|ฯ)?|กท\.?)")


def _letters(raw: str) -> str:
    return raw.replace(" ", "").replace(".", "")


def _is_date(letters: str, number: str) -> bool:
    return letters in _MONTHS and (len(number) == 2 or number[:2] in ("25", "20"))


def _with_province(scan: str, end: int) -> int:
    match = _PROVINCE.match(scan, end)
    return match.end() if match else end


def _plates(scan: str, urls: list[tuple[int, int]]) -> Iterator[Span]:
    for span in _plate_candidates(scan):
        if _outside(urls, span.start, span.end):
            yield span


def _plate_candidates(scan: str) -> Iterator[Span]:
    for match in _PLATE_DIGIT_FIRST.finditer(scan):
        letters = _letters(match["letters"])
        if letters not in _NOT_PLATE_LETTERS and not _is_date(letters, match["number"]):
            yield Span("plate", match.start(), _with_province(scan, match.end()))
    for match in _PLATE_LETTERS_FIRST.finditer(scan):
        if _letters_first_is_plate(scan, match):
            yield Span("plate", match.start(), _with_province(scan, match.end()))
    for match in _PLATE_NUMERIC.finditer(scan):
        yield Span("plate", *match.span("plate"))


def _letters_first_is_plate(scan: str, match: re.Match[str]) -> bool:
    letters = match["letters"]
    if letters in _NOT_PLATE_LETTERS or _is_date(letters, match["number"]):
        return False
    if "-" in match["gap"]:
        return True
    before = scan[max(0, match.start() - 40) : match.start()]
    return bool(_VEHICLE_WORDS.search(before)) or bool(_PROVINCE.match(scan, match.end()))


# --- names after a title -------------------------------------------------------------
_TH_LETTER = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e"  # no digits, ฯ or ๆ
_TH_WORD_START = "\u0e01-\u0e2e\u0e40-\u0e44"  # a consonant or a leading vowel
_WORD = rf"[{_TH_WORD_START}][{_TH_LETTER}]{{1,29}}"
_KIN = "ยาย|ลุง|ป้า|น้า|อา|ตา|ปู่|ย่า|แม่|พ่อ|หมอ|ครู|พี่|น้อง"
_KIN_OR_NAME = ("อา", "ตา")
_TITLE = re.compile(
    r"(?P<title>นางสาว|น\.ส\.|นส\.|ด\.ช\.|ด\.ญ\.|เด็กชาย|เด็กหญิง|นาย|นาง|ดร\.|นพ\.|พญ\.|คุณ)"
    rf"(?P<kin>(?<=คุณ)(?:{_KIN})(?=[{_TH_WORD_START}]))?[ \t]{{0,3}}(?P<named>ชื่อ[ \t]{{0,2}})?"
    rf"(?P<first>{_WORD})"
)
_ENGLISH_TITLE = re.compile(
    r"\b(?:Mrs|Mr|Ms|Miss|Dr)\.?[ \t]{1,3}(?P<name>[A-Z][a-z]{1,29}(?:[ \t][A-Z][a-z]{1,29})?)"
)
_SURNAME = re.compile(rf"\.?(?:[ \t]{{1,24}}\n?|\n)[ \t]{{0,3}}(?P<last>{_WORD})")
_LONGEST_FIRST_NAME = 11  # code points; "รัชฎาวรรณ" is 9, "ศักดิ์เพชร" 10
_KIN_LONGEST_FIRST_NAME = 8
_LONGEST_SURNAME = 16  # "เจนกิจจาไพบูลย์" is 15
# the title is the end of another word: ขอบคุณ, มิถุนายน, คันนายาว, ปรินายก, อุปนายก,
# ทนาย, บางนาง, นพคุณ, ร้านส.
_INSIDE_WORD = re.compile(r"(?:ขอบ|ขอบพระ|พระ|บุญ|มิถุ|คัน|ปริ|อุป|เจ้า|ขอบุ|ขอบต|ท|ชิ|บาง|นพ|ร้า)$")
# a place named after a person (ถนนนางลิ้นจี่, ซอยนายเลิศ, คูนายกิม, บึงนายพล) is kept
_PLACE_BEFORE = re.compile(
    r"(?:ถนน|ถ\.|ซอย|ซ\.|ตรอก|วัด|คลอง|คู|บึง|ลำ|แยก|สะพาน|ชุมชน|ตลาด|ร้าน|หมู่บ้าน|สวน"
    r"|โรงเรียน|สน\.|สถานี|ไฟฟ้า|ท่า)[ \t]?$"
)
# ... and so is a shop: ร้านก๋วยเตี๋ยวนายใช้, ครัวคุณอ๋อย
_SHOP_BEFORE = re.compile(rf"(?:ร้าน|ครัว)[{_TH_LETTER}]{{0,20}}$")
# "ตำรวจสักนาย", "3 นาย": นาย counting people; "พวกคุณ": "you" to several people
_COUNTING_BEFORE = re.compile(r"(?:\d|สัก|หลาย|ทุก|บาง)[ \t]?$")
_YOU_ALL_BEFORE = re.compile(r"พวก$")
# words that begin where a name would, after any title, or as a surname
_COMMON_WORDS = (
    "ครับ|ค่ะ|คะ|คับ|ค้าบ|จ้า|นะ|ที่|ได้|ไม่|ก็|จะ|เป็น|ต้อง|ช่วย|อย่า|เอง|ว่า|และ|หรือ"
    "|กับ|ของ|ให้|ไป|อยู่|ยัง|คือ|ควร|บอก|แค่|ทุก|ทั้ง|สำหรับ|อย่าง|ซึ่ง|โดย|ผู้|เบอร์|โทร"
    "|แจ้ง|รับ|คน|ตำรวจ|เจ้าหน้าที่|จนท|ทหาร|เทศกิจ|แอดมิน|ท่าน|ทีม|กทม|เขต|แขวง|ซอย"
    "|ถนน|บ้าน|อายุ|ตำแหน่ง|หัวหน้า|พนักงาน|จราจร|ผู้ว่า|แล้ว|แต่|ใน|นึง|หนึ่ง|คุณ|นาย|นาง"
    "|นี้|จาก|ผม|ดิฉัน|เขา|เค้า|นั่ง|นอน|แก่"
    # a kinship word on its own ("คุณ หมอ", "คุณลุง เพื่อ…"), not the start of a name (อานนท์)
    f"|(?:{_KIN})(?![{_TH_LETTER}])"
)
# ... and words that make one word with a particular title: คุณภาพ, นายทุน, นางฟ้า
_NOT_A_NAME = {
    "คุณ": re.compile(
        rf"(?:{_COMMON_WORDS}|มาก|ล่วงหน้า|ภาพ|ค่า|ธรรม|สมบัติ|ประโยชน์|ลักษณ|หญิง|สิงห์"
        r"|กะลา|กะลง|ทำ|สร้าง|ปล่อย|คิด|เลือก|วิ่ง|ปิด|เปิด|มา|กั้น|เข้า|กำลัง|ด้วย|ถึง"
        r"|อาจ|อยาก|มี|แล้ว|แก้|ลอง|เรา|หนุ่ม|ข้าม|ดู|รู้|เห็น|ใช้|โดน|ตัด|ทน|จัด|ออก|พูด"
        r"|สำรวจ|ขับ|เอา|หา|สามารถ|ยาม|ดาบ|กลับ)"
    ),
    "นาย": re.compile(
        rf"(?:{_COMMON_WORDS}|กรัฐ|กเทศ|กสมาคม|ทุน|จ้าง|หน้า|ตรวจ|ช่าง|อำเภอ|ท้าย|สิบ"
        r"|ร้อย|ประกัน|ทะเบียน|ห้าง|ด่าน|แบบ|ท่า)"
    ),
    "นาง": re.compile(
        rf"(?:{_COMMON_WORDS}|ฟ้า|แบบ|งาม|พยาบาล|รำ|เงือก|กวัก|ชี|นอง|พญา|มะตอย|ลิ้นจี"
        r"|เลิ้ง|ละคร|ร้าย)"
    ),
}
_NOT_A_SURNAME = re.compile(rf"(?:{_COMMON_WORDS})")
# the governor and his predecessor, named in their office: not personal data here
_PUBLIC_FIGURES = re.compile(r"(?:ชัชชาต|ชัชาต|ชัตชาต|ขัชชาต|ชัชชชาต|อัศวิน)")
# where a name written without a space ends: "นายโสภณแจ้งว่า", "นายอ้อฟเป็นคนยอ"
_NAME_ENDS_BEFORE = re.compile(
    r"(?=ครับ|ค่ะ|คะ|คับ|แจ้ง|ได้|ไม่|เป็น|ซึ่ง|และ|เบอร์|โทร|ผู้|พนักงาน|เจ้าหน้าที่"
    r"|หัวหน้า|ตำแหน่ง|อายุ|ช่วย|รับ|กลับ|บอก|ที่|ก็|จะ|อยู่|เขต|แขวง|ซอย|บ้านเลข|ว่า)"
)
# after คุณ, only these end a name written without a space: "คุณสมชายครับ"
_POLITE_END = re.compile(r"ครับ|ค่ะ|คะ|คับ|แจ้ง")
_WORD_ENDS = re.compile(rf"(?![{_TH_LETTER}])")
_SURNAME_ENDS = re.compile(rf"(?![{_TH_LETTER}0-9])")


def _names(scan: str) -> Iterator[Span]:
    for match in _TITLE.finditer(scan):
        span = _name_after(scan, match)
        if span is not None:
            yield span
    for match in _ENGLISH_TITLE.finditer(scan):
        yield Span("name", *match.span("name"))


def _title_stands_alone(scan: str, match: re.Match[str]) -> bool:
    before = scan[max(0, match.start() - 24) : match.start()]
    if _INSIDE_WORD.search(before) or _PLACE_BEFORE.search(before) or _SHOP_BEFORE.search(before):
        return False
    if match["title"] == "คุณ" and _YOU_ALL_BEFORE.search(before):
        return False
    return not (match["title"] == "นาย" and _COUNTING_BEFORE.search(before))


def _not_a_name(title: str, first: str) -> bool:
    pattern = _NOT_A_NAME.get("นาง" if title.startswith("นาง") else title, _NOT_A_SURNAME)
    return bool(pattern.match(first)) or bool(_PUBLIC_FIGURES.match(first))


def _name_after(scan: str, match: re.Match[str]) -> Span | None:
    """The span of the name after a title, or None when the word there is not a name.

    นาย, นาง, นางสาว … always introduce a name, and so does "ชื่อ" after any title
    ("คุณแม่ชื่อน้อย"). คุณ is also "you", and คุณแม่ "mother", so after them a word counts
    only when it stands alone (or ends at ครับ/ค่ะ) or has a surname-like word after it;
    after คุณแม่, คุณลุง … only with a surname.
    """
    first, named = match["first"], bool(match["named"])
    title = "" if named else match["title"]
    kin = bool(match["kin"]) and not named
    if not _title_stands_alone(scan, match) or _not_a_name(title, first):
        return None
    start = match.start("first")
    cut = _NAME_ENDS_BEFORE.search(first, 2)
    end = start + cut.start() if cut else match.end("first")
    longest = _KIN_LONGEST_FIRST_NAME if kin else _LONGEST_FIRST_NAME
    strict = kin or title == "คุณ"
    surname = None
    if cut is None and end - start <= longest:
        surname = _surname(scan, end, strict=strict)
    if surname is not None:
        # อา and ตา are also how names begin (อานนท์): then they go with the name
        begin = match.start("kin") if match["kin"] in _KIN_OR_NAME else start
        return Span("name", begin, surname)
    if kin or (title == "คุณ" and not _ends_word(scan, end, cut, start)):
        return None
    return Span("name", start, end)


def _ends_word(scan: str, end: int, cut: re.Match[str] | None, start: int) -> bool:
    if cut is not None:
        return bool(_POLITE_END.match(scan, end))
    return end - start <= _LONGEST_FIRST_NAME and bool(_WORD_ENDS.match(scan, end))


def _surname(scan: str, end: int, *, strict: bool) -> int | None:
    """Where the surname after a first name ends, or None when there is none. `strict`:
    the word must also be short and stand alone, as surnames do."""
    match = _SURNAME.match(scan, end)
    if match is None:
        return None
    last = match["last"]
    if _NOT_A_SURNAME.match(last) or _NAME_ENDS_BEFORE.match(last) or _PUBLIC_FIGURES.match(last):
        return None
    cut = _NAME_ENDS_BEFORE.search(last, 2)  # "อ่องเจริญพนักงานเทศกิจ"
    if cut is not None:
        return match.start("last") + cut.start()
    if strict and (len(last) > _LONGEST_SURNAME or not _SURNAME_ENDS.match(scan, match.end())):
        return None
    return match.end()


# --- putting it together -------------------------------------------------------------
def find(text: str) -> list[Span]:
    """Return the personal data in `text`, in order and not overlapping."""
    if not isinstance(text, str) or not text:
        return []
    scan = text.translate(_THAI_DIGITS)
    urls = _urls(scan)
    found = [
        *_emails(scan),
        *_ids(scan, urls),
        *_phones(scan, urls),
        *_plates(scan, urls),
        *_names(scan),
    ]
    return _without_overlaps(found)


def _without_overlaps(found: list[Span]) -> list[Span]:
    """Merge overlapping findings into one that covers both, of the kind that ranks first
    in _PRIORITY, then the longer (an ID number holds a phone-shaped run)."""
    kept: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, _rank(s))):
        if kept and span.start < kept[-1].end:
            last = kept[-1]
            kind = span.kind if _rank(span) < _rank(last) else last.kind
            kept[-1] = Span(kind, last.start, max(last.end, span.end))
            continue
        kept.append(span)
    return kept


def _rank(span: Span) -> tuple[int, int]:
    return _PRIORITY[span.kind], span.start - span.end


def redact(text: str, *, lang: Lang = "th") -> str:
    """Return `text` with each piece of personal data replaced by a marker such as
    "[เบอร์โทร]" ("[phone]" in English). Anything that is not a string gives ""."""
    if not isinstance(text, str):
        return ""
    parts: list[str] = []
    position = 0
    for span in find(text):
        parts.append(text[position : span.start])
        parts.append(t(f"redact_{span.kind}", lang))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def redact_series(texts: pd.Series, *, lang: Lang = "th") -> pd.Series:
    """Redact a column of texts (a download's comments): missing values stay missing,
    any other value that is not a string is redacted as its text."""
    return texts.map(lambda value: _redact_value(value, lang=lang))


def _redact_value(value: object, *, lang: Lang) -> object:
    if isinstance(value, str):
        return redact(value, lang=lang)
    if value is None or value is pd.NA or value is pd.NaT:
        return value
    if isinstance(value, float) and math.isnan(value):
        return value
    return redact(str(value), lang=lang)
