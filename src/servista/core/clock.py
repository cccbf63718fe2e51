"""The current time, looked up at call time (``django.utils.timezone.now``):
model defaults point here so that demo-data generation and tests that move
the clock affect every timestamp alike."""

from django.utils import timezone


def now():
    return timezone.now()
