"""Production path: a real Celery worker on the local Redis runs the SLA
scan from the outbox, records the breach once, and mails it."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from servista.core import tasks
from servista.core.models import Task
from servista.incidents import services as incidents
from servista.sla.models import Escalation, TimerEvent

from .helpers import agreement

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_on_redis_raises_the_breach_and_mails_it_once(
        monkeypatch, mailoutbox, short_lived_connections):
    from celery.contrib.testing.worker import start_worker

    from servista.celery import app
    from servista.core import clock
    from servista.testing import make_cast

    cast = make_cast()
    agr = agreement(None, targets=(("resolution", None, 30),), warnings=())
    Escalation.objects.create(agreement=agr, on="breach", notify_group_manager=False)
    with clock.at(timezone.now() - timedelta(hours=1)):
        inc = incidents.log_incident(cast.agent, short_description="Mail down",
                                     caller=cast.requester, assigned_to=cast.agent,
                                     assignment_group=cast.service_desk)
    monkeypatch.setattr(settings, "BROKER_URL", REDIS_URL)
    monkeypatch.setattr(app.conf, "broker_url", REDIS_URL)
    tasks.enqueue("sla.scan")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = timezone.now() + timedelta(seconds=60)
        # The caller's acknowledgement of the new incident goes out too; wait
        # for the breach's mail and for every job to be done.
        while timezone.now() < deadline and not (
                any(m.to == [cast.agent.email] for m in mailoutbox)
                and not Task.objects.exclude(status="done").exists()):
            time.sleep(0.2)
    assert TimerEvent.objects.filter(name="breach").count() == 1
    breach_mails = [m for m in mailoutbox if m.to != [cast.requester.email]]
    assert [m.to for m in breach_mails] == [[cast.agent.email]]
    assert f"{inc.number}: Gold resolution breached" in breach_mails[0].subject
    assert set(Task.objects.values_list("status", flat=True)) == {"done"}
