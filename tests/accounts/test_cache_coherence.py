"""What a process caches of people and reference data follows a change made
in any other process at once: a revoked token or a deactivated person is
refused at once, a new assignment group (or the service desk moving to
another group) is seen at once. Another process is played by a second
receiver with caches of its own, hearing changes through the same channel
as a real one (PostgreSQL's NOTIFY, or SQLite's stamp file)."""

import time
import uuid

import pytest
from django.db import connection

from servista.accounts.models import APIToken, Group, hash_token
from servista.accounts.services import TokenCache, revoke_token, user_for_token
from servista.core import invalidation
from servista.core.refcache import RefCache
from servista.testing import make_cast

pytestmark = pytest.mark.django_db(transaction=True)


class OtherProcess:
    """The caches of another process, and its ear."""

    def __init__(self):
        self.receiver = invalidation.Receiver()
        self.tokens = TokenCache(seconds=3600)
        self.groups = RefCache(lambda: sorted(Group.objects.values_list("name", flat=True)),
                               models=[Group], ttl=3600)
        self.topics = {"accounts": self.tokens.clear, "model:accounts.group": self.groups.clear}
        self.receiver.poll()  # starts listening

    def hear(self):
        """Poll until everything committed so far has arrived (PostgreSQL
        delivers notifications in commit order, a moment after the commit:
        a marker sent now arrives after all of them)."""
        marker = f"marker:{uuid.uuid4().hex}"
        arrived = []
        topics = {**self.topics, marker: lambda: arrived.append(True)}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [invalidation.CHANNEL, marker])
        else:
            arrived.append(True)
        # Only this process's caches: those of the test's own process are
        # cleared by the same announcements, which is what they are for.
        saved = {topic: list(invalidation._subscribers.get(topic, ())) for topic in topics}
        try:
            for topic, callback in topics.items():
                invalidation._subscribers[topic] = [callback]
            deadline = time.monotonic() + 10
            while True:
                assert self.receiver.poll()
                if arrived or time.monotonic() > deadline:
                    break
                time.sleep(0.005)
        finally:
            invalidation._subscribers.update(saved)
            invalidation._subscribers.pop(marker, None)
        assert arrived

    def close(self):
        self.receiver.close()


@pytest.fixture
def other():
    process = OtherProcess()
    yield process
    process.close()


def test_a_revoked_token_is_refused_at_once_by_every_process(other):
    cast = make_cast()
    other.hear()  # what setting up the people announced
    raw = cast.tokens["agent"]
    token = APIToken.objects.get(user=cast.agent)
    other.tokens.put(hash_token(raw), cast.agent)
    other.hear()
    assert other.tokens.get(hash_token(raw)) == cast.agent  # nothing changed yet
    revoke_token(token, cast.agent)
    other.hear()
    assert other.tokens.get(hash_token(raw)) is None
    assert user_for_token(raw) is None


def test_a_deactivated_person_is_refused_at_once_by_every_process(other):
    cast = make_cast()
    other.hear()  # what setting up the people announced
    raw = cast.tokens["agent2"]
    other.tokens.put(hash_token(raw), cast.agent2)
    cast.agent2.is_active = False
    cast.agent2.save()
    other.hear()
    assert other.tokens.get(hash_token(raw)) is None
    assert user_for_token(raw) is None


def test_a_new_assignment_group_is_seen_at_once_by_every_process(other):
    make_cast()
    assert other.groups.get() == ["Network", "Service Desk"]
    Group.objects.create(name="Databases")
    other.hear()
    assert other.groups.get() == ["Databases", "Network", "Service Desk"]


def test_a_sign_in_does_not_empty_the_caches(other):
    cast = make_cast()
    other.hear()  # what setting up the people announced
    raw = cast.tokens["agent"]
    other.tokens.put(hash_token(raw), cast.agent)
    other.hear()
    from django.contrib.auth.models import update_last_login

    update_last_login(None, cast.agent)
    other.hear()
    assert other.tokens.get(hash_token(raw)) == cast.agent


def test_a_rolled_back_change_tells_nobody(other):
    from django.db import transaction

    cast = make_cast()
    other.hear()  # what setting up the people announced
    raw = cast.tokens["agent"]
    other.tokens.put(hash_token(raw), cast.agent)
    other.hear()
    with pytest.raises(RuntimeError), transaction.atomic():
        revoke_token(APIToken.objects.get(user=cast.agent), cast.agent)
        raise RuntimeError("the change fails")
    other.hear()
    assert other.tokens.get(hash_token(raw)) == cast.agent
