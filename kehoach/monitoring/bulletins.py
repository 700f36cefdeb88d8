"""The monitoring bulletin of a plan: a day's or a week's synthesis of the news its units'
sources brought (top stories per theme, counts per outlet and per theme, claim matches and the
answers given), issued as a record of the plan's monitoring task, sent to the plan's managers
and written as a .docx.

Which news: articles dated in the period (published, or fetched when undated) from the sources
of units inside the plan issuer's subtree. Reviewers' decisions win over the analysis: a story
a reviewer said is not relevant is left out, one they said is relevant is kept, with the themes
they gave.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts.models import Role, RoleAssignment
from kehoach.activities.models import RecordKind
from kehoach.activities.services import record_create
from kehoach.lib.documents import OfficialDocument, Section, write_docx
from kehoach.plans.models import AssignmentRole, Plan, Task, UnitScope
from kehoach.units.models import ADMINISTRATIVE_KINDS, Unit

from .models import (
    Article,
    BulletinKind,
    ClaimMatch,
    Decision,
    MonitoringBulletin,
    Review,
    Story,
    ThemeDefinition,
)

TOP_STORIES_PER_THEME = 5
THEME_CODES = ("T1", "T2", "T3", "T4", "T5")
UNTHEMED = "—"
# Words naming the kind of a unit, dropped from the place of the date line ("Núi Thành").
_KIND_WORDS = re.compile(
    r"^(tỉnh|thành phố|huyện|thị xã|quận|xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE
)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end + 1 day 00:00) in the site's time zone."""
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return first, after


def bulletin_articles(*, plan: Plan, start: dt.date, end: dt.date) -> list[Article]:
    first, after = _bounds(start, end)
    dated = Q(published__gte=first, published__lt=after) | Q(
        published__isnull=True, fetched_at__gte=first, fetched_at__lt=after
    )
    return list(
        Article.objects.filter(dated, source__unit__path__startswith=plan.issuer.path)
        .select_related("story")
        .order_by("published", "pk")
    )


def _latest_reviews(field: str, ids: set[int]) -> dict[int, Review]:
    """The latest review of each story (or match) among `ids`."""
    latest: dict[int, Review] = {}
    for review in Review.objects.filter(**{f"{field}__in": ids}).order_by("at", "pk"):
        latest[getattr(review, f"{field}_id")] = review
    return latest


def _when(article: Article) -> dt.datetime:
    return article.published or article.fetched_at


def bulletin_build(*, plan: Plan, kind: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The bulletin's content as JSON-ready data (kept in MonitoringBulletin.content)."""
    if kind not in BulletinKind.values:
        raise ValidationError(_("%(value)s is not a kind of bulletin.") % {"value": kind})
    if start > end:
        raise ValidationError(_("The bulletin's period ends before it starts."))
    articles = bulletin_articles(plan=plan, start=start, end=end)
    story_ids = {a.story_id for a in articles if a.story_id}
    story_reviews = _latest_reviews("story", story_ids)

    def relevant_with_themes(article: Article) -> tuple[bool, list[str]]:
        story = article.story
        if story is not None:
            decision = story_reviews.get(story.pk)
            if decision is not None:
                return decision.decision == Decision.RELEVANT, decision.themes or story.themes
            return story.relevant, story.themes
        return article.relevant, article.themes

    kept: list[tuple[Article, list[str]]] = []
    for article in articles:
        relevant, themes = relevant_with_themes(article)
        if relevant:
            kept.append((article, list(themes)))

    by_outlet = Counter(article.outlet or UNTHEMED for article, _t in kept)
    by_theme: Counter[str] = Counter()
    stories_by_theme: dict[str, dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
    loose: dict[str, list[Article]] = defaultdict(list)
    for article, themes in kept:
        for code in themes or [UNTHEMED]:
            by_theme[code] += 1
            if article.story_id:
                stories_by_theme[code][article.story_id].append(article)
            else:
                loose[code].append(article)

    stories = {s.pk: s for s in Story.objects.filter(pk__in=story_ids)}
    names = dict(ThemeDefinition.objects.filter(plan=plan).values_list("code", "name"))
    themes_out = []
    for code in [*THEME_CODES, UNTHEMED]:
        if not by_theme.get(code):
            continue
        entries: list[dict[str, Any]] = []
        for story_id, story_articles in stories_by_theme[code].items():
            story = stories[story_id]
            outlets = sorted({a.outlet for a in story_articles if a.outlet})
            entries.append(
                {
                    "story": story_id,
                    "title": story.title,
                    "articles": len(story_articles),
                    "outlets": outlets,
                    "first": _when(story_articles[0]).isoformat(),
                    "url": story_articles[0].url,
                }
            )
        for article in loose[code]:
            entries.append(
                {
                    "story": None,
                    "title": article.title,
                    "articles": 1,
                    "outlets": [article.outlet] if article.outlet else [],
                    "first": _when(article).isoformat(),
                    "url": article.url,
                }
            )
        entries.sort(key=lambda e: (-e["articles"], e["first"]))
        themes_out.append(
            {
                "code": code,
                "name": names.get(code, ""),
                "articles": by_theme[code],
                "stories": len(entries),
                "top": entries[:TOP_STORIES_PER_THEME],
            }
        )

    matches = list(
        ClaimMatch.objects.filter(article__in=[a.pk for a in articles])
        .select_related("article", "fact_check")
        .order_by("-score", "pk")
    )
    match_reviews = _latest_reviews("claim_match", {m.pk for m in matches})
    answers: dict[int, list[str]] = defaultdict(list)
    for review in Review.objects.filter(
        claim_match__in=[m.pk for m in matches], decision=Decision.ANSWERED
    ).order_by("at", "pk"):
        assert review.claim_match_id is not None
        answers[review.claim_match_id].append(review.note)
    claims_out = []
    for match in matches:
        decision = match_reviews.get(match.pk)
        if decision is not None and decision.decision == Decision.REJECTED:
            continue
        claims_out.append(
            {
                "match": match.pk,
                "claim": match.fact_check.claim,
                "verdict": match.fact_check.verdict,
                "verdict_label": match.fact_check.get_verdict_display(),
                "fact_check_url": match.fact_check.source_url,
                "sentence": match.sentence,
                "article": match.article.title,
                "article_url": match.article.url,
                "outlet": match.article.outlet,
                "score": round(match.score, 3),
                "strength": match.strength,
                "decision": decision.decision if decision else "",
                "answers": answers.get(match.pk, []),
            }
        )
    return {
        "plan": plan.title,
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "articles": len(kept),
        "stories": len({a.story_id or -a.pk for a, _t in kept}),
        "themes": themes_out,
        "outlets": [{"outlet": o, "articles": n} for o, n in by_outlet.most_common()],
        "claims": claims_out,
    }


def _record_unit(task: Task) -> Unit:
    """The unit the record is of: the task's single lead unit, else the plan's issuer."""
    for assignment in task.assignments.all():
        if (
            assignment.role == AssignmentRole.LEAD
            and assignment.unit is not None
            and assignment.scope == UnitScope.UNIT
        ):
            return assignment.unit
    return task.plan.issuer


def bulletin_title(content: dict[str, Any]) -> str:
    start = dt.date.fromisoformat(content["start"])
    end = dt.date.fromisoformat(content["end"])
    if start == end:
        return _("News monitoring bulletin of %(day)s") % {"day": start.strftime("%d/%m/%Y")}
    return _("News monitoring bulletin from %(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }


def plan_managers(plan: Plan) -> list[User]:
    """Active users managing the plan: plan managers at its issuer or at a unit above it."""
    ancestors = [int(part) for part in plan.issuer.path.strip("/").split("/")]
    ids = RoleAssignment.objects.filter(role=Role.PLAN_MANAGER, unit__in=ancestors).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def bulletin_text(content: dict[str, Any]) -> str:
    """The bulletin as plain text, for the e-mail."""
    lines = [bulletin_title(content), content["plan"], ""]
    lines.append(
        _("%(articles)s relevant articles in %(stories)s stories.")
        % {"articles": content["articles"], "stories": content["stories"]}
    )
    for theme in content["themes"]:
        lines += ["", f"{theme['code']} {theme['name']} ({theme['articles']})"]
        lines += [
            f"- {entry['title']} ({entry['articles']}; {', '.join(entry['outlets'])})"
            for entry in theme["top"]
        ]
    if content["outlets"]:
        lines += ["", _("Articles per outlet:")]
        lines += [f"- {row['outlet']}: {row['articles']}" for row in content["outlets"]]
    if content["claims"]:
        lines += ["", _("Claims matching fact-checks:")]
        for claim in content["claims"]:
            lines.append(f"- “{claim['sentence']}” ({claim['outlet']}) ~ “{claim['claim']}”: ")
            lines[-1] += claim["verdict_label"]
            lines += [_("  Answer: %(answer)s") % {"answer": a} for a in claim["answers"]]
    return "\n".join(lines)


def _send(recipients: list[str], subject: str, body: str) -> None:
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]
    get_connection(fail_silently=True).send_messages(messages)


@transaction.atomic
def bulletin_issue(
    *,
    plan: Plan,
    kind: str,
    start: dt.date,
    end: dt.date,
    task: Task,
    by: AbstractBaseUser | AnonymousUser | None,
) -> MonitoringBulletin:
    """Build the bulletin, keep it, write it as a "bulletin" record of the plan's monitoring
    task and e-mail it to the plan's managers once the transaction commits."""
    if task.plan_id != plan.pk:
        raise ValidationError(_("The task is not one of the plan's."))
    content = bulletin_build(plan=plan, kind=kind, start=start, end=end)
    title = bulletin_title(content)
    record = record_create(
        kind=RecordKind.BULLETIN,
        unit=_record_unit(task),
        date=end,
        title=title,
        by=by,
        tasks=[task],
        # A record of the task is about what the task is about.
        themes=list(task.themes.all()),
        description=_("%(articles)s relevant articles in %(stories)s stories.")
        % {"articles": content["articles"], "stories": content["stories"]},
        detail={
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "items": content["stories"],
        },
    )
    bulletin = MonitoringBulletin.objects.create(
        plan=plan,
        kind=kind,
        start=start,
        end=end,
        content=content,
        record=record,
        created_by=by if isinstance(by, User) else None,
    )
    recipients = [user.email for user in plan_managers(plan) if user.email]
    if recipients:
        body = bulletin_text(content)
        transaction.on_commit(lambda: _send(recipients, title, body))
    return bulletin


def bulletin_document(bulletin: MonitoringBulletin) -> OfficialDocument:
    """The bulletin in the layout of an official document (BẢN TIN), issued by the plan's
    issuer."""
    content = bulletin.content
    issuer = bulletin.plan.issuer
    government: Unit | None = issuer
    while government is not None and government.kind not in ADMINISTRATIVE_KINDS:
        government = government.parent
    place = _KIND_WORDS.sub("", (government or issuer).name).strip()
    if issuer.kind in ADMINISTRATIVE_KINDS or issuer.parent is None:
        issuer_lines = ("ỦY BAN NHÂN DÂN", issuer.name)
    else:
        issuer_lines = (issuer.parent.name, issuer.name)
    sections = [
        Section(
            heading=_("I. OVERVIEW"),
            paragraphs=[
                _("%(articles)s relevant articles in %(stories)s stories.")
                % {"articles": content["articles"], "stories": content["stories"]}
            ],
            table=[
                [_("Outlet"), _("Articles")],
                *([row["outlet"], str(row["articles"])] for row in content["outlets"]),
            ]
            if content["outlets"]
            else None,
        ),
        Section(
            heading=_("II. TOP STORIES PER THEME"),
            table=[
                [_("Theme"), _("Story"), _("Articles"), _("Outlets")],
                *(
                    [
                        f"{theme['code']} {theme['name']}".strip(),
                        entry["title"],
                        str(entry["articles"]),
                        ", ".join(entry["outlets"]),
                    ]
                    for theme in content["themes"]
                    for entry in theme["top"]
                ),
            ]
            if content["themes"]
            else None,
        ),
        Section(
            heading=_("III. CLAIMS MATCHING FACT-CHECKS AND THE ANSWERS GIVEN"),
            table=[
                [_("The article says"), _("The fact-checked claim"), _("Verdict"), _("Answer")],
                *(
                    [
                        f"{claim['sentence']} ({claim['outlet']})",
                        claim["claim"],
                        claim["verdict_label"],
                        "; ".join(claim["answers"]),
                    ]
                    for claim in content["claims"]
                ),
            ]
            if content["claims"]
            else None,
            paragraphs=[] if content["claims"] else [_("No claim matched a fact-check.")],
        ),
    ]
    return OfficialDocument(
        issuer_parent=issuer_lines[0],
        issuer=issuer_lines[1],
        number="",
        type_code="BT",
        issuer_code="UBND",
        place=place or issuer.name,
        date=bulletin.end,
        title_kind="BẢN TIN",
        title=bulletin_title(content),
        sections=sections,
        recipients_cc=[_("Kept on file.")],
        signer_authority="",
        signer_title="",
    )


def bulletin_docx(bulletin: MonitoringBulletin) -> bytes:
    return write_docx(bulletin_document(bulletin))
