"""Production path: a real Celery worker on Redis (a server of the test's
own) runs the SLA scan from the outbox, records the breach once, and
mails it."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from servista.core import tasks
from servista.core.models import Task
from servista.incidents import services as incidents
from servista.sla.models import Escalation, TimerEvent
from tests.servers import broker_at, redis_server

from .helpers import agreement


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_on_redis_raises_the_breach_and_mails_it_once(
        mailoutbox, short_lived_connections):
    from celery.contrib.testing.worker import start_worker

    from servista.celery import app
    from servista.core import clock
    from servista.notifications.models import MailPreference
    from servista.testing import make_cast

    cast = make_cast()
    # The caller's acknowledgement of the new incident is a mail job of its own.
    MailPreference.objects.create(user=cast.requester, muted=["acknowledgement"])
    agr = agreement(None, targets=(("resolution", None, 30),), warnings=())
    Escalation.objects.create(agreement=agr, on="breach", notify_group_manager=False)
    with clock.at(timezone.now() - timedelta(hours=1)):
        inc = incidents.log_incident(cast.agent, short_description="Mail down",
                                     caller=cast.requester, assigned_to=cast.agent,
                                     assignment_group=cast.service_desk)
    tasks.enqueue("sla.scan")
    with redis_server() as url, broker_at(url, timeout=5), \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = timezone.now() + timedelta(seconds=60)
        # Wait on the outbox, not the database: on SQLite the test and the
        # worker thread share one in-memory database, whose table locks fail
        # a read that meets the worker's write instead of waiting for it.
        while not mailoutbox and timezone.now() < deadline:
            time.sleep(0.2)
    assert TimerEvent.objects.filter(name="breach").count() == 1
    assert [m.to for m in mailoutbox] == [[cast.agent.email]]
    assert f"{inc.number}: Gold resolution breached" in mailoutbox[0].subject
    assert set(Task.objects.values_list("status", flat=True)) == {"done"}
