"""The agent's daily tools on every work record: response templates
(canned answers inserted from the comment box), watchers of a record (CC)
and the colleagues a journal entry mentions. The rules are in
``core/response_templates.py`` and ``core/watchers.py``."""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from servista.core import clock

# The placeholders of a response template (``core.response_templates``
# fills them); anything else between {{ and }} is refused.
PLACEHOLDERS = (
    "caller.first_name", "caller.last_name", "caller.name", "caller.email",
    "agent.first_name", "agent.last_name", "agent.name", "agent.email",
    "record.number", "record.title", "record.state", "record.priority",
)
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders of ``text`` that are not in ``PLACEHOLDERS`` (as
    written, e.g. ``{{caller.age}}``)."""
    return [match.group(0) for match in PLACEHOLDER.finditer(text)
            if match.group(1).strip() not in PLACEHOLDERS]


class ResponseTemplate(models.Model):
    """A canned answer: its owner's own (``owner``) or shared with a
    support group (``group``), never both. The body is Markdown with
    placeholders such as ``{{caller.first_name}}``, filled for the record
    it is inserted into."""

    title = models.CharField(max_length=120)
    body = models.TextField(help_text="Markdown; placeholders such as {{caller.first_name}}, "
                                      "{{record.number}}, {{record.title}}, "
                                      "{{agent.first_name}} are filled for the record.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.CASCADE, related_name="response_templates",
                              help_text="A personal template's owner (empty: a group's).")
    group = models.ForeignKey("accounts.Group", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="response_templates",
                              help_text="The group sharing it (empty: personal).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(owner__isnull=False, group__isnull=True)
            | Q(owner__isnull=True, group__isnull=False),
            name="response_template_personal_or_group")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        unknown = unknown_placeholders(self.body or "")
        if unknown:
            errors["body"] = f"Unknown placeholder {unknown[0]}."
        if (self.owner_id is None) == (self.group_id is None):
            errors["group"] = "A template is either personal (an owner) or a group's."
        if errors:
            raise ValidationError(errors)


class Watcher(models.Model):
    """A person told of a record's public comments and state changes
    (support staff also of its work notes)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="watching")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "user"],
                                               name="watcher_once_per_record")]

    def __str__(self):
        return f"{self.user} watches {self.content_type_id}#{self.object_id}"


class Mention(models.Model):
    """A colleague named with @ in a comment or work note: the entry links
    to them, and their notification links to the entry."""

    entry = models.ForeignKey("core.JournalEntry", on_delete=models.PROTECT,
                              related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="mentions")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "user"],
                                               name="mention_once_per_entry")]

    def __str__(self):
        return f"@{self.user} in entry {self.entry_id}"
