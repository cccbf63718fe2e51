"""The satisfaction survey offered on resolution (the portal's question
and the email's single-use link without sign-in), and the watermelon
check: per service and month, SLA compliance next to satisfaction."""

import re

import pytest
from django.core import mail

from servista.core import clock, tasks
from servista.incidents import services as incidents
from servista.notifications.models import Notification
from servista.sla import services
from servista.sla.models import SatisfactionSurvey

from .helpers import agreement, log_p2, office_calendar, rome

pytestmark = pytest.mark.django_db


def resolve(inc, cast, at):
    with clock.at(at):
        incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Fixed")


def test_resolving_offers_a_single_use_link_that_needs_no_sign_in(client, cast):
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    resolve(inc, cast, rome(2026, 3, 9, 10))
    tasks.run_pending()
    # The requester's one mail on resolution is the incident's own ("is it
    # fixed?"); the survey's link is in their notifications.
    assert not [m for m in mail.outbox if "how did we do" in m.subject]
    notice = Notification.objects.get(user=cast.requester, subject__contains="how did we do")
    link = re.search(r"/service-levels/survey/[\w-]+/", notice.body).group(0)
    assert client.get(link).status_code == 200
    answer = client.post(link, {"score": "4", "comment": "Quick, thanks"})
    assert answer.status_code == 200 and "recorded" in answer.content.decode()
    survey = SatisfactionSurvey.objects.get()
    assert (survey.score, survey.comment, survey.requester) == (4, "Quick, thanks",
                                                                 cast.requester)
    again = client.post(link, {"score": "1"})
    assert again.status_code == 409
    survey.refresh_from_db()
    assert survey.score == 4
    assert client.get("/service-levels/survey/not-a-token/").status_code == 404


def test_a_bad_score_is_refused_and_nothing_is_stored(client, cast):
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    resolve(inc, cast, rome(2026, 3, 9, 10))
    survey = SatisfactionSurvey.objects.get()
    client.force_login(cast.requester)
    answer = client.post(f"/service-levels/survey-of/{inc.number}/", {"score": "9"})
    assert answer.status_code == 422
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_portal_asks_the_requester_and_only_them(client, cast):
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    resolve(inc, cast, rome(2026, 3, 9, 10))
    client.force_login(cast.requester)
    page = f"/portal/tickets/{inc.number}/"
    assert 'id="survey-form"' in client.get(page).content.decode()
    assert client.post(f"/service-levels/survey-of/{inc.number}/",
                       {"score": "5"}).status_code == 200
    assert 'id="survey-form"' not in client.get(page).content.decode()
    client.force_login(cast.colleague)
    assert client.post(f"/service-levels/survey-of/{inc.number}/",
                       {"score": "1"}).status_code == 404


def test_the_watermelon_check_flags_green_slas_with_red_satisfaction(cast):
    from servista.catalog.models import Service

    mail_service = Service.objects.first() or Service.objects.create(name="Email")
    agreement(office_calendar(cast.admin), targets=(("resolution", 2, 8 * 60),))
    for hour in (9, 10, 11):
        inc = log_p2(cast, rome(2026, 3, 9, hour), service=mail_service)
        resolve(inc, cast, rome(2026, 3, 9, hour, 30))
    for survey in SatisfactionSurvey.objects.all():
        services.answer_survey(survey, score=2)
    rows = services.watermelon()
    assert rows == [{"service": mail_service.name, "month": "2026-03", "percent_met": 100.0,
                     "satisfaction": 2.0, "answers": 3, "watermelon": True}]

    agent = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['agent']}"}
    from django.test import Client

    api = Client()
    assert api.get("/api/v1/sla-watermelon", **agent).json() == rows
    assert api.get("/api/v1/sla-watermelon",
                   HTTP_AUTHORIZATION=f"Bearer {cast.tokens['requester']}").status_code == 403
