"""Every call out of Servista gives up in bounded time: the mail server
(connect and each exchange, EMAIL_TIMEOUT) and the broker (connect, read
and write): a server that accepts connections and never answers cannot
hold the background worker."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import override_settings

from servista.core import broker, tasks
from servista.core.models import Task
from servista.core.models.tasks import TaskStatus
from servista.notifications.services import notify
from tests.servers import SilentServer


def product_settings(**env) -> str:
    """What servista.settings says with this environment (a fresh interpreter)."""
    code = "import servista.settings as s; print(s.EMAIL_TIMEOUT, s.EMAIL_BACKEND)"
    environ = {**os.environ, "SECRET_KEY": "x", **env}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_mail_has_a_timeout_by_default_and_it_can_be_set():
    assert product_settings(SERVISTA_EMAIL_HOST="mail.example.com") == \
        "10 django.core.mail.backends.smtp.EmailBackend"
    assert product_settings(SERVISTA_EMAIL_HOST="mail.example.com",
                            SERVISTA_EMAIL_TIMEOUT="3").startswith("3 ")


def test_the_broker_connection_has_timeouts():
    timeout = settings.SERVISTA["BROKER_TIMEOUT_SECONDS"]
    options = broker.app.conf.broker_transport_options
    assert options["socket_timeout"] == options["socket_connect_timeout"] == timeout
    assert broker.app.conf.broker_connection_timeout == timeout


@pytest.mark.django_db
def test_a_silent_mail_server_fails_the_job_in_time_and_it_is_retried(cast):
    with SilentServer() as silent, override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=silent.port, EMAIL_TIMEOUT=1):
        notify([cast.agent], "INC0001001 assigned to you")
        job = Task.objects.get(name="notifications.send_email")
        started = time.monotonic()
        assert tasks.deliver(job.pk) is True
        waited = time.monotonic() - started
        assert silent.connections == 1
    assert waited < 15, waited
    job.refresh_from_db()
    assert job.status == TaskStatus.QUEUED  # to be tried again later
    assert "timed out" in job.last_error
