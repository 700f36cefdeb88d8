"""A year of records for the demo's seed plan (huyện Núi Thành, 2024), so that every target and
chart shows real values.

Everything goes through `services.record_create`, so the product flags and the targets are what
a user would have produced by hand. `random.Random(2024)` makes the year the same on every load.
What the year holds (and the values the four targets land on) is stated in DEMO_YEAR below and
checked by tests/test_demo.py.
"""

import datetime as dt
import importlib
import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import apps

from kehoach.people.models import Person
from kehoach.people.services import person_create
from kehoach.plans.models import Plan, Task
from kehoach.units.models import Unit

from .models import Record, RecordKind
from .services import record_create

YEAR = 2024
PORTAL = "https://nuithanh.quangnam.gov.vn"

# Spokespersons of offices that the demo's registry (kehoach.demo.DEMO_PEOPLE) does not list:
# briefings are held by spokespersons of several offices.
DEMO_SPOKESPERSONS = [
    ("nt-tp", "Nguyễn Thị Kim Oanh", "Phó Trưởng phòng"),
    ("nt-nv", "Trần Quốc Việt", "Trưởng phòng"),
    ("nt-yt", "Lê Thị Mỹ Hạnh", "Trưởng phòng"),
    ("nt-gddt", "Phạm Minh Quang", "Trưởng phòng"),
    ("nt-ldtbxh", "Huỳnh Văn Lộc", "Trưởng phòng"),
    ("nt-tnmt", "Võ Thị Thanh Tuyết", "Phó Trưởng phòng"),
]

# Communes whose radio stations aired the district's programmes (15 of the 17).
BROADCAST_COMMUNES = [
    "nt-nui-thanh",
    "nt-tam-xuan-i",
    "nt-tam-xuan-ii",
    "nt-tam-tien",
    "nt-tam-hoa",
    "nt-tam-anh-bac",
    "nt-tam-anh-nam",
    "nt-tam-hiep",
    "nt-tam-giang",
    "nt-tam-quang",
    "nt-tam-nghia",
    "nt-tam-hai",
    "nt-tam-son",
    "nt-tam-thanh",
    "nt-tam-tra",
]
# Communes with Cor (Co) people, where programmes are also made in their language.
COR_COMMUNES = ["nt-tam-tra", "nt-tam-son", "nt-tam-thanh"]

RADIO_TOPICS = [
    "Quyền con người trong Hiến pháp năm 2013",
    "Công ước của Liên hợp quốc về quyền trẻ em và trách nhiệm của gia đình",
    "Bình đẳng giới và phòng, chống bạo lực gia đình",
    "Quyền của người khuyết tật trong đời sống cộng đồng",
    "Chính sách dân tộc và quyền của đồng bào dân tộc thiểu số",
    "Quyền tự do tín ngưỡng, tôn giáo ở Việt Nam",
    "Phòng, chống mua bán người",
    "Quyền được chăm sóc sức khỏe của người cao tuổi",
    "Quyền tiếp cận thông tin của công dân",
    "Việt Nam tại Hội đồng Nhân quyền Liên hợp quốc nhiệm kỳ 2023–2025",
    "Bảo đảm quyền của người lao động tại Khu kinh tế mở Chu Lai",
    "Công ước chống tra tấn và cải cách tư pháp",
    "Quyền được học tập của trẻ em vùng cao",
    "Nhận diện luận điệu sai trái về dân chủ, nhân quyền trên mạng xã hội",
]
ARTICLES = [
    "Núi Thành: nhiều kết quả trong bảo đảm quyền an sinh xã hội",
    "Chăm lo đời sống đồng bào Cor ở Tam Trà",
    "Người khuyết tật Núi Thành vươn lên trong cuộc sống",
    "Bảo đảm quyền của trẻ em trong mùa hè an toàn",
    "Phụ nữ Tam Hải tham gia phòng, chống bạo lực gia đình",
    "Quyền tiếp cận dịch vụ y tế ở các xã vùng biển",
    "Trợ giúp pháp lý miễn phí cho người dân vùng cao",
    "Lao động tại Khu kinh tế mở Chu Lai được bảo đảm quyền lợi",
    "Hòa giải ở cơ sở: bảo vệ quyền và lợi ích hợp pháp của người dân",
    "Núi Thành triển khai Đề án truyền thông về quyền con người",
]
LEAFLETS = [
    ("Tờ gấp: Hỏi – đáp về quyền trẻ em", "nt-lhpn"),
    ("Tờ gấp: Phòng, chống bạo lực gia đình", "nt-lhpn"),
    ("Tờ gấp: Quyền và nghĩa vụ cơ bản của công dân", "nt-tp"),
    ("Tờ gấp: Trợ giúp pháp lý cho người nghèo, đồng bào dân tộc thiểu số", "nt-tp"),
    ("Tờ gấp: Phòng, chống mua bán người", "nt-ca"),
    ("Tờ gấp: Quyền của người lao động", "nt-ldld"),
    ("Tờ gấp: Quyền của người khuyết tật", "nt-ldtbxh"),
    ("Tờ gấp: Đoàn viên thanh niên với quyền con người", "nt-hd"),
]
POSTERS = [
    "Áp phích: Quyền con người – giá trị chung của nhân loại",
    "Áp phích: Chung tay vì quyền trẻ em",
    "Áp phích: Nói không với bạo lực gia đình",
    "Áp phích: Việt Nam – thành viên tích cực của Hội đồng Nhân quyền",
]
PORTAL_ARTICLES = [
    "Huyện Núi Thành ban hành Kế hoạch triển khai Đề án truyền thông về quyền con người năm 2024",
    "Kết quả bảo đảm quyền con người 6 tháng đầu năm 2024 trên địa bàn huyện",
    "Tập huấn bồi dưỡng kiến thức về quyền con người cho cán bộ, công chức",
    "Núi Thành đẩy mạnh thông tin đối ngoại về quyền con người",
    "Hưởng ứng Ngày Quốc tế Nhân quyền 10/12",
]
SOCIAL_POSTS = [
    "Video: Một ngày của cô giáo cắm bản ở Tam Trà",
    "Infographic: 07 công ước cơ bản về quyền con người Việt Nam đã tham gia",
    "Video: Tiếng nói đồng bào Cor",
    "Infographic: Phòng, chống tin giả về nhân quyền",
]
ENGLISH = [
    "Infographic (English): Human rights achievements of Nui Thanh district",
    "Human rights and labour standards in Chu Lai Open Economic Zone (English leaflet)",
]
TRAININGS = [
    (
        dt.date(YEAR, 4, 18),
        "Hội nghị tập huấn bồi dưỡng kiến thức về quyền con người năm 2024",
        "training",
        "Phòng Văn hóa và Thông tin huyện",
        [
            "Trần Thị Thu Hà",
            "Phan Văn Toàn",
            "Võ Văn Đức",
            "Huỳnh Thị Ánh",
            "Lương Thị Hồng",
            "Lê Văn Hùng",
            "Hồ Thị Lan",
        ],
    ),
    (
        dt.date(YEAR, 6, 12),
        "Tập huấn kỹ năng thông tin đối ngoại cho cán bộ cơ sở",
        "training",
        "Sở Thông tin và Truyền thông tỉnh Quảng Nam",
        ["Đặng Quốc Bảo", "Ngô Minh Khoa", "Phan Văn Toàn", "Hồ Thị Lan"],
    ),
    (
        dt.date(YEAR, 10, 24),
        "Hội nghị quán triệt Đề án truyền thông về quyền con người ở Việt Nam",
        "conference",
        "Ban Tuyên giáo Huyện ủy",
        ["Trần Thị Thu Hà", "Bùi Thị Thanh", "Nguyễn Thị Mỹ Linh", "Trương Công Sơn"],
    ),
]
BRIEFINGS = [
    (dt.date(YEAR, 7, 10), "nt-vp", "Nguyễn Thị Mỹ Linh", "Kết quả kinh tế – xã hội 6 tháng"),
    (dt.date(YEAR, 7, 24), "nt-vhtt", "Trần Thị Thu Hà", "Công tác thông tin đối ngoại"),
    (dt.date(YEAR, 8, 14), "nt-tp", "Nguyễn Thị Kim Oanh", "Trợ giúp pháp lý, hòa giải cơ sở"),
    (dt.date(YEAR, 9, 11), "nt-ldtbxh", "Huỳnh Văn Lộc", "Chính sách an sinh xã hội"),
    (dt.date(YEAR, 9, 25), "nt-yt", "Lê Thị Mỹ Hạnh", "Chăm sóc sức khỏe ban đầu"),
    (dt.date(YEAR, 10, 9), "nt-vp", "Nguyễn Thị Mỹ Linh", "Kết quả kinh tế – xã hội 9 tháng"),
    (dt.date(YEAR, 11, 13), "nt-gddt", "Phạm Minh Quang", "Quyền học tập của trẻ em vùng cao"),
    (dt.date(YEAR, 12, 11), "nt-vhtt", "Trần Thị Thu Hà", "Hưởng ứng Ngày Quốc tế Nhân quyền"),
]
VISUALS = [
    (dt.date(YEAR, 3, 4), "nt-vhtt", "banner", 40, "Các tuyến đường trung tâm thị trấn Núi Thành"),
    (dt.date(YEAR, 5, 27), "nt-nui-thanh", "panel", 2, "Ngã ba Chu Lai, Quốc lộ 1A"),
    (dt.date(YEAR, 6, 1), "nt-tam-xuan-i", "banner", 12, "Trụ sở UBND xã và các thôn"),
    (dt.date(YEAR, 6, 3), "nt-tam-tra", "poster", 30, "Nhà văn hóa các thôn, trường học"),
    (dt.date(YEAR, 9, 2), "nt-tam-hoa", "banner", 10, "Trục đường ĐT 618"),
    (dt.date(YEAR, 11, 20), "nt-tam-hai", "panel", 1, "Bến đò Tam Hải"),
    (dt.date(YEAR, 12, 5), "nt-vhtt", "banner", 35, "Các tuyến đường trung tâm thị trấn Núi Thành"),
    (dt.date(YEAR, 12, 9), "nt-tam-anh-nam", "poster", 20, "Trường học và trạm y tế xã"),
]


def _task_by_order(plan: Plan) -> dict[int, Task]:
    return {task.order: task for task in plan.tasks.prefetch_related("themes")}


class _Year:
    """Writes the records of one year; keeps what it made so later kinds can point at it."""

    def __init__(self, *, plan: Plan, units: Mapping[str, Unit]) -> None:
        self.rng = random.Random(YEAR)
        self.plan = plan
        self.units = units
        self.tasks = _task_by_order(plan)
        self.records: list[Record] = []
        self.radio_products: list[Record] = []

    def add(
        self,
        *,
        kind: str,
        unit: str,
        date: dt.date,
        title: str,
        task: int,
        detail: Mapping[str, Any],
        description: str = "",
        conventions: Sequence[int] = (),
    ) -> Record:
        task_row = self.tasks[task]
        record = record_create(
            kind=kind,
            unit=self.units[unit],
            date=date,
            title=title,
            by=None,
            tasks=[task_row],
            themes=[theme.pk for theme in task_row.themes.all()],
            conventions=conventions,
            description=description,
            detail=detail,
        )
        self.records.append(record)
        return record

    def day(self, month: int) -> dt.date:
        return dt.date(YEAR, month, self.rng.randint(1, 28))

    def people(self) -> dict[str, Person]:
        district = self.units["nt"]
        return {p.full_name: p for p in Person.objects.filter(unit__path__startswith=district.path)}

    # -- products (task 5 "Đăng tải, phát sóng …", order 4; task 7 "chuyển đổi số", order 6)

    def products(self) -> None:
        rng = self.rng
        # A weekly radio programme of the district centre, in Vietnamese; the recordings are
        # digitised but stay on the radio.
        for month in range(1, 13):
            for topic in rng.sample(RADIO_TOPICS, 4):
                record = self.add(
                    kind=RecordKind.PRODUCT,
                    unit="nt-ttvh",
                    date=self.day(month),
                    title=f"Chuyên mục phát thanh: {topic}",
                    task=4,
                    detail={
                        "product_kind": "radio",
                        "languages": ["vi"],
                        "platforms": ["radio"],
                        "digitised": True,
                        "published_online": False,
                    },
                )
                self.radio_products.append(record)
        # Programmes in Cor made with the communes of Cor people, every quarter.
        for month in (3, 6, 9, 12):
            commune = COR_COMMUNES[month // 3 % len(COR_COMMUNES)]
            topic = rng.choice(RADIO_TOPICS[:9])
            record = self.add(
                kind=RecordKind.PRODUCT,
                unit=commune,
                date=self.day(month),
                title=f"Chương trình phát thanh tiếng Cor: {topic}",
                task=4,
                detail={
                    "product_kind": "radio",
                    "languages": ["cor", "vi"],
                    "platforms": ["radio"],
                    "digitised": True,
                    "published_online": False,
                },
            )
            self.radio_products.append(record)
        # The district bulletin, printed and kept as scanned copies.
        for month, title in zip(rng.sample(range(1, 13), len(ARTICLES)), ARTICLES, strict=True):
            self.add(
                kind=RecordKind.PRODUCT,
                unit="nt-vhtt",
                date=self.day(month),
                title=f"Bản tin Núi Thành: {title}",
                task=4,
                detail={
                    "product_kind": "article",
                    "languages": ["vi"],
                    "platforms": ["print"],
                    "digitised": rng.random() < 0.5,
                    "published_online": False,
                },
            )
        for title, unit in LEAFLETS:
            self.add(
                kind=RecordKind.PRODUCT,
                unit=unit,
                date=self.day(rng.randint(3, 11)),
                title=title,
                task=4,
                detail={
                    "product_kind": "leaflet",
                    "languages": ["vi"],
                    "platforms": ["print"],
                    "digitised": False,
                    "published_online": False,
                },
            )
        self.add(
            kind=RecordKind.PRODUCT,
            unit="nt-tam-tra",
            date=dt.date(YEAR, 5, 20),
            title="Tờ gấp song ngữ Việt – Cor: Quyền của đồng bào dân tộc thiểu số",
            task=4,
            detail={
                "product_kind": "leaflet",
                "languages": ["vi", "cor"],
                "platforms": ["print"],
                "digitised": False,
                "published_online": False,
            },
        )
        for title in POSTERS:
            self.add(
                kind=RecordKind.PRODUCT,
                unit="nt-vhtt",
                date=self.day(rng.randint(2, 12)),
                title=title,
                task=5,
                detail={
                    "product_kind": "poster",
                    "languages": ["vi"],
                    "platforms": ["print"],
                    "digitised": True,
                    "published_online": False,
                },
            )
        for month in (3, 6, 9, 12):
            self.add(
                kind=RecordKind.PRODUCT,
                unit="nt-ttvh",
                date=self.day(month),
                title=f"Phóng sự truyền hình: {rng.choice(RADIO_TOPICS)}",
                task=4,
                detail={
                    "product_kind": "television",
                    "languages": ["vi"],
                    "platforms": ["television"],
                    "digitised": True,
                    "published_online": False,
                },
            )
        # What is online: portal articles, social posts and the English products.
        self.portal_products = []
        for index, title in enumerate(PORTAL_ARTICLES):
            month = [3, 7, 4, 6, 12][index]
            self.portal_products.append(
                self.add(
                    kind=RecordKind.PRODUCT,
                    unit="nt-vhtt",
                    date=self.day(month),
                    title=title,
                    task=1,
                    detail={
                        "product_kind": "article",
                        "languages": ["vi"],
                        "platforms": ["portal"],
                        "url": f"{PORTAL}/tin-tuc/{YEAR}/{index + 1:03d}",
                        "digitised": True,
                        "published_online": True,
                    },
                )
            )
        for index, title in enumerate(SOCIAL_POSTS):
            kind = "video" if title.startswith("Video") else "infographic"
            self.add(
                kind=RecordKind.PRODUCT,
                unit="nt-hd" if index % 2 else "nt-vhtt",
                date=self.day(2 + index * 3),
                title=title,
                task=6,
                detail={
                    "product_kind": kind,
                    "languages": ["cor", "vi"] if "Cor" in title else ["vi"],
                    "platforms": ["social", "portal"] if index % 3 == 0 else ["social"],
                    "url": f"https://www.facebook.com/nuithanh.vhtt/posts/{2024_0100 + index}",
                    "digitised": True,
                    "published_online": True,
                },
            )
        for index, title in enumerate(ENGLISH):
            self.add(
                kind=RecordKind.PRODUCT,
                unit="nt-vhtt" if index == 0 else "nt-ldtbxh",
                date=dt.date(YEAR, 8 + index * 3, 15),
                title=title,
                task=6 if index == 0 else 4,
                detail={
                    "product_kind": "infographic" if index == 0 else "leaflet",
                    "languages": ["en"] if index == 0 else ["en", "vi"],
                    "platforms": ["portal"] if index == 0 else ["print"],
                    "url": f"{PORTAL}/en/human-rights-{YEAR}" if index == 0 else "",
                    "digitised": True,
                    "published_online": index == 0,
                },
            )

    # -- broadcasts of the district's radio programmes on the commune stations (order 4)

    def broadcasts(self) -> None:
        rng = self.rng
        for key in BROADCAST_COMMUNES:
            commune = self.units[key]
            station = f"Đài truyền thanh {commune.name[0].lower()}{commune.name[1:]}"
            chosen = rng.sample(self.radio_products, rng.randint(2, 4))
            for product in sorted(chosen, key=lambda r: r.date):
                first = product.date + dt.timedelta(days=rng.randint(1, 10))
                if first.year != YEAR:
                    first = dt.date(YEAR, 12, 31)
                last = min(first + dt.timedelta(days=rng.randint(0, 14)), dt.date(YEAR, 12, 31))
                self.add(
                    kind=RecordKind.BROADCAST,
                    unit=key,
                    date=first,
                    title=f"Tiếp sóng: {product.title}",
                    task=4,
                    detail={
                        "product": product.pk,
                        "station": station,
                        "first_aired": first,
                        "last_aired": last,
                        "times_aired": rng.randint(2, 6),
                    },
                )

    # -- portal posts of the portal articles (order 1)

    def portal_posts(self) -> None:
        for product in self.portal_products:
            self.add(
                kind=RecordKind.PORTAL_POST,
                unit="nt-vp",
                date=product.date,
                title=f"Đăng tải: {product.title}",
                task=1,
                detail={"url": product.product.url, "product": product.pk},
            )

    # -- trainings (order 3) and briefings (order 2)

    def trainings(self) -> None:
        people = self.people()
        for date, title, kind, organiser, names in TRAININGS:
            self.add(
                kind=RecordKind.TRAINING,
                unit="nt-vhtt",
                date=date,
                title=title,
                task=3,
                detail={
                    "training_kind": kind,
                    "organiser": organiser,
                    "attendees": [people[name].pk for name in names],
                },
            )

    def briefings(self) -> None:
        people = self.people()
        for date, unit, spokesperson, topic in BRIEFINGS:
            self.add(
                kind=RecordKind.BRIEFING,
                unit=unit,
                date=date,
                title=f"Cung cấp thông tin cho báo chí: {topic}",
                task=2,
                detail={
                    "spokesperson": people[spokesperson].pk,
                    "journalists": self.rng.randint(6, 18),
                },
            )

    # -- visual campaigns (order 5), the contest (order 7), monitoring bulletins (order 0)

    def visuals(self) -> None:
        for date, unit, item, quantity, location in VISUALS:
            self.add(
                kind=RecordKind.VISUAL,
                unit=unit,
                date=date,
                title=f"Cổ động trực quan về quyền con người tại {location[0].lower()}"
                f"{location[1:]}",
                task=5,
                detail={"item": item, "quantity": quantity, "location": location},
            )

    def contest(self) -> None:
        self.add(
            kind=RecordKind.CONTEST,
            unit="nt-hd",
            date=dt.date(YEAR, 8, 30),
            title="Video “Nụ cười Tam Trà” dự Cuộc thi “Việt Nam hạnh phúc – Happy Vietnam 2024”",
            task=7,
            detail={
                "contest": "Cuộc thi ảnh và video “Việt Nam hạnh phúc – Happy Vietnam 2024”",
                "url": "https://happy.vietnam.vn/",
            },
        )

    def bulletins(self) -> None:
        for month in range(1, 13):
            start = dt.date(YEAR, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            self.add(
                kind=RecordKind.BULLETIN,
                unit="nt-vhtt",
                date=min(end + dt.timedelta(days=3), dt.date(YEAR, 12, 31)),
                title=f"Bản tin theo dõi thông tin báo chí về quyền con người tháng {month}/{YEAR}",
                task=0,
                detail={
                    "period_start": start,
                    "period_end": end,
                    "items": self.rng.randint(8, 30),
                },
            )


def _languages_and_platforms_ensure() -> None:
    """The lookup rows of data migration 0002, again: a test database flushed between browser
    tests has lost them, and the demo must load there too."""
    migration = importlib.import_module("kehoach.activities.migrations.0002_languages_platforms")
    migration.load(apps, None)


def demo_records_load(*, plan: Plan, units: Mapping[str, Unit]) -> list[Record]:
    """Load the demo year of records for the seed plan (and the spokespersons it needs)."""
    _languages_and_platforms_ensure()
    for unit_key, full_name, position in DEMO_SPOKESPERSONS:
        person_create(
            full_name=full_name, unit=units[unit_key], position=position, duties=["spokesperson"]
        )
    year = _Year(plan=plan, units=units)
    year.products()
    year.broadcasts()
    year.portal_posts()
    year.trainings()
    year.briefings()
    year.visuals()
    year.contest()
    year.bulletins()
    return year.records
