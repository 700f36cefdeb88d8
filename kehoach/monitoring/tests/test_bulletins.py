"""The monitoring bulletin: what it counts, the record of task 1 it writes, the e-mail to the
plan's managers and the .docx (monitoring/bulletins.py)."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from docx import Document

from kehoach.activities.models import Record, RecordKind
from kehoach.monitoring import bulletins, review
from kehoach.monitoring.models import (
    Article,
    ClaimMatch,
    Decision,
    MatchStrength,
    MonitoringBulletin,
    ThemeDefinition,
)

from .reviewing import MonitoringTestCase, make_article

DAY = dt.date(2024, 6, 15)


class BulletinBuildTest(MonitoringTestCase):
    loose: Article

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ThemeDefinition.objects.create(
            plan=cls.district_plan, code="T1", name="Tuyên truyền các công ước"
        )
        # An article of the district's source with no story, about children's rights.
        cls.loose = make_article(
            source=cls.source,
            url="https://baoquangnam.vn/tre-em-tam-xuan.html",
            title="Tam Xuân II ra mắt mô hình bảo vệ trẻ em",
            themes=["T2"],
            conventions=["CRC"],
        )
        # Not relevant, and a week earlier: neither counts.
        make_article(
            source=cls.source,
            url="https://baoquangnam.vn/gia-lua.html",
            title="Giá lúa tăng",
            relevant=False,
            themes=[],
        )
        make_article(
            source=cls.source,
            url="https://baoquangnam.vn/tuan-truoc.html",
            published=dt.datetime(2024, 6, 7, 8, 0, tzinfo=dt.UTC),
        )

    def build(self) -> dict[str, Any]:
        return bulletins.bulletin_build(plan=self.district_plan, kind="daily", start=DAY, end=DAY)

    def test_it_counts_per_theme_and_per_outlet_the_districts_relevant_news_of_the_day(self):
        content = self.build()
        assert (content["articles"], content["stories"]) == (3, 2)
        assert [(t["code"], t["name"], t["articles"]) for t in content["themes"]] == [
            ("T1", "Tuyên truyền các công ước", 2),
            ("T2", "", 1),
        ]
        top = content["themes"][0]["top"]
        assert [(e["title"], e["articles"], e["outlets"]) for e in top] == [
            (self.story.title, 2, ["baoquangnam.vn", "quangnam.gov.vn"])
        ]
        assert content["outlets"] == [
            {"outlet": "baoquangnam.vn", "articles": 2},
            {"outlet": "quangnam.gov.vn", "articles": 1},
        ]
        # Phú Ninh's story is of another district's source.
        assert "Phú Ninh" not in str(content)

    def test_reviewers_decisions_win_over_the_analysis(self):
        review.review_record(
            by=self.office_staff, story=self.story, decision=Decision.RELEVANT, themes=["T4"]
        )
        assert [t["code"] for t in self.build()["themes"]] == ["T2", "T4"]
        review.review_record(by=self.office_staff, story=self.story, decision=Decision.NOT_RELEVANT)
        assert self.build()["articles"] == 1

    def test_claim_matches_come_with_the_answers_given(self):
        review.review_record(
            by=self.office_staff,
            claim_match=self.match,
            decision=Decision.ANSWERED,
            note="Phòng VH&TT đã đăng bài cải chính trên Cổng TTĐT huyện ngày 15/6.",
        )
        (claim,) = self.build()["claims"]
        assert claim["claim"] == self.fact_check.claim
        assert claim["decision"] == Decision.ANSWERED
        assert claim["answers"] == [
            "Phòng VH&TT đã đăng bài cải chính trên Cổng TTĐT huyện ngày 15/6."
        ]

    def test_a_rejected_match_is_left_out(self):
        weak = ClaimMatch.objects.create(
            article=self.loose,
            fact_check=self.fact_check,
            score=0.41,
            strength=MatchStrength.SUGGESTED,
            sentence="Người dân Tam Xuân II được hỗ trợ đất sản xuất.",
        )
        review.review_record(by=self.office_staff, claim_match=weak, decision=Decision.REJECTED)
        assert [c["match"] for c in self.build()["claims"]] == [self.match.pk]

    def test_a_weekly_bulletin_reaches_back_seven_days(self):
        content = bulletins.bulletin_build(
            plan=self.district_plan, kind="weekly", start=dt.date(2024, 6, 7), end=DAY
        )
        assert content["articles"] == 4

    def test_it_refuses_a_period_that_ends_before_it_starts(self):
        with pytest.raises(ValidationError):
            bulletins.bulletin_build(
                plan=self.district_plan, kind="daily", start=DAY, end=DAY - dt.timedelta(1)
            )


class BulletinIssueTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.manager.email = "toan.nv@nuithanh.gov.vn"
        self.manager.save()

    def issue(self) -> MonitoringBulletin:
        with self.captureOnCommitCallbacks(execute=True):
            return bulletins.bulletin_issue(
                plan=self.district_plan,
                kind="daily",
                start=DAY,
                end=DAY,
                task=self.office_task,
                by=self.office_staff,
            )

    def test_it_is_a_bulletin_record_of_the_monitoring_task(self):
        bulletin = self.issue()
        record = Record.objects.get()
        assert bulletin.record == record
        assert record.kind == RecordKind.BULLETIN
        assert list(record.tasks.all()) == [self.office_task]
        assert list(record.themes.all()) == list(self.office_task.themes.all()) != []
        assert record.unit == self.office  # the task's lead unit
        assert (record.bulletin.period_start, record.bulletin.period_end) == (DAY, DAY)
        assert record.bulletin.items == 1
        assert record.created_by == self.office_staff

    def test_it_is_mailed_to_the_plans_managers(self):
        self.issue()
        (message,) = mail.outbox
        assert message.to == ["toan.nv@nuithanh.gov.vn"]
        assert self.story.title in message.body
        assert "Sai sự thật" not in message.subject

    def test_a_task_of_another_plan_is_refused_and_nothing_is_kept(self):
        with pytest.raises(ValidationError):
            bulletins.bulletin_issue(
                plan=self.district_plan,
                kind="daily",
                start=DAY,
                end=DAY,
                task=self.commune_a_task,
                by=self.office_staff,
            )
        assert not MonitoringBulletin.objects.exists() and not Record.objects.exists()

    def test_the_docx_is_a_bulletin_of_the_district(self):
        data = bulletins.bulletin_docx(self.issue())
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        cells = "\n".join(
            cell.text
            for table in Document(io.BytesIO(data)).tables
            for row in table.rows
            for cell in row.cells
        )
        assert "BẢN TIN" in text
        assert "HUYỆN NÚI THÀNH" in cells
        assert "Núi Thành, ngày 15 tháng 6 năm 2024" in cells
        assert self.story.title in cells
        assert self.fact_check.claim in cells
