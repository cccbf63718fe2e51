from django.conf import settings
from django.db import models
from django.urls import reverse

from servista.core import clock
from servista.core.models import WorkRecord

from .choices import ArticleState, Audience


class Article(WorkRecord):
    """A knowledge article. The record holds the working copy (title in
    ``short_description``, Markdown body in ``description``); every
    publication keeps a copy as an ``ArticleVersion``, and readers see the
    last published one (``published_version``) until the article retires.
    Impact, urgency and priority of the work record are not used."""

    number_prefix = "KB"
    State = ArticleState
    public_fields = frozenset({"short_description", "state"})

    state = models.CharField(max_length=32, choices=ArticleState.choices,
                             default=ArticleState.DRAFT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", help_text="Responsible for the content")
    audience = models.CharField(max_length=16, choices=Audience.choices,
                                default=Audience.AGENTS)
    audience_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       help_text="The group that reads it (audience 'group')")
    keywords = models.CharField(max_length=200, blank=True,
                                help_text="Other words readers search with")
    review_due = models.DateField(null=True, blank=True, help_text="When the owner checks it "
                                                                   "is still right")
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    published_version = models.ForeignKey("ArticleVersion", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    not_helpful_count = models.PositiveIntegerField(default=0, editable=False)
    deflection_count = models.PositiveIntegerField(default=0, editable=False)

    # Readers' counters are not changes of the article.
    unaudited_fields = WorkRecord.unaudited_fields | {
        "view_count", "helpful_count", "not_helpful_count", "deflection_count",
        "review_reminded_on"}

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "id"], name="kb_state"),
                   models.Index(fields=["review_due"], name="kb_review_due")]

    def get_absolute_url(self):
        return reverse("knowledge:article", args=[self.number])

    def get_reader_url(self):
        return reverse("knowledge:read", args=[self.number])

    @property
    def is_live(self) -> bool:
        return self.published_version_id is not None and self.state != ArticleState.RETIRED


class ArticleVersion(models.Model):
    """One published text of an article, kept for ever (what readers saw)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    keywords = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(default=clock.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["article", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"],
                                               name="kb_version_number")]

    def __str__(self):
        return f"{self.article.number} v{self.number}"

    def get_absolute_url(self):
        return reverse("knowledge:version", args=[self.article.number, self.number])


class Feedback(models.Model):
    """A reader's "was this helpful?", with an optional comment; one per
    reader and article (a second answer replaces the first)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(ArticleVersion, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["article", "user"],
                                               name="kb_feedback_per_reader")]

    def __str__(self):
        return f"{self.article.number}: {'helpful' if self.helpful else 'not helpful'}"


class Deflection(models.Model):
    """A reader said an article solved their problem: no ticket was logged.
    Counted per article and per service."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    service = models.ForeignKey("catalog.Service", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    query = models.CharField(max_length=200, blank=True, help_text="What the reader typed")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "created_at"], name="kb_deflection"),
                   models.Index(fields=["service", "created_at"], name="kb_deflection_service")]

    def __str__(self):
        return f"{self.article.number} solved it for {self.user}"
