"""Background work: the embedded database queue, the Celery app built from
the same registry, and the automatic closure of resolved incidents."""

import io
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from servista.core import tasks
from servista.core.context import current
from servista.core.models import JournalEntry, Task
from servista.core.models.tasks import TaskStatus
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from tests.servers import broker_at, redis_server


def clock(when):
    return mock.patch("django.utils.timezone.now", return_value=when)


@pytest.fixture
def recorder(monkeypatch):
    """A task 'tests.record' that records its arguments and audit origin."""
    calls = []

    def record(**kwargs):
        calls.append((kwargs, current().origin))

    monkeypatch.setitem(tasks.registry, "tests.record", tasks.TaskDef("tests.record", record))
    return calls


@pytest.fixture
def flaky(monkeypatch):
    """A task 'tests.flaky' that fails its first ``fail_times`` runs."""
    state = {"runs": 0, "fail_times": 1}

    def run():
        state["runs"] += 1
        if state["runs"] <= state["fail_times"]:
            raise RuntimeError("SMTP server unavailable")

    monkeypatch.setitem(tasks.registry, "tests.flaky", tasks.TaskDef("tests.flaky", run))
    return state


def test_embedded_queue_runs_a_task_once(db, recorder):
    tasks.enqueue("tests.record", number="INC0001001")
    assert Task.objects.get().status == TaskStatus.QUEUED

    assert tasks.run_pending() == 1
    assert recorder == [({"number": "INC0001001"}, "job")]
    task = Task.objects.get()
    assert task.status == TaskStatus.DONE
    assert task.attempts == 1
    assert task.finished_at is not None

    assert tasks.run_pending() == 0
    assert len(recorder) == 1


def test_delayed_task_waits_until_due(db, recorder):
    tasks.enqueue("tests.record", delay=60, n=1)
    assert tasks.run_pending() == 0
    with clock(timezone.now() + timedelta(seconds=61)):
        assert tasks.run_pending() == 1
    assert recorder == [({"n": 1}, "job")]


def test_failing_task_is_retried_later(db, flaky):
    tasks.enqueue("tests.flaky")
    assert tasks.run_pending() == 1
    task = Task.objects.get()
    assert task.status == TaskStatus.QUEUED
    assert task.attempts == 1
    assert "SMTP server unavailable" in task.last_error
    assert task.run_after > timezone.now()
    assert tasks.run_pending() == 0  # not due again yet

    with clock(timezone.now() + timedelta(seconds=31)):
        assert tasks.run_pending() == 1
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.attempts == 2
    assert task.last_error == ""
    assert flaky["runs"] == 2


def test_task_failing_every_time_ends_failed(db, flaky):
    flaky["fail_times"] = 99
    tasks.enqueue("tests.flaky")
    when = timezone.now()
    for _ in range(tasks.MAX_ATTEMPTS):
        with clock(when):
            assert tasks.run_pending() == 1
        when += timedelta(hours=1)
    task = Task.objects.get()
    assert task.status == TaskStatus.FAILED
    assert task.attempts == tasks.MAX_ATTEMPTS
    with clock(when):
        assert tasks.run_pending() == 0


def test_worker_command_once_runs_the_queue(db, recorder):
    tasks.enqueue("tests.record", n=1)
    tasks.enqueue("tests.record", n=2)
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert sorted(kwargs["n"] for kwargs, _ in recorder) == [1, 2]
    assert "2 queued task(s)" in out.getvalue()
    assert not Task.objects.filter(status=TaskStatus.QUEUED).exists()


def test_celery_app_registers_every_task_with_its_beat_schedule():
    from servista.celery import app

    tasks.autodiscover()
    real = {name: d for name, d in tasks.registry.items() if not name.startswith("tests.")}
    assert {"incidents.auto_close", "notifications.send_email"} <= set(real)
    for name in real:
        assert name in app.tasks
        # Retries are the outbox's, not Celery's (see test_outbox.py).
        assert app.tasks[name].max_retries == 0
    assert "RelayStep" in {step.__name__ for step in app.steps["worker"]}
    periodic = {name: d.every for name, d in real.items() if d.every}
    schedule = app.conf.beat_schedule
    assert set(schedule) == set(periodic)
    for name, every in periodic.items():
        assert schedule[name]["task"] == name
        assert schedule[name]["schedule"].total_seconds() == every


def resolved(cast, days_ago: float):
    incident = IncidentFactory(caller=cast.requester, short_description="Printer jams")
    with clock(timezone.now() - timedelta(days=days_ago)):
        services.resolve(incident, cast.agent, resolution_code="solved_permanently",
                         resolution_notes="Replaced the fuser.")
    incident.refresh_from_db()
    return incident


def test_auto_close_closes_only_incidents_resolved_long_enough_ago(cast):
    days = settings.SERVISTA["INCIDENT_AUTO_CLOSE_DAYS"]
    old = resolved(cast, days + 1)
    young = resolved(cast, days - 1)

    assert tasks.execute("incidents.auto_close", {}) == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.state == "closed"
    assert old.closed_at is not None
    assert young.state == "resolved"
    assert young.closed_at is None
    entry = JournalEntry.objects.for_record(old).last()
    assert entry.origin == "job"
    assert entry.actor.username == "servista-system"
    assert entry.changes["state"]["new"] == "closed"

    # Two days later the younger one is due as well.
    with clock(timezone.now() + timedelta(days=2)):
        assert tasks.execute("incidents.auto_close", {}) == 1
    young.refresh_from_db()
    assert young.state == "closed"


def test_celery_task_runs_the_same_body_as_a_job(cast):
    from servista.celery import app

    days = settings.SERVISTA["INCIDENT_AUTO_CLOSE_DAYS"]
    old = resolved(cast, days + 3)
    result = app.tasks["incidents.auto_close"].apply()
    assert result.get() == 1
    old.refresh_from_db()
    assert old.state == "closed"
    assert JournalEntry.objects.for_record(old).last().origin == "job"


@pytest.mark.django_db(transaction=True)
def test_production_path_enqueues_on_redis_and_a_celery_worker_runs_it(mailoutbox,
                                                                   short_lived_connections):
    """With SERVISTA_BROKER_URL set, the outbox relay of a Celery worker
    (here in a thread) sends the queued job through Redis and the worker
    runs it: an escalation e-mail. The Redis is the test's own, so that no
    other run's worker takes its job."""
    from celery.contrib.testing.worker import start_worker

    from servista.celery import app
    from servista.notifications.models import MailPreference, Notification
    from servista.testing import make_cast

    cast = make_cast()
    # The caller's acknowledgement of the new incident is a job of its own.
    MailPreference.objects.create(user=cast.requester, muted=["acknowledgement"])
    inc = IncidentFactory(caller=cast.requester)
    before = list(Task.objects.values_list("pk", flat=True))
    with redis_server() as url, broker_at(url, timeout=5), \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.escalate_hierarchical(inc, cast.agent, reason="The CFO cannot work")
        # Wait on the outbox, not the database: on SQLite the test and the
        # worker thread share one in-memory database, whose table locks fail
        # a read that meets the worker's write instead of waiting for it.
        deadline = timezone.now() + timedelta(seconds=20)
        while not mailoutbox and timezone.now() < deadline:
            time.sleep(0.2)
    # The worker has stopped, its task done: the notification says it was mailed.
    note = Notification.objects.get(user=cast.manager)
    assert note.emailed_at is not None
    job = Task.objects.exclude(pk__in=before).get()  # the outbox row, delivered
    assert (job.status, job.attempts) == ("done", 1)
    assert job.sent_at is not None
    assert [m.to for m in mailoutbox] == [["maria@example.com"]]
    assert "CFO" in mailoutbox[0].body
