from servista.core.tasks import task

from . import services


@task("sla.scan", every=30)
def scan():
    """Record the warnings and breaches now due, then run their escalations."""
    found = services.scan()
    return found + services.handle_events()
