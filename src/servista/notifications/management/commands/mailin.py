"""``servista mailin [FILE]``: read one raw mail into the service desk.

The message is read from FILE, or from standard input (``-`` or nothing),
as a mail server's delivery hook would pipe it (e.g. a Postfix alias
``desk: "|servista mailin"``); it logs an incident, lands as a comment on
the one it answers, or is ignored (automatic mail), exactly as the IMAP
poller would. ``--poll`` reads the unseen mail of the configured IMAP
mailbox once instead.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from servista.core.exceptions import DomainError
from servista.notifications import inbound


class Command(BaseCommand):
    help = "Read one raw mail (a file or standard input) into the service desk."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-",
                            help="a raw message (RFC 5322); - or nothing: standard input")
        parser.add_argument("--poll", action="store_true",
                            help="read the unseen mail of the IMAP mailbox once instead")

    def handle(self, *args, file, poll, **options):
        if poll:
            try:
                count = inbound.poll_imap()
            except OSError as exc:
                raise CommandError(f"The mailbox did not answer: {exc}")
            self.stdout.write(f"{count} message(s) read")
            return
        try:
            raw = sys.stdin.buffer.read() if file == "-" else open(file, "rb").read()  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}")
        if not raw.strip():
            raise CommandError("The message is empty.")
        try:
            row = inbound.receive(raw)
        except DomainError as exc:
            raise CommandError(exc.detail)
        again = "Already read: " if getattr(row, "already_read", False) else ""
        record = f": {row.record}" if row.record else ""
        detail = f" ({row.detail})" if row.detail else ""
        self.stdout.write(f"{again}{row.get_status_display()}{record}{detail}")
