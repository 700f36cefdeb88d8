"""Bulk entry of records from a spreadsheet (.xlsx) or a .csv file, one kind per file.

The file format: one header row with the Vietnamese column names below (they are the format, so a
filled-in template is read whatever the interface language; the English keys are accepted too),
then one record per row. Units are named by name, short name, alias or code among the units the
user may write; tasks and themes by their number in the chosen plan; several values in one cell
are separated by ";". Rows whose first cell starts with "#" are notes and skipped.

Every row is checked by services.record_create itself inside one transaction, each row in its own
savepoint: a dry run rolls the whole transaction back; a real run commits it only when every row
is valid, or when the user chose to keep the valid rows.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Choices, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehoach.accounts import access
from kehoach.audit.context import audited_as
from kehoach.audit.models import Source as AuditSource
from kehoach.lib.tabular import Sheet, csv_text, xlsx_bytes
from kehoach.lib.vntext import match_key, search_key
from kehoach.people.models import Person
from kehoach.plans.models import Convention, Plan
from kehoach.units.models import Unit

from . import services
from .models import (
    Language,
    Platform,
    ProductKind,
    Record,
    RecordKind,
    TrainingKind,
    VisualItem,
)

MAX_INT = 2_147_483_647  # the largest number an integer column holds on every database
MAX_ROWS = 20_000  # a province's year of one kind fits; more is a mistake, not a file to read
FORMATS = ("xlsx", "csv")
NOTE_MARK = "#"


class BulkFileError(Exception):
    """The file cannot be read as a table of this kind (not a row error)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# -- the columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # record_create's argument, or a key of its `detail`
    header: str  # the Vietnamese column name: part of the file format, not translated
    kind: str  # how a cell is read: text, date, int, bool, choice, codes, unit, tasks ...
    required: bool
    help: Promise
    example: str
    choices: type[Choices] | None = None
    detail: bool = False


def _col(key: str, header: str, kind: str, required: bool, help: Promise, example: str,
         choices: type[Choices] | None = None) -> Column:  # fmt: skip
    return Column(key, header, kind, required, help, example, choices, detail=True)


COMMON_COLUMNS: tuple[Column, ...] = (
    Column(
        "unit",
        "Đơn vị",
        "unit",
        True,
        gettext_lazy(
            "The unit that did it: its name, short name or official code, among the units "
            "you may enter records for (see the list of units)."
        ),
        "Xã Tam Xuân I",
    ),
    Column(
        "date",
        "Ngày",
        "date",
        True,
        gettext_lazy("The day it happened, as dd/mm/yyyy or yyyy-mm-dd."),
        "15/03/2024",
    ),
    Column(
        "title",
        "Tên hoạt động",
        "text",
        True,
        gettext_lazy("A short title of what was done (at most 500 characters)."),
        "Tuyên truyền Công ước về quyền trẻ em trên loa truyền thanh xã",
    ),
    Column(
        "tasks",
        "Nhiệm vụ",
        "tasks",
        True,
        gettext_lazy(
            "The number of the plan's task it carries out, as numbered in the plan; several "
            "separated by ;."
        ),
        "2",
    ),
    Column(
        "themes",
        "Chủ đề",
        "themes",
        False,
        gettext_lazy("Numbers of the plan's content themes it covers, separated by ;."),
        "1",
    ),
    Column(
        "conventions",
        "Công ước",
        "conventions",
        False,
        gettext_lazy("Abbreviations of the conventions it covers, separated by ; (e.g. CRC)."),
        "CRC",
    ),
    Column(
        "description",
        "Mô tả",
        "text",
        False,
        gettext_lazy("Any further detail."),
        "",
    ),
)

_URL_HELP = gettext_lazy("A web address starting with https://.")

KIND_COLUMNS: dict[str, tuple[Column, ...]] = {
    RecordKind.PRODUCT: (
        _col("product_kind", "Loại sản phẩm", "choice", True,
             gettext_lazy("The kind of product: one of the codes in the list of values."),
             "article", ProductKind),
        _col("languages", "Ngôn ngữ", "languages", True,
             gettext_lazy("Language codes, separated by ; (see the list of values)."), "vi; cor"),
        _col("platforms", "Nền tảng", "platforms", True,
             gettext_lazy("Platform codes, separated by ; (see the list of values)."),
             "portal; social"),
        _col("url", "Đường dẫn", "text", False, _URL_HELP, "https://nuithanh.quangnam.gov.vn/"),
        _col("digitised", "Đã số hóa", "bool", False,
             gettext_lazy("Whether it is digitised: có or không."), "có"),
        _col("published_online", "Đã đăng tải trực tuyến", "bool", False,
             gettext_lazy("Whether it is published online: có or không."), "có"),
    ),
    RecordKind.TRAINING: (
        _col("training_kind", "Hình thức", "choice", True,
             gettext_lazy("training or conference (codes in the list of values)."),
             "training", TrainingKind),
        _col("organiser", "Đơn vị tổ chức", "text", False,
             gettext_lazy("Who organised it."), "Phòng Văn hóa và Thông tin"),
        _col("attendees", "Người tham dự", "people", False,
             gettext_lazy(
                 "Full names (or registry ids) of the officials who attended, separated by ;, "
                 "among the people of the units you may enter records for."),
             "Lê Văn Hùng; Bùi Thị Thanh"),
    ),
    RecordKind.BRIEFING: (
        _col("spokesperson", "Người phát ngôn", "person", False,
             gettext_lazy("Full name (or registry id) of the spokesperson."), "Trần Thị Thu Hà"),
        _col("journalists", "Số nhà báo dự", "int", False,
             gettext_lazy("How many journalists attended (a whole number)."), "12"),
    ),
    RecordKind.BROADCAST: (
        _col("product", "Mã sản phẩm", "int", False,
             gettext_lazy("The record number of the communication product aired, if recorded."),
             ""),
        _col("station", "Đài phát", "text", True,
             gettext_lazy("The radio station that aired it."), "Đài truyền thanh xã Tam Xuân I"),
        _col("first_aired", "Ngày phát đầu", "date", True,
             gettext_lazy("The first day it was aired, as dd/mm/yyyy or yyyy-mm-dd."),
             "01/04/2024"),
        _col("last_aired", "Ngày phát cuối", "date", False,
             gettext_lazy("The last day it was aired, if aired more than once."), "30/04/2024"),
        _col("times_aired", "Số lần phát", "int", False,
             gettext_lazy("How many times it was aired (1 when empty)."), "8"),
    ),
    RecordKind.PORTAL_POST: (
        _col("url", "Đường dẫn", "text", True, _URL_HELP,
             "https://nuithanh.quangnam.gov.vn/tin-tuc/quyen-con-nguoi"),
        _col("product", "Mã sản phẩm", "int", False,
             gettext_lazy("The record number of the communication product posted, if recorded."),
             ""),
    ),
    RecordKind.VISUAL: (
        _col("item", "Loại hình", "choice", True,
             gettext_lazy("banner, poster, panel or other (codes in the list of values)."),
             "banner", VisualItem),
        _col("quantity", "Số lượng", "int", True,
             gettext_lazy("How many were put up (a whole number)."), "20"),
        _col("location", "Địa điểm", "text", True,
             gettext_lazy("Where they were put up."), "Nhà văn hóa thôn Phú Tân"),
    ),
    RecordKind.CONTEST: (
        _col("contest", "Cuộc thi", "text", True,
             gettext_lazy("The contest entered."), "Cuộc thi ảnh và video Việt Nam hạnh phúc"),
        _col("url", "Đường dẫn", "text", False, _URL_HELP, ""),
    ),
    RecordKind.BULLETIN: (
        _col("period_start", "Từ ngày", "date", True,
             gettext_lazy("The first day the bulletin covers."), "01/01/2024"),
        _col("period_end", "Đến ngày", "date", True,
             gettext_lazy("The last day the bulletin covers."), "31/03/2024"),
        _col("items", "Số tin", "int", False,
             gettext_lazy("How many items it reports (a whole number)."), "15"),
    ),
}  # fmt: skip


def columns_of(kind: str) -> tuple[Column, ...]:
    return COMMON_COLUMNS + KIND_COLUMNS[kind]


def _header_key(text: Any) -> str:
    # "(*)" marks a required column in the template; people may keep or drop it.
    return search_key(re.sub(r"\(\*\)", "", str(text or ""))).strip(" *:")


def _display_header(column: Column) -> str:
    return f"{column.header} (*)" if column.required else column.header


# -- reading a file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows_kept(raw: Iterable[Sequence[Any]]) -> Table:
    iterator = iter(enumerate(raw, start=1))
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in iterator:
        values = list(cells)
        if all(_blank(v) for v in values):
            continue
        if isinstance(values[0], str) and values[0].strip().startswith(NOTE_MARK):
            continue
        if headers is None:
            headers = [str(v or "").strip() for v in values]
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise BulkFileError(
                _("The file has more than %(max)d rows: split it into several files.")
                % {"max": MAX_ROWS}
            )
    if headers is None:
        raise BulkFileError(_("The file is empty: it has no header row."))
    return Table(headers=headers, rows=rows)


def read_table(*, name: str, data: bytes) -> Table:
    """The header row and the data rows of the first sheet of an .xlsx, or of a .csv."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BulkFileError(_("Upload an .xlsx or a .csv file."))
    max_bytes = getattr(settings, "KEHOACH_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    if len(data) > max_bytes:
        raise BulkFileError(
            _("The file is larger than %(mb)d MB.") % {"mb": max(1, max_bytes // 2**20)}
        )
    if suffix == "csv":
        return _rows_kept(_csv_rows(data))
    return _rows_kept(_xlsx_rows(data))


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BulkFileError(
            _("The .csv file is not UTF-8 text: save it again as “CSV UTF-8”.")
        ) from error
    sample = text[:4096]
    # Excel in a Vietnamese locale separates with ";" (the comma is the decimal mark).
    delimiter = max((",", ";", "\t"), key=lambda d: sample.split("\n", 1)[0].count(d))
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise BulkFileError(_("The file could not be read as an .xlsx workbook.")) from error
    sheet = workbook.worksheets[0]
    # iter_rows of a read-only sheet yields the empty rows in between, so numbers stay true.
    yield from sheet.iter_rows(values_only=True)
    workbook.close()


# -- resolving names --------------------------------------------------------------------------


def _split(value: Any) -> list[str]:
    if _blank(value):
        return []
    return [part.strip() for part in re.split(r"[;\n]", _text(value)) if part.strip()]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


class _Names:
    """Objects found by several names each; a name shared by two objects is ambiguous."""

    def __init__(self) -> None:
        self.exact: dict[str, set[Any]] = {}
        self.loose: dict[str, set[Any]] = {}

    def add(self, obj: Any, *names: str) -> None:
        for name in names:
            if name:
                self.exact.setdefault(match_key(name), set()).add(obj)
                self.loose.setdefault(search_key(name), set()).add(obj)

    def find(self, name: str) -> set[Any]:
        # Diacritics matter first (Tam Xuân ≠ Tâm Xuân); without them only when that is unique.
        return self.exact.get(match_key(name)) or self.loose.get(search_key(name)) or set()


@dataclass
class Lookups:
    """Everything a row may name, loaded once per file."""

    plan: Plan
    units: _Names
    tasks: dict[str, Any]
    themes: dict[str, Any]
    conventions: dict[str, Any]
    languages: _Names
    platforms: _Names
    people: _Names
    people_ids: set[int]
    product_units: QuerySet[Unit]

    @classmethod
    def build(cls, *, plan: Plan, user: AbstractBaseUser | None) -> "Lookups":
        units = Unit.objects.all() if user is None else access.writable_units(user)
        names = _Names()
        for unit in units.prefetch_related("aliases"):
            names.add(unit, unit.name, unit.short_name, unit.code)
            for alias in unit.aliases.all():
                names.add(unit, alias.name)
        languages, platforms, people = _Names(), _Names(), _Names()
        for language in Language.objects.all():
            languages.add(language.code, language.code, language.name)
        for platform in Platform.objects.all():
            platforms.add(platform.code, platform.code, platform.name)
        people_ids: set[int] = set()
        for person in Person.objects.filter(unit__in=units, erased_at=None):
            people.add(person.pk, person.full_name)
            people_ids.add(person.pk)
        return cls(
            plan=plan,
            units=names,
            tasks={_number(t.number): t for t in plan.tasks.all() if t.number},
            themes={_number(t.number): t for t in plan.themes.all() if t.number},
            conventions={c.abbr.casefold(): c for c in Convention.objects.all()},
            languages=languages,
            platforms=platforms,
            people=people,
            people_ids=people_ids,
            product_units=Unit.objects.all() if user is None else access.readable_units(user),
        )


def _number(text: str) -> str:
    return text.strip().rstrip(".").casefold()


def _choice_names(choices: type[Choices]) -> _Names:
    names = _Names()
    for value, label in choices.choices:
        names.add(value, str(value), str(label))
        with translation.override("en"):
            names.add(value, str(label))
    return names


# -- the rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class BulkResult:
    kind: str
    rows: int = 0
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def valid_rows(self) -> int:
        return self.rows - self.invalid_rows

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


class _Discard(Exception):
    """Undo a row that the service accepted but a cell of which could not be read."""


def _match_columns(kind: str, headers: Sequence[str]) -> dict[int, Column]:
    by_name: dict[str, Column] = {}
    for column in columns_of(kind):
        by_name[_header_key(column.header)] = column
        by_name[_header_key(column.key)] = column
    found: dict[int, Column] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        match = by_name.get(_header_key(header))
        if match is None:
            unknown.append(header)
        elif match in found.values():
            raise BulkFileError(_("The column “%(name)s” appears twice.") % {"name": header})
        else:
            found[index] = match
    if unknown:
        raise BulkFileError(
            _("Unknown columns for this kind of record: %(names)s. Use the template.")
            % {"names": ", ".join(unknown)}
        )
    missing = [c.header for c in columns_of(kind) if c.required and c not in found.values()]
    if missing:
        raise BulkFileError(
            _("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)}
        )
    return found


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _one(names: _Names, text: str, *, unknown: str, ambiguous: str) -> Any:
    found = names.find(text)
    if not found:
        raise ValueError(unknown % {"value": text})
    if len(found) > 1:
        raise ValueError(ambiguous % {"value": text})
    return next(iter(found))


def _cell(column: Column, value: Any, lookups: Lookups) -> Any:
    """The value record_create takes for one cell; ValueError with the message otherwise."""
    kind = column.kind
    if kind == "text":
        return _text(value)
    if _blank(value):
        return [] if kind in {"tasks", "themes", "conventions", "languages", "platforms",
                              "people"} else None  # fmt: skip
    if kind == "date":
        try:
            return _parse_date(value)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write dd/mm/yyyy or yyyy-mm-dd.")
                % {"value": _text(value)}
            ) from None
    if kind == "int":
        text = _text(value)
        if not re.fullmatch(r"\d+", text):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        if int(text) > MAX_INT:  # the database would fail on it, and the whole import with it
            raise ValueError(
                _("Invalid value for field %(field)s: must be at most %(limit)s.")
                % {"field": column.header, "limit": MAX_INT}
            )
        return int(text)
    if kind == "bool":
        return _text(value)  # the service reads có/không, x, 1/0, yes/no
    if kind == "choice":
        assert column.choices is not None
        return _one(
            _choice_names(column.choices),
            _text(value),
            unknown=_("“%(value)s” is not one of the allowed values (see the list of values)."),
            ambiguous=_("“%(value)s” is ambiguous."),
        )
    if kind == "unit":
        return _one(
            lookups.units,
            _text(value),
            unknown=_("“%(value)s” is not one of the units you may enter records for."),
            ambiguous=_("“%(value)s” names several units: write its full name or code."),
        )
    if kind in {"tasks", "themes"}:
        table = lookups.tasks if kind == "tasks" else lookups.themes
        found: list[Any] = []
        missing: list[str] = []
        for part in _split(value):
            item = table.get(_number(part))
            if item is None:
                missing.append(part)
            else:
                found.append(item)
        if missing:
            message = (
                _("The plan has no task numbered %(numbers)s.")
                if kind == "tasks"
                else _("The plan has no theme numbered %(numbers)s.")
            )
            raise ValueError(message % {"numbers": ", ".join(missing)})
        return found
    if kind == "conventions":
        parts = _split(value)
        missing = [p for p in parts if p.casefold() not in lookups.conventions]
        if missing:
            raise ValueError(_("Unknown convention: %(ids)s.") % {"ids": ", ".join(missing)})
        return [lookups.conventions[p.casefold()] for p in parts]
    if kind in {"languages", "platforms"}:
        names = lookups.languages if kind == "languages" else lookups.platforms
        unknown = (
            _("Unknown language: %(value)s.") if kind == "languages" else
            _("Unknown platform: %(value)s.")
        )  # fmt: skip
        return [
            _one(names, part, unknown=unknown, ambiguous=_("“%(value)s” is ambiguous."))
            for part in _split(value)
        ]
    if kind in {"people", "person"}:
        parts = _split(value) if kind == "people" else [_text(value)]
        ids = [_person(part, lookups) for part in parts]
        return ids if kind == "people" else ids[0]
    raise AssertionError(kind)


def _person(text: str, lookups: Lookups) -> int:
    if text.isdigit() and int(text) in lookups.people_ids:
        return int(text)
    return int(
        _one(
            lookups.people,
            text,
            unknown=_("“%(value)s” is not in the people registry of your units."),
            ambiguous=_("Several people are named “%(value)s”: write their registry id."),
        )
    )


def _row_arguments(
    kind: str, cells: list[Any], columns: dict[int, Column], lookups: Lookups
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """record_create's arguments and detail from one row, and the cells that could not be read
    (by key)."""
    arguments: dict[str, Any] = {"description": ""}
    detail: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for index, column in columns.items():
        value = cells[index] if index < len(cells) else None
        try:
            parsed = _cell(column, value, lookups)
        except ValueError as error:
            errors[column.key] = str(error)
            parsed = None
        if (
            column.key == "product"
            and parsed is not None
            and not Record.objects.filter(pk=parsed, unit__in=lookups.product_units).exists()
        ):
            errors[column.key] = _("Record %(value)s is not a communication product.") % {
                "value": parsed
            }
        if column.detail:
            if parsed is not None and parsed != "":
                detail[column.key] = parsed
        else:
            arguments[column.key] = parsed if parsed is not None else None
    for key in ("tasks", "themes", "conventions"):
        arguments[key] = arguments.get(key) or []
    arguments["title"] = arguments.get("title") or ""
    arguments["description"] = arguments.get("description") or ""
    if kind == RecordKind.PRODUCT:
        # A product's languages and platforms are required: an empty cell must say so.
        detail.setdefault("languages", [])
        detail.setdefault("platforms", [])
    return arguments, detail, errors


def _header_of(kind: str, key: str) -> str:
    for column in columns_of(kind):
        if column.key == key:
            return column.header
    return ""


@audited_as(AuditSource.IMPORT)
def bulk_import(
    *,
    kind: str,
    plan: Plan,
    table: Table,
    by: AbstractBaseUser | None,
    commit: bool,
    keep_valid: bool = False,
) -> BulkResult:
    """Check every row with services.record_create; save only when `commit` and either every row
    is valid or `keep_valid`. Units and people resolve among those `by` may write (all of them
    when `by` is None: the import-records command run by the server's operator)."""
    result = BulkResult(kind=kind, rows=len(table.rows))
    if kind not in RecordKind.values:
        result.file_error = _("%(value)s is not a kind of record.") % {"value": kind}
        return result
    try:
        columns = _match_columns(kind, table.headers)
    except BulkFileError as error:
        result.file_error = error.message
        return result
    if not table.rows:
        result.file_error = _("The file has no rows to import.")
        return result
    lookups = Lookups.build(plan=plan, user=by)
    with transaction.atomic():
        for number, cells in table.rows:
            arguments, detail, errors = _row_arguments(kind, cells, columns, lookups)
            try:
                with transaction.atomic():
                    services.record_create(kind=kind, by=by, detail=detail, **arguments)
                    if errors:
                        raise _Discard
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    if key not in errors:
                        errors[key] = " ".join(messages)
            except _Discard:
                pass
            for key, message in errors.items():
                result.errors.append(RowError(number, _header_of(kind, key), message))
            if not errors:
                result.saved += 1
        if not commit or (result.errors and not keep_valid):
            transaction.set_rollback(True)
            result.saved = 0
    return result


# -- templates and the error report ------------------------------------------------------------


def _values_rows(plan: Plan | None, user: AbstractBaseUser | None, kind: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for column in KIND_COLUMNS[kind]:
        if column.choices is not None:
            for value, label in column.choices.choices:
                rows.append([column.header, value, str(label)])
    if kind == RecordKind.PRODUCT:
        for language in Language.objects.all():
            rows.append(["Ngôn ngữ", language.code, language.name])
        for platform in Platform.objects.all():
            rows.append(["Nền tảng", platform.code, platform.name])
    units = Unit.objects.all() if user is None else access.writable_units(user)
    for unit in units.order_by("path"):
        rows.append(["Đơn vị", unit.code or unit.short_name or unit.name, unit.name])
    if plan is not None:
        for task in plan.tasks.order_by("order"):
            rows.append(["Nhiệm vụ", task.number, task.title])
        for theme in plan.themes.order_by("order"):
            rows.append(["Chủ đề", theme.number, theme.short_title])
    for convention in Convention.objects.all():
        rows.append(["Công ước", convention.abbr, convention.name_vi])
    return rows


def _notes_rows(kind: str) -> list[list[Any]]:
    return [
        [
            _display_header(c),
            _("yes") if c.required else _("no"),
            str(c.help),
            c.example,
        ]
        for c in columns_of(kind)
    ]


def template_bytes(
    *, kind: str, fmt: str, plan: Plan | None = None, user: AbstractBaseUser | None = None
) -> bytes:
    """An empty file to fill in: the header row, and the notes on every column and its values
    (an .xlsx has them on two more sheets; a .csv in one note row under the header)."""
    columns = columns_of(kind)
    headers = [_display_header(c) for c in columns]
    if fmt == "csv":
        note = [f"{NOTE_MARK} {c.help}" if i == 0 else str(c.help) for i, c in enumerate(columns)]
        note[0] += " " + _("Rows starting with # are skipped; delete this row or keep it.")
        return csv_text(headers=headers, rows=[note]).encode("utf-8")
    return xlsx_bytes(
        sheets=[
            Sheet(title=str(RecordKind(kind).label), headers=headers, rows=[]),
            Sheet(
                title=_("How to fill in"),
                headers=[_("Column"), _("Required"), _("How to fill it in"), _("Example")],
                rows=_notes_rows(kind),
            ),
            Sheet(
                title=_("Allowed values"),
                headers=[_("Column"), _("Value to write"), _("Meaning")],
                rows=_values_rows(plan, user, kind),
            ),
        ]
    )


def errors_csv(result: BulkResult) -> str:
    """The per-row error report as .csv (row number, column, message)."""
    return csv_text(
        headers=[_("Row"), _("Column"), _("Error")],
        rows=[[e.row, e.column, e.message] for e in result.errors],
    )


def result_from_json(data: dict[str, Any]) -> BulkResult:
    return BulkResult(
        kind=data["kind"],
        rows=data["rows"],
        saved=data["saved"],
        errors=[RowError(*e) for e in data["errors"]],
        file_error=data.get("file_error", ""),
    )


def result_to_json(result: BulkResult) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "rows": result.rows,
        "saved": result.saved,
        "errors": [[e.row, e.column, e.message] for e in result.errors],
        "file_error": result.file_error,
    }
