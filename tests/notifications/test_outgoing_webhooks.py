"""Outgoing webhooks against a real HTTP server on the loopback: signed
JSON for record events and SLA breaches, retried with growing pauses,
every attempt logged, a breach sent once."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from servista.core import clock, tasks
from servista.core.models import Task
from servista.notifications import webhooks
from servista.notifications.models import Webhook, WebhookDelivery
from tests.sla.helpers import agreement, log_p2, office_calendar, rome

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    got, answers = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((dict(self.headers), body))
            self.send_response(answers.pop(0) if answers else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got, answers
    finally:
        server.shutdown()
        server.server_close()


def run_due_deliveries():
    for row in Task.objects.filter(name="notifications.deliver_webhook", status="queued"):
        tasks.deliver(row.pk)


def test_a_record_event_is_posted_signed_and_retried_after_a_failure(cast, receiver):
    url, got, answers = receiver
    Webhook.objects.create(name="Ops", url=url, secret="s3cret", events=["record.created"])
    answers.append(500)
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "record.created"
    assert webhooks.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code, delivery.error) == (1, 500, "HTTP 500")
    retry = Task.objects.filter(name="notifications.deliver_webhook").order_by("-id").first()
    assert retry.run_after - delivery.last_attempt_at >= timedelta(seconds=9)
    assert webhooks.deliver(delivery.pk) == "delivered"
    assert webhooks.deliver(delivery.pk) == "skipped"  # a repeated message sends nothing
    assert len(got) == 2
    headers, body = got[-1]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Servista-Signature"] == expected
    assert json.loads(body)["data"]["number"] == inc.number
    assert headers["X-Servista-Event"] == "record.created"


def test_a_webhook_gives_up_after_its_last_attempt(cast):
    hook = Webhook.objects.create(name="Gone", url="http://127.0.0.1:9/none", secret="x",
                                  events=["*"])
    delivery = webhooks.send_event("custom.event", {"a": 1})[0]
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert hook.deliveries.count() == 1


def test_an_sla_breach_sends_one_signed_webhook_and_never_twice(cast, receiver):
    url, got, _ = receiver
    Webhook.objects.create(name="Breaches", url=url, secret="k", events=["sla.breach"])
    agreement(office_calendar(cast.admin), targets=(("resolution", 2, 60),), warnings=())
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    for minute in (0, 1, 2):
        with clock.at(rome(2026, 3, 9, 10, minute)):
            tasks.execute("sla.scan", {})
        run_due_deliveries()
    assert len(got) == 1
    payload = json.loads(got[0][1])
    assert payload["event"] == "sla.breach" and payload["data"]["number"] == inc.number
    assert WebhookDelivery.objects.filter(event="sla.breach", status="delivered").count() == 1


def test_webhooks_and_their_deliveries_are_visible_to_administrators_only(client, cast):
    hook = Webhook.objects.create(name="Ops", url="http://127.0.0.1:9/", secret="x",
                                  events=["*"])
    WebhookDelivery.objects.create(webhook=hook, event="record.created")
    client.force_login(cast.admin)
    assert client.get("/admin/notifications/webhookdelivery/").status_code == 200
    client.force_login(cast.agent)
    assert client.get("/admin/notifications/webhookdelivery/").status_code == 302
