"""The Celery application of production workers (``SERVISTA_BROKER_URL`` set).

Every task declared with ``servista.core.tasks.task`` becomes a Celery task
of the same name whose body is ``servista.core.tasks.execute`` (so it runs
under the 'job' audit context, like the embedded runner), and every periodic
task is on the beat schedule. ``servista worker`` runs a worker with beat;
``servista.core.tasks.enqueue`` sends tasks here by name.
"""

import os
from datetime import timedelta

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servista.settings")

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402

if not apps.ready:  # started as `celery -A servista.celery ...`
    django.setup()

from servista.core import tasks  # noqa: E402

# A failed task is retried with growing delays (30 s, 60 s, 120 s...), the
# same number of attempts as the embedded runner gives it.
RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": tasks.MAX_ATTEMPTS - 1,
}

app = Celery("servista")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.broker_url = settings.BROKER_URL or None
app.conf.broker_connection_retry_on_startup = True
app.conf.task_ignore_result = True


def _register(name: str):
    def run(**kwargs):
        return tasks.execute(name, kwargs)

    run.__name__ = name.replace(".", "_")
    run.__doc__ = tasks.registry[name].func.__doc__
    return app.task(name=name, acks_late=True, **RETRY)(run)


def beat_schedule() -> dict:
    """The periodic tasks of the registry, each every ``TaskDef.every`` seconds."""
    return {
        definition.name: {"task": definition.name,
                          "schedule": timedelta(seconds=definition.every)}
        for definition in tasks.registry.values() if definition.every
    }


tasks.autodiscover()
for _name in sorted(tasks.registry):
    _register(_name)
app.conf.beat_schedule = beat_schedule()
