"""A practice that exists only in the tests: chores, built from the kit
(``servista.core.records``) with no line of core written for it. The kit's
tests run against it as well as against incidents (tests/core/test_record_kit.py)."""

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "tests.practice"
    label = "practice"
    verbose_name = "Chores (test-only practice)"
    url_prefix = "chores/"

    def ready(self):
        from . import policies, search, shell  # noqa: F401
