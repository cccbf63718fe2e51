"""The Celery application of production workers (``SERVISTA_BROKER_URL``
set), configured from the settings. It knows no task: ``core.tasks``
registers the task bodies on it (``tasks.celery_app()``) and sends work
through it."""

from celery import Celery
from django.conf import settings

# A failed task is retried with growing delays (30 s, 60 s, 120 s...), as
# many times as the embedded runner tries it (``tasks.MAX_ATTEMPTS``).
RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
}

app = Celery("servista")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.broker_url = settings.BROKER_URL or None
app.conf.broker_connection_retry_on_startup = True
app.conf.task_ignore_result = True
