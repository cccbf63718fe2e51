import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from servista.core import clock
from servista.core.markup import markdown_html, markdown_text
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


def absolute_url(path: str) -> str:
    """A path of Servista as a link that works from a mail client (the
    ``SERVISTA_SITE_URL`` setting gives scheme and host)."""
    if not path or "://" in path:
        return path
    return settings.SERVISTA_SITE_URL + "/" + path.lstrip("/")


def mail_domain() -> str:
    """The domain of Servista's message ids (the site's host)."""
    host = settings.SERVISTA_SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    return host.split(":", 1)[0] or "servista.invalid"


def render_message(notification) -> EmailMultiAlternatives:
    """A notification as a mail: a plain-text part (Markdown reduced to its
    words) and an HTML part (Markdown formatted and sanitised), both with an
    absolute link to the record."""
    context = {
        "notification": notification,
        "url": absolute_url(notification.url),
        "body_text": markdown_text(notification.body),
        # Links written as paths ("/kb/1/") work from a mail client too.
        "body_html": re.sub(r'href="/(?!/)', f'href="{absolute_url("/")}',
                            markdown_html(notification.body)),
    }
    message = EmailMultiAlternatives(
        subject=f"[Servista] {strip_tags(notification.subject)}",
        body=render_to_string("notifications/email.txt", context).strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
        headers={"Message-ID": f"<notification-{notification.pk}@{mail_domain()}>",
                 "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("notifications/email.html", context),
                               "text/html")
    return message


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
            render_message(notification).send()
            sent += 1
    return sent


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()
