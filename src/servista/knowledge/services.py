"""Knowledge management: every rule about articles lives here.

The kit (``core.records.services.RecordService``) gives numbering, the
journal, links, comments, assignment and bulk; this module adds the
article's own life: its owner and audience, review (submit, send back,
publish with a kept version, revise, retire), the review date and its
reminder, and what readers do: read (counted), say whether it helped,
and say it solved their problem (a deflection: no ticket logged).
"""

import difflib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q

from servista.core import clock
from servista.core import services as records
from servista.core.exceptions import Forbidden, NotFound, ValidationFailed
from servista.core.records.services import Errors, Plan, RecordService
from servista.notifications.services import notify

from .choices import ArticleState, Audience
from .models import Article, ArticleVersion, Deflection, Feedback
from .policies import readable_filter

State = ArticleState
TEXT_FIELDS = ("short_description", "description", "keywords")


def review_days() -> int:
    return int(settings.SERVISTA.get("KB_REVIEW_DAYS", 180))


class ArticleService(RecordService):
    model = Article
    creatable_fields = ("short_description", "description", "keywords", "service",
                        "configuration_item", "affected_services", "affected_cis",
                        "assignment_group", "assigned_to", "owner", "audience",
                        "audience_group", "review_due")
    editable_fields = (*creatable_fields, "state")

    def plan_create(self, actor, fields, errors):
        super().plan_create(actor, fields, errors)
        fields["owner"] = fields.get("owner") or actor
        fields.setdefault("audience", Audience.AGENTS)
        self._check_people(fields, fields, errors)

    def _check_people(self, values: dict, given: dict, errors: Errors) -> None:
        owner = values.get("owner")
        if "owner" in given and (owner is None or not owner.is_agent or not owner.is_active):
            errors.add("owner", "The owner is an active member of the support staff.")
        audience = values.get("audience")
        if audience not in Audience.labels:
            errors.add("audience", f"Use one of {', '.join(Audience.values)}.")
        elif audience == Audience.GROUP and values.get("audience_group") is None:
            errors.add("audience_group", "Name the group the article is for.")
        elif audience != Audience.GROUP and values.get("audience_group") is not None:
            errors.add("audience_group", "Only an article for one group names a group.")

    def plan_update(self, article, actor, data, plan, errors):
        for name in ("keywords", "owner", "audience", "audience_group", "review_due"):
            if name in data:
                plan.changes[name] = data[name]
        if {"owner", "audience", "audience_group"} & set(data):
            values = {"owner": article.owner, "audience": article.audience,
                      "audience_group": article.audience_group,
                      **{k: data[k] for k in ("owner", "audience", "audience_group")
                         if k in data}}
            if "audience" in data and data["audience"] != Audience.GROUP \
                    and "audience_group" not in data:
                values["audience_group"] = plan.changes["audience_group"] = None
            self._check_people(values, data, errors)
        text_changed = any(name in data and data[name] != getattr(article, name)
                           for name in TEXT_FIELDS)
        if text_changed and article.state == State.PUBLISHED and "state" not in data:
            # Editing a published article starts a revision; readers keep the
            # published version until the revision is published.
            self.plan_transition(article, actor, State.DRAFT, data, plan, errors)

    def permission_for_transition(self, article, target):
        if target == State.PUBLISHED:
            return "publish"
        if target == State.RETIRED:
            return "retire"
        return "change"

    def transition_fields(self, article, actor, target, data, plan, errors, now):
        if target == State.IN_REVIEW and not (data.get("description", article.description)
                                              or "").strip():
            errors.add("description", "Write the article before submitting it for review.")
        if target == State.RETIRED and not (data.get("reason") or "").strip():
            errors.add("reason", "Say why the article is retired.")
        if target == State.PUBLISHED:
            if article.first_published_at is None:
                plan.changes["first_published_at"] = now
            due = article.review_due
            if due is None or due <= now.date():
                plan.changes["review_due"] = now.date() + timedelta(days=review_days())
            plan.then.append(_keep_version)


def _keep_version(article: Article, actor) -> None:
    """A publication: the working copy becomes the next kept version and
    the one readers see."""
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ArticleVersion.objects.create(
        article=article, number=last + 1, title=article.short_description,
        body=article.description, keywords=article.keywords, published_at=clock.now(),
        published_by=actor)
    records.save_changes(article, actor, {"published_version": version},
                         body=f"Published as version {version.number}.")


rules = ArticleService()


def policy():
    return rules.policy()


create_article = rules.create
update_article = rules.update
change_state = rules.change_state
comment = rules.comment
work_note = rules.work_note


def submit(article, actor, *, reason: str = "", expected_version=None):
    return change_state(article, actor, State.IN_REVIEW, reason=reason,
                        expected_version=expected_version)


def publish(article, actor, *, reason: str = "", expected_version=None):
    return change_state(article, actor, State.PUBLISHED, reason=reason,
                        expected_version=expected_version)


def send_back(article, actor, *, reason: str, expected_version=None):
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say what the author should change.")
    return change_state(article, actor, State.DRAFT, reason=reason,
                        expected_version=expected_version)


def revise(article, actor, *, reason: str = "", expected_version=None):
    return change_state(article, actor, State.DRAFT, reason=reason,
                        expected_version=expected_version)


def retire(article, actor, *, reason: str, expected_version=None):
    return change_state(article, actor, State.RETIRED, reason=reason,
                        expected_version=expected_version)


@transaction.atomic
def mark_reviewed(article, actor, *, review_due=None, reason: str = "",
                  expected_version=None):
    """The owner (or a reviewer) checked that the published article is still
    right: the next review date moves on."""
    policy().require(actor, "change", article)
    rec = rules.lock(article, expected_version)
    rules.require_not_final(rec)
    if rec.published_version_id is None:
        raise ValidationFailed.field("state", "Only a published article is reviewed.")
    today = clock.now().date()
    due = review_due or today + timedelta(days=review_days())
    if due <= today:
        raise ValidationFailed.field("review_due", "The next review is after today.")
    body = f"Reviewed: still right. {reason}".strip()
    return rules.commit(rec, actor, Plan(changes={"review_due": due}), body=body)


# --- reading ---------------------------------------------------------------------------


def readable(user):
    """The articles ``user`` may read: published, not retired, for them."""
    return Article.objects.filter(readable_filter(user))


def live_versions(user):
    """The published text of every article ``user`` may read."""
    return ArticleVersion.objects.filter(
        article__published_version=F("pk"), article__in=readable(user).values("pk"))


def get_readable(user, ident) -> Article:
    from servista.core import lookup

    article = lookup.find(readable(user).select_related("published_version", "service",
                                                         "owner"), str(ident))
    if article is None:
        raise NotFound(f"No article {ident}.")
    return article


def count_view(article: Article) -> None:
    """One more reading (no journal entry: reading changes nothing)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def give_feedback(article: Article, user, *, helpful: bool, comment: str = "") -> Feedback:
    """Was it helpful? One answer per reader (a second one replaces it);
    the article's counts follow."""
    article = get_readable(user, article.pk)
    if not isinstance(helpful, bool):
        raise ValidationFailed.field("helpful", "Say yes or no.")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationFailed.field("comment", "Keep the comment under 2,000 characters.")
    feedback, _ = Feedback.objects.update_or_create(
        article=article, user=user,
        defaults={"helpful": helpful, "comment": comment,
                  "version_id": article.published_version_id, "created_at": clock.now()})
    counts = Feedback.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
    Article.objects.filter(pk=article.pk).update(helpful_count=counts["yes"],
                                                 not_helpful_count=counts["no"])
    if not helpful and article.owner_id != user.pk:
        notify([article.owner], f"{article.number} did not help a reader",
               body=comment[:500], record=article)
    return feedback


@transaction.atomic
def deflect(article: Article, user, *, service=None, query: str = "") -> Deflection:
    """The reader's problem is solved by the article: no ticket is logged;
    counted for the article and for the service."""
    article = get_readable(user, article.pk)
    deflection = Deflection.objects.create(
        article=article, user=user, service=service or article.service,
        query=(query or "").strip()[:200])
    Article.objects.filter(pk=article.pk).update(deflection_count=F("deflection_count") + 1)
    return deflection


def deflections_by_service(since=None) -> list[dict]:
    """How many problems articles solved, per service (None: no service)."""
    rows = Deflection.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return list(rows.values("service", "service__name").annotate(count=Count("pk"))
                .order_by("-count", "service__name"))


@transaction.atomic
def used_to_resolve(article: Article, record, actor) -> None:
    """``record`` (an incident...) was resolved with the article: linked,
    so the article shows the records it resolved."""
    from servista.core.models import Link

    if not (actor.is_agent and readable(actor).filter(pk=article.pk).exists()):
        raise Forbidden("Only support staff link records to the articles they read.")
    exists = Link.objects.filter(
        source_id=record.pk, target_id=article.pk, kind="resolved_by",
        source_type__model=record._meta.model_name,
        source_type__app_label=record._meta.app_label).exists()
    if not exists:
        records.link(record, article, actor, "resolved_by")


def resolved_records(article: Article) -> list:
    """The records resolved with this article (newest first)."""
    rows = [row for row in records.links_of(article)
            if row["link"].kind == "resolved_by" and row["direction"] == "incoming"
            and row["other"] is not None]
    return [row["other"] for row in sorted(rows, key=lambda r: -r["link"].pk)]


# --- versions --------------------------------------------------------------------------------


def diff(older: ArticleVersion, newer: ArticleVersion) -> list[tuple[str, str]]:
    """The lines of two versions, as (kind, text): ' ' kept, '-' removed,
    '+' added (the title first)."""
    a = [f"# {older.title}", *older.body.splitlines()]
    b = [f"# {newer.title}", *newer.body.splitlines()]
    out = []
    for line in difflib.ndiff(a, b):
        kind, text = line[:1], line[2:]
        if kind in (" ", "-", "+"):
            out.append((kind, text))
    return out


# --- review reminders (background) ----------------------------------------------------------


def remind_reviews(today=None) -> int:
    """Tell the owners of published articles whose review date has come
    (once per review date)."""
    today = today or clock.now().date()
    due = Article.objects.filter(published_version__isnull=False, review_due__lte=today) \
        .exclude(state=State.RETIRED).exclude(review_reminded_on=F("review_due")) \
        .select_related("owner")
    told = 0
    for article in due:
        notify([article.owner], f"Review due: {article.number} {article.short_description}",
               body=f"The article was due for review on {article.review_due:%Y-%m-%d}. "
                    "Check that it is still right, then mark it reviewed or revise it.",
               record=article)
        Article.objects.filter(pk=article.pk).update(review_reminded_on=article.review_due)
        told += 1
    return told
