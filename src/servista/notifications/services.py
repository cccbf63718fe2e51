import contextlib
import contextvars
import re

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from servista.core import clock
from servista.core.exceptions import ValidationFailed
from servista.core.markup import markdown_html, markdown_text
from servista.core.tasks import enqueue_on_commit

from .models import MailKind, MailPreference, MailTemplate, Notification


def notify(users, subject: str, *, body: str = "", record=None, kind: str = "",
           context: dict | None = None, mail: bool = True, url: str = "") -> list[Notification]:
    """Tell each user (once, skipping inactive accounts and duplicates);
    emails go out from the worker after the transaction commits. ``kind``
    names the mail (``MailKind``): an administrator's template for it, when
    there is one, gives the words (with ``context`` and ``record``,
    ``recipient``, ``url``), and a person who muted it gets no mail.
    ``mail=False`` keeps the notice in Servista's list only. ``url``: where
    the notice leads (default: the record's page)."""
    seen = set()
    rows = []
    url = url or (record.get_absolute_url() if record is not None else "")
    thread = getattr(record, "number", "") if record is not None else ""
    template = templates().get(kind) if kind else None
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        extra_body, extra_context = _additions(kind, record, user)
        words = (subject, f"{body}\n\n{extra_body}".strip() if extra_body else body)
        if template is not None:
            words = render_template(template, {**(context or {}), **extra_context,
                                               "record": record, "recipient": user,
                                               "url": absolute_url(url)})
        rows.append(Notification(user=user, subject=words[0][:250], body=words[1], url=url,
                                 kind=kind, thread=thread))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None] if mail else []
    pending = _batch.get()
    if pending is not None:
        pending.extend(ids)
    elif ids:
        enqueue_on_commit("notifications.send_email", ids=ids)
    return created


_adders: dict[str, list] = {}


def add_to_mail(kind: str, adder) -> None:
    """Let an app add to every notice of ``kind``: ``adder(record, user)``
    returns (Markdown appended to the built-in words, context for an
    administrator's template), or None. Service levels add the survey's
    link to the "resolved" mail this way, whatever practice sends it."""
    if adder not in _adders.setdefault(kind, []):
        _adders[kind].append(adder)


def _additions(kind: str, record, user) -> tuple[str, dict]:
    texts, context = [], {}
    for adder in _adders.get(kind, ()) if kind and record is not None else ():
        added = adder(record, user)
        if added:
            texts.append(added[0])
            context.update(added[1])
    return "\n\n".join(texts), context


_batch: contextvars.ContextVar = contextvars.ContextVar("servista_mail_batch", default=None)


@contextlib.contextmanager
def batch():
    """The notifications made inside go out as one mail job."""
    if _batch.get() is not None:
        yield
        return
    ids: list[int] = []
    token = _batch.set(ids)
    try:
        yield
    finally:
        _batch.reset(token)
    if ids:
        enqueue_on_commit("notifications.send_email", ids=ids)


TEMPLATES_KEY = "servista:mail-templates"


def templates() -> dict:
    """The administrators' templates by kind, read at most every 30 seconds
    per process (saving one forgets them at once in this process)."""
    found = cache.get(TEMPLATES_KEY)
    if found is None:
        found = {t.kind: t for t in MailTemplate.objects.all()}
        cache.set(TEMPLATES_KEY, found, 30)
    return found


def render_template(template, context: dict) -> tuple[str, str]:
    """(subject, body) of an administrator's template. A template that does
    not render leaves its text as written rather than losing the mail."""
    rendered = []
    for text in (template.subject, template.body):
        try:
            rendered.append(Template(text).render(Context(context, autoescape=False)))
        except TemplateSyntaxError:
            rendered.append(text)
    return " ".join(rendered[0].split()), rendered[1].strip()


def muted(user) -> set[str]:
    preference = MailPreference.objects.filter(user=user).first()
    return set(preference.muted) if preference else set()


def set_muted(user, kinds) -> MailPreference:
    """The kinds of mail ``user`` does not want (unknown kinds refused)."""
    unknown = set(kinds) - set(MailKind.values)
    if unknown:
        raise ValidationFailed.field("muted",
                                     f"Unknown kinds of mail: {', '.join(sorted(unknown))}.")
    preference, _ = MailPreference.objects.update_or_create(
        user=user, defaults={"muted": sorted(set(kinds))})
    return preference


def absolute_url(path: str) -> str:
    """A path of Servista as a link that works from a mail client (the
    ``SERVISTA_SITE_URL`` setting gives scheme and host)."""
    if not path or "://" in path:
        return path
    return settings.SERVISTA_SITE_URL + "/" + path.lstrip("/")


def thread_id(thread: str) -> str:
    """The Message-ID every mail about a record refers to (its thread)."""
    return f"<{thread}@{mail_domain()}>"


def reply_address(thread: str) -> str:
    """The desk's address with the record's number as a reply token
    (``desk+INC0001001@example.com``), when a desk mailbox is configured."""
    address = settings.SERVISTA_MAIL_ADDRESS
    if not address or "@" not in address or not thread:
        return ""
    local, domain = address.rsplit("@", 1)
    return f"{local}+{thread}@{domain}"


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
    thread = notification.thread
    subject = strip_tags(notification.subject)
    headers = {"Auto-Submitted": "auto-generated", "X-Servista-Loop": mail_domain()}
    if thread:
        # Every mail about a record answers its thread: mail clients group
        # them, and a reply names the record (In-Reply-To, References).
        headers.update({"Message-ID": f"<{thread}.n{notification.pk}@{mail_domain()}>",
                        "In-Reply-To": thread_id(thread), "References": thread_id(thread)})
        subject = f"[{thread}] {subject}" if f"[{thread}]" not in subject else subject
    else:
        headers["Message-ID"] = f"<n{notification.pk}@{mail_domain()}>"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email.txt", context).strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
        headers=headers,
        reply_to=[reply_address(thread)] if reply_address(thread) else None,
    )
    message.attach_alternative(render_to_string("notifications/email.html", context),
                               "text/html")
    return message


def send_email(ids: list[int]) -> int:
    """Email the given notifications; those already sent are skipped, so the
    task may safely run twice."""
    sent = 0
    pending = Notification.objects.filter(pk__in=ids, emailed_at=None).select_related(
        "user", "user__mail_preference")
    for notification in pending:
        if not notification.user.email:
            continue
        preference = getattr(notification.user, "mail_preference", None)
        if preference is not None and notification.kind in preference.muted:
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
