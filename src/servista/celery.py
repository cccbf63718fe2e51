"""The Celery application of production workers, for ``celery -A
servista.celery worker``; ``servista worker`` starts the same one. Every
task declared with ``servista.core.tasks.task`` is registered on it (see
``core.tasks.celery_app``)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servista.settings")

from django.apps import apps  # noqa: E402

if not apps.ready:  # started as `celery -A servista.celery ...`
    django.setup()

from servista.core.tasks import celery_app  # noqa: E402

app = celery_app()
