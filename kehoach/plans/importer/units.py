"""Splitting a written list of units into unit names, as written (label conventions).

"Phòng Văn hoá và Thông tin huyện, UBND các xã, thị trấn." gives two names: a list is cut at ";",
at ", " where the next words begin a new unit, and at " và " where both sides are units. Commas
inside one name stay: "Trung tâm VH-TT, TT-TH huyện", "UBND các xã, thị trấn", "Các Sở, ban,
ngành", "Báo và Phát thanh, Truyền hình tỉnh", "Sở Văn hóa, Thể thao và Du lịch". A final period
and a leading "Đề nghị" are dropped. Names are not resolved here (see plans.resolve).
"""

import re

from kehoach.lib.vntext import search_key

# Words that begin a unit name (compared without marks, lower case). A capitalised fragment that
# does not begin with one of these continues the previous name ("Thể thao và Du lịch", "TT-TH").
_HEADS = (
    "so",
    "ban",
    "phong",
    "ubnd",
    "uy ban",
    "hdnd",
    "hoi dong",
    "trung tam",
    "van phong",
    "cong an",
    "bo chi huy",
    "bo",
    "cuc",
    "chi cuc",
    "hoi",
    "lien minh",
    "lien doan",
    "doan",
    "tinh doan",
    "thanh doan",
    "huyen doan",
    "mat tran",
    "bao",
    "dai",
    "benh vien",
    "truong",
    "vien",
    "kho bac",
    "thue",
    "ngan hang",
    "bao hiem",
    "toa an",
    "quan su",
    "buu dien",
    "cong ty",
    "tong cong ty",
    "hiep hoi",
    "doanh nghiep",
    "nha cung cap",
    "nha dau tu",
    "tinh uy",
    "huyen uy",
    "thanh uy",
    "dang uy",
    "lanh dao",
    "giam doc",
    "pho giam doc",
    "chu tich",
    "thu truong",
    "co quan",
    "don vi",
    "dia phuong",
    "to chuc",
    "tap doan",
    "vnpt",
    "viettel",
    "mobifone",
    "dien luc",
    "cong doan",
    "thanh tra",
    "vien kiem sat",
    "ban chi dao",
)
# Lower-case words that start a new unit even in lower case ("…, báo, đài và các đơn vị …").
_LOWER_STARTS = ("cac", "bao", "ubnd", "uy ban", "nha cung cap", "nha dau tu")
_TRAILING = re.compile(r"[\s.;,:]+$")
_LEADING = re.compile(r"^(?:[-+•·*]\s*)+")
_DE_NGHI = re.compile(r"^đề\s+nghị\s*:?\s*", re.IGNORECASE)
_SO_GLUED = re.compile(r"(?<=[a-zà-ỹđ]) (?=Sở [A-ZÀ-ỸĐ])")


def _starts_with(key: str, words: tuple[str, ...]) -> bool:
    return any(key == w or key.startswith(w + " ") for w in words)


def begins_unit(fragment: str) -> bool:
    """Whether a fragment after a separator begins a new unit name."""
    fragment = fragment.strip()
    if not fragment:
        return False
    key = re.sub(r"[^\w&-]+", " ", search_key(fragment)).strip()
    if fragment[0].isupper() or fragment[0].isdigit():
        return _starts_with(key, _HEADS) or _starts_with(key, ("cac",))
    return _starts_with(key, _LOWER_STARTS)


def _split_commas(part: str) -> list[str]:
    pieces = part.split(", ")
    names = [pieces[0]]
    for piece in pieces[1:]:
        if begins_unit(piece):
            names.append(piece)
        else:
            names[-1] = f"{names[-1]}, {piece}"
    return names


def _split_and(name: str) -> list[str]:
    pieces = re.split(r"\s+và\s+", name)
    names = [pieces[0]]
    for piece in pieces[1:]:
        # Only "X và các …" / "X và Sở Y …": both sides units, the left one complete.
        if begins_unit(piece) and begins_unit(names[-1]) and _and_splits(piece):
            names.append(piece)
        else:
            names[-1] = f"{names[-1]} và {piece}"
    return names


def _and_splits(piece: str) -> bool:
    key = search_key(piece)
    # "Báo và Phát thanh", "Sở Giáo dục và Đào tạo": the right side is no new unit by itself.
    return not _starts_with(key, ("phat thanh", "truyen hinh"))


def _unglue(name: str) -> list[str]:
    """Two department names with the separator lost: "Sở Khoa học và Công nghệ Sở Công Thương"."""
    if not name.startswith("Sở "):
        return [name]  # "Văn phòng Sở Công Thương" is one unit
    return _SO_GLUED.split(name)


def clean_unit(name: str) -> str:
    """A unit as written, without bullets, markup, "Đề nghị" and final punctuation."""
    name = re.sub(r"\*+|_+|<br\s*/?>", " ", name)
    name = _LEADING.sub("", name.strip())
    name = _DE_NGHI.sub("", name)
    name = re.sub(r"\s+", " ", name)
    return _TRAILING.sub("", name).strip()


def split_units(text: str | None) -> list[str]:
    """The unit names of a written list, in order, without duplicates."""
    if not text:
        return []
    text = re.sub(r"\s*<br\s*/?>\s*|\s*\n\s*", "; ", text)
    text = re.sub(r"[ \t]+", " ", text)
    names: list[str] = []
    for part in re.split(r"\s*;\s*", text):
        part = clean_unit(part)
        if not part:
            continue
        for comma_piece in _split_commas(part):
            for piece in _split_and(comma_piece):
                for glued in _unglue(piece):
                    name = clean_unit(glued)
                    if name and name not in names:
                        names.append(name)
    return names
