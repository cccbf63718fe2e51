"""After the database drops every connection (PostgreSQL: all backends
terminated; SQLite: the open handles closed), the very next request
succeeds on new connections, the separate numbering one included, and
/healthz says so; and while the database is away, the API answers JSON 503
with Retry-After, never an HTML page."""

import json
import sqlite3
import time
from contextlib import contextmanager
from unittest import mock

import psycopg
import pytest
from django.db import connection, connections
from django.db.utils import OperationalError
from werkzeug.test import Client as WSGIClient

from servista.core import tasks
from servista.incidents.models import Incident
from servista.testing import make_cast

DATABASES = ["default", "numbering"] if "numbering" in connections.settings else ["default"]


@contextmanager
def wsgi_client():
    """Requests through the real WSGI handler, with Django's connection
    handling at the start and end of each one (the test client leaves it out)."""
    from servista.wsgi import application

    yield WSGIClient(application)


@contextmanager
def keep_sqlite_memory_database():
    """SQLite's test database lives in memory while a connection holds it:
    hold it from aside while Django's own handles are closed."""
    holder = None
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        yield
    finally:
        if holder is not None:
            holder.close()


def drop_every_connection() -> int:
    """What a database restart does to the application's open connections."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        name = connection.settings_dict["NAME"]
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            pids = [pid for (pid,) in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]
            admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid",
                          [pids])
            # Terminated: the backends have told their clients and are gone.
            deadline = time.monotonic() + 10
            while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)",
                                [pids]).fetchone()[0] and time.monotonic() < deadline:
                time.sleep(0.02)
        return len(pids)
    dropped = 0
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.connection is not None:
            wrapper.connection.close()  # behind Django's back, as a lost server would
            dropped += 1
    return dropped


def create(client, token):
    return client.post("/api/v1/incidents", data=json.dumps(
        {"short_description": "Badge reader at the gate is dead", "caller": "rita"}),
        content_type="application/json", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_the_first_create_after_the_database_dropped_its_connections_succeeds(settings):
    settings.SERVISTA = {**settings.SERVISTA, "SEPARATE_NUMBERING": True}
    cast = make_cast()
    token = cast.tokens["agent"]
    tasks.Heartbeat("embedded").beat(force=True)
    with keep_sqlite_memory_database(), wsgi_client() as client:
        assert create(client, token).status_code == 201  # every connection open and used
        assert drop_every_connection() >= 1
        r = create(client, token)
        assert r.status_code == 201, r.get_data(as_text=True)[:500]
        assert drop_every_connection() >= 1
        r = client.get("/healthz")
        assert r.status_code == 200, r.get_data(as_text=True)
    assert Incident.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_away_the_api_answers_json_503():
    cast = make_cast()
    token = cast.tokens["agent"]
    down = OperationalError("connection to server at 127.0.0.1, port 5432 failed")
    with wsgi_client() as client:
        # Failing in the view (the create) and before it (the token look-up).
        for target in ("servista.incidents.services.rules.create",
                       "servista.accounts.services._lookup_token"):
            with mock.patch(target, side_effect=down):
                r = create(client, "sv_unknown-token" if "token" in target else token)
            assert r.status_code == 503, (target, r.get_data(as_text=True)[:300])
            assert r.headers["Content-Type"].startswith("application/json")
            assert int(r.headers["Retry-After"]) > 0
            assert "try again" in r.get_json()["detail"]
    assert not Incident.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_outside_the_api_views_is_json_503_too_and_a_page_503():
    make_cast()
    down = OperationalError("the database system is shutting down")
    with wsgi_client() as client, mock.patch(
            "django.contrib.sessions.backends.db.SessionStore.load", side_effect=down):
        client.set_cookie("sessionid", "x" * 32)
        api = client.get("/api/v1/incidents")
        page = client.get("/incidents/")
    assert api.status_code == 503
    assert api.headers["Content-Type"].startswith("application/json")
    assert api.headers["Retry-After"]
    assert page.status_code == 503
    assert page.headers["Retry-After"]
    assert "unavailable" in page.get_data(as_text=True)
