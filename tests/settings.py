"""Settings for the test suite: the product settings with test-only overrides."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "servista-test-suite-only-not-a-secret")
os.environ.setdefault("SERVISTA_HOME", tempfile.mkdtemp(prefix="servista-test-"))
os.environ["SERVISTA_TESTING"] = "1"

from servista.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_COOKIES = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
BROKER_URL = CELERY_BROKER_URL = ""

# Tests run each in one transaction on "default": numbers are taken there too,
# except in the test of the separate numbering connection, which turns it on.
SERVISTA = {**SERVISTA, "SEPARATE_NUMBERING": False}  # noqa: F405
# The tests make many requests with one token in a minute; the throttling
# test sets a small limit of its own.
SERVISTA["API_RATE_LIMIT"] = 1_000_000

# A practice that exists only in the tests, built from the kit (tests/practice).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.practice"]  # noqa: F405
