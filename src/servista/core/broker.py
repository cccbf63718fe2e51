"""The Celery application of production workers (``SERVISTA_BROKER_URL``
set), configured from the settings. It knows no task: ``core.tasks``
registers the task bodies on it (``tasks.celery_app()``) and its outbox
relay publishes work through it.

Every call to the broker is bounded: connecting and each read or write
give up after ``SERVISTA["BROKER_TIMEOUT_SECONDS"]`` (a broker that accepts
connections but never answers cannot hold a worker), and publishing does
not retry on its own: the relay does, with growing pauses."""

from celery import Celery
from django.conf import settings

TIMEOUT = settings.SERVISTA.get("BROKER_TIMEOUT_SECONDS", 5)

app = Celery("servista")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.broker_url = settings.BROKER_URL or None
app.conf.broker_connection_retry_on_startup = True
app.conf.broker_connection_timeout = TIMEOUT
app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "socket_timeout": TIMEOUT,
    "socket_connect_timeout": TIMEOUT,
}
app.conf.task_ignore_result = True
