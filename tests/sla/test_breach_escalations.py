"""A breach reached by the periodic job: one email, received by a real
SMTP server on the loopback, escalations run once and journaled."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from servista.core import clock, tasks
from servista.core.journal import JournalEntry
from servista.notifications.models import Notification
from servista.sla import services
from servista.sla.models import Escalation, TimerEvent

from .helpers import agreement, log_p2, office_calendar, rome, timer

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_USE_TLS=False):
            yield inbox
    finally:
        controller.stop()


def test_a_breach_within_one_tick_sends_one_email_and_never_twice(cast, smtp):
    agr = agreement(office_calendar(cast.admin), targets=(("resolution", 2, 60),),
                    warnings=())
    Escalation.objects.create(agreement=agr, on="breach", action=Escalation.NOTIFY,
                              notify_assignee=True, notify_group_manager=False)
    inc = log_p2(cast, rome(2026, 3, 9, 9), assigned_to=cast.agent,
                 assignment_group=cast.service_desk)
    assert timer(inc).due_at == rome(2026, 3, 9, 10)
    with clock.at(rome(2026, 3, 9, 9, 59)):
        tasks.execute("sla.scan", {})
    assert not TimerEvent.objects.exists()
    tick = rome(2026, 3, 9, 10) + timedelta(seconds=30)  # the job runs every 30 s
    for _ in range(3):
        with clock.at(tick):
            tasks.execute("sla.scan", {})
        tasks.run_pending()
    assert TimerEvent.objects.filter(name="breach").count() == 1
    assert Notification.objects.filter(user=cast.agent).count() == 1
    # The caller's acknowledgement of the new incident aside, one mail: the breach's.
    breach_mails = [m for m in smtp.messages if m[0] != [inc.caller.email]]
    assert len(breach_mails) == 1
    recipients, content = breach_mails[0]
    assert recipients == [cast.agent.email]
    assert f"{inc.number}: Gold resolution breached" in content
    notes = [e.body for e in JournalEntry.objects.for_record(inc).filter(kind="work_note")]
    assert sum("Escalation: notified Alice" in n for n in notes) == 1


def test_escalations_reassign_and_raise_priority_once(cast):
    agr = agreement(office_calendar(cast.admin),
                    targets=(("resolution", None, 120),), warnings=(50,))
    Escalation.objects.create(agreement=agr, on="warning_50", action=Escalation.REASSIGN,
                              group=cast.network)
    Escalation.objects.create(agreement=agr, on="breach", action=Escalation.RAISE_PRIORITY,
                              priority=1)
    inc = log_p2(cast, rome(2026, 3, 9, 9), assignment_group=cast.service_desk)
    for minute in (0, 1):
        with clock.at(rome(2026, 3, 9, 10, minute)):
            tasks.execute("sla.scan", {})
    inc.refresh_from_db()
    assert inc.assignment_group == cast.network and inc.priority == 2
    for minute in (0, 1, 2):
        with clock.at(rome(2026, 3, 9, 11, minute)):
            tasks.execute("sla.scan", {})
    inc.refresh_from_db()
    assert inc.priority == 1 and inc.priority_overridden
    notes = [e.body for e in JournalEntry.objects.for_record(inc).filter(kind="work_note")]
    assert sum("reassigned to Network" in n for n in notes) == 1
    assert sum("priority raised to P1" in n for n in notes) == 1


def test_a_record_outside_any_agreement_is_never_scanned(cast):
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    assert services.timers_of(inc) == []
    assert services.scan(now=rome(2027, 1, 1, 9)) == 0
