"""The caller's one mail on resolution carries the survey's absolute,
single-use link: opened without signing in, it shows the question and
takes one answer."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from servista.core import clock, tasks
from servista.incidents import services as incidents
from servista.notifications.models import MailTemplate
from servista.sla.models import SatisfactionSurvey

from .helpers import log_p2, rome

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://desk\.example\.com/service-levels/survey/[\w-]+/")


def resolve(inc, cast):
    with clock.at(rome(2026, 3, 9, 10)):
        incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Mailbox quota raised")
    tasks.run_pending()


@override_settings(SERVISTA_SITE_URL="https://desk.example.com")
def test_resolving_sends_one_mail_whose_link_takes_one_answer_without_sign_in(client, cast):
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    tasks.run_pending()
    mail.outbox.clear()
    resolve(inc, cast)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.requester.email] and "is resolved" in message.subject
    link = LINK.search(message.body).group(0)
    assert link in message.alternatives[0][0]  # the HTML part links it too
    assert "Is it fixed?" in message.body      # the incident's own words are kept
    path = link.removeprefix("https://desk.example.com")
    page = client.get(path)
    assert page.status_code == 200 and 'name="score"' in page.content.decode()
    assert client.post(path, {"score": "5", "comment": "Thanks"}).status_code == 200
    assert SatisfactionSurvey.objects.get().score == 5
    assert client.post(path, {"score": "1"}).status_code == 409
    assert SatisfactionSurvey.objects.get().score == 5


@override_settings(SERVISTA_SITE_URL="https://desk.example.com")
def test_an_administrator_s_resolved_template_gets_the_survey_url(cast):
    MailTemplate.objects.create(kind="resolved", subject="Done: {{ record.number }}",
                                body="Rate us: {{ survey_url }}")
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    tasks.run_pending()
    mail.outbox.clear()
    resolve(inc, cast)
    assert [m.subject for m in mail.outbox] == [f"[{inc.number}] Done: {inc.number}"]
    assert LINK.search(mail.outbox[0].body)


def test_a_caller_who_muted_resolution_mail_gets_none_and_keeps_the_link_in_servista(cast):
    from servista.notifications import services as notifications
    from servista.notifications.models import Notification

    notifications.set_muted(cast.requester, ["resolved"])
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    tasks.run_pending()
    mail.outbox.clear()
    resolve(inc, cast)
    assert mail.outbox == []
    notice = Notification.objects.get(user=cast.requester, kind="resolved")
    assert "/service-levels/survey/" in notice.body
