from servista.core.tasks import task

from . import services


@task("notifications.send_email")
def send_email(ids):
    return services.send_email(ids)
