"""/healthz answers 200 only when every database connection the application
uses answers (the "numbering" one included), the broker (when there is one)
answers, no due job has waited too long in the outbox and a background
worker has reported recently; otherwise 503 naming what is wrong."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import connections
from django.db.utils import OperationalError
from django.utils import timezone

from servista.core import tasks
from servista.core.models import WorkerHeartbeat
from tests.core.test_outbox import broker_at
from tests.servers import SilentServer, closed_port, redis_server

# /healthz checks every connection: the tests let it use them all.
pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


@pytest.fixture
def worker_alive():
    tasks.Heartbeat("embedded").beat(force=True)


def healthz(client):
    r = client.get("/healthz")
    return r.status_code, r.json(), r


def test_healthy_when_every_check_passes(client, worker_alive):
    status, body, r = healthz(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["databases"] == dict.fromkeys(settings.DATABASES, "ok")
    assert body["checks"]["broker"] == body["checks"]["outbox"] == "ok"
    assert body["checks"]["worker"] == "ok"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


@pytest.mark.parametrize("alias", list(settings.DATABASES))
def test_each_database_connection_is_checked(client, worker_alive, alias):
    wrapper = connections[alias]
    with mock.patch.object(wrapper, "cursor", side_effect=OperationalError("server closed "
                                                                           "the connection")):
        status, body, r = healthz(client)
    assert status == 503
    assert body["status"] == "error"
    assert "server closed the connection" in body["checks"]["databases"][alias]
    assert r["Retry-After"]


def test_a_worker_that_never_reported_or_went_quiet_fails_the_check(client):
    status, body, _ = healthz(client)
    assert status == 503
    assert body["checks"]["worker"] == "no background worker has reported yet"
    tasks.Heartbeat("embedded").beat(force=True)
    assert healthz(client)[0] == 200
    later = timezone.now() + timedelta(seconds=settings.SERVISTA["HEALTH_HEARTBEAT_SECONDS"] + 5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        status, body, _ = healthz(client)
    assert status == 503
    assert "heartbeat" in body["checks"]["worker"]


def test_the_embedded_worker_and_the_relay_write_heartbeats():
    tasks.EmbeddedWorker().run_once()
    tasks.OutboxRelay(send=lambda item: None).run_once()
    assert set(WorkerHeartbeat.objects.values_list("kind", flat=True)) == {"embedded", "celery"}


def test_a_job_waiting_too_long_fails_the_check(client, worker_alive):
    tasks.enqueue("notifications.send_email", ids=[])
    assert healthz(client)[0] == 200
    limit = settings.SERVISTA["HEALTH_OUTBOX_LAG_SECONDS"]
    with mock.patch("django.utils.timezone.now",
                    return_value=timezone.now() + timedelta(seconds=limit + 30)):
        # The worker still reports: only the outbox is behind.
        tasks.Heartbeat("embedded").beat(force=True)
        status, body, _ = healthz(client)
    assert status == 503
    assert "waited" in body["checks"]["outbox"]
    assert body["outbox_lag_seconds"] > limit


@pytest.mark.parametrize("outage", ["unreachable", "silent"])
def test_a_broker_that_is_away_fails_the_check(client, worker_alive, outage):
    with SilentServer() as silent:
        port = silent.port if outage == "silent" else closed_port()
        with broker_at(f"redis://127.0.0.1:{port}/0"):
            status, body, _ = healthz(client)
    assert status == 503
    assert body["checks"]["broker"] != "ok"
    assert body["background"] == "broker"


def test_a_broker_that_answers_passes_the_check(client, worker_alive):
    with redis_server() as url, broker_at(url):
        status, body, _ = healthz(client)
    assert status == 200, body
    assert body["checks"]["broker"] == "ok"
