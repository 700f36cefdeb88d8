"""Turn a unit name as written in a plan into a unit of the tree, or None when unsure.

Names are compared by a canonical key: abbreviations expanded ("Phòng VH&TT" = "Phòng Văn hóa và
Thông tin"), marks and tone placement ignored, "và", "-", "&" and "," ignored, a trailing Roman
numeral read as a number ("Tam Xuân I" = "Tam Xuân 1"). Each unit is indexed under its name,
short name and aliases, and also without its place ("Phòng Văn hóa và Thông tin huyện", "Tam
Xuân I"). Group phrases ("UBND các xã, thị trấn", "các cơ quan, đơn vị trên địa bàn") resolve
to the issuer with a scope. What matches no key is compared fuzzily, only above a safe score and
only when the numbered or directional tails agree (Tam Anh Bắc is never Tam Anh Nam). A key that
fits two units, or two fuzzy candidates too close to call, gives None: the name is then kept as
written and flagged for staff.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from kehoach.lib.vntext import search_key
from kehoach.units.models import Unit, UnitAlias
from kehoach.units.selectors import unit_ancestor_ids, unit_subtree, valid_on

from .models import UnitScope
from .services import UnitResolver

# Abbreviations in plans, on the search key (no marks, lower case). Longest first when applied.
ABBREVIATIONS = {
    "hdnd&ubnd": "hoi dong nhan dan va uy ban nhan dan",
    "hdnd-ubnd": "hoi dong nhan dan va uy ban nhan dan",
    "ubmttqvn": "uy ban mat tran to quoc viet nam",
    "ubmttq": "uy ban mat tran to quoc",
    "mttqvn": "mat tran to quoc viet nam",
    "mttq": "mat tran to quoc",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vh&tt": "van hoa va thong tin",
    "vhtt": "van hoa va thong tin",
    "vh-tt": "van hoa the thao",
    "vh,tt&dl": "van hoa the thao va du lich",
    "vhttdl": "van hoa the thao va du lich",
    "vh-tt&dl": "van hoa the thao va du lich",
    "tt-th": "truyen thanh truyen hinh",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "ldtb&xh": "lao dong thuong binh va xa hoi",
    "ld-tb&xh": "lao dong thuong binh va xa hoi",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "kh&cn": "khoa hoc va cong nghe",
    "khcn": "khoa hoc va cong nghe",
    "kh&dt": "ke hoach va dau tu",
    "kh-dt": "ke hoach va dau tu",
    "gd&dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "tn&mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong",
    "nn&mt": "nong nghiep va moi truong",
    "nn&ptnt": "nong nghiep va phat trien nong thon",
    "tc-kh": "tai chinh ke hoach",
    "kt-ht": "kinh te ha tang",
    "gtvt": "giao thong van tai",
    "lhpn": "lien hiep phu nu",
    "ccb": "cuu chien binh",
    "ldld": "lien doan lao dong",
    "chqs": "chi huy quan su",
    "tncs": "thanh nien cong san",
    "qlda": "quan ly du an",
    "qltt": "quan ly thi truong",
    "kcn": "khu cong nghiep",
    "ccn": "cum cong nghiep",
    "vp": "van phong",
    "tp": "thanh pho",
    "tt": "thi tran",
}
_ABBREVIATION = re.compile(
    r"(?<![\w&-])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w&])"
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}
_DIRECTIONS = {"bac", "nam", "dong", "tay", "trung", "thuong", "ha"}
_LEVELS = r"(?:tinh|thanh pho|huyen|quan|thi xa|thi tran|xa|phuong|dac khu)"
_NOISE = {"va", "cac"}

# Group phrases, on the search key.
_LEVEL_WORD = r"(?:xa|phuong|thi tran|dac khu)"
_COMMUNE_GROUPS = re.compile(
    rf"^(?:(?:ubnd|uy ban nhan dan)\s+)?(?:cac\s+|cap\s+)?{_LEVEL_WORD}"
    rf"(?:\s*(?:,|va)\s*{_LEVEL_WORD})*(?:\s+(?:tren dia ban|lien quan|co lien quan))*$"
)
_BODY_WORD = r"(?:co quan|don vi|so|ban|nganh|phong|doan the|dia phuong|to chuc)"
_ALL_BODIES = re.compile(
    rf"^(?:thu truong\s+)?(?:(cac)\s+)?{_BODY_WORD}((?:\s*(?:,|va)\s*(?:cac\s+)?{_BODY_WORD})*)"
    r"(?:\s+(?:thanh pho|tinh|huyen|xa|cap tinh|cap huyen|cap xa|lien quan|co lien quan|"
    r"tren dia ban|theo quy dinh|trong pham vi chuc nang,? nhiem vu(?: cua minh)?|"
    r"truc thuoc so|thuoc so))*$"
)
_PREFIX = re.compile(r"^(?:de nghi|giao)\s*:?\s+")
# A typo, not another name: the same number of words, and at most one edit per 12 letters (max 3).
FUZZY_EDITS_PER = 12
FUZZY_MAX_EDITS = 3


def _base(name: str) -> str:
    """Search key without markup, a "Đề nghị" prefix, brackets and final punctuation."""
    text = re.sub(r"\*+", " ", name)
    text = re.sub(r"\([^()]*\)", " ", text)
    key = search_key(text).strip(" .;:,")
    return _PREFIX.sub("", key)


def canonical(name: str) -> str:
    """The comparison key of a unit name (see the module docstring)."""
    key = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], _base(name))
    words = [w for w in re.split(r"[^\w]+", key) if w and w not in _NOISE]
    if words and words[-1] in _ROMAN:
        words[-1] = _ROMAN[words[-1]]
    return " ".join(words)


def tail(key: str) -> str:
    """The numbered or directional last word of a canonical key ("1", "bac"), or ""."""
    last = key.rsplit(" ", 1)[-1] if key else ""
    return last if last.isdigit() or last in _DIRECTIONS else ""


def group_scope(name: str) -> str | None:
    """The scope of a group phrase ("UBND các xã, thị trấn"), or None for a single unit."""
    key = re.sub(r"\s+", " ", _base(name))
    if _COMMUNE_GROUPS.match(key):
        return UnitScope.COMMUNES
    bodies = _ALL_BODIES.match(key)
    # "các cơ quan" or "sở, ban, ngành": a plural; a bare "Phòng" or "Ban" is a unit's name.
    if bodies and (bodies.group(1) or bodies.group(2)):
        return UnitScope.ALL_BODIES
    return None


def _place(unit: Unit) -> str:
    """ "Huyện Núi Thành" -> "nui thanh": an administrative unit's name without its level."""
    return re.sub(rf"^{_LEVELS}\s+", "", canonical(unit.name))


def _variants(name: str, places: Iterable[str]) -> set[str]:
    """A unit name's key, plus the key without its place ("… huyện Núi Thành" -> "… huyện")."""
    key = canonical(name)
    keys = {key}
    for place in places:
        if place and key.endswith(" " + place) and key != place:
            shorter = key[: -len(place) - 1]
            keys.add(shorter)
            without_level = re.sub(rf"\s+{_LEVELS}$", "", shorter)
            if without_level:
                keys.add(without_level)
    level = re.match(rf"^{_LEVELS}\s+(.+)$", key)
    if level:
        # "Xã Tam Xuân I" is also "Tam Xuân I" and "UBND xã Tam Xuân I".
        keys.add(level.group(1))
        keys.add(f"uy ban nhan dan {key}")
    return {k for k in keys if k}


def make_resolver(*, issuer: Unit, on: dt.date | None) -> UnitResolver:
    """A resolver over the issuer's subtree and its ancestors' direct children, valid on `on`."""
    candidates = unit_subtree(issuer)
    ancestor_ids = unit_ancestor_ids(issuer)
    related = Unit.objects.filter(pk__in=ancestor_ids) | Unit.objects.filter(
        parent_id__in=ancestor_ids
    )
    pool = candidates | related
    if on:
        pool = valid_on(pool, on)
    units = list(pool.distinct())
    by_id = {unit.pk: unit for unit in units}
    places = {
        unit.pk: _place(unit) for unit in Unit.objects.filter(pk__in=[*ancestor_ids, issuer.pk])
    }
    places.update({unit.pk: _place(unit) for unit in units if unit.is_administrative})
    aliases: dict[int, list[str]] = defaultdict(list)
    for alias in UnitAlias.objects.filter(unit__in=units):
        aliases[alias.unit_id].append(alias.name)

    # Exact names first; keys made by dropping the place only where no exact name claims them.
    exact: dict[str, set[int]] = defaultdict(set)
    derived: dict[str, set[int]] = defaultdict(set)
    for unit in units:
        own_places = [places[pk] for pk in _path_ids(unit) if pk in places and pk != unit.pk]
        for name in [unit.name, unit.short_name, *aliases[unit.pk]]:
            if not name:
                continue
            exact[canonical(name)].add(unit.pk)
            for key in _variants(name, own_places):
                derived[key].add(unit.pk)
    fuzzy_keys = [(key, ids) for key, ids in {**derived, **exact}.items() if len(ids) == 1]

    def lookup(key: str) -> Unit | bool | None:
        """The unit of a key; False when the key names several units."""
        for index in (exact, derived):
            ids = index.get(key)
            if ids:
                return by_id[next(iter(ids))] if len(ids) == 1 else False
        return None

    def resolve(name: str) -> tuple[Unit, str] | None:
        scope = group_scope(name)
        if scope:
            return issuer, scope
        key = canonical(name)
        if not key:
            return None
        found = lookup(key)
        if found is False:
            return None  # ambiguous: "Núi Thành" is a district and a township
        if isinstance(found, Unit):
            return found, UnitScope.UNIT
        return _fuzzy(key)

    def _fuzzy(key: str) -> tuple[Unit, str] | None:
        wanted_tail, words = tail(key), len(key.split())
        allowed = min(FUZZY_MAX_EDITS, max(1, len(key) // FUZZY_EDITS_PER))
        best: dict[int, int] = {}
        for candidate, ids in fuzzy_keys:
            if tail(candidate) != wanted_tail or len(candidate.split()) != words:
                continue
            edits = Levenshtein.distance(key, candidate, score_cutoff=allowed)
            pk = next(iter(ids))
            if edits <= allowed and edits < best.get(pk, allowed + 1):
                best[pk] = edits
        ranked = sorted(best.items(), key=lambda item: item[1])
        # Two units equally close to a misspelt name: not ours to choose.
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return by_id[ranked[0][0]], UnitScope.UNIT

    return resolve


def _path_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part]
