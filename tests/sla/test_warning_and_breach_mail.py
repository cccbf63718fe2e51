"""A warning has a mail of its own, distinct from a breach's: its words,
its administrator's template and its place in people's preferences, each
checked on mail received by a real SMTP server on the loopback."""

import email
import email.policy
from datetime import timedelta

import pytest

from servista.core import clock, tasks
from servista.notifications import services as notifications
from servista.notifications.models import MailTemplate
from servista.sla.models import Escalation

from .helpers import agreement, log_p2, office_calendar, rome
from .test_breach_escalations import smtp  # noqa: F401 - the SMTP server fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(cast):
    agr = agreement(office_calendar(cast.admin), targets=(("resolution", 2, 120),),
                    warnings=(50,))
    for on in ("warning_50", "breach"):
        Escalation.objects.create(agreement=agr, on=on, action=Escalation.NOTIFY,
                                  notify_assignee=True, notify_group_manager=False)
    inc = log_p2(cast, rome(2026, 3, 9, 9), assigned_to=cast.agent,
                 assignment_group=cast.service_desk)
    return inc


def scan_at(at):
    with clock.at(at + timedelta(seconds=30)):
        tasks.execute("sla.scan", {})
    tasks.run_pending()


def mails_to(inbox, user):
    """Subject and plain-text part of each mail ``user`` received."""
    out = []
    for recipients, content in inbox.messages:
        if recipients == [user.email]:
            message = email.message_from_string(content, policy=email.policy.default)
            out.append(f"{message['subject']}\n{message.get_body(('plain',)).get_content()}")
    return out


def test_a_warning_and_a_breach_each_send_their_own_mail(cast, smtp, story):  # noqa: F811
    inc = story
    scan_at(rome(2026, 3, 9, 10))
    [warning] = mails_to(smtp, cast.agent)
    assert f"{inc.number}: Gold resolution at 50%" in warning
    assert "has used 50% of its 2h target: 1h00 of business time left, due " \
           "2026-03-09 10:00 UTC" in warning
    assert "breached" not in warning
    scan_at(rome(2026, 3, 9, 11))
    warning_again, breach = mails_to(smtp, cast.agent)
    assert warning_again == warning
    assert f"{inc.number}: Gold resolution breached" in breach
    assert "is breached: its 2h target was due 2026-03-09 10:00 UTC" in breach
    assert "has used" not in breach


def test_an_administrator_s_warning_template_leaves_the_breach_mail_alone(cast, smtp,  # noqa: F811
                                                                           story):
    MailTemplate.objects.create(
        kind="sla_warning", subject="Hurry: {{ record.number }} at {{ percent }}%",
        body="{{ label }}: {{ remaining }} left, due {{ due_at }}.")
    inc = story
    scan_at(rome(2026, 3, 9, 10))
    scan_at(rome(2026, 3, 9, 11))
    warning, breach = mails_to(smtp, cast.agent)
    assert f"Hurry: {inc.number} at 50%" in warning
    assert "Gold resolution: 1h00 left, due 2026-03-09 10:00 UTC." in warning
    assert "Hurry" not in breach and "is breached" in breach


def test_muting_warnings_keeps_the_breach_mail(cast, smtp, story):  # noqa: F811
    notifications.set_muted(cast.agent, ["sla_warning"])
    scan_at(rome(2026, 3, 9, 10))
    scan_at(rome(2026, 3, 9, 11))
    [only] = mails_to(smtp, cast.agent)
    assert "breached" in only
