"""Hand-labelled personal data in 441 real Traffy comments, for tests/test_redact.py.

Every label was set by reading the comment, not by a pattern (a pattern would only
measure itself). The file stores ticket ids, offsets and a hash of each comment, never a
comment or a labelled substring: the labels mark real people's phone numbers, ID numbers
and names, and those do not belong in a public repository. The test reads the comments
from traffy_sample.csv.gz in KHETMAP_DATA_DIR; `python -m tests.redaction_labels` prints
every label in its context for review.

How the 441 were drawn (pandas `sample(random_state=33)`, from the 185,158 comments that
have a ticket id). Each comment belongs to the first of these strata whose deliberately
loose pattern it matches; the patterns are wider than the redactor's so that they bring
hard negatives too:

| stratum | loose pattern | comments in the file | drawn |
|---|---|---|---|
| id13 | 13 digits with optional spaces or dashes | 125 | all 10 whose run lies outside a link (up to 2,000 characters long), 35 more |
| email | "@" | 194 | 30 |
| phone | 9 or more digits with optional spaces, dashes or dots | 1,005 | 80 |
| plate | "ทะเบียน", or 1-2 Thai consonants then 1-4 digits | 1,913 | 50 |
| title | นาย, นาง, คุณ, พี่, น.ส., ด.ช./ด.ญ., Mr/Mrs/Ms/Miss/Dr, not after ขอบ/ขอบพระ | 3,079 | 80 |
| hardneg | soi and house numbers, postcodes, decimals, km, bus lines, times, dates | 14,281 | 40 |
| random | none of the above | 164,561 | 20 |

The first labelling found few e-mail addresses, plates and names, so a second draw (same
seed, none of the first 345) added: email2, every other comment with an address-shaped
e-mail (13); plus66, every other "+66" (3); plate2, "ทะเบียน" before letters or letters
before 3-4 digits (35); title2, a title at the start of a word followed by a Thai letter
(45). Apart from id13 and email2, only comments of up to 700 characters were drawn.

What a label is:
- phone: every Thai phone number, a person's or a business's (a Google Maps place
  shares one); short hotlines such as 1555 are not phone numbers.
- id: a 13-digit Thai ID number. The file holds 9 outside links; all 9 are here.
- email: any e-mail address.
- name: a person's first name, surname or nickname, every time it appears, without the
  title. `bare=True`: no title (นาย, คุณ, คุณลุง, ดร., นพ., ม.ล. …) comes before it, as in
  a signature or "ผู้แจ้ง สมชาย"; the redactor does not look for those, and they are
  counted apart to say what it misses. Not labelled: the governor (ชัชชาติ, any spelling)
  and his predecessor named in their office, and shops, roads and places named after a
  person (ร้านนายฮัน, ถนนนางลิ้นจี่).
- plate: the letters and digits of a vehicle plate, without the province.
Everything else in these comments (dates, times, prices, ticket ids, soi, house and bus
numbers, postcodes, coordinates, km markers, bank accounts, pole numbers) is a negative.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import NamedTuple


class L(NamedTuple):
    """One labelled piece of personal data: comment[start:end] is of this kind."""

    kind: str
    start: int
    end: int
    bare: bool = False


# ticket id -> (stratum, first 16 hex digits of the comment's UTF-8 sha256, labels)
# fmt: off
LABELS: dict[str, tuple[str, str, tuple[L, ...]]] = {
    # --- id13: 45 comments
    "2022-7DTUWK": ("id13", "68dd856afa438709", (L("id", 217, 230), L("name", 241, 258))),
    "2022-4397AE": ("id13", "0e20e5bcbd7bfd2f", (L("name", 6, 25), L("id", 26, 43), L("phone", 53, 63))),
    "2022-7Y92CN": ("id13", "22b77f87bd73f6ed", (L("name", 12, 26), L("id", 103, 116))),
    "2022-8KPKA9": ("id13", "9a82195e3b5d7c9a", (L("name", 127, 145), L("id", 146, 159), L("name", 196, 208), L("id", 209, 222))),
    "2022-ER4FTA": ("id13", "1392f8004351573a", ()),
    "2022-M7R9PL": ("id13", "f14a1f72be67d2c0", (L("name", 6, 10), L("name", 18, 27), L("id", 77, 90), L("name", 316, 320), L("name", 444, 448), L("name", 502, 506), L("name", 629, 635), L("phone", 646, 657), L("name", 664, 668), L("phone", 706, 717))),
    "2022-323U83": ("id13", "90b4c88332c0cdd3", (L("name", 6, 23), L("name", 25, 29, bare=True), L("id", 68, 81), L("name", 1534, 1538), L("phone", 1576, 1587), L("name", 1591, 1606), L("phone", 1641, 1652))),
    "2022-8EG9ZE": ("id13", "a07168d15e70df12", (L("name", 6, 22), L("id", 23, 36), L("phone", 43, 53))),
    "2022-U7AZG4": ("id13", "9a8f06c61f8205ef", (L("phone", 62, 71),)),
    "2022-3VDANB": ("id13", "072b87034655c988", (L("name", 10, 13), L("name", 17, 32), L("name", 164, 167), L("name", 176, 197), L("name", 337, 351), L("id", 555, 572), L("name", 676, 680, bare=True), L("name", 691, 694, bare=True), L("name", 718, 723, bare=True), L("name", 727, 736, bare=True))),
    "2022-KPZCYT": ("id13", "0a016b260cea17fc", ()),
    "2022-LMD8PP": ("id13", "9021fb4bf96d36ff", ()),
    "2022-DTRYVR": ("id13", "c9ad0dab34e7b293", ()),
    "2022-EDQBFZ": ("id13", "1ea8b8d3dec7e7e2", ()),
    "2022-N6DZMG": ("id13", "dfe89730ea861baf", ()),
    "2022-RH3LHN": ("id13", "b2b0183d1f60a758", ()),
    "2022-6DL6TV": ("id13", "6f9636cc1e44841e", ()),
    "2022-LVMNEU": ("id13", "1307d518140084e4", ()),
    "2022-KFBUVU": ("id13", "43db24fb002d5d95", ()),
    "2022-68XLCV": ("id13", "cdd0f8558d9756ce", ()),
    "2022-NZVCXM": ("id13", "07e411eb198b095a", ()),
    "2022-EQ9LMM": ("id13", "caf9d738f501a7cf", ()),
    "2022-66EZLQ": ("id13", "122a1db2f544658e", ()),
    "2022-6QGVYV": ("id13", "8895b664cf090726", ()),
    "2022-KVVLBD": ("id13", "dc3867f787794b9a", ()),
    "2022-3LGDQE": ("id13", "07a35d98ad00f816", ()),
    "2022-ALKNKG": ("id13", "4d2752dd3abe7346", ()),
    "2022-6GA72W": ("id13", "e39487b70b61b9c9", ()),
    "2022-B4U4BN": ("id13", "16d0fc787f82a7a2", ()),
    "2022-B8TP7W": ("id13", "869740798ce0ddf1", ()),
    "2022-A9URT7": ("id13", "44fd7530767065d7", ()),
    "2022-MMMBWR": ("id13", "93441ab021f072c7", ()),
    "2022-KBFE9U": ("id13", "73ba29e2f366b0fb", ()),
    "2022-P8P3WF": ("id13", "03c35fce0e6f90ee", ()),
    "2022-8AANVX": ("id13", "ef1b1e189194b683", ()),
    "2022-3UQXBB": ("id13", "d153a20777017fa4", ()),
    "2022-LL2UF4": ("id13", "8e32009e2235b40a", ()),
    "2022-AZYUR2": ("id13", "620fcf32e72ef6cd", ()),
    "2022-D4HBML": ("id13", "42cfa8ce0f741ea1", ()),
    "2022-73N9XV": ("id13", "226cd547dd162e53", ()),
    "2022-M7P98U": ("id13", "953ec27885459fe4", ()),
    "2022-DD2BM2": ("id13", "08f6cc436cee4574", ()),
    "2022-B7D7M6": ("id13", "00b6c8f00947ed9a", ()),
    "2022-3BUXCE": ("id13", "b39df0936b545284", ()),
    "2022-FK7Q6B": ("id13", "68f2596440fed713", ()),
    # --- email: 30 comments
    "2022-F9G7TZ": ("email", "f3728e1908cd0fa2", ()),
    "2022-G99GH4": ("email", "91d495ad97edd146", ()),
    "2022-NUTK2M": ("email", "d078d792334793a9", (L("phone", 171, 182), L("name", 186, 188))),
    "2022-9P9RL6": ("email", "283e39dbe15da2ac", ()),
    "2022-63FU7Q": ("email", "846ddceb0c0c175b", ()),
    "2022-49B972": ("email", "d730e9042fb0198a", ()),
    "2022-D3ZA8T": ("email", "bdea2b272bed98c5", (L("name", 339, 343, bare=True), L("phone", 366, 376), L("email", 377, 408))),
    "2022-7WRNXP": ("email", "5bc57317cee37105", ()),
    "2022-M6FQF7": ("email", "2b22991d3b6b4a8b", ()),
    "2022-GAFALM": ("email", "a927b4b11cf13a86", ()),
    "2022-42LLKZ": ("email", "f1ef3aab7d64d936", ()),
    "2022-68364W": ("email", "7d28e74d67f47dcb", ()),
    "2022-3EPHM9": ("email", "eda50d69bc0a5fdb", ()),
    "2022-E4WX6P": ("email", "f758831fada03483", ()),
    "2022-3CBKN2": ("email", "14c3c3921a834fd9", ()),
    "2022-H8TGV2": ("email", "7cb750b671b2b1f9", (L("plate", 25, 32), L("email", 109, 130))),
    "2022-CG9FEH": ("email", "4abaf39390bcb3da", ()),
    "2022-AFRDNA": ("email", "b89848bc88d0abe8", ()),
    "2022-384BG8": ("email", "aa4a8415b5ffcf5b", (L("phone", 57, 69),)),
    "2022-FUMD9D": ("email", "3019ea87fa04d6ab", ()),
    "2022-D4X3UE": ("email", "ab281010a8fe9467", ()),
    "2022-ABTQEE": ("email", "1b164df99848ba42", ()),
    "2022-HM34KP": ("email", "2693984618cf28a2", ()),
    "2022-LGQQYK": ("email", "906cff06d0841c2c", ()),
    "2022-8HCBZT": ("email", "0bfb9371371737fa", ()),
    "2022-6VEXBP": ("email", "2b2916c741b8990a", ()),
    "2022-7RKLYY": ("email", "6e5982416fd6c9d1", ()),
    "2022-GAAXNM": ("email", "da64a04c805be44b", ()),
    "2022-B93LU9": ("email", "79ee37286e4098b1", ()),
    "2022-B24N6Y": ("email", "3a7a1bb61e154274", ()),
    # --- phone: 80 comments
    "2022-KU6KNE": ("phone", "91ae890ff9d49487", (L("phone", 132, 142),)),
    "2022-3ZD3MC": ("phone", "02659d4c41863ab9", (L("phone", 404, 414), L("phone", 416, 426))),
    "2022-8PFKDL": ("phone", "44cc5c50207de345", (L("phone", 21, 32),)),
    "2022-M2QKHE": ("phone", "148bebb482b81714", (L("name", 300, 319), L("phone", 510, 522), L("phone", 525, 537))),
    "2022-MMAWG6": ("phone", "eec9af77711a2b0a", (L("name", 109, 126, bare=True), L("phone", 127, 137))),
    "2022-P4UXQ2": ("phone", "2b74ee07721da04c", (L("name", 373, 380), L("phone", 381, 391))),
    "2022-9R8FUW": ("phone", "1b941316e6458378", (L("phone", 158, 168),)),
    "2022-6WUAMD": ("phone", "027edbc3e7ecb90b", (L("name", 224, 232, bare=True), L("phone", 233, 243))),
    "2022-6LQDVK": ("phone", "e00ef8668d16c1b7", (L("phone", 340, 350),)),
    "2022-PA2APZ": ("phone", "bdc195aa56f4ec32", (L("phone", 218, 228),)),
    "2022-GA4YL6": ("phone", "b731c48fd08f4a37", (L("phone", 546, 557),)),
    "2022-HPAH8E": ("phone", "2b2eea81b6ad2f8d", (L("phone", 24, 35),)),
    "2022-4N2D9U": ("phone", "8768e461f1a7be5a", (L("phone", 119, 129), L("name", 131, 134, bare=True), L("name", 136, 155, bare=True))),
    "2022-6BRB6N": ("phone", "122323de7acf764d", (L("name", 451, 468), L("phone", 498, 508))),
    "2022-8LYXBH": ("phone", "2aadf96529b942a3", (L("phone", 352, 363),)),
    "2022-9DLXM7": ("phone", "9119372eb71e5881", ()),
    "2022-KV6TMP": ("phone", "bf75280d88acad35", (L("phone", 80, 91),)),
    "2022-7BNAE3": ("phone", "ecb11258a17efa91", ()),
    "2022-MM667F": ("phone", "1cafec798e213a7e", (L("name", 241, 249), L("phone", 299, 309))),
    "2022-G6H4MD": ("phone", "f6ca59d17f8ca549", (L("phone", 149, 159), L("name", 160, 174, bare=True))),
    "2022-8DZMU2": ("phone", "bc0f7b51546e70f4", ()),
    "2022-N86W7H": ("phone", "bbb91863d556caad", (L("name", 164, 188, bare=True), L("phone", 189, 199))),
    "2022-FQCD3T": ("phone", "12d4002930b9427a", (L("phone", 109, 119),)),
    "2022-HTM7YG": ("phone", "df0963fbf57c5111", (L("phone", 25, 37),)),
    "2022-CFVKBX": ("phone", "bc6a693b9ba93404", (L("phone", 84, 95), L("name", 96, 110, bare=True))),
    "2022-LGB8R6": ("phone", "4c5b432ad32dfca3", (L("phone", 202, 213), L("phone", 237, 248))),
    "2022-MPYB2P": ("phone", "f10c9b467355232c", (L("phone", 199, 210),)),
    "2022-BYABTL": ("phone", "a99745a058ae4acb", (L("name", 133, 138, bare=True), L("phone", 138, 148))),
    "2022-M3PMLM": ("phone", "e1a88b2dcb999085", ()),
    "2022-MC3GXF": ("phone", "f6d9435b3562a5c4", (L("phone", 5, 16),)),
    "2022-7F93F4": ("phone", "29363144cceed5f1", (L("phone", 68, 79),)),
    "2022-NNBRQM": ("phone", "a7e7489b59cbc28d", ()),
    "2022-CAZ79C": ("phone", "d1586f4045645671", (L("name", 105, 119, bare=True), L("phone", 129, 139))),
    "2022-6FVXVA": ("phone", "16f17870be162e6c", (L("name", 157, 162, bare=True), L("phone", 163, 173))),
    "2022-N3GHV2": ("phone", "1c4f2ed87e51903e", (L("name", 237, 253), L("phone", 254, 264))),
    "2022-CLAM3T": ("phone", "eba39301705cc06c", ()),
    "2022-FAVCHW": ("phone", "3905d6dfadb27f29", (L("name", 46, 51, bare=True), L("phone", 52, 62))),
    "2022-KAEYKB": ("phone", "83747ccb711ae5a1", (L("name", 11, 30), L("phone", 35, 47))),
    "2022-TRKDYY": ("phone", "4ffe27c5e0d60ead", (L("phone", 18, 29),)),
    "2022-NQ9N9P": ("phone", "e598360ff5a23a99", ()),
    "2022-E7E8G4": ("phone", "c1985964958392bb", (L("name", 658, 678, bare=True), L("phone", 683, 693))),
    "2022-MQUKBY": ("phone", "c888e65dd3cd77c4", (L("phone", 71, 82), L("phone", 85, 95))),
    "2022-D9KWG8": ("phone", "d8fd4be14d1465ca", (L("name", 251, 275, bare=True), L("phone", 276, 286))),
    "2022-43386R": ("phone", "693fcfb1feb25cf6", (L("phone", 7, 17),)),
    "2022-QNB92T": ("phone", "f5b37bfb86160b64", ()),
    "2022-LXQ3YX": ("phone", "193ca38c768dc397", (L("phone", 33, 44),)),
    "2022-6AW96P": ("phone", "a99745a058ae4acb", (L("name", 133, 138, bare=True), L("phone", 138, 148))),
    "2022-HFW968": ("phone", "472ccd5025fe5d7e", ()),
    "2022-7APMEW": ("phone", "22aac0183fc03c2c", (L("name", 214, 230), L("phone", 231, 241))),
    "2022-9PFCQ6": ("phone", "c2ba01c33ef23fb3", (L("name", 438, 441, bare=True), L("phone", 442, 454))),
    "2022-E6UV6F": ("phone", "67e911866071b857", (L("phone", 206, 217),)),
    "2022-M7238E": ("phone", "93e479c4fc480551", (L("name", 169, 172, bare=True), L("phone", 173, 183))),
    "2022-LGXCD9": ("phone", "8eea6310943a83b1", (L("phone", 19, 31),)),
    "2022-7EN4XD": ("phone", "d4dd6f51a9ecf532", (L("phone", 24, 35),)),
    "2022-9Z9M92": ("phone", "8fddf2b4d651dbcc", (L("phone", 22, 34),)),
    "2022-44CNGD": ("phone", "65ad2f4f8d7c5206", (L("name", 322, 337, bare=True), L("phone", 364, 374))),
    "2022-9EDVAP": ("phone", "e4108031d16e5584", (L("phone", 54, 66),)),
    "2022-8A8FH9": ("phone", "647b0a24441ef66a", (L("phone", 119, 129), L("name", 131, 155, bare=True))),
    "2022-MVP7LD": ("phone", "79d843d351c650af", (L("phone", 188, 200),)),
    "2022-DE8NNE": ("phone", "3bfc7fc350c03d7f", (L("phone", 14, 24),)),
    "2022-4H8WYM": ("phone", "48fead5c464cf3e6", (L("phone", 230, 240),)),
    "2022-ERF3AZ": ("phone", "918f3dfe014c3f05", ()),
    "2022-K9HDPV": ("phone", "57424b26ccfcd434", (L("name", 523, 540, bare=True), L("phone", 547, 558))),
    "2022-CGA7C8": ("phone", "7b805eb0f41248e3", (L("phone", 22, 32), L("name", 37, 40))),
    "2022-8PMF3X": ("phone", "882de28ab82a3538", (L("name", 328, 347, bare=True), L("phone", 351, 363))),
    "2022-EURM83": ("phone", "c5a7ca1357dba2d5", ()),
    "2022-9CNLEE": ("phone", "cb42c4186be6539f", (L("phone", 94, 104),)),
    "2022-CB3D96": ("phone", "f064b8cb78101e89", (L("phone", 20, 31),)),
    "2022-DNLHQL": ("phone", "28d2f9bec3c605aa", (L("phone", 17, 29),)),
    "2022-P9YF94": ("phone", "f76817a5009b8acb", (L("name", 61, 72, bare=True), L("phone", 75, 85))),
    "2022-DQV3WY": ("phone", "8dbdefc91270806e", (L("phone", 47, 58),)),
    "2022-4FTPLM": ("phone", "79692a45041eb65e", ()),
    "2022-KGZEUY": ("phone", "b920cf536da06ef7", (L("phone", 275, 285),)),
    "2022-A8F9BE": ("phone", "e2bff8ae74ed1760", (L("phone", 21, 32),)),
    "2022-P2MDY4": ("phone", "c2ba01c33ef23fb3", (L("name", 438, 441, bare=True), L("phone", 442, 454))),
    "2022-BKC8UG": ("phone", "9020fbb688d3eca7", ()),
    "2022-7DFTXT": ("phone", "84ea4855cabc5167", ()),
    "2022-N2RHAL": ("phone", "c1645091325a2fbc", (L("phone", 16, 28),)),
    "2022-B9RKKT": ("phone", "50dc43e5c09225a4", (L("name", 99, 105, bare=True), L("phone", 106, 116))),
    "2022-NTUYZD": ("phone", "1507d3a94cb1910c", ()),
    # --- plate: 50 comments
    "2022-7XXB87": ("plate", "eb0b990be99cea33", ()),
    "2022-ATBYB7": ("plate", "70264e15ea6f0531", ()),
    "2022-P9YF4D": ("plate", "c482170a0c839d00", (L("plate", 47, 56),)),
    "2022-LRKPX2": ("plate", "c897144e23990871", ()),
    "2022-FQE89T": ("plate", "d87b28991bb3c68b", ()),
    "2022-KBDGPR": ("plate", "b97ceb0c5b5d7d9e", ()),
    "2022-GDWXLN": ("plate", "a516ac393e08fd06", ()),
    "2022-BB6BME": ("plate", "b56e6127d382c765", ()),
    "2022-8CQELR": ("plate", "5f66eae72ca18c08", (L("plate", 29, 36),)),
    "2022-4ULE89": ("plate", "c7b8add040f7cfcf", (L("plate", 17, 24),)),
    "2022-8YUBNC": ("plate", "ddf722f1a77ace5c", (L("plate", 0, 14), L("plate", 20, 30))),
    "2022-7AGT8E": ("plate", "9c9eb7ce07e4379c", ()),
    "2022-DHHBHX": ("plate", "89ae59347be9f7fb", ()),
    "2022-B8E7Q8": ("plate", "6fcb8aea57b2c233", ()),
    "2022-74ADV7": ("plate", "80372d4f616da188", ()),
    "2022-BUVTMB": ("plate", "3916d4a656761ced", ()),
    "2022-N72VDY": ("plate", "4752f15e5c21f6c7", (L("plate", 157, 167),)),
    "2022-A4F4DW": ("plate", "11acf47320e1b684", ()),
    "2022-BM43CR": ("plate", "b35a876df3f241f4", ()),
    "2022-LCMNUV": ("plate", "4e265fa6dd6ade91", (L("plate", 91, 98),)),
    "2022-BGQYPN": ("plate", "4a240bdbe6956fa3", ()),
    "2022-BA2EXQ": ("plate", "a0cc524ac552fbb6", ()),
    "2022-D3FUDH": ("plate", "156ca72ab91f9d60", ()),
    "2022-HGU43D": ("plate", "53185c788033336d", ()),
    "2022-F944XD": ("plate", "aaa429e2955ef3cc", (L("plate", 19, 26),)),
    "2022-NR4T4M": ("plate", "6677e9ca6e9b3731", ()),
    "2022-BPT2YT": ("plate", "c8ba287049d1d3b9", ()),
    "2022-4L9D64": ("plate", "abf61dfbdf589fd8", (L("plate", 92, 99),)),
    "2022-KFEAP7": ("plate", "bb58ebe6d2e7bec3", (L("plate", 81, 90),)),
    "2022-BU6HBE": ("plate", "b34a9674a7685b20", ()),
    "2022-8E7DQ3": ("plate", "e38f38edccf7a42f", (L("name", 98, 116), L("name", 208, 246))),
    "2022-7ZVDLV": ("plate", "9a96e9d2f52b9ce4", (L("plate", 155, 162),)),
    "2022-BQ7NM3": ("plate", "ace5a5d119eac523", ()),
    "2022-HDTX7H": ("plate", "1209934e2ce859db", ()),
    "2022-P3XUMA": ("plate", "7005f8bb8fd885d0", ()),
    "2022-CQH4HW": ("plate", "3ee4a61fecd394f9", ()),
    "2022-KTCY6M": ("plate", "ea8bd0402e040ba0", (L("plate", 116, 123),)),
    "2022-E4Z82L": ("plate", "ceba2dcd83d03af3", ()),
    "2022-LA97T2": ("plate", "a32059fad6b56c5c", ()),
    "2022-KU6VBQ": ("plate", "10e317e88c596258", ()),
    "2022-APQZDY": ("plate", "fad3da6b82b1cb68", ()),
    "2022-CYAVPY": ("plate", "ac2c9e0ffb06eef6", ()),
    "2022-CFEN7H": ("plate", "16ed8f9f2a91e06c", ()),
    "2022-K6QQNX": ("plate", "efd2d524947ff0ec", ()),
    "2022-9CUDW3": ("plate", "df861e716a8f1f9e", ()),
    "2022-GPF4GW": ("plate", "b8cb03844c36c04e", ()),
    "2022-3GT8XL": ("plate", "ecd60b5a11b9ad29", ()),
    "2022-K749A2": ("plate", "97ce37c845bb240e", ()),
    "2022-7F92HK": ("plate", "d1fcbf454e350bc9", ()),
    "2022-3KE2FG": ("plate", "93b470ec438d283b", ()),
    # --- title: 80 comments
    "2022-B673EU": ("title", "63e38110fe909242", ()),
    "2022-7DYLQG": ("title", "51da32f910d81466", ()),
    "2022-E7UGVE": ("title", "1b3963bd32a22806", ()),
    "2022-ATAE9L": ("title", "3b415a7b700e6fb6", ()),
    "2022-7F89HV": ("title", "57bb98b638a15a34", ()),
    "2022-CAETNQ": ("title", "86403f1df0197c94", ()),
    "2022-L7ZEEY": ("title", "ec5ca97cb2d8199f", ()),
    "2022-NYDYE2": ("title", "ee37ae6555a4ab69", ()),
    "2022-LLK7DV": ("title", "d3e4cda27a470358", ()),
    "2022-MR24FX": ("title", "3e60db6b16db0eb6", ()),
    "2022-PDRZFX": ("title", "4e2e68bd22ee6115", ()),
    "2022-GUXDZX": ("title", "7548567bc08209c8", ()),
    "2022-CV48QU": ("title", "0a33eaaaafc0b701", (L("name", 12, 37),)),
    "2022-AEFRBP": ("title", "cdbee13fd2e8a859", ()),
    "2022-73LWXL": ("title", "55bf16b0da142284", ()),
    "2022-MHD9RP": ("title", "a0b5b1b91de0a1b0", ()),
    "2022-768QFU": ("title", "daf1879edb19f0d9", ()),
    "2022-MRGTGQ": ("title", "a7169ee22954ddfd", ()),
    "2022-4UB86V": ("title", "89db816dae60a15c", ()),
    "2022-MD7DGQ": ("title", "858f5fc160e725f2", ()),
    "2022-69HKX8": ("title", "0598250258f6bb82", ()),
    "2022-EAU7AF": ("title", "f338b97aa38f110d", ()),
    "2022-9VPUFD": ("title", "930f78c03f6df515", ()),
    "2022-DWAZYN": ("title", "7989fb89e9be37f3", ()),
    "2022-K9DDK7": ("title", "8ed057fb67c0df78", ()),
    "2022-6QEYUR": ("title", "9ee1c513436d6182", ()),
    "2022-8XMH7Q": ("title", "42b13d63a5c3aac8", ()),
    "2022-GNTAFU": ("title", "4ac76857a18b9588", ()),
    "2022-A6T79P": ("title", "ede8ea6b20f7d762", ()),
    "2022-F9GBWG": ("title", "ab7d057fb37f8c21", ()),
    "2022-4LFMRN": ("title", "1fbd3603550181c1", ()),
    "2022-N3QG6E": ("title", "f8aa6b1fa7abd2fd", (L("name", 8, 20, bare=True),)),
    "2022-9HCMZQ": ("title", "51da32f910d81466", ()),
    "2022-BZT43T": ("title", "c6bf90763957e175", ()),
    "2022-HWZF76": ("title", "bdd22197211c797b", ()),
    "2022-FK2XW8": ("title", "89bb8de539263651", ()),
    "2022-EYRPU3": ("title", "b47ad16f2502c935", ()),
    "2022-68VHRW": ("title", "5ab091f2976ab94a", ()),
    "2022-M9V8ZM": ("title", "285d50301e2836a8", ()),
    "2022-NVP8NH": ("title", "4482aceb14f5f9ad", ()),
    "2022-HPME3V": ("title", "1aa6259972dd0686", ()),
    "2022-A2PCYR": ("title", "7c7f2ca5c4c73b84", ()),
    "2022-FBCXP3": ("title", "4b94b15fa8a1f268", ()),
    "2022-GYK7PX": ("title", "62d37edcae98920d", ()),
    "2022-BT4BH4": ("title", "a4a9b95439a6e2ec", ()),
    "2022-L9F7ZF": ("title", "92a3c04ff753d13d", ()),
    "2022-DUK7LM": ("title", "2ac8f35af05d7425", ()),
    "2022-F8YVUH": ("title", "19e8868bfb5dadb1", ()),
    "2022-NMZAFR": ("title", "f4d3b4f9228464ca", ()),
    "2022-HXBR44": ("title", "f3d5f48dc6aadde4", ()),
    "2022-CLCBNN": ("title", "05c3b64ab0ea8f1c", ()),
    "2022-6C99ZX": ("title", "6439561f7380edfe", ()),
    "2022-EUWX79": ("title", "14a780aa814d136f", ()),
    "2022-FFMBL8": ("title", "8c82c0a433b671a1", ()),
    "2022-E4BMLA": ("title", "fd7df89d10fa46da", ()),
    "2022-DZHF3U": ("title", "1e5f881b78b1951a", ()),
    "2022-8X9PFE": ("title", "35acb49d87b91c43", ()),
    "2022-DEA3LG": ("title", "fe27238f45719e5b", ()),
    "2022-F23CCG": ("title", "5bdf5690b693cfbd", ()),
    "2022-BTWR2V": ("title", "48513e30a3111b8f", (L("name", 91, 106),)),
    "2022-7XVQVC": ("title", "2878f6a0519cca1d", ()),
    "2022-H82YQH": ("title", "eb0fb971bf63c44c", ()),
    "2022-6AALY6": ("title", "3f6dc2715d9b25b8", ()),
    "2022-KLGMDP": ("title", "c3e7f5c43291539f", ()),
    "2022-6XQHZW": ("title", "fc6db412c9eaaf1f", ()),
    "2022-MAF2ZD": ("title", "38e7cc2b05037baa", ()),
    "2022-KQCY2F": ("title", "67d9ebc3f4d6ed46", (L("name", 31, 42), L("name", 159, 169, bare=True))),
    "2022-M4KAD9": ("title", "41baf18f01d620a5", ()),
    "2022-67XCV9": ("title", "2ddde656c4d6287a", ()),
    "2022-LTK7WV": ("title", "78b2084e4ec0da51", ()),
    "2022-LFHGK4": ("title", "530b4bd378b8b742", ()),
    "2022-KTK96L": ("title", "61aa5d04fb04a7db", ()),
    "2022-ELB42Y": ("title", "bb8d278b54c90209", ()),
    "2022-B8PLMW": ("title", "f4541479bdf10f53", (L("name", 6, 14),)),
    "2022-DWTVG8": ("title", "ed37452494295a94", ()),
    "2022-EZFW8W": ("title", "efcc95b3a25f9011", ()),
    "2022-7VQ6EC": ("title", "58d385be1bedf2b1", ()),
    "2022-CFPPYP": ("title", "da0210d52b2363a9", ()),
    "2022-GUTUZA": ("title", "03f93fe87a7dfc84", ()),
    "2022-PQZYNT": ("title", "307fca1a4a803c93", ()),
    # --- hardneg: 40 comments
    "2022-EXFZTX": ("hardneg", "6100675f481ea343", ()),
    "2022-KED3CX": ("hardneg", "2c416031e5998566", ()),
    "2022-BEN7Y9": ("hardneg", "7c1da79b71ac3659", ()),
    "2022-A2P73H": ("hardneg", "a87a93811d2427db", ()),
    "2022-9KCK84": ("hardneg", "6a9a546a2bf47fef", ()),
    "2022-62CFEV": ("hardneg", "b1df0cdf024ac662", ()),
    "2022-3YVBTD": ("hardneg", "878626110b5af182", ()),
    "2022-EUXFCA": ("hardneg", "e0d0ed176f86986c", ()),
    "2022-4CDWFK": ("hardneg", "38a583fd35cbb3f6", ()),
    "2022-6KWZPH": ("hardneg", "5c70f8d9534e7500", ()),
    "2022-M7UTDB": ("hardneg", "0b2a533fc7294d66", ()),
    "2022-4VB2ZL": ("hardneg", "40c652d284e7229c", ()),
    "2022-7L7NDW": ("hardneg", "fbeff7b4e191c201", ()),
    "2022-DYTZXT": ("hardneg", "ff29dbfae1828790", ()),
    "2022-MZRMM8": ("hardneg", "f00cea0fee92401a", ()),
    "2022-KLL3D4": ("hardneg", "ec2eadf4c84cbc5c", ()),
    "2022-KZLGN3": ("hardneg", "ec2f142c67985980", ()),
    "2022-66RYQW": ("hardneg", "7f0f42285aa9abd3", ()),
    "2022-E44C3C": ("hardneg", "5df6cdc13e92a454", ()),
    "2022-EGK3VG": ("hardneg", "d1366087df93ac0d", ()),
    "2022-B9KZHT": ("hardneg", "6ed6381d2391b81d", ()),
    "2022-MXU4NG": ("hardneg", "280965c68aad67d9", ()),
    "2022-8P4N6P": ("hardneg", "a75b5cd0f27beedd", ()),
    "2022-MDN384": ("hardneg", "b105020c842c6802", ()),
    "2022-LFXM93": ("hardneg", "aef19c1142fa2082", ()),
    "2022-CKF3NK": ("hardneg", "9d4f096321e79bdd", ()),
    "2022-3TBHZU": ("hardneg", "ec83e54684fa845b", ()),
    "2022-32BR9B": ("hardneg", "f01b76c488d5af3f", ()),
    "2022-GGN23E": ("hardneg", "83f39f96d98332a3", ()),
    "2022-CBX7EQ": ("hardneg", "49756125b4399539", ()),
    "2022-KV9E38": ("hardneg", "2dfc0668440ca5a3", ()),
    "2022-38WZ6N": ("hardneg", "266979a360607a87", ()),
    "2022-ARQABL": ("hardneg", "437e727c9eb2a04c", ()),
    "2022-NB6BBT": ("hardneg", "762fa10abfb37ec2", ()),
    "2022-FDPT78": ("hardneg", "5b181db2f5dca83e", ()),
    "2022-KYVYPX": ("hardneg", "2e70434d6e2dea2b", ()),
    "2022-8YYATP": ("hardneg", "8253c46a11d5659f", ()),
    "2022-FDFM84": ("hardneg", "adbdcce43a5585ba", ()),
    "2022-9D6Z3P": ("hardneg", "916d9f7acac5be60", ()),
    "2022-DWMTN7": ("hardneg", "20690ce78e54f872", ()),
    # --- random: 20 comments
    "2022-LVYR2Z": ("random", "a6eed463b2038c22", ()),
    "2022-CA6HKY": ("random", "3d2ba5eee6d60187", ()),
    "2022-3B3E7R": ("random", "0cfa6d94e09cc0a7", ()),
    "2022-NCVZYV": ("random", "5356e49ab20d9594", ()),
    "2022-MKR9Q7": ("random", "fe4cd2821aed5c45", ()),
    "2022-DRXH7K": ("random", "5fa072c943118be4", ()),
    "2022-4Q6T3C": ("random", "3223793c0063b744", ()),
    "2022-3QMMZK": ("random", "a12705ba45a7d77e", ()),
    "2022-DPKYL7": ("random", "1ef677acf0c4ca3b", ()),
    "2022-BT9LNB": ("random", "6dc86a04499ffa2c", ()),
    "2022-EZTA2B": ("random", "c43d0588ce29c551", ()),
    "2022-BFXWW6": ("random", "e48703c7745b362e", ()),
    "2022-DP4L3V": ("random", "dc4786b49cf492d3", ()),
    "2022-F7NXVL": ("random", "b20063fd725dffdf", ()),
    "2022-44KR8K": ("random", "8b9a8d1cdb46b94e", ()),
    "2022-AF8CEC": ("random", "d4465b0a52e64ca7", ()),
    "2022-GBRLL8": ("random", "a163677b11df74fb", ()),
    "2022-HQ3MCY": ("random", "bb09d5fd0cab64a7", ()),
    "2022-8DCNQG": ("random", "e9044e073277fa28", ()),
    "2022-7967T2": ("random", "7d74cd96f0a8f81a", ()),
    # --- email2: 13 comments
    "2022-E7MBQ4": ("email2", "dc9d373618a752d5", (L("email", 183, 203),)),
    "2022-F68VYB": ("email2", "528c7c4530db2d16", (L("name", 21, 44), L("name", 1018, 1034), L("name", 1050, 1064), L("name", 1092, 1107), L("email", 1818, 1836), L("phone", 1854, 1864))),
    "2022-G3BYQ6": ("email2", "c8fd00cf1daec79c", (L("email", 25, 49),)),
    "2022-936BL3": ("email2", "7162ba0b382dd101", (L("name", 317, 321, bare=True), L("phone", 344, 354), L("email", 355, 386))),
    "2022-68FP37": ("email2", "7162ba0b382dd101", (L("name", 317, 321, bare=True), L("phone", 344, 354), L("email", 355, 386))),
    "2022-R3TGLP": ("email2", "4632ff45cc134c04", (L("email", 18, 41), L("phone", 46, 56))),
    "2022-EM7CCQ": ("email2", "964138c004dda299", (L("name", 48, 52, bare=True), L("name", 1546, 1550, bare=True), L("phone", 1572, 1584), L("email", 1596, 1617))),
    "2022-EMAMUL": ("email2", "a629a808244f3525", (L("name", 223, 227, bare=True), L("phone", 250, 260), L("email", 261, 292))),
    "2022-K7G7K8": ("email2", "78e53ccacb62a81c", (L("phone", 116, 128), L("email", 161, 180))),
    "2022-MYMYQG": ("email2", "b9bec72de49ab781", (L("email", 164, 182),)),
    "2022-GM92W2": ("email2", "781515b22c9b77a7", (L("name", 56, 72), L("plate", 159, 166), L("email", 1377, 1395), L("phone", 1400, 1410))),
    "2022-CB37BM": ("email2", "781515b22c9b77a7", (L("name", 56, 72), L("plate", 159, 166), L("email", 1377, 1395), L("phone", 1400, 1410))),
    "2022-MAUPK4": ("email2", "99873cbf2267d5a6", (L("phone", 1141, 1152), L("email", 1216, 1239))),
    # --- plus66: 3 comments
    "2022-9R7GTY": ("plus66", "0deadeb8c51d1f46", ()),
    "2022-LUKMDP": ("plus66", "e8adc12e4737d7f6", (L("phone", 31, 46),)),
    "2022-CMYDX3": ("plus66", "23afe195cfd0dd5f", (L("phone", 23, 38),)),
    # --- plate2: 35 comments
    "2022-8R4PTM": ("plate2", "f81440d945b314cb", (L("plate", 313, 320),)),
    "2022-BTYRBT": ("plate2", "7adb8d3554310c23", ()),
    "2022-8X2C68": ("plate2", "967825fbd994451d", (L("plate", 10, 16),)),
    "2022-6KAAAP": ("plate2", "e9ebe369d87dbb9f", (L("plate", 69, 78),)),
    "2022-NZBZH2": ("plate2", "f4818d82aa7949ae", ()),
    "2022-9KPW8E": ("plate2", "a33cd73dce6c12df", (L("plate", 47, 56),)),
    "2022-LGM897": ("plate2", "b2e2bddc72a9ebca", ()),
    "2022-EDAXH8": ("plate2", "0fb9a548d3dad33f", ()),
    "2022-A6FMF2": ("plate2", "da4b79713904ac22", (L("plate", 110, 117),)),
    "2022-BPTP7T": ("plate2", "1ef558cc7a330e97", ()),
    "2022-8869GF": ("plate2", "8b36fa5d6ae0f1c1", (L("plate", 110, 117),)),
    "2022-AEZ2F6": ("plate2", "244aaa6e6ec111b3", ()),
    "2022-KWUPVK": ("plate2", "4ae4dc45ee1f60a2", ()),
    "2022-8Q28VD": ("plate2", "0ee7be6e09158597", ()),
    "2022-NKGB9F": ("plate2", "854deaafde4c5597", (L("plate", 75, 85),)),
    "2022-78F4KT": ("plate2", "51a8b9e6710674ab", ()),
    "2022-MZD9BY": ("plate2", "fe68143615936eec", ()),
    "2022-EWRK6F": ("plate2", "38b49df302909848", ()),
    "2022-8VBGUF": ("plate2", "7aba01f1b9452195", (L("plate", 40, 48),)),
    "2022-3QZ8D8": ("plate2", "5e447e4388d503f2", ()),
    "2022-72Q94K": ("plate2", "e690bd96e192e980", ()),
    "2022-LAXX3X": ("plate2", "bd1166e3b8d49a29", ()),
    "2022-FDK9XN": ("plate2", "a7f2fcbd6d68c5b7", ()),
    "2022-8U9EFN": ("plate2", "72e82420adf82e42", (L("plate", 54, 61), L("plate", 99, 106))),
    "2022-H4UDGL": ("plate2", "941d2f531e2bfd3f", (L("name", 168, 177, bare=True),)),
    "2022-KAZV9A": ("plate2", "6c84cb1537693f7d", (L("plate", 209, 215),)),
    "2022-DZH8C8": ("plate2", "aa15a645c0d5cdd8", (L("plate", 14, 21),)),
    "2022-WF6U7P": ("plate2", "a852947ee6942e6f", ()),
    "2022-HQGMBR": ("plate2", "9c7c1b3700579780", ()),
    "2022-4T48K6": ("plate2", "349fa296efafaab0", (L("plate", 12, 19),)),
    "2022-AACVKR": ("plate2", "bb1c29c69f4269fc", (L("plate", 10, 19),)),
    "2022-CUZK7C": ("plate2", "927e8c6935a83716", ()),
    "2022-7X34XZ": ("plate2", "9425440574117341", (L("plate", 171, 178),)),
    "2022-BDXK77": ("plate2", "727b4dce4b1d2078", ()),
    "2022-BKYENZ": ("plate2", "bbdd91173b732c0b", (L("plate", 34, 41),)),
    # --- title2: 45 comments
    "2022-3LXAEF": ("title2", "870696327e25bf7e", ()),
    "2022-G468F8": ("title2", "4e876c520d4506e2", ()),
    "2022-GUPQ28": ("title2", "5e6fee2568e01473", (L("name", 219, 237),)),
    "2022-MNN82D": ("title2", "4148ccfd49676369", ()),
    "2022-NBDMUT": ("title2", "fcc07ca4debf7590", ()),
    "2022-4PQDXL": ("title2", "31085a0c08ef925c", (L("phone", 260, 270),)),
    "2022-3AZ68N": ("title2", "469dd928dfd309ec", (L("name", 10, 28), L("name", 73, 87, bare=True))),
    "2022-GGF7P2": ("title2", "7a43263939f58447", ()),
    "2022-9269LK": ("title2", "616e462e02d97385", ()),
    "2022-HHKABK": ("title2", "c3e9559a5bdf4b44", ()),
    "2022-9TRVC2": ("title2", "5adfb7a7dbfd81b0", ()),
    "2022-NTMR3H": ("title2", "4bd0b193ba95c31c", ()),
    "2022-366FRM": ("title2", "277b9e25d583d9f1", ()),
    "2022-LZ7GYW": ("title2", "9dc2436806c620cc", ()),
    "2022-4X7CHY": ("title2", "a35f86a046298630", ()),
    "2022-NB6VHM": ("title2", "bdb15b2433c4f494", (L("name", 180, 186),)),
    "2022-A2FCZZ": ("title2", "d8beed42fabe09d7", ()),
    "2022-P6PHA8": ("title2", "4c0a677e170cfd0d", (L("name", 106, 120), L("name", 143, 155))),
    "2022-BCTV7X": ("title2", "824909955b3af99c", (L("name", 577, 590), L("phone", 597, 607))),
    "2022-LL34AD": ("title2", "8cfbfa7cbec3647a", (L("name", 203, 223), L("phone", 285, 295))),
    "2022-HTZRRU": ("title2", "624291f03f633cec", ()),
    "2022-EK29HP": ("title2", "b4ed0fc440db6e51", (L("name", 6, 18),)),
    "2022-83VX3E": ("title2", "156c2ac842a397fa", ()),
    "2022-CLRH2F": ("title2", "ecbde2533c1e90a8", ()),
    "2022-GC3ZP4": ("title2", "027d24dcd8df55b1", ()),
    "2022-4LB97L": ("title2", "abd7ded8725d2cb0", ()),
    "2022-K2PCXA": ("title2", "1e3d5d2aea203fb1", (L("name", 3, 7), L("name", 116, 120), L("name", 258, 262), L("name", 349, 353), L("name", 425, 429), L("name", 516, 520), L("phone", 521, 531), L("name", 546, 550), L("phone", 551, 561))),
    "2022-BFF7H4": ("title2", "46280340d57dc900", (L("name", 108, 120),)),
    "2022-ETQTDL": ("title2", "0da6c25cfc2d21f5", (L("name", 469, 488),)),
    "2022-D7NYE9": ("title2", "b78f48f1c450dc52", ()),
    "2022-8UD4EY": ("title2", "ad33369e10b63735", ()),
    "2022-HRE2UG": ("title2", "b5c5e6b12f67589c", ()),
    "2022-NWFKWC": ("title2", "577b99ac78a531ec", ()),
    "2022-8FBN3A": ("title2", "605f8fd829035d97", ()),
    "2022-MZFCDH": ("title2", "928cdd46fe74a538", ()),
    "2022-A8VKVQ": ("title2", "c25b8ff9d9400120", ()),
    "2022-HRF6EV": ("title2", "fddca083712376f5", ()),
    "2022-49MRWM": ("title2", "6f5c52e3be390526", ()),
    "2022-32A3C4": ("title2", "6acbb811d4037289", ()),
    "2022-CPV3P3": ("title2", "fc860bc400b7089d", ()),
    "2022-3GEERT": ("title2", "7aa999a3836071b1", ()),
    "2022-GBRH98": ("title2", "43a7872b76d039b2", (L("name", 49, 66), L("phone", 67, 79))),
    "2022-3P699Y": ("title2", "0fbea104f735cb96", (L("name", 6, 22),)),
    "2022-8NBGGZ": ("title2", "776cde6f8c1664c1", ()),
    "2022-D4M3L7": ("title2", "3eb1cd6514706e45", ()),
}
# fmt: on


def comment_sha(comment: str) -> str:
    return hashlib.sha256(comment.encode("utf-8")).hexdigest()[:16]


def read_comments(data_dir: Path) -> dict[str, str]:
    """The labelled tickets' comments from traffy_sample.csv.gz."""
    import pandas as pd

    frame = pd.read_csv(
        data_dir / "traffy_sample.csv.gz", usecols=["ticket_id", "comment"], dtype=str
    )
    frame = frame[frame["ticket_id"].isin(LABELS.keys())]
    return dict(zip(frame["ticket_id"], frame["comment"], strict=True))


def _show(data_dir: Path) -> None:
    comments = read_comments(data_dir)
    for ticket, (stratum, sha, labels) in LABELS.items():
        text = comments[ticket]
        assert comment_sha(text) == sha, f"{ticket}: the comment is not the one labelled"
        print(f"{ticket} [{stratum}]")
        for label in labels:
            before = text[max(0, label.start - 15) : label.start]
            after = text[label.end : label.end + 15]
            shown = f"{before}⟦{text[label.start : label.end]}⟧{after}"
            print(f"    {label.kind}{' (bare)' if label.bare else ''}: {shown!r}")


if __name__ == "__main__":
    _show(Path(sys.argv[1] if len(sys.argv) > 1 else "data"))
