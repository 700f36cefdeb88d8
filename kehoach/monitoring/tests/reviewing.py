"""Monitoring data for the review, page and bulletin tests, built as the analysis would have left
it: a source of the district's culture office, one of the outsider district, a relevant story
carried by two outlets, an irrelevant article and a claim match against a fact-check."""

import datetime as dt
import gzip
import hashlib
from typing import Any

from kehoach.monitoring.models import (
    Article,
    ClaimMatch,
    FactCheck,
    FetchOutcome,
    FetchRun,
    MatchStrength,
    RawPage,
    Source,
    SourceKind,
    Story,
    Verdict,
)
from kehoach.testing import KehoachTestCase

NOW = dt.datetime(2024, 6, 15, 9, 0, tzinfo=dt.UTC)


def make_source(**fields: Any) -> Source:
    values: dict[str, Any] = {
        "name": "Báo Quảng Nam",
        "kind": SourceKind.FEED,
        "url": "https://baoquangnam.vn/rss/thoi-su.rss",
        **fields,
    }
    return Source.objects.create(**values)


def make_story(**fields: Any) -> Story:
    values: dict[str, Any] = {
        "title": "Núi Thành tuyên truyền Công ước về quyền của người khuyết tật",
        "first_seen": NOW - dt.timedelta(hours=6),
        "last_seen": NOW - dt.timedelta(hours=1),
        "relevant": True,
        "relevance": 0.87,
        "themes": ["T1"],
        "conventions": ["CRPD"],
        "places": ["Huyện Núi Thành"],
        **fields,
    }
    return Story.objects.create(**values)


def make_article(*, source: Source | None, story: Story | None = None, **fields: Any) -> Article:
    url = fields.pop("url", f"https://baoquangnam.vn/bai-{Article.objects.count() + 1}.html")
    values: dict[str, Any] = {
        "source": source,
        "url": url,
        "canonical_url": url,
        "url_hash": hashlib.sha256(url.encode()).hexdigest(),
        "outlet": "baoquangnam.vn",
        "title": "Huyện Núi Thành tuyên truyền Công ước về quyền của người khuyết tật",
        "text": (
            "Sáng 14/6, UBND huyện Núi Thành tổ chức hội nghị tuyên truyền Công ước của Liên "
            "hợp quốc về quyền của người khuyết tật cho cán bộ các xã Tam Xuân I, Tam Xuân II."
        ),
        "lang": "vi",
        "published": NOW - dt.timedelta(hours=3),
        "fetched_at": NOW - dt.timedelta(hours=2),
        "story": story,
        "relevant": True,
        "relevance": 0.87,
        "themes": ["T1"],
        "conventions": ["CRPD"],
        "places": ["Huyện Núi Thành", "Xã Tam Xuân I"],
        # The shape kehoach/monitoring/analysis/themes.py writes.
        "evidence": {
            "terms": [
                {
                    "theme": "T1",
                    "term": "Công ước",
                    "weight": 1.0,
                    "passage": "tuyên truyền Công ước của Liên hợp quốc về quyền",
                },
                {
                    "theme": "T1",
                    "term": "quyền của người khuyết tật",
                    "weight": 1.5,
                    "passage": "Liên hợp quốc về quyền của người khuyết tật cho cán bộ",
                },
            ],
            "conventions": [
                {
                    "convention": "CRPD",
                    "term": "quyền của người khuyết tật",
                    "passage": "Liên hợp quốc về quyền của người khuyết tật cho cán bộ",
                }
            ],
            "places": [
                {"place": "Huyện Núi Thành", "passage": "UBND huyện Núi Thành tổ chức hội nghị"}
            ],
            "excluded": [],
            "topic": 0.8,
            "score": 0.87,
            "model": False,
        },
        **fields,
    }
    return Article.objects.create(**values)


class MonitoringTestCase(KehoachTestCase):
    source: Source
    outsider_source: Source
    story: Story
    article: Article
    other_outlet_article: Article
    outsider_story: Story
    outsider_article: Article
    fact_check: FactCheck
    match: ClaimMatch

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source = make_source(unit=cls.office, consecutive_failures=2, last_error="HTTP 503")
        FetchRun.objects.create(
            source=cls.source,
            started_at=NOW - dt.timedelta(hours=2),
            finished_at=NOW - dt.timedelta(hours=2),
            outcome=FetchOutcome.OK,
            http_status=200,
            items_seen=40,
            articles_new=2,
        )
        FetchRun.objects.create(
            source=cls.source,
            started_at=NOW - dt.timedelta(hours=1),
            finished_at=NOW - dt.timedelta(hours=1),
            outcome=FetchOutcome.ERROR,
            http_status=503,
            error="HTTP 503 Service Unavailable",
        )
        cls.outsider_source = make_source(
            unit=cls.outsider_district,
            name="Cổng thông tin huyện Phú Ninh",
            url="https://phuninh.quangnam.gov.vn/rss",
        )
        cls.story = make_story(outlets=["baoquangnam.vn", "quangnam.gov.vn"], article_count=2)
        cls.article = make_article(source=cls.source, story=cls.story)
        cls.other_outlet_article = make_article(
            source=cls.source,
            story=cls.story,
            url="https://quangnam.gov.vn/nui-thanh-cong-uoc-nguoi-khuyet-tat.html",
            outlet="quangnam.gov.vn",
            title="Núi Thành: hội nghị tuyên truyền về quyền của người khuyết tật",
            published=NOW - dt.timedelta(hours=1),
        )
        RawPage.objects.create(
            article=cls.article,
            final_url=cls.article.url,
            http_status=200,
            content_type="text/html; charset=utf-8",
            body_gzip=gzip.compress(
                "<html><script>alert('x')</script><p>Huyện Núi Thành</p></html>".encode()
            ),
            fetched_at=NOW - dt.timedelta(hours=2),
        )
        cls.outsider_story = make_story(
            title="Phú Ninh tập huấn về quyền trẻ em", themes=["T2"], outlets=["phuninh.gov.vn"]
        )
        cls.outsider_article = make_article(
            source=cls.outsider_source,
            story=cls.outsider_story,
            url="https://phuninh.quangnam.gov.vn/tap-huan-quyen-tre-em.html",
            outlet="phuninh.quangnam.gov.vn",
            title="Phú Ninh tập huấn về quyền trẻ em",
            themes=["T2"],
        )
        cls.fact_check = FactCheck.objects.create(
            claim="Huyện Núi Thành cưỡng chế thu hồi đất của người dân tộc Cor không bồi thường",
            verdict=Verdict.FALSE,
            verdict_as_written="Sai sự thật",
            explanation="UBND huyện đã bồi thường đầy đủ theo Quyết định 1520/QĐ-UBND.",
            source_url="https://baoquangnam.vn/sai-su-that-thu-hoi-dat.html",
            publisher="Báo Quảng Nam",
            published=dt.date(2024, 5, 20),
        )
        cls.match = ClaimMatch.objects.create(
            article=cls.article,
            fact_check=cls.fact_check,
            score=0.81,
            strength=MatchStrength.STRONG,
            sentence="Có ý kiến cho rằng huyện cưỡng chế thu hồi đất của đồng bào Cor mà "
            "không bồi thường.",
            passage="cưỡng chế thu hồi đất của người dân tộc Cor không bồi thường",
        )
