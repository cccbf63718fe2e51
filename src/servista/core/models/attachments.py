from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse

from servista.core import clock


def attachment_storage():
    """Where files are kept: the ``attachments`` storage of STORAGES (a
    folder in SERVISTA_HOME by default, an S3-compatible bucket when
    configured)."""
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    # The checksum names the stored file: the name people gave it may hold
    # anything, and is kept in ``name``.
    when = clock.now()
    return f"{when:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file on an entry of a work record's activity stream (a comment, a
    work note, or the entry that logged the record). It is seen by whoever
    sees its entry: a file on a work note never reaches a requester."""

    entry = models.ForeignKey("core.JournalEntry", on_delete=models.PROTECT,
                              related_name="attachments")
    # The record, repeated from the entry: a record's files in one look-up.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    internal = models.BooleanField(default=False, help_text="On a work note: staff only.")
    file = models.FileField(storage=attachment_storage, upload_to=attachment_path,
                            max_length=300)
    name = models.CharField(max_length=255)
    mimetype = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attachment", args=[self.pk, self.name])

    @property
    def is_image(self) -> bool:
        return self.mimetype in INLINE_IMAGES


# Images a browser shows inline (never SVG: it may carry scripts).
INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
