from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from servista.core import clock
from servista.core.tasks import enqueue_on_commit

from .models import Notification


def notify(users, subject: str, *, body: str = "", record=None) -> list[Notification]:
    """Tell each user (once, skipping inactive accounts and duplicates);
    emails go out from the worker after the transaction commits."""
    seen = set()
    rows = []
    url = record.get_absolute_url() if record is not None else ""
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, subject=subject[:250], body=body, url=url))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        enqueue_on_commit("notifications.send_email", ids=ids)
    return created


def send_email(ids: list[int]) -> int:
    """Email the given notifications; those already sent are skipped, so the
    task may safely run twice."""
    sent = 0
    pending = Notification.objects.filter(pk__in=ids, emailed_at=None).select_related("user")
    for notification in pending:
        if not notification.user.email:
            continue
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
                emailed_at=clock.now()
            )
            if not claimed:
                continue
            send_mail(
                subject=f"[Servista] {notification.subject}",
                message=f"{notification.body}\n\n{notification.url}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.user.email],
            )
            sent += 1
    return sent


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()
