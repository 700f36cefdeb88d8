"""The demo's press monitoring: the seed plan's monitoring themes, the news sources of Phòng Văn
hóa và Thông tin huyện Núi Thành, a year of articles taken from the development set (real public
news) and analysed for real, a few fact-checks, reviewers' decisions and an issued weekly bulletin.

Nothing is fetched. The sources' addresses are the outlets' public RSS and sitemap addresses as
published by them, but the demo cannot check them offline, so the sources are loaded inactive: the
worker never fetches them until a member of staff activates one. The articles' own addresses, titles
and texts are those of the development set (kehoach/monitoring/data/devset/); their raw page is a
minimal HTML page rebuilt from that text (marked as such in its headers), not the page as fetched.
"""

import datetime as dt
import gzip
import html
import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.utils import timezone

from kehoach.lib.vntext import search_key
from kehoach.monitoring.analysis.pipeline import article_analyse, reset_caches
from kehoach.monitoring.bulletins import bulletin_issue
from kehoach.monitoring.extraction import url_hash
from kehoach.monitoring.models import (
    Article,
    BulletinKind,
    ClaimMatch,
    Decision,
    FactCheck,
    RawPage,
    Source,
    SourceKind,
    Story,
    Verdict,
)
from kehoach.monitoring.review import review_record
from kehoach.monitoring.services import theme_definitions_seed
from kehoach.plans.models import Plan
from kehoach.units.models import Unit

DEVSET = Path(__file__).parent / "data" / "devset"
DEMO_ARTICLES = 100
YEAR = 2024
# The demo's issued weekly bulletin; the week after it is left for a reviewer to build.
BULLETIN_WEEK = (dt.date(YEAR, 12, 16), dt.date(YEAR, 12, 22))
LAST_WEEKS_START = dt.date(YEAR, 12, 16)
LAST_WEEKS_DAYS = 14
LAST_WEEKS_ARTICLES = 24
# Articles with a claim match dated in the bulletins' weeks: the first is answered in the
# issued bulletin, the second is left for a reviewer.
DATED = {"dv004": dt.date(YEAR, 12, 17), "dv064": dt.date(YEAR, 12, 24)}
# The aggregator carries the articles of the outlets that have no source of their own.
AGGREGATOR_HOST = "baomoi.com"

# (name, kind, address, host of its articles)
DEMO_SOURCES: list[tuple[str, str, str, str]] = [
    (
        "Báo Quảng Nam — Thời sự",
        SourceKind.FEED,
        "https://baoquangnam.vn/rss/thoi-su.rss",
        "baoquangnam.vn",
    ),
    (
        "Báo Người Lao Động — Thời sự",
        SourceKind.FEED,
        "https://nld.com.vn/rss/thoi-su.rss",
        "nld.com.vn",
    ),
    (
        "VietnamPlus (English) — Politics",
        SourceKind.FEED,
        "https://en.vietnamplus.vn/rss/politics.rss",
        "en.vietnamplus.vn",
    ),
    (
        "Cổng Thông tin điện tử huyện Núi Thành",
        SourceKind.SITEMAP,
        "https://nuithanh.quangnam.gov.vn/sitemap.xml",
        "nuithanh.quangnam.gov.vn",
    ),
    (
        "Báo Mới — Xã hội (tổng hợp)",
        SourceKind.LISTING,
        "https://baomoi.com/xa-hoi.epi",
        AGGREGATOR_HOST,
    ),
]

# Fact-checks written for the demo in the style of the Vietnamese press's rebuttals. The first
# answers a claim the development set's article dv004 reports ("xuyên tạc, vu cáo Nhà nước ta vi
# phạm quyền con người"), so the demo has a claim match with its sentence.
DEMO_FACT_CHECKS: list[dict[str, Any]] = [
    {
        "claim": "Nhà nước Việt Nam vi phạm quyền con người, đặc biệt là các quyền dân sự, "
        "chính trị.",
        "verdict": Verdict.FALSE,
        "verdict_as_written": "Thông tin sai sự thật, xuyên tạc",
        "explanation": "Dữ liệu demo. Việt Nam là thành viên 7/9 công ước quốc tế cơ bản về quyền "
        "con người, đã bảo vệ thành công Báo cáo quốc gia theo cơ chế UPR chu kỳ IV (2024); "
        "quyền dân sự, chính trị được Hiến pháp năm 2013 ghi nhận và bảo đảm.",
        "publisher": "Phòng Văn hóa và Thông tin huyện Núi Thành (dữ liệu demo)",
        "published": dt.date(YEAR, 5, 20),
    },
    {
        "claim": "Các thế lực thù địch xuyên tạc tình hình nhân quyền Việt Nam dưới chiêu bài "
        "dân chủ, nhân quyền.",
        "verdict": Verdict.TRUE,
        "verdict_as_written": "Đúng: đây là luận điệu cần phản bác",
        "explanation": "Dữ liệu demo. Các bài phản bác luận điệu xuyên tạc được đăng trên báo "
        "chí chính thống; đối chiếu để trả lời khi thông tin xuất hiện trên địa bàn.",
        "publisher": "Phòng Văn hóa và Thông tin huyện Núi Thành (dữ liệu demo)",
        "published": dt.date(YEAR, 9, 10),
    },
    {
        "claim": "Người dân tộc thiểu số ở huyện Núi Thành không được hưởng chính sách hỗ trợ "
        "nhà ở.",
        "verdict": Verdict.FALSE,
        "verdict_as_written": "Thông tin sai sự thật",
        "explanation": "Dữ liệu demo. Huyện đã hỗ trợ xây mới, sửa chữa nhà ở cho hộ nghèo, "
        "hộ dân tộc thiểu số theo các chương trình mục tiêu quốc gia.",
        "publisher": "Phòng Văn hóa và Thông tin huyện Núi Thành (dữ liệu demo)",
        "published": dt.date(YEAR, 11, 4),
    },
]
ANSWER = (
    "Đã đăng bài phản bác trên Cổng TTĐT huyện Núi Thành và chia sẻ qua Đài Truyền thanh - "
    "Truyền hình huyện."
)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def demo_items(count: int = DEMO_ARTICLES) -> list[dict[str, Any]]:
    """`count` devset items in their order: every item about the locality or relevant first
    (the demo is about them), then unrelated ones and hard negatives (the analysis drops them)."""
    items = _read_jsonl(DEVSET / "items.jsonl")
    labels = {label["id"]: label for label in _read_jsonl(DEVSET / "labels.jsonl")}
    kept = [item for item in items if item.get("text")]
    wanted = {
        item["id"]
        for item in kept
        if labels[item["id"]]["relevant"] or labels[item["id"]]["locality"]
    }
    negatives = [item["id"] for item in kept if item["id"] not in wanted]
    relevant_count = min(len(wanted), count * 3 // 4)
    chosen = set(sorted(wanted)[:relevant_count]) | set(negatives[: count - relevant_count])
    return [item for item in kept if item["id"] in chosen]


def _published(item_id: str, index: int, count: int) -> dt.datetime:
    """Spread over 2024; the last articles fill the two last weeks (the bulletins' weeks)."""
    zone = timezone.get_current_timezone()
    early = count - LAST_WEEKS_ARTICLES
    # A fixed shuffle, so the last weeks hold relevant and unrelated articles alike.
    stride = next(n for n in (37, 41, 43, 47, 53) if math.gcd(n, count) == 1)
    index = index * stride % count
    if item_id in DATED:
        day = DATED[item_id]
    elif index < early:
        day = dt.date(YEAR, 1, 2) + dt.timedelta(days=index * 348 // max(early, 1))
    else:
        day = LAST_WEEKS_START + dt.timedelta(
            days=(index - early) * LAST_WEEKS_DAYS // LAST_WEEKS_ARTICLES
        )
    return dt.datetime.combine(day, dt.time(7 + index % 10, (index * 7) % 60), tzinfo=zone)


def _page(item: dict[str, Any]) -> bytes:
    paragraphs = "".join(
        f"<p>{html.escape(part)}</p>\n" for part in item["text"].split("\n") if part.strip()
    )
    title = html.escape(item["title"])
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        f'<title>{title}</title><link rel="canonical" href="{html.escape(item["url"])}"></head>\n'
        f"<body><article><h1>{title}</h1>\n{paragraphs}</article></body></html>\n"
    ).encode()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def demo_monitoring_load(*, plan: Plan, units: dict[str, Unit]) -> None:
    office = units["nt-vhtt"]
    # The process may have analysed another database's articles (tests load the demo again into
    # a fresh database): the story index and claim matcher start from this one.
    reset_caches()
    theme_definitions_seed(plan=plan)
    sources: dict[str, Source] = {}
    for name, kind, url, host in DEMO_SOURCES:
        sources[host] = Source.objects.create(
            unit=office,
            name=name,
            kind=kind,
            url=url,
            active=False,  # not fetched until staff check the address and activate it
            interval_minutes=60 if kind == SourceKind.FEED else 360,
        )
    staff = User.objects.filter(username="vhtt").first()
    manager = User.objects.filter(username="quanly").first()
    for fact_check in DEMO_FACT_CHECKS:
        FactCheck.objects.create(**fact_check, lang="vi", created_by=manager)

    items = demo_items()
    story_of = {label["id"]: label["story"] for label in _read_jsonl(DEVSET / "labels.jsonl")}
    first_report: dict[str, dt.datetime] = {}
    for index, item in enumerate(items):
        published = _published(item["id"], index, len(items))
        # Outlets report an event within days of each other: copies and follow-ups come a few
        # hours after their story's first report, so that they group as real coverage would.
        story = story_of.get(item["id"], item["id"])
        if story in first_report and item["id"] not in DATED:
            published = first_report[story] + dt.timedelta(hours=5 * (index % 7 + 1))
        first_report.setdefault(story, published)
        fetched = published + dt.timedelta(minutes=20 + index % 40)
        outlet = _host(item["url"])
        source = sources.get(outlet, sources[AGGREGATOR_HOST])
        article = Article.objects.create(
            source=source,
            url=item["url"],
            canonical_url=item["url"],
            url_hash=url_hash(item["url"]),
            outlet=outlet[:255],
            title=item["title"][:1000],
            text=item["text"],
            published=published,
            fetched_at=fetched,
            search_text=search_key(f"{item['title']} {item['text']}"),
        )
        RawPage.objects.create(
            article=article,
            final_url=item["url"],
            http_status=200,
            content_type="text/html; charset=utf-8",
            headers={"X-Kehoach-Demo": "rebuilt from the development set's text"},
            body_gzip=gzip.compress(_page(item), mtime=0),
            fetched_at=fetched,
        )
        article_analyse(article, plan=plan)
    for source in sources.values():
        newest = source.articles.order_by("-fetched_at").first()
        if newest is not None:
            source.last_new_article_at = newest.fetched_at
            source.save(update_fields=["last_new_article_at"])

    _demo_reviews(staff=staff, manager=manager)
    task = plan.tasks.order_by("order").first()
    if task is not None:
        start, end = BULLETIN_WEEK
        bulletin_issue(
            plan=plan, kind=BulletinKind.WEEKLY, start=start, end=end, task=task, by=manager
        )


def _demo_reviews(*, staff: User | None, manager: User | None) -> None:
    """Decisions on a few stories of the first months and on the claim match of the bulletin's
    week that comes first; the rest stays in the queue."""
    relevant = list(Story.objects.filter(relevant=True).order_by("first_seen", "pk")[:3])
    for story in relevant:
        review_record(by=staff, story=story, decision=Decision.RELEVANT, themes=story.themes or ())
    dropped = Story.objects.filter(relevant=True).order_by("first_seen", "pk")[3:4]
    for story in dropped:
        review_record(
            by=staff,
            story=story,
            decision=Decision.NOT_RELEVANT,
            note="Tin chung, không liên quan địa bàn.",
        )
    weak = ClaimMatch.objects.filter(score__lt=0.5).order_by("score", "pk").first()
    if weak is not None:
        review_record(
            by=staff,
            claim_match=weak,
            decision=Decision.REJECTED,
            note="Chỉ trùng cụm từ chung, bài viết không nêu thông tin sai sự thật.",
        )
    start, end = BULLETIN_WEEK
    zone = timezone.get_current_timezone()
    week = ClaimMatch.objects.filter(
        article__published__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        article__published__lt=dt.datetime.combine(end, dt.time.max, tzinfo=zone),
    ).order_by("-score", "pk")
    match = week.first()
    if match is not None:
        review_record(by=manager, claim_match=match, decision=Decision.ANSWERED, note=ANSWER)
