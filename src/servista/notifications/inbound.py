"""Mail into the service desk: each message read once (by its Message-ID);
automatic mail (auto-replies, bounces, mailing lists, our own mail coming
back) ignored; a reply lands on its record as a comment with its files,
matched by In-Reply-To/References first, then by the record's token in the
address (desk+INC0001001@…) or the subject tag ([INC0001001]), never by the
subject's words; any other mail from a known person logs a new record
through the practice's own service, the same as the portal's. Mail from an
unknown address follows ``SERVISTA_MAIL_UNKNOWN_SENDERS``.

Practices say what mail may create or reach (``register``); this module
knows none of them."""

import email
import email.policy
import html as html_lib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage as OutgoingMail
from django.db import IntegrityError, transaction

from servista.core import attachments, context
from servista.core.exceptions import DomainError

from .models import InboundMail, InboundStatus
from .services import mail_domain

# --- what practices register ----------------------------------------------------------


@dataclass
class Intake:
    """What mail may do to one kind of record: ``find(number)`` the record
    named by a token; ``reply(record, person, body, files)`` adds a comment
    (the service decides who may); ``create(person, subject, body, files)``
    logs a new one (for the intake marked ``default``)."""

    prefix: str
    find: object
    reply: object
    create: object = None
    default: bool = False


_intakes: dict[str, Intake] = {}


def register(intake: Intake) -> None:
    _intakes[intake.prefix] = intake


# --- reading a message ----------------------------------------------------------------


@dataclass
class Mail:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    body: str
    files: list = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    automatic: str = ""  # why it is automatic mail, if it is


def parse(raw: bytes) -> Mail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, sender = parseaddr(str(message.get("From", "")))
    references = re.findall(r"<[^<>\s]+>", " ".join(
        str(message.get(h, "")) for h in ("In-Reply-To", "References")))
    recipients = [addr for _, addr in getaddresses(
        [str(v) for h in ("To", "Cc", "Delivered-To", "X-Original-To")
         for v in message.get_all(h, [])])]
    return Mail(
        message_id=str(message.get("Message-ID", "")).strip()[:250],
        sender=sender.lower(), sender_name=name, subject=" ".join(
            str(message.get("Subject", "")).split())[:250],
        body=strip_quoted(text_of(message)), files=files_of(message),
        references=references, recipients=recipients, automatic=automatic(message, sender))


def automatic(message: EmailMessage, sender: str) -> str:
    """Why a message is not a person's (empty when it is)."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for header in ("X-Autoreply", "X-Autorespond"):
        if header in message:
            return header
    if str(message.get("X-Servista-Loop", "")).strip().lower() == mail_domain().lower():
        return "our own mail came back (loop)"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if message.get_content_type() == "multipart/report" or \
            re.match(r"(mailer-daemon|postmaster)@", sender or "", re.I) or \
            str(message.get("Return-Path", "")).strip() == "<>":
        return "delivery report (bounce)"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    subject = str(message.get("Subject", "")).lower()
    if re.match(r"(auto(matic)? ?(reply|response)|out of (the )?office|abwesenheit)", subject):
        return "auto-reply subject"
    own = settings.SERVISTA_MAIL_ADDRESS or settings.DEFAULT_FROM_EMAIL
    if sender and own and sender.lower() == own.lower():
        return "sent by Servista itself (loop)"
    return ""


def text_of(message: EmailMessage) -> str:
    """The message's text: its plain-text part, else its HTML as text."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return part.get_content()
    part = message.get_body(preferencelist=("html",))
    if part is None:
        return ""
    html = part.get_content()
    html = re.sub(r"(?is)<(style|script|head)[^>]*>.*?</\1>", "", html)
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h\d>", "\n", html)
    html = re.sub(r"(?is)<blockquote.*?</blockquote>", "", html)  # the quoted mail
    return html_lib.unescape(nh3.clean(html, tags=set()))


# Where a reply's quoted mail starts, as mail programs write it.
QUOTE_MARKERS = [
    re.compile(r"^\s*On .{1,200}(wrote|a écrit|schrieb):\s*$", re.M),      # Gmail, Apple Mail
    re.compile(r"^\s*Le .{1,200} a écrit\s*:\s*$", re.M),
    re.compile(r"^\s*Am .{1,200} schrieb .{1,200}:\s*$", re.M),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.M | re.I),   # Outlook
    re.compile(r"^\s*_{10,}\s*$", re.M),                                    # Outlook (HTML)
    re.compile(r"^\s*From: .+\n(?:.*\n){0,3}?\s*(Sent|Date): ", re.M),       # Outlook headers
]
FORWARD_MARKERS = re.compile(r"^\s*(-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:)",
                             re.M | re.I)


def strip_quoted(text: str) -> str:
    """The new words of a reply, without the mail it quotes; a forwarded
    mail keeps what was forwarded (it is the point of forwarding)."""
    text = text.replace("\r\n", "\n")
    forwarded = FORWARD_MARKERS.search(text)
    cut = len(text)
    for marker in QUOTE_MARKERS:
        found = marker.search(text)
        if found and found.start() < cut and not (forwarded and forwarded.start() < found.start()):
            cut = found.start()
    lines = [line for line in text[:cut].split("\n") if not line.startswith(">")]
    return "\n".join(lines).strip()


def files_of(message: EmailMessage) -> list:
    files = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if not name:
            continue
        content = part.get_payload(decode=True) or b""
        files.append(SimpleUploadedFile(name, content, content_type=part.get_content_type()))
    return files


# --- what a message becomes -------------------------------------------------------------


TAG = re.compile(r"\[([A-Z]{2,5}\d{4,})\]")


def target_of(mail: Mail):
    """The record a reply is about, or None: In-Reply-To/References naming
    one of our threads first, then the token in the address, then the
    subject tag. The subject's words alone never match."""
    domain = re.escape(mail_domain())
    for ref in reversed(mail.references):
        found = re.match(rf"<([A-Z]{{2,5}}\d+)(?:\.n\d+)?@{domain}>$", ref)
        if found and (record := _find(found.group(1))) is not None:
            return record
    for address in mail.recipients:
        found = re.search(r"\+([A-Za-z]{2,5}\d+)@", address)
        if found and (record := _find(found.group(1).upper())) is not None:
            return record
    found = TAG.search(mail.subject)
    if found:
        return _find(found.group(1))
    return None


def _find(number: str):
    prefix = re.match(r"[A-Z]+", number).group(0)
    intake = _intakes.get(prefix)
    return intake.find(number) if intake else None


def sender_person(mail: Mail):
    User = get_user_model()
    person = User.objects.filter(email__iexact=mail.sender, is_active=True).first()
    if person is not None or not mail.sender:
        return person, ""
    if settings.SERVISTA_MAIL_UNKNOWN_SENDERS != "create":
        return None, "unknown sender"
    local = re.sub(r"[^\w.@+-]", "", mail.sender.split("@")[0])[:100] or "contact"
    username, n = local, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{local}{n}"
    first, _, last = (mail.sender_name or "").partition(" ")
    person = User(username=username, email=mail.sender, first_name=first[:150],
                  last_name=last[:150])
    person.set_unusable_password()
    person.save()
    return person, ""


def receive(raw: bytes) -> InboundMail:
    """Read one raw message and act on it (once per Message-ID)."""
    mail = parse(raw)
    message_id = mail.message_id or f"<no-id-{hash(raw)}@{mail_domain()}>"
    done = InboundMail.objects.filter(message_id=message_id).first()
    if done is not None:
        done.already_read = True
        return done
    row = InboundMail(message_id=message_id, sender=mail.sender[:250],
                      subject=mail.subject[:250])
    if mail.automatic:
        return _save(row, InboundStatus.IGNORED, detail=mail.automatic)
    with context.audit_context("email"):
        with transaction.atomic():
            person, why = sender_person(mail)
            if person is None:
                _refuse(mail)
                return _save(row, InboundStatus.REFUSED, detail=why or "no sender")
            files = [f for f in mail.files if _acceptable(f)]
            record = target_of(mail)
            if record is not None:
                intake = _intakes[re.match(r"[A-Z]+", record.number).group(0)]
                try:
                    intake.reply(record, person, mail.body, files)
                except DomainError as exc:
                    # Not theirs to answer (another organization's), or closed:
                    # what they wrote becomes a new record instead.
                    record = None
                    row.detail = exc.detail[:250]
                else:
                    return _save(row, InboundStatus.REPLIED, record=record.number)
            intake = next((i for i in _intakes.values() if i.default and i.create), None)
            if intake is None:
                return _save(row, InboundStatus.IGNORED, detail="nothing takes new mail")
            subject = TAG.sub("", mail.subject).strip() or "(no subject)"
            created = intake.create(person, subject[:200], mail.body, files)
            return _save(row, InboundStatus.CREATED, record=created.number,
                         detail=row.detail)


def _acceptable(upload) -> bool:
    try:
        attachments.check([upload])
    except DomainError:
        return False
    return True


def _save(row: InboundMail, status: str, *, record: str = "", detail: str = "") -> InboundMail:
    row.status, row.record, row.detail = status, record, detail[:250]
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same message, read by another worker meanwhile
        return InboundMail.objects.get(message_id=row.message_id)
    return row


def _refuse(mail: Mail) -> None:
    """Tell an unknown sender why nothing was logged (once: never to
    automatic mail, which is ignored before this)."""
    if not mail.sender:
        return
    transaction.on_commit(lambda: OutgoingMail(
        subject=f"Re: {mail.subject}"[:250],
        body="This address is not known to the service desk, so your message was not "
             "logged. Please use the self-service portal or contact the service desk.",
        from_email=settings.DEFAULT_FROM_EMAIL, to=[mail.sender],
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": mail.message_id,
                 "X-Servista-Loop": mail_domain()}).send(fail_silently=True))


# --- the mailbox ---------------------------------------------------------------------------


def poll_imap(limit: int = 50) -> int:
    """Read the unseen mail of the desk's IMAP mailbox (``SERVISTA_IMAP``),
    each message marked seen once it is handled; every network call gives up
    after ``SERVISTA_IMAP_TIMEOUT`` seconds. Returns how many were read; 0
    when no mailbox is configured."""
    import imaplib

    config = settings.SERVISTA_IMAP
    if not config["HOST"]:
        return 0
    kind = imaplib.IMAP4_SSL if config["SSL"] else imaplib.IMAP4
    client = kind(config["HOST"], config["PORT"], timeout=config["TIMEOUT"])
    read = 0
    try:
        client.login(config["USER"], config["PASSWORD"])
        client.select(config["FOLDER"])
        _, found = client.uid("search", None, "UNSEEN")
        for uid in (found[0] or b"").split()[:limit]:
            _, data = client.uid("fetch", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is None:
                continue
            receive(raw)
            client.uid("store", uid, "+FLAGS", "(\\Seen)")
            read += 1
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return read
