"""The demo's periodic reports: the seed plan's periods, and the 6-month 2024 reports of huyện
Núi Thành's 17 communes and township in every state a receiver meets.

The seed plan (section VI.3) asks UBND các xã, thị trấn for a 6-month report before 30/6 and a
yearly one before 30/11, sent to UBND huyện through Phòng Văn hóa và Thông tin. By mid-July 2024
the 6-month reports stand as HALF_YEAR_2024 says:

    accepted, sent on time ........ 5    submitted late, not yet reviewed .... 2
    accepted, sent late ........... 2    returned with a comment ............. 2
    submitted on time, not yet         draft (Xã Tam Xuân I among them) .... 2
      reviewed .................... 3    missing (never opened) .............. 1
      (one of them returned once and resubmitted before the deadline)

so the district's completeness shows 8 on time, 4 late, 2 returned, 2 drafts and 1 missing. The
district's own consolidated report is opened as a draft on 16/7/2024, after the last acceptance,
so its table has a row per accepted commune. Xã Tam Xuân I stays a draft: the browser tests
submit it.

Every step goes through the services with the clock set to its day in 2024 (Việt Nam time), so
submission dates, lateness and the history are what the services themselves would have written.
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone, translation

from kehoach.accounts.models import Role, RoleAssignment
from kehoach.plans.models import Plan
from kehoach.plans.models import ReportPeriod as PeriodKind
from kehoach.units.models import Unit

from .models import Report, ReportPeriod
from .services import (
    duty_receiver,
    periods_generate,
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
    reporters,
)

YEAR = 2024
DISTRICT = "nt"

ACCEPTED_ON_TIME = "accepted on time"
ACCEPTED_LATE = "accepted late"
SUBMITTED_ON_TIME = "submitted on time"
RESUBMITTED_ON_TIME = "returned, then resubmitted on time"
SUBMITTED_LATE = "submitted late"
RETURNED = "returned"
DRAFT = "draft"
MISSING = "missing"

# Unit key (units/data/nui-thanh.json), how its report stands, and what happened to it, on which
# day and hour of 2024: open, save (its texts, DEMO_TEXTS), submit, return (RETURN_COMMENTS),
# revise (REVISED_TEXTS), accept. The report is due on 30/6/2024.
HALF_YEAR_2024: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "nt-nui-thanh",
        ACCEPTED_ON_TIME,
        [
            ("open", "06-05 08:30"),
            ("save", "06-05 09:10"),
            ("submit", "06-24 14:00"),
            ("accept", "07-01 09:00"),
        ],
    ),
    (
        "nt-tam-xuan-ii",
        ACCEPTED_ON_TIME,
        [
            ("open", "06-06 08:15"),
            ("save", "06-06 10:20"),
            ("submit", "06-26 10:15"),
            ("accept", "07-02 08:45"),
        ],
    ),
    (
        "nt-tam-hoa",
        ACCEPTED_ON_TIME,
        [
            ("open", "06-07 07:50"),
            ("save", "06-07 09:30"),
            ("submit", "06-27 15:30"),
            ("accept", "07-02 14:20"),
        ],
    ),
    (
        "nt-tam-thanh",
        ACCEPTED_ON_TIME,
        [
            ("open", "06-10 08:00"),
            ("save", "06-10 10:45"),
            ("submit", "06-28 09:40"),
            ("accept", "07-03 10:00"),
        ],
    ),
    (
        "nt-tam-son",
        ACCEPTED_ON_TIME,
        [
            ("open", "06-10 13:30"),
            ("save", "06-10 15:00"),
            ("submit", "06-28 16:05"),
            ("accept", "07-03 15:10"),
        ],
    ),
    (
        "nt-tam-giang",
        ACCEPTED_LATE,
        [
            ("open", "06-19 08:30"),
            ("save", "06-19 10:00"),
            ("submit", "07-03 08:20"),
            ("accept", "07-09 09:30"),
        ],
    ),
    (
        "nt-tam-hai",
        ACCEPTED_LATE,
        [
            ("open", "06-21 07:45"),
            ("save", "06-21 09:15"),
            ("submit", "07-05 10:45"),
            ("accept", "07-10 08:15"),
        ],
    ),
    (
        "nt-tam-quang",
        SUBMITTED_ON_TIME,
        [("open", "06-12 08:00"), ("save", "06-12 09:30"), ("submit", "06-27 11:00")],
    ),
    (
        "nt-tam-tien",
        SUBMITTED_ON_TIME,
        [("open", "06-13 14:00"), ("save", "06-13 15:20"), ("submit", "06-28 14:30")],
    ),
    (
        "nt-tam-anh-nam",
        RESUBMITTED_ON_TIME,
        [
            ("open", "06-04 08:00"),
            ("save", "06-04 09:40"),
            ("submit", "06-18 09:00"),
            ("return", "06-20 15:00"),
            ("revise", "06-24 10:00"),
            ("submit", "06-25 08:40"),
        ],
    ),
    (
        "nt-tam-anh-bac",
        SUBMITTED_LATE,
        [("open", "06-24 08:10"), ("save", "06-24 10:30"), ("submit", "07-08 16:20")],
    ),
    (
        "nt-tam-hiep",
        SUBMITTED_LATE,
        [("open", "06-25 09:00"), ("save", "06-25 11:15"), ("submit", "07-11 09:05")],
    ),
    (
        "nt-tam-tra",
        RETURNED,
        [
            ("open", "06-11 08:20"),
            ("save", "06-11 10:00"),
            ("submit", "06-26 15:45"),
            ("return", "07-04 10:30"),
        ],
    ),
    (
        "nt-tam-nghia",
        RETURNED,
        [
            ("open", "06-14 07:50"),
            ("save", "06-14 09:00"),
            ("submit", "06-28 17:00"),
            ("return", "07-05 14:00"),
        ],
    ),
    ("nt-tam-xuan-i", DRAFT, [("open", "06-17 08:00"), ("save", "06-17 09:20")]),
    ("nt-tam-my-dong", DRAFT, [("open", "07-08 09:20"), ("save", "07-08 10:05")]),
    ("nt-tam-my-tay", MISSING, []),
]
# The district opens its consolidated report once the last commune report has been accepted.
DISTRICT_OPENED = "07-16 08:00"
DISTRICT_SAVED = "07-16 10:30"

# (results, shortcomings, proposals) as each commune wrote them.
DEMO_TEXTS: dict[str, tuple[str, str, str]] = {
    "nt-nui-thanh": (
        "UBND thị trấn ban hành Kế hoạch triển khai Đề án truyền thông về quyền con người năm "
        "2024; tuyên truyền trên hệ thống truyền thanh thị trấn vào các buổi sáng thứ Hai, thứ "
        "Tư, thứ Sáu; treo băng rôn, khẩu hiệu tại các trục đường chính và chợ Núi Thành; lồng "
        "ghép nội dung quyền con người vào sinh hoạt của 9 khối phố.",
        "Cán bộ phụ trách công tác văn hóa - thông tin kiêm nhiệm nhiều việc; một số khối phố "
        "chưa bố trí được thời gian sinh hoạt chuyên đề.",
        "Đề nghị huyện cung cấp thêm tài liệu hỏi - đáp về quyền con người để phát cho các khối "
        "phố.",
    ),
    "nt-tam-xuan-ii": (
        "UBND xã chỉ đạo Đài truyền thanh xã phát sóng các chương trình của huyện về quyền con "
        "người; tổ chức 02 buổi tuyên truyền lồng ghép tại hội nghị tiếp xúc cử tri và sinh hoạt "
        "Chi hội Phụ nữ các thôn.",
        "Hệ thống loa truyền thanh ở thôn Thạnh Mỹ xuống cấp, nhiều cụm loa không hoạt động.",
        "Đề nghị huyện hỗ trợ kinh phí sửa chữa các cụm loa truyền thanh thôn.",
    ),
    "nt-tam-hoa": (
        "Xã tuyên truyền trên loa truyền thanh về quyền trẻ em và phòng, chống bạo lực gia "
        "đình; phối hợp Đồn Biên phòng Tam Hòa tuyên truyền cho ngư dân về quyền và nghĩa vụ của "
        "công dân khi khai thác hải sản.",
        "Ngư dân đi biển dài ngày nên việc tuyên truyền trực tiếp còn hạn chế.",
        "Đề nghị huyện biên soạn tờ gấp ngắn gọn, dễ hiểu để phát cho ngư dân trước mỗi chuyến "
        "biển.",
    ),
    "nt-tam-thanh": (
        "Đài truyền thanh xã phát các chương trình về quyền con người, chính sách dân tộc; tổ "
        "chức tuyên truyền tại nhà sinh hoạt cộng đồng thôn có đồng bào Cơ Tu sinh sống; Đoàn "
        "Thanh niên xã đăng tin, ảnh trên trang mạng xã hội của xã.",
        "Địa bàn rộng, dân cư phân tán; chưa có cán bộ biết tiếng Cơ Tu để biên tập chương trình.",
        "Đề nghị huyện tập huấn kỹ năng biên tập tin, bài bằng tiếng Cơ Tu cho cán bộ truyền "
        "thanh xã.",
    ),
    "nt-tam-son": (
        "Xã phát sóng chương trình của huyện bằng tiếng Việt và tiếng Cơ Tu; thực hiện 01 phóng "
        "sự về đời sống đồng bào và quyền được học tập của trẻ em vùng cao; lồng ghép tuyên "
        "truyền tại các buổi họp dân.",
        "Sóng truyền thanh không phủ hết các khu dân cư ở xa trung tâm xã.",
        "Đề nghị huyện đầu tư hệ thống truyền thanh ứng dụng công nghệ thông tin - viễn thông "
        "cho các thôn vùng cao.",
    ),
    "nt-tam-giang": (
        "Đài truyền thanh xã phát các chương trình của huyện; tuyên truyền về quyền của người "
        "lao động và phòng, chống mua bán người cho thanh niên đi làm việc tại các khu công "
        "nghiệp.",
        "Báo cáo gửi chậm do xã tổ chức nhiều hoạt động trong tháng 6; cán bộ mới được phân công "
        "nên còn lúng túng.",
        "Đề nghị huyện gửi đề cương báo cáo sớm để xã chủ động thực hiện.",
    ),
    "nt-tam-hai": (
        "Xã phát các chương trình về quyền con người trên loa truyền thanh ở các thôn đảo; phối "
        "hợp Hội Liên hiệp Phụ nữ xã tuyên truyền phòng, chống bạo lực gia đình cho hội viên.",
        "Xã đảo đi lại khó khăn, việc gửi văn bản và báo cáo có lúc chậm so với thời hạn.",
        "Đề nghị cho phép xã gửi báo cáo qua hệ thống quản lý văn bản điện tử thay bản giấy.",
    ),
    "nt-tam-quang": (
        "Đài truyền thanh xã phát các chương trình của huyện; tuyên truyền tại bến cá Tam Quang "
        "về quyền và nghĩa vụ của ngư dân, phòng, chống khai thác hải sản bất hợp pháp.",
        "Kinh phí dành cho công tác tuyên truyền còn ít.",
        "Đề nghị huyện bổ sung kinh phí in ấn tài liệu tuyên truyền.",
    ),
    "nt-tam-tien": (
        "Xã lồng ghép nội dung quyền con người vào sinh hoạt của Mặt trận và các đoàn thể; treo "
        "khẩu hiệu tuyên truyền tại trụ sở UBND xã và nhà văn hóa các thôn.",
        "Chưa phát huy được trang thông tin điện tử của xã trong tuyên truyền.",
        "Đề nghị huyện hướng dẫn đăng tải tin, bài về quyền con người trên trang thông tin điện "
        "tử của xã.",
    ),
    "nt-tam-anh-nam": (
        "Xã tuyên truyền về quyền con người trên loa truyền thanh và tại các cuộc họp thôn.",
        "Một số thôn chưa tổ chức được buổi tuyên truyền riêng.",
        "Đề nghị huyện hỗ trợ tài liệu.",
    ),
    "nt-tam-anh-bac": (
        "Xã tuyên truyền quyền của người lao động cho công nhân làm việc tại Khu kinh tế mở Chu "
        "Lai đang cư trú trên địa bàn; lồng ghép tại hội nghị của Hội Nông dân xã.",
        "Báo cáo gửi chậm do cán bộ phụ trách nghỉ phép; số liệu các thôn tổng hợp chưa kịp thời.",
        "Đề nghị huyện tổ chức tập huấn nghiệp vụ báo cáo cho cán bộ văn hóa - xã hội.",
    ),
    "nt-tam-hiep": (
        "Xã phối hợp các doanh nghiệp ở Khu công nghiệp Bắc Chu Lai tuyên truyền về quyền và "
        "nghĩa vụ của người lao động; treo pa nô tại khu dân cư tập trung công nhân thuê trọ.",
        "Công nhân làm theo ca, khó tập trung để tuyên truyền trực tiếp.",
        "Đề nghị huyện phối hợp Liên đoàn Lao động huyện tuyên truyền tại doanh nghiệp.",
    ),
    "nt-tam-tra": (
        "Đài truyền thanh xã phát chương trình bằng tiếng Cơ Tu; in tờ gấp song ngữ Việt - Cơ Tu "
        "về quyền trẻ em; treo băng rôn tại trung tâm xã.",
        "Đội ngũ biên dịch tiếng Cơ Tu còn mỏng.",
        "Đề nghị huyện hỗ trợ kinh phí biên dịch và in tài liệu song ngữ.",
    ),
    "nt-tam-nghia": (
        "Xã đã triển khai thực hiện Kế hoạch của huyện, tuyên truyền trên loa truyền thanh.",
        "Còn một số hạn chế.",
        "Không.",
    ),
    "nt-tam-xuan-i": (
        "UBND xã Tam Xuân I triển khai Kế hoạch của huyện; Đài truyền thanh xã phát các chương "
        "trình về quyền con người; treo băng rôn tại chợ Tam Xuân và nhà văn hóa các thôn.",
        "",
        "",
    ),
    "nt-tam-my-dong": (
        "Xã đang tổng hợp kết quả tuyên truyền của các thôn để hoàn thiện báo cáo.",
        "",
        "",
    ),
}

# What the district wrote when it returned a report.
RETURN_COMMENTS: dict[str, str] = {
    "nt-tam-anh-nam": "Báo cáo chưa nêu số buổi tuyên truyền tại các thôn và số lượt người "
    "tham dự; phần đề xuất chưa cụ thể. Đề nghị UBND xã bổ sung và gửi lại trước ngày 28/6/2024.",
    "nt-tam-tra": "Phần kết quả chưa nêu rõ số buổi phát thanh bằng tiếng Cơ Tu và số hộ đồng bào "
    "được tuyên truyền; đề nghị bổ sung các nội dung này và gửi lại trước ngày 10/7/2024.",
    "nt-tam-nghia": "Báo cáo còn chung chung, chưa có kết quả cụ thể, chưa nêu khó khăn, vướng "
    "mắc. Đề nghị xã xây dựng lại báo cáo theo đề cương hướng dẫn của Phòng Văn hóa và Thông "
    "tin và gửi lại trước ngày 12/7/2024.",
}

# The texts of a returned report after its unit fixed it.
REVISED_TEXTS: dict[str, tuple[str, str, str]] = {
    "nt-tam-anh-nam": (
        "Xã tổ chức 06 buổi tuyên truyền tại 6 thôn với khoảng 420 lượt người tham dự; Đài "
        "truyền thanh xã phát các chương trình về quyền con người của huyện vào sáng thứ Hai "
        "hằng tuần; lồng ghép nội dung Công ước về quyền của người khuyết tật tại hội nghị của "
        "Hội Người cao tuổi xã.",
        "Thôn Đông Thạnh chưa tổ chức được buổi tuyên truyền riêng do trùng lịch sản xuất.",
        "Đề nghị huyện hỗ trợ 200 tờ gấp hỏi - đáp về quyền con người và 01 bộ pa nô để xã "
        "tuyên truyền lưu động tại các thôn trong 6 tháng cuối năm.",
    ),
}


def _at(day_and_time: str) -> dt.datetime:
    """The day and hour of a step ("06-24 14:00") in 2024, Việt Nam time."""
    naive = dt.datetime.strptime(f"{YEAR}-{day_and_time}", "%Y-%m-%d %H:%M")
    return timezone.make_aware(naive, timezone.get_default_timezone())


@contextmanager
def _clock(day_and_time: str) -> Iterator[None]:
    """The services (submission time, lateness) and the models' auto_now fields (event times)
    read django.utils.timezone.now: set it to the day the step happened."""
    with mock.patch("django.utils.timezone.now", return_value=_at(day_and_time)):
        yield


def _staff(unit: Unit) -> User | None:
    """The demo login of the unit, if it has one (tamxuan1, tamtra); None otherwise."""
    assignment = (
        RoleAssignment.objects.filter(unit=unit, role=Role.UNIT_STAFF)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _manager(unit: Unit) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(unit=unit, role=Role.PLAN_MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _texts(texts: tuple[str, str, str]) -> dict[str, str]:
    results, shortcomings, proposals = texts
    return {"results": results, "shortcomings": shortcomings, "proposals": proposals}


def half_year_period(plan: Plan) -> ReportPeriod:
    """The seed plan's "6 tháng đầu năm 2024" period."""
    return ReportPeriod.objects.get(
        plan=plan, kind=PeriodKind.HALF_YEAR, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 6, 30)
    )


def _district_texts() -> tuple[str, str, str]:
    """The district's texts, with the numbers of HALF_YEAR_2024."""
    states = [state for _key, state, _steps in HALF_YEAR_2024]
    accepted = states.count(ACCEPTED_ON_TIME) + states.count(ACCEPTED_LATE)
    sent = len(states) - states.count(DRAFT) - states.count(MISSING)
    return (
        "Thực hiện Kế hoạch, Ủy ban nhân dân huyện đã chỉ đạo Phòng Văn hóa và Thông tin phối "
        "hợp Trung tâm Văn hóa - Thể thao và Truyền thanh - Truyền hình huyện tuyên truyền sâu "
        "rộng về quyền con người, khẳng định chủ trương nhất quán của Đảng và Nhà nước về bảo "
        "đảm quyền con người. Ưu tiên tận dụng hệ thống truyền thanh sẵn có ở cơ sở, đặc biệt "
        "chú trọng đồng bào Cơ Tu ở các xã miền núi Tam Trà, Tam Sơn, Tam Thạnh, với các chương "
        "trình phát thanh bằng tiếng dân tộc giúp người dân nắm bắt chính sách. "
        f"Đến ngày 16/7/2024, {sent}/{len(states)} xã, thị trấn đã gửi báo cáo 6 tháng đầu năm; "
        f"Ủy ban nhân dân huyện đã tiếp nhận {accepted} báo cáo, số liệu được tổng hợp tại biểu "
        "kèm theo.",
        "Một số xã gửi báo cáo chậm so với thời hạn, nội dung còn chung chung, chưa bám sát đề "
        "cương; cán bộ phụ trách ở cơ sở còn kiêm nhiệm, chưa nắm bắt đầy đủ nội dung các công "
        "ước quốc tế về quyền con người mà Việt Nam là thành viên. Sản phẩm truyền thông bằng "
        "tiếng Cơ Tu và trên nền tảng số còn ít so với yêu cầu.",
        "Ưu tiên bố trí kinh phí để biên dịch tài liệu sang tiếng Cơ Tu và phát sóng bằng tiếng "
        "dân tộc trên đài truyền thanh các xã miền núi. Đề nghị Sở Thông tin và Truyền thông mở "
        "lớp tập huấn về kỹ năng truyền thông trên nền tảng số cho cán bộ cấp xã; huyện sẵn sàng "
        "bố trí địa điểm và học viên.",
    )


def demo_reports_load(*, plan: Plan, units: Mapping[str, Unit]) -> list[Report]:
    """Generate the seed plan's periods and write the 6-month 2024 reports of HALF_YEAR_2024,
    then the district's consolidated draft. Does nothing when the period already has reports."""
    # The narratives the services draft are in the site's language, whoever loads the demo.
    with translation.override(settings.LANGUAGE_CODE):
        return _reports_load(plan=plan, units=units)


def _reports_load(*, plan: Plan, units: Mapping[str, Unit]) -> list[Report]:
    periods_generate(plan=plan)
    period = half_year_period(plan)
    if Report.objects.filter(period=period).exists():
        return []
    district = units[DISTRICT]
    expected = {units[key].pk for key, _state, _steps in HALF_YEAR_2024}
    if duty_receiver(period) != district or {u.pk for u in reporters(period)} != expected:
        raise RuntimeError(
            "The seed plan's 6-month duty no longer asks the 17 communes of huyện Núi Thành to "
            "report to the district: check the importer's reporting duties."
        )
    reviewer = _manager(district)
    reports: list[Report] = []
    for key, _state, steps in HALF_YEAR_2024:
        unit = units[key]
        staff = _staff(unit)
        report: Report | None = None
        for action, when in steps:
            with _clock(when):
                if action == "open":
                    report = report_open(period=period, unit=unit, by=staff)
                    continue
                assert report is not None, f"{key}: {action} before open"
                if action == "save":
                    report = report_save(
                        report=report, by=staff, version=report.version, **_texts(DEMO_TEXTS[key])
                    )
                elif action == "revise":
                    report = report_save(
                        report=report,
                        by=staff,
                        version=report.version,
                        **_texts(REVISED_TEXTS[key]),
                    )
                elif action == "submit":
                    report = report_submit(report=report, by=staff)
                elif action == "return":
                    report = report_return(report=report, by=reviewer, comment=RETURN_COMMENTS[key])
                elif action == "accept":
                    report = report_accept(report=report, by=reviewer)
                else:
                    raise ValueError(f"unknown demo step {action!r}")
        if report is not None:
            reports.append(report)
    with _clock(DISTRICT_OPENED):
        consolidated = report_open(period=period, unit=district, by=reviewer)
    with _clock(DISTRICT_SAVED):
        consolidated = report_save(
            report=consolidated,
            by=reviewer,
            version=consolidated.version,
            **_texts(_district_texts()),
        )
    reports.append(consolidated)
    return reports
