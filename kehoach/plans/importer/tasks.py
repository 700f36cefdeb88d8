"""Tasks of a plan: title, lead and support units as written, time as written and as dates.

Plans write tasks in three ways, all handled here:
- labelled fields under a numbered heading ("- Đơn vị chủ trì: …", "- Đơn vị phối hợp: …",
  "- Thời gian thực hiện: …"; "Cơ quan thực hiện: X chủ trì, phối hợp với Y"; both fields on one
  line; "b) Cơ quan thực hiện:" with "- Đơn vị chủ trì:" beneath);
- a table, in the body or an appendix, as pipe rows or flattened one cell per line;
- per-unit duties under "TỔ CHỨC THỰC HIỆN", when the plan has no task section or table.
Label convention: if an explicit task section or an appendix task table exists, only it gives
tasks; a task table wins over the body, which then repeats the items without units.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from kehoach.lib.vntext import search_key

from .document import Document
from .sections import Section, Table, tables, top_sections
from .times import find_window, parse_time
from .units import begins_unit, split_units

# ---------------------------------------------------------------------------------------------
# Lines -> paragraphs

_MARKUP = re.compile(r"\*+|__|<br\s*/?>|^#+\s*")
_BULLET = re.compile(r"^([-+•·])\s*(.*)$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\s*[.)](?!\d)\s*(.*)$")
_LETTERED = re.compile(r"^([a-zđ])\s*\)\s*(.*)$")
_ROMAN_HEAD = re.compile(r"^([IVX]{1,4})\s*[.\-–)]\s*(.*)$")

# Field labels; the value follows a colon (which italics may leave outside: "*Thời gian*:").
_LABELS: tuple[tuple[str, str], ...] = (
    (
        "lead",
        r"(?:đơn vị|cơ quan|bộ phận)\s+chủ\s+trì(?:\s+tham\s+mưu)?(?:\s+thực\s+hiện)?|chủ\s+trì",
    ),
    ("support", r"(?:đơn vị|cơ quan|bộ phận)\s+phối\s+hợp(?:\s+thực\s+hiện)?|phối\s+hợp"),
    (
        "implementers",
        r"(?:cơ quan|đơn vị|bộ phận)\s+(?:tổ\s+chức\s+)?thực\s+hiện|người\s+thực\s+hiện",
    ),
    (
        "time",
        r"thời\s+gian(?:\s+(?:thực\s+hiện|hoàn\s+thành|triển\s+khai))?|tiến\s+độ(?:\s+thực\s+hiện)?"
        r"|thời\s+hạn(?:\s+hoàn\s+thành)?",
    ),
    (
        "content",
        r"nội\s+dung(?:\s+(?:thực\s+hiện|hoạt\s+động|công\s+việc))?|nhiệm\s+vụ|mục\s+đích|mục\s+tiêu|yêu\s+cầu|kết\s+quả|sản\s+phẩm",
    ),
    ("leader", r"lãnh\s+đạo\s+phụ\s+trách|người\s+phụ\s+trách"),
)
_LABEL_RE = re.compile(
    "|".join(f"(?P<{name}>(?:{pattern}))" for name, pattern in _LABELS), re.IGNORECASE
)
_FIELD_START = re.compile(rf"^(?:{_LABEL_RE.pattern})\s*:\s*", re.IGNORECASE)
# A second label on the same line: "Đơn vị chủ trì: X; Đơn vị phối hợp: Y."
_ANY_LABEL = "|".join(f"(?:{pattern})" for _, pattern in _LABELS)
_FIELD_INSIDE = re.compile(rf"[;.]\s+(?=(?:{_ANY_LABEL})\s*:)", re.IGNORECASE)
UNIT_FIELDS = ("lead", "support", "implementers")


def strip_markup(text: str) -> str:
    text = _MARKUP.sub(" ", text.strip())
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Para:
    text: str  # markup stripped, hard line breaks joined
    line: int  # 1-based line number of its first line
    bold: bool = False


def _starts_paragraph(plain: str) -> bool:
    return bool(
        _BULLET.match(plain)
        or _NUMBERED.match(plain)
        or _LETTERED.match(plain)
        or _ROMAN_HEAD.match(plain)
        or _FIELD_START.match(plain)
    )


def _continues(before: str, line: str) -> bool:
    return line[:1].islower() and not _starts_paragraph(line) and not re.search(r"[.:;!?]$", before)


def paragraphs(doc: Document, start: int, end: int, skip: set[int]) -> list[Para]:
    """Paragraphs of lines [start, end): a blank line, a bullet, a number or a label starts one."""
    paras: list[Para] = []
    current: Para | None = None
    gap_after: Para | None = None  # the paragraph a blank line has just ended
    previous_raw = ""
    for index in range(start, end):
        if index in skip:
            current = None
            continue
        raw = doc.lines[index].text
        plain = strip_markup(raw)
        if not plain:
            if current is not None:
                gap_after = current
            current = None
            previous_raw = ""
            continue
        if current is None and gap_after is not None and _continues(gap_after.text, plain):
            # "các cơ quan, đơn vị, địa phương\n\nliên quan.": a blank line inside a sentence.
            current = gap_after
            previous_raw = raw
            current.text = f"{current.text} {plain}"
            continue
        gap_after = None
        if current is not None and previous_raw.count("**") % 2 == 1:
            starts = False  # inside a bold run broken across lines: "**1. Về\nnguồn lực**"
        else:
            starts = current is None or _starts_paragraph(plain)
            if current is not None and not starts:
                # A new sentence on a new line after a full stop starts a paragraph (single-line
                # paragraphs with no blank line between, as in .docx text).
                starts = bool(re.search(r"[.:;]$", current.text)) and plain[:1].isupper()
        if starts or current is None:
            current = Para(
                text=plain, line=doc.lines[index].number, bold=raw.lstrip().startswith("**")
            )
            paras.append(current)
            previous_raw = raw
        else:
            current.text = f"{current.text} {plain}"
            previous_raw = f"{previous_raw} {raw}"
    return paras


# ---------------------------------------------------------------------------------------------
# Paragraphs -> entries (headings, fields, text)


@dataclass
class Entry:
    kind: str  # heading, field, text
    text: str
    line: int
    level: int = 0  # headings: 1 for "1.", 2 for "1.1.", 10 for "a)"; bullets: 20/21
    name: str = ""  # fields: lead, support, implementers, time, content, leader
    items: list["Entry"] = field(default_factory=list)  # bullets under an empty field


def _split_fields(text: str) -> list[str]:
    return [part for part in _FIELD_INSIDE.split(text) if part.strip()]


_TIME_PROSE = re.compile(r"^[Tt]hời\s+gian\s+thực\s+hiện\s+(?P<value>[a-zà-ỹđ(].*)$")


def _field(text: str, line: int, level: int) -> list[Entry] | None:
    if not _FIELD_START.match(text):
        if prose := _TIME_PROSE.match(text):
            # "Thời gian thực hiện sau khi Chiến lược … được ban hành." with no colon.
            return [Entry("field", prose.group("value"), line, level=level, name="time")]
        return None
    entries: list[Entry] = []
    for part in _split_fields(text):
        match = _FIELD_START.match(part)
        if not match:
            if entries:
                entries[-1].text = f"{entries[-1].text}; {part}"
            continue
        name = next(n for n, _ in _LABELS if match.group(n))
        entries.append(Entry("field", part[match.end() :].strip(), line, level=level, name=name))
    return entries


def classify(para: Para) -> list[Entry]:
    text = para.text
    if match := _BULLET.match(text):
        body = match.group(2)
        level = 20 if match.group(1) in "-•·" else 21
        return _field(body, para.line, level) or [Entry("text", body, para.line, level=level)]
    if match := _NUMBERED.match(text):
        body = match.group(2)
        level = match.group(1).count(".") + 1
        return _field(body, para.line, level) or [Entry("heading", body, para.line, level=level)]
    if match := _LETTERED.match(text):
        body = match.group(2)
        return _field(body, para.line, 10) or [Entry("heading", body, para.line, level=10)]
    return _field(text, para.line, 30) or [Entry("text", text, para.line, level=30)]


def entries(paras: list[Para]) -> list[Entry]:
    """Entries in order; bullets under a field with no value become that field's items."""
    out: list[Entry] = []
    open_field: Entry | None = None
    for para in paras:
        for entry in classify(para):
            if entry.kind == "field":
                open_field = entry if not entry.text else None
                if open_field is not None:
                    open_field.level = entry.level
                out.append(entry)
            elif entry.kind == "text" and open_field is not None and entry.level >= 20:
                if open_field.items and entry.level < open_field.items[0].level:
                    open_field = None
                    out.append(entry)
                else:
                    open_field.items.append(entry)
            else:
                open_field = None
                out.append(entry)
    return out


# ---------------------------------------------------------------------------------------------
# Units and times of a task


_CHU_TRI = re.compile(
    r"^(?P<lead>.+?)\s+(?:là\s+cơ\s+quan\s+)?chủ\s+trì\b(?:\s+tham\s+mưu)?[\s,;]*"
    r"(?:(?:và\s+)?phối\s+hợp\s+(?:với\s+)?(?P<support>.+))?$",
    re.IGNORECASE,
)
# Where a unit list ends and the work begins: "… và các đơn vị có liên quan tham mưu …".
_WORK_VERB = re.compile(
    r"(?<![,;])\s+(?:tham\s+mưu|thực\s+hiện|triển\s+khai|tổ\s+chức(?!\s*,)|xây\s+dựng|rà\s+soát"
    r"|hướng\s+dẫn|theo\s+dõi|đăng\s+tải|chỉ\s+đạo|để|nhằm|trong\s+việc|trong\s+phạm\s+vi"
    r"|căn\s+cứ|chủ\s+động)\b.*$",
    re.IGNORECASE,
)
_MULTI_HEADS = (
    "Ủy ban nhân dân",
    "Uỷ ban nhân dân",
    "Ủy ban Mặt trận Tổ quốc",
    "Văn phòng",
    "Trung tâm",
    "Công an",
    "Bộ Chỉ huy",
    "Ban Chỉ huy",
    "Ban Quản lý",
    "Chi cục",
    "Kho bạc",
    "Bảo hiểm xã hội",
)


def leading_unit(text: str) -> str | None:
    """The unit a sentence begins with: "Sở Xây dựng đăng tải …" -> "Sở Xây dựng"."""
    text = re.sub(r"^đề\s+nghị\s*:?\s*", "", text.strip(), flags=re.IGNORECASE)
    if not begins_unit(text):
        return None
    words = text.split()
    taken = 1
    for head in _MULTI_HEADS:
        if text.startswith(head + " ") or text == head:
            taken = len(head.split())
            break
    after_capital = False
    while taken < len(words):
        word = words[taken]
        if word[:1].isupper() or word[:1].isdigit() or "&" in word:
            after_capital = True
        elif word == "và" and taken + 1 < len(words) and words[taken + 1][:1].isupper():
            after_capital = False
        elif after_capital and word[:1].isalpha():
            after_capital = False  # the second syllable of "Xây dựng", "Nội vụ"
        else:
            break
        taken += 1
    return re.sub(r"[\s,.;:]+$", "", " ".join(words[:taken])) or None


def _cut_work(text: str) -> str:
    return _WORK_VERB.sub("", text).strip()


def implementers(text: str) -> tuple[list[str], list[str]]:
    """Lead and support from "Cơ quan thực hiện: …": "X chủ trì, phối hợp với Y" or all lead.

    Clauses after ";" that name other units ("…; Sở Tư pháp và … chủ động tổ chức triển khai")
    add their units to the lead, as "Cơ quan thực hiện" lists implementers.
    """
    text = re.sub(r"[\s.;:]+$", "", text.strip())
    if not _CHU_TRI.match(text):
        return split_units(_cut_work(text) or text), []
    lead: list[str] = []
    support: list[str] = []
    for clause in re.split(r"\s*;\s*", text):
        if match := _CHU_TRI.match(clause):
            lead += split_units(match.group("lead"))
            support += split_units(_cut_work(match.group("support") or ""))
        elif begins_unit(clause):
            lead += split_units(_cut_work(clause))
    return _unique(lead), _unique(support)


def _time_fields(wording: str | None, year: int | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"time": wording, "start": None, "end": None}
    fields.update({"recurring": False, "recurrence": "none"})
    if wording:
        fields.update(parse_time(wording, year=year).as_dict())
    return fields


def clean_title(text: str) -> str:
    text = strip_markup(text)
    text = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•·])\s*", "", text)
    return re.sub(r"[\s.:;,]+$", "", text).strip()


_GENERIC = re.compile(r"^(hoat dong|nhiem vu|noi dung|cong viec|hang muc)( so)?\s*\d*$")


def _is_generic(title: str) -> bool:
    return bool(_GENERIC.match(search_key(clean_title(title))))


# ---------------------------------------------------------------------------------------------
# Labelled-field tasks


@dataclass
class Block:
    heading: Entry | None
    entries: list[Entry] = field(default_factory=list)
    parents: list[Entry] = field(default_factory=list)  # enclosing headings, outermost first


def _blocks(items: list[Entry]) -> list[Block]:
    blocks = [Block(heading=None)]
    stack: list[Entry] = []
    for entry in items:
        if entry.kind == "heading":
            while stack and stack[-1].level >= entry.level:
                stack.pop()
            blocks.append(Block(heading=entry, parents=list(stack)))
            stack.append(entry)
        else:
            blocks[-1].entries.append(entry)
    return blocks


def _groups(block: Block) -> list[tuple[Entry | None, list[Entry]]]:
    """Runs of field entries, each with the text entry just above it."""
    groups: list[tuple[Entry | None, list[Entry]]] = []
    above: Entry | None = None
    run: list[Entry] = []
    for entry in block.entries:
        if entry.kind == "field":
            run.append(entry)
        else:
            if run:
                groups.append((above, run))
                run = []
            above = entry
    if run:
        groups.append((above, run))
    return [(above, run) for above, run in groups if _has_units(run)]


def _has_units(run: list[Entry]) -> bool:
    return any(e.name in UNIT_FIELDS and (e.text or e.items) for e in run)


def _units_of(run: list[Entry]) -> tuple[list[str], list[str]]:
    lead: list[str] = []
    support: list[str] = []
    explicit = any(e.name == "lead" and e.text for e in run)
    for entry in run:
        if entry.name == "lead":
            lead += split_units(entry.text)
        elif entry.name == "support":
            support += split_units(entry.text)
        elif entry.name == "implementers" and not explicit:
            sources = [entry.text] if entry.text else [item.text for item in entry.items]
            for source in sources:
                lead_part, support_part = implementers(source)
                if not _CHU_TRI.match(re.sub(r"[\s.;:]+$", "", source)) and entry.items:
                    unit = leading_unit(source)
                    lead_part = [unit] if unit else lead_part
                lead += lead_part
                support += support_part
    return _unique(lead), _unique([u for u in _unique(support) if u not in lead])


def _unique(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def _field_text(run: list[Entry], name: str) -> str | None:
    for entry in run:
        if entry.name == name and (entry.text or entry.items):
            parts = [entry.text] if entry.text else []
            parts += [item.text for item in entry.items]
            return " ".join(parts)
    return None


def _task(
    title: str,
    lead: list[str],
    support: list[str],
    time: str | None,
    year: int | None,
    line: int,
    number: str | None = None,
    details: str | None = None,
) -> dict[str, Any]:
    title = clean_title(title)
    time = re.sub(r"[\s.;]+$", "", time).strip() if time else None
    task: dict[str, Any] = {"title": title, "lead": lead, "support": support}
    task.update(_time_fields(time or None, year))
    if not time:
        # A date window inside the task text: "(từ ngày 15/11 đến ngày 15/12)".
        window = find_window(title, year=year)
        if window is not None:
            wording, spec = window
            task.update(spec.as_dict())
            task["time"] = wording
    if number:
        task["number"] = number
    if details:
        task["details"] = details
    task["source_line"] = line
    return task


def _block_tasks(block: Block, year: int | None) -> list[dict[str, Any]]:
    groups = _groups(block)
    tasks = []
    for above, run in groups:
        lead, support = _units_of(run)
        time = _field_text(run, "time")
        content = next((e for e in run if e.name == "content" and (e.text or e.items)), None)
        details = _field_text(run, "content")
        heading = block.heading
        if len(groups) > 1 and above is not None:
            titles = [(above.text, above.line)]
        elif heading is not None and not _is_generic(heading.text):
            titles = [(heading.text, heading.line)]
            body = [e.text for e in block.entries if e.kind == "text"]
            details = "\n".join(filter(None, [details, *body])) or None
        elif content is not None:
            # "a) Hoạt động 1" / "- Nội dung: …": the content is the title, one task per item.
            sources = [content] if content.text else content.items
            titles = [(e.text, e.line) for e in sources]
            details = None
        elif above is not None:
            titles = [(above.text, above.line)]
        else:
            continue
        for title, line in titles:
            task = _task(title, lead, support, time, year, line, details=details)
            task["_path"] = [clean_title(p.text) for p in block.parents]
            leader = _field_text(run, "leader")
            if leader:
                task["leader"] = re.sub(r"[\s.;]+$", "", leader)
            tasks.append(task)
    return tasks


def _disambiguate(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Repeated leaf titles (3.1 a/b, 3.2 a/b) become "parent — sub-parent — leaf"."""
    keys = [search_key(t["title"]) for t in tasks]
    for task, key in zip(tasks, keys, strict=True):
        path = task.pop("_path", [])
        if keys.count(key) > 1 and path:
            task["title"] = " — ".join([*path, task["title"]])
    return tasks


def field_tasks(
    doc: Document, section_range: tuple[int, int], skip: set[int], year: int | None
) -> list[dict[str, Any]]:
    items = entries(paragraphs(doc, *section_range, skip))
    tasks = []
    for block in _blocks(items):
        tasks += _block_tasks(block, year)
    return _disambiguate(tasks)


# ---------------------------------------------------------------------------------------------
# Table tasks


def _column(header: list[str], *wanted: str, avoid: tuple[str, ...] = ()) -> int | None:
    keys = [search_key(strip_markup(cell)) for cell in header]
    for want in wanted:
        for index, key in enumerate(keys):
            if want in key and not any(a in key for a in avoid):
                return index
    return None


def _is_subheader(row: list[str]) -> bool:
    keys = [search_key(strip_markup(cell)) for cell in row]
    return any(k.startswith(("chu tri", "phoi hop")) for k in keys) and not any(
        re.fullmatch(r"\d+", k) for k in keys
    )


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return strip_markup(row[index])


def table_tasks(table: Table, year: int | None) -> list[dict[str, Any]]:
    rows = table.texts()
    tasks: list[dict[str, Any]] = []
    for position, header in enumerate(rows):
        following = rows[position + 1] if position + 1 < len(rows) else []
        if _is_subheader(following) and len(following) == len(header):
            # "Cơ quan thực hiện" over "Chủ trì | Phối hợp": read the two rows as one header.
            header = [f"{a} {b}" for a, b in zip(header, following, strict=True)]
            position += 1
        title_col = _column(
            header, "ten nhiem vu", "nhiem vu", "noi dung", "cong viec", "hoat dong", "ten"
        )
        lead_col = _column(header, "chu tri")
        support_col = _column(header, "phoi hop", avoid=("chu tri",))
        impl_col = _column(
            header, "thuc hien", avoid=("thoi gian", "ket qua", "tien do", "noi dung")
        )
        time_col = _column(header, "thoi gian", "tien do", "thoi han")
        number_col = _column(header, "stt", "tt")
        if title_col is None or (lead_col is None and impl_col is None and support_col is None):
            continue
        for r, row in enumerate(rows[position + 1 :], start=position + 1):
            if len([c for c in row if strip_markup(c)]) <= 1 and len(header) > 2:
                continue  # a group row spanning the table, or an empty row
            if all(re.fullmatch(r"\(?\d{1,2}\)?|", strip_markup(c)) for c in row):
                continue  # a column-number row "(1) (2) (3)"
            title = _cell(row, title_col)
            if not title:
                continue
            if lead_col is not None:
                lead = split_units(_cell_units(row, lead_col))
                support = (
                    split_units(_cell_units(row, support_col)) if support_col is not None else []
                )
            else:
                lead, support = implementers(_cell_units(row, impl_col))
            if not lead and not support:
                continue
            time = _cell(row, time_col) or None
            number = _cell(row, number_col) or None
            line = (
                table.rows[r][title_col][1] + 1
                if title_col < len(table.rows[r])
                else table.start + 1
            )
            tasks.append(_task(title, lead, support, time, year, _line_number(line), number=number))
        break
    return tasks


def _cell_units(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    # Paragraphs inside a cell are separate units: "<br>" becomes a separator.
    return re.sub(r"\s*<br\s*/?>\s*", "; ", row[index]).replace("*", "")


def _line_number(index_plus_one: int) -> int:
    return index_plus_one


# ---------------------------------------------------------------------------------------------
# Per-unit duties under "Tổ chức thực hiện"

_REPORT_ONLY = re.compile(r"^(dinh ky |hang nam |hang thang )*(tong hop,? )?bao cao\b")
_CLOSING = re.compile(
    r"^(tren day la|trong qua trinh (to chuc )?(trien khai )?thuc hien|noi nhan|tm\.|kt\.|t/m)"
)
_PERSON = re.compile(r"^(?:Ông|Bà|Đồng\s+chí|Đ/c)\.?\s+(?P<name>[A-ZÀ-ỸĐ][^\-–:,(]*)")
_GIAO = re.compile(
    r"^Giao\s+(?P<unit>.+?)\s+(?:chủ\s+trì|triển\s+khai|thực\s+hiện|tham\s+mưu)\b", re.I
)
_CHU_TRI_BULLET = re.compile(r"^chủ\s+trì,?\s+phối\s+hợp\s+(?:với\s+)?(?P<support>.+)$", re.I)


@dataclass
class _Duty:
    lead: list[str]
    support: list[str]


def _duty_owner(text: str) -> _Duty | None:
    """Who the bullets below a heading or sentence belong to, if it names a unit or a person."""
    text = re.sub(r"^đề\s+nghị\s*:?\s*", "", text.strip(), flags=re.I)
    head = re.sub(r"[\s.;:]+$", "", text.partition(":")[0] if ":" in text[:150] else text)
    if person := _PERSON.match(head):
        return _Duty([re.sub(r"\s+$", "", person.group("name"))], [])
    if giao := _GIAO.match(head):
        return _Duty(split_units(giao.group("unit")), [])
    if (match := _CHU_TRI.match(head)) and begins_unit(match.group("lead")):
        return _Duty(*implementers(head))
    if begins_unit(head):
        if len(head.split()) <= 15:
            return _Duty(split_units(head), [])
        unit = leading_unit(head)
        return _Duty([unit], []) if unit else None
    return None


def duty_tasks(
    doc: Document, section: Section, skip: set[int], year: int | None
) -> list[dict[str, Any]]:
    """Per-unit duties: each bullet under a unit heading, and each "X chủ trì, phối hợp với Y …"."""
    items = entries(paragraphs(doc, section.start + 1, section.end, skip))
    tasks: list[dict[str, Any]] = []
    owner: _Duty | None = None
    owner_level = 0
    for entry in items:
        text = re.sub(r"^đề\s+nghị\s*:\s*", "Đề nghị ", entry.text, flags=re.I)
        if _CLOSING.match(search_key(text)):
            break  # "Trên đây là Kế hoạch …", "Nơi nhận:": the duties are over
        if entry.kind == "field":
            continue
        is_heading = entry.kind == "heading" or (entry.level == 30 and text.rstrip().endswith(":"))
        if is_heading and (new_owner := _duty_owner(text)) is not None:
            owner, owner_level = new_owner, entry.level
            head, _, rest = re.sub(r"^Đề nghị\s+", "", text).partition(":")
            if rest.strip() and len(head) < 150:
                tasks += _duty(rest, owner, entry.line, year)  # "1. Phòng X: Là đầu mối …"
            continue
        if entry.kind == "heading" and entry.level <= owner_level:
            owner = None  # a heading of the same rank that names no unit ends the unit's part
        chu_tri = _CHU_TRI.match(re.sub(r"[\s.;:]+$", "", text))
        if chu_tri and begins_unit(chu_tri.group("lead")) and len(chu_tri.group("lead")) < 150:
            lead, support = implementers(text)
            tasks.append(_task(text, lead, support, None, year, entry.line))
            continue
        if owner is not None:
            tasks += _duty(text, owner, entry.line, year)
    return tasks


def _duty(text: str, owner: _Duty, line: int, year: int | None) -> list[dict[str, Any]]:
    if _REPORT_ONLY.match(search_key(text)):
        return []  # "báo cáo …" goes into reporting
    support = list(owner.support)
    if match := _CHU_TRI_BULLET.match(re.sub(r"[\s.;:]+$", "", text.strip())):
        # "Chủ trì, phối hợp với Sở Tư pháp tham mưu …" under a unit heading.
        support += split_units(_cut_work(match.group("support")))
    return [_task(text, list(owner.lead), _unique(support), None, year, line)]


# ---------------------------------------------------------------------------------------------

_TASK_SECTION = ("nhiem vu", "noi dung", "giai phap", "phan cong", "hoat dong", "chuong trinh")
_NOT_TASK_SECTION = ("to chuc thuc hien", "muc dich", "muc tieu", "kinh phi", "che do bao cao")


def parse_tasks(doc: Document, *, year: int | None) -> list[dict[str, Any]]:
    """The tasks of a plan, in document order, each with the `source_line` it starts at."""
    found_tables = tables(doc)
    skip: set[int] = set()
    for table in found_tables:
        skip.update(range(table.start, table.end))
    from_tables = [task for table in found_tables for task in table_tasks(table, year)]
    if from_tables:
        return from_tables
    sections = top_sections(doc)
    candidates = [
        s
        for s in sections
        if any(k in s.key() for k in _TASK_SECTION)
        and not any(k in s.key() for k in _NOT_TASK_SECTION)
    ]
    ranges = [(s.start + 1, s.end) for s in candidates] if sections else [(0, len(doc.lines))]
    tasks = [task for r in ranges for task in field_tasks(doc, r, skip, year)]
    if tasks:
        return tasks
    # No task section gave tasks: the duties assigned to units are the tasks ("PHÂN CÔNG NHIỆM
    # VỤ" first, else "TỔ CHỨC THỰC HIỆN").
    for wanted in ("phan cong", "to chuc thuc hien"):
        for section in sections:
            if wanted in section.key():
                duties = duty_tasks(doc, section, skip, year)
                if duties:
                    return duties
    return []
