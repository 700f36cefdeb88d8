"""Builders of records for tests: keyword defaults, everything through the services."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User

from kehoach.plans.models import Task
from kehoach.units.models import Unit

from .models import Record, RecordKind
from .services import record_create

DEFAULT_DETAIL: dict[str, dict[str, Any]] = {
    RecordKind.PRODUCT: {
        "product_kind": "article",
        "languages": ["vi"],
        "platforms": ["print"],
    },
    RecordKind.TRAINING: {"training_kind": "training", "organiser": "Sở Thông tin và Truyền thông"},
    RecordKind.BRIEFING: {"journalists": 6},
    RecordKind.BROADCAST: {"station": "Đài Truyền thanh xã", "first_aired": "2024-03-05"},
    RecordKind.PORTAL_POST: {"url": "https://nuithanh.quangnam.gov.vn/tin-tuc/quyen-con-nguoi"},
    RecordKind.VISUAL: {"item": "banner", "quantity": 10, "location": "Trục đường ĐT 617"},
    RecordKind.CONTEST: {"contest": "Cuộc thi ảnh và video Việt Nam hạnh phúc"},
    RecordKind.BULLETIN: {"period_start": "2024-04-01", "period_end": "2024-04-30", "items": 12},
}

DEFAULT_TITLES: dict[str, str] = {
    RecordKind.PRODUCT: "Bài viết về quyền trẻ em trên bản tin huyện",
    RecordKind.TRAINING: "Tập huấn kỹ năng truyền thông về quyền con người",
    RecordKind.BRIEFING: "Họp báo cung cấp thông tin quý II",
    RecordKind.BROADCAST: "Phát sóng chuyên mục quyền con người",
    RecordKind.PORTAL_POST: "Đăng tin kết quả thực hiện quyền con người",
    RecordKind.VISUAL: "Treo băng rôn tuyên truyền quyền con người",
    RecordKind.CONTEST: "Tác phẩm dự thi Việt Nam hạnh phúc",
    RecordKind.BULLETIN: "Bản tin theo dõi thông tin báo chí tháng 4",
}


def make_record(
    *,
    unit: Unit,
    tasks: Sequence[Task | int],
    kind: str = RecordKind.PRODUCT,
    date: dt.date | str = dt.date(2024, 3, 15),
    title: str = "",
    by: User | None = None,
    **detail: Any,
) -> Record:
    """A record of `kind` with the default detail of that kind, overridden by `detail`."""
    extra: Mapping[str, Any] = {**DEFAULT_DETAIL[kind], **detail}
    return record_create(
        kind=kind,
        unit=unit,
        date=date,
        title=title or DEFAULT_TITLES[kind],
        by=by,
        tasks=tasks,
        detail=extra,
    )
