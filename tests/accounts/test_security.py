"""Sign-in throttling, token handling, secure settings and the admin command."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from servista.accounts.models import APIToken, User
from servista.accounts.services import revoke_token
from servista.incidents.models import Incident
from servista.testing import PASSWORD, ServistaTestCase


class LoginThrottleTest(ServistaTestCase):
    def test_five_failures_lock_the_account_from_that_address(self):
        with self.assertNothingChanged(self.cast.agent):  # last_login, among others
            for _ in range(5):
                r = self.client.post("/login/", {"username": "alice", "password": "wrong"})
            r = self.client.post("/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, "Too many failed sign-in attempts", status_code=429)
        # Another account from the same address is not locked.
        r = self.client.post("/login/", {"username": "nick", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)

    def test_guesses_spread_over_many_accounts_lock_the_address(self):
        from django.conf import settings

        limit = settings.SERVISTA_LOGIN_ADDRESS_FAILURE_LIMIT
        people = list(User.objects.exclude(username="alice").values_list("username", flat=True))
        with self.assertNothingChanged(self.cast.agent):
            for n in range(limit):  # never five on one account
                r = self.client.post("/login/", {"username": people[n % len(people)],
                                                 "password": "wrong"})
                self.assertEqual(r.status_code, 200 if n < limit - 1 else 429, n)
            # The address is locked: even a right password of a fresh account.
            r = self.client.post("/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)
        # Another address is not.
        r = self.client.post("/login/", {"username": "alice", "password": PASSWORD},
                             REMOTE_ADDR="192.0.2.7")
        self.assertEqual(r.status_code, 302)

    def test_a_sign_in_does_not_wipe_the_guesses_at_other_accounts(self):
        from django.conf import settings

        limit = settings.SERVISTA_LOGIN_ADDRESS_FAILURE_LIMIT
        for n in range(limit - 1):
            self.client.post("/login/", {"username": ["carl", "bob", "maria"][n % 3],
                                         "password": "wrong"})
        # The guesser signs in to an account of their own...
        r = self.client.post("/login/", {"username": "rita", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)
        self.client.logout()
        # ...and the next guess at someone else's still locks the address.
        self.client.post("/login/", {"username": "nick", "password": "wrong"})
        r = self.client.post("/login/", {"username": "root", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)

    def test_login_and_logout(self):
        r = self.client.post("/login/", {"username": "alice", "password": PASSWORD})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 302)
        self.client.post("/logout/")
        r = self.client.get("/incidents/")
        self.assertRedirects(r, "/login/?next=/incidents/")


class TokenTest(ServistaTestCase):
    def test_tokens_are_stored_hashed(self):
        raw = self.cast.tokens["agent"]
        token = APIToken.objects.get(user=self.cast.agent)
        self.assertNotIn(raw, (token.digest, token.prefix, token.name))
        self.assertEqual(len(token.digest), 64)

    def test_revocation_and_deactivation_apply_at_once(self):
        r = self.api("GET", "/api/v1/me", self.cast.agent)
        self.assertStatus(r, 200)  # now remembered by this process
        revoked = APIToken.objects.get(user=self.cast.agent)
        revoke_token(revoked, self.cast.agent)
        with self.assertNothingChanged(revoked, self.cast.agent):
            self.assertStatus(self.api("GET", "/api/v1/me", self.cast.agent), 401)
        self.assertStatus(self.api("GET", "/api/v1/me", self.cast.agent2), 200)
        self.cast.agent2.is_active = False
        self.cast.agent2.save()
        with self.assertNothingChanged(APIToken.objects.get(user=self.cast.agent2),
                                       self.cast.agent2):
            self.assertStatus(self.api("GET", "/api/v1/me", self.cast.agent2), 401)

    def test_someone_else_cannot_revoke_or_create(self):
        from servista.accounts.services import create_token
        from servista.core.exceptions import Forbidden

        token = APIToken.objects.get(user=self.cast.agent)
        with self.assertNothingChanged(token):
            with self.assertRaises(Forbidden):
                revoke_token(token, self.cast.agent2)
            with self.assertRaises(Forbidden):
                create_token(self.cast.agent, actor=self.cast.agent2)
        create_token(self.cast.agent, actor=self.cast.admin)

    def test_profile_page_shows_a_new_token_once(self):
        self.client.force_login(self.cast.requester)
        r = self.client.post("/profile/tokens/", {"name": "scripts"}, follow=True)
        raw = r.context["new_token"]
        self.assertTrue(raw.startswith("sv_"))
        self.assertNotContains(self.client.get("/profile/"), raw)
        r = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(r.status_code, 200)

    def test_session_api_writes_need_csrf(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.cast.agent)
        r = client.get("/api/v1/me")
        self.assertEqual(r.status_code, 200)
        with self.assertNothingChanged():
            r = client.post("/api/v1/incidents", {"short_description": "x"},
                            content_type="application/json")
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Incident.objects.exists())


def test_createsuperuser_noinput_makes_an_administrator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-Admin-passphrase-9")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    call_command("createsuperuser", "--noinput", verbosity=0)
    boss = User.objects.get(username="boss")
    assert boss.is_superuser and boss.role == "admin" and boss.is_admin_role
    assert boss.check_password("a-long-Admin-passphrase-9")


@pytest.mark.parametrize("demo, expected", [
    ("", ["False", "True", "True", "True"]),   # SERVISTA_DEBUG ignored, secure cookies
    ("1", ["True", "False", "False", "True"]),  # the demo: debug allowed, plain HTTP
])
def test_settings_are_secure_outside_the_demo(tmp_path, demo, expected):
    env = {**os.environ, "SERVISTA_HOME": str(tmp_path), "SECRET_KEY": "k" * 50,
           "SERVISTA_DEMO": demo, "SERVISTA_DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "servista.settings"}
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == expected


def test_secret_key_is_required_outside_the_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(SERVISTA_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="servista.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert not any(tmp_path.iterdir())  # no key, no database written
