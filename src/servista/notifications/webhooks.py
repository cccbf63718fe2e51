"""Outgoing webhooks for any event: each subscribed webhook gets a delivery
row in the transaction of the event, and the background worker posts it
(JSON, ``X-Servista-Signature: sha256=<HMAC of the body>``), retrying with
growing pauses (10 s, 20 s, 40 s...) up to ``MAX_ATTEMPTS``; every attempt
is logged on the delivery, which administrators see in the admin.

Work records tell of their creation and changes through
``core.services.observe_records`` (``record.created``, ``record.updated``);
practices send their own events with ``send_event`` (``sla.breach``...).
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from servista.core import clock
from servista.core.refcache import RefCache
from servista.core.services import observe_records
from servista.core.tasks import enqueue

from .models import Webhook, WebhookDelivery

MAX_ATTEMPTS = 6


def _load_active() -> list[Webhook]:
    return list(Webhook.objects.filter(active=True))


_active = RefCache(_load_active, models=[Webhook], ttl=60)
TIMEOUT = settings.SERVISTA.get("WEBHOOK_TIMEOUT_SECONDS", 10)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps({"event": delivery.event, "delivery": delivery.pk,
                       "data": delivery.payload}, cls=DjangoJSONEncoder,
                      sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_event(event: str, payload: dict) -> list[WebhookDelivery]:
    """Queue ``event`` for every active webhook that subscribes to it."""
    hooks = [h for h in _active.get() if h.wants(event)]
    rows = []
    for hook in hooks:
        delivery = WebhookDelivery.objects.create(
            webhook=hook, event=event,
            payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)))
        enqueue("notifications.deliver_webhook", delivery_id=delivery.pk)
        rows.append(delivery)
    return rows


def retry_delay(attempts: int) -> float:
    return 10.0 * 2 ** (attempts - 1)


def deliver(delivery_id: int) -> str:
    """One attempt; a failure queues the next one, later, until the last."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("webhook") \
            .filter(pk=delivery_id).first()
        if delivery is None or delivery.status != WebhookDelivery.PENDING:
            return "skipped"
        body = body_of(delivery)
        if not delivery.webhook.url.startswith(("http://", "https://")):
            delivery.status, delivery.error = WebhookDelivery.FAILED, "Not an http(s) URL."
            delivery.save()
            return delivery.status
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            delivery.webhook.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "Servista-Webhook",
            "X-Servista-Event": delivery.event, "X-Servista-Delivery": str(delivery.pk),
            "X-Servista-Signature": signature(delivery.webhook.secret, body)})
        delivery.attempts += 1
        delivery.last_attempt_at = clock.now()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 - idem
                delivery.response_code = answer.status
            delivery.status, delivery.delivered_at, delivery.error = \
                WebhookDelivery.DELIVERED, clock.now(), ""
        except urllib.error.HTTPError as exc:
            delivery.response_code, delivery.error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            delivery.response_code, delivery.error = None, str(exc)[:500]
        if delivery.status == WebhookDelivery.PENDING:
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.FAILED
            else:
                enqueue("notifications.deliver_webhook", delay=retry_delay(delivery.attempts),
                        delivery_id=delivery.pk)
        delivery.save()
        return delivery.status


@observe_records
def record_changed(record, actor, changes: dict, *, created: bool) -> None:
    if not _active.get():
        return  # no read: the webhooks are kept per process
    send_event("record.created" if created else "record.updated", {
        "type": record._meta.label_lower, "id": record.pk, "number": record.number,
        "state": record.state, "priority": record.priority,
        "actor": getattr(actor, "username", None),
        "changes": {name: {"old": c.get("old"), "new": c.get("new")}
                    for name, c in changes.items()}})
