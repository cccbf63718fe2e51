"""Files on work records: the rules every practice shares. A file belongs
to an entry of the record's activity stream (a comment, a work note, the
entry that logged the record) and is seen exactly by those who see that
entry; it is checked against the size and type limits of the settings,
its SHA-256 kept, and it is stored through Django's storage API (the
``attachments`` storage)."""

import hashlib
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File

from servista.core.exceptions import DomainError, NotFound
from servista.core.models import Attachment, JournalEntry
from servista.core.models.journal import JournalKind
from servista.core.permissions import is_agent, restrict


class FileTooLarge(DomainError):
    """A file is larger than the settings allow (HTTP 413)."""

    status = 413


class FileTypeRefused(DomainError):
    """A kind of file the settings do not take (HTTP 415)."""

    status = 415


def limits() -> dict:
    return {"max_bytes": settings.SERVISTA["ATTACHMENT_MAX_BYTES"],
            "types": [t.lower().lstrip(".") for t in settings.SERVISTA["ATTACHMENT_TYPES"]]}


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def clean_name(name: str) -> str:
    """The file's own name, without folders or control characters."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?').strip(" .")
    return name[:200] or "file"


def check(files, field: str = "files") -> None:
    """Every file within the limits, or one refusal naming the first that
    is not (nothing is stored)."""
    rules = limits()
    for upload in files:
        name = clean_name(upload.name)
        ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ending not in rules["types"]:
            message = (f"“{name}”: files of this type are not taken. Allowed: "
                       f"{', '.join(rules['types'])}.")
            raise FileTypeRefused(message, {field: [message]})
        if upload.size > rules["max_bytes"]:
            message = (f"“{name}” is {human_size(upload.size)}; the largest file taken is "
                       f"{human_size(rules['max_bytes'])}.")
            raise FileTooLarge(message, {field: [message]})


def store(entry: JournalEntry, actor, files) -> list[Attachment]:
    """Keep ``files`` on ``entry`` (checked with ``check`` first)."""
    stored = []
    for upload in files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        name = clean_name(upload.name)
        attachment = Attachment(
            entry=entry, content_type_id=entry.content_type_id, object_id=entry.object_id,
            internal=entry.kind == JournalKind.WORK_NOTE, name=name,
            mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor)
        attachment.file.save(name, File(upload), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def of_record(record, *, staff: bool) -> list[Attachment]:
    """The record's files the viewer may see (``staff``: also work notes')."""
    files = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(record),
                                      object_id=record.pk).select_related("uploaded_by")
    if not staff:
        files = files.filter(internal=False)
    return list(files)


def by_entry(record, *, staff: bool) -> dict[int, list[Attachment]]:
    grouped: dict[int, list[Attachment]] = {}
    for attachment in of_record(record, staff=staff):
        grouped.setdefault(attachment.entry_id, []).append(attachment)
    return grouped


def visible(user, pk) -> Attachment:
    """The attachment ``pk`` if ``user`` may see it: they see its record and,
    for a file on a work note, they are support staff. Else NotFound (a
    requester learns nothing of a file they may not see)."""
    attachment = Attachment.objects.filter(pk=pk).select_related("content_type").first()
    if attachment is None or not getattr(user, "is_authenticated", False):
        raise NotFound("No such file.")
    model = attachment.content_type.model_class()
    if model is None or not restrict(model._default_manager.filter(pk=attachment.object_id),
                                     user).exists():
        raise NotFound("No such file.")
    if attachment.internal and not is_agent(user):
        raise NotFound("No such file.")
    return attachment
