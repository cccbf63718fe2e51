from django.conf import settings

from servista.core.tasks import task

from . import services


@task("notifications.send_email")
def send_email(ids):
    return services.send_email(ids)


@task("notifications.deliver_webhook")
def deliver_webhook(delivery_id):
    from . import webhooks

    return webhooks.deliver(delivery_id)


@task("notifications.poll_mailbox", every=settings.SERVISTA_IMAP["EVERY"])
def poll_mailbox():
    from . import inbound

    return inbound.poll_imap()
