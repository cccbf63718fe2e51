"""The transactional outbox: a job is written with the work that asks for
it, no request waits on the broker (down or silent), the relay publishes
once the broker is back, and each job's body runs exactly once however
often its message is published or received."""

import json
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servista.core import tasks
from servista.core.models import Task
from servista.core.models.tasks import TaskStatus
from servista.incidents.models import Incident
from servista.notifications.models import Notification
from servista.testing import make_cast
from tests.servers import SilentServer, broker_at, closed_port, redis_server


@pytest.fixture
def recorder(monkeypatch):
    calls = []

    def record(**kwargs):
        calls.append(kwargs)

    monkeypatch.setitem(tasks.registry, "tests.record", tasks.TaskDef("tests.record", record))
    return calls


def create_assigned_incident(client, cast):
    """An incident assigned at once: the assignee is told (an e-mail job)."""
    return client.post("/api/v1/incidents", json.dumps({
        "short_description": "Mail server rejects attachments", "caller": "rita",
        "assignment_group": "Network", "assigned_to": "nick"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {cast.tokens['agent']}")


# --- no request waits on the broker -------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outage", ["unreachable", "silent"])
def test_creation_answers_201_and_keeps_its_job_whatever_the_broker_does(client, outage):
    cast = make_cast()
    with SilentServer() as silent:
        port = silent.port if outage == "silent" else closed_port()
        with broker_at(f"redis://127.0.0.1:{port}/0"):
            r = create_assigned_incident(client, cast)
        assert r.status_code == 201, r.content[:300]
        # The request never opened a connection to the broker.
        assert silent.connections == 0
    incident = Incident.objects.get(number=r.json()["number"])
    job = Task.objects.get(name="notifications.send_email")
    assert job.status == TaskStatus.QUEUED
    # One job tells the assignee and acknowledges the caller.
    assert job.kwargs == {"ids": list(Notification.objects.order_by("pk")
                                      .values_list("pk", flat=True))}
    assert {n.user for n in Notification.objects.all()} == {cast.agent2, cast.requester}
    assert incident.assigned_to == cast.agent2


@pytest.mark.django_db
def test_a_job_exists_only_if_its_transaction_commits(recorder):
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue("tests.record", n=1)
        raise RuntimeError("the work fails")
    assert not Task.objects.exists()
    with transaction.atomic():
        tasks.enqueue_on_commit("tests.record", n=2)
    assert list(Task.objects.values_list("kwargs", flat=True)) == [{"n": 2}]


# --- the relay ------------------------------------------------------------------------


@pytest.mark.django_db
def test_relay_marks_published_rows_and_puts_back_those_the_broker_refused(recorder):
    first = tasks.enqueue("tests.record", n=1)
    second = tasks.enqueue("tests.record", n=2)
    later = tasks.enqueue("tests.record", delay=600, n=3)

    def refuse(item):
        raise ConnectionError("broker away")

    with pytest.raises(ConnectionError):
        tasks.relay_pending(send=refuse)
    first.refresh_from_db()
    assert first.status == TaskStatus.QUEUED
    assert "broker away" in first.last_error

    sent = []
    assert tasks.relay_pending(send=sent.append) == 2
    assert [item.pk for item in sent] == [first.pk, second.pk]
    assert set(Task.objects.filter(status=TaskStatus.SENT).values_list("pk", flat=True)) == \
        {first.pk, second.pk}
    later.refresh_from_db()
    assert later.status == TaskStatus.QUEUED  # not due yet
    # Nothing is published twice while its message may still be on its way...
    assert tasks.relay_pending(send=sent.append) == 0
    # ...but a message never received is sent again after a while.
    with mock.patch("django.utils.timezone.now",
                    return_value=timezone.now() + timedelta(
                        seconds=settings.SERVISTA["OUTBOX_RESEND_SECONDS"] + 1)):
        assert tasks.relay_pending(send=sent.append) == 3
    assert recorder == []  # publishing runs nothing


@pytest.mark.django_db
def test_a_body_runs_once_however_often_its_message_arrives(recorder):
    job = tasks.enqueue("tests.record", n=1)
    assert tasks.deliver(job.pk) is True
    assert tasks.deliver(job.pk) is False
    assert recorder == [{"n": 1}]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_until) == (TaskStatus.DONE, 1, None)


@pytest.mark.django_db
def test_relay_pauses_longer_after_each_failure(recorder):
    tasks.enqueue("tests.record", n=1)

    def refuse(item):
        raise ConnectionError("broker away")

    relay = tasks.OutboxRelay(poll_interval=1, send=refuse)
    pauses = [relay.run_once() for _ in range(8)]
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]
    relay.send = lambda item: None
    assert relay.run_once() == 0  # sent something: look again at once
    assert relay.run_once() == 1  # nothing due: the usual poll


@pytest.mark.django_db
def test_publishing_to_a_silent_broker_gives_up_within_the_timeout(recorder):
    job = tasks.enqueue("tests.record", n=1)
    with SilentServer() as silent, broker_at(f"redis://127.0.0.1:{silent.port}/0", timeout=1):
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - whatever the client raises
            tasks.relay_pending()
        waited = time.monotonic() - started
    assert waited < 20, waited
    job.refresh_from_db()
    assert job.status == TaskStatus.QUEUED


# --- once the broker is back ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_jobs_queued_while_the_broker_was_away_are_delivered_once_when_it_returns(
        client, mailoutbox, short_lived_connections):
    from celery.contrib.testing.worker import start_worker

    cast = make_cast()
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        for _ in range(3):
            assert create_assigned_incident(client, cast).status_code == 201
        with pytest.raises(Exception):  # noqa: B017 - the broker is away
            tasks.relay_pending()
    jobs = list(Task.objects.filter(name="notifications.send_email"))
    assert len(jobs) == 3 and {j.status for j in jobs} == {TaskStatus.QUEUED}

    with redis_server() as url, broker_at(url, timeout=5) as app:
        app = tasks.celery_app()
        # A message published twice (a relay that died before recording it
        # sent, then the resend) is still one delivery.
        tasks.publish(jobs[0])
        with mock.patch.object(tasks, "execute", wraps=tasks.execute) as bodies, \
                start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and Task.objects.filter(
                    name="notifications.send_email").exclude(status=TaskStatus.DONE).exists():
                time.sleep(0.2)
            time.sleep(1)  # let the duplicate message arrive too
    assert set(Task.objects.filter(name="notifications.send_email")
               .values_list("status", flat=True)) == {TaskStatus.DONE}
    assert [c.args[0] for c in bodies.call_args_list] == ["notifications.send_email"] * 3
    assert [m.to for m in mailoutbox if m.to != ["rita@example.com"]] == \
        [["nick@example.com"]] * 3
    assert Notification.objects.filter(user=cast.agent2, emailed_at=None).count() == 0
