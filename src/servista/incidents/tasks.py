from servista.core.tasks import task

from . import services


@task("incidents.auto_close", every=900)
def auto_close():
    """Close incidents whose resolution the caller left unanswered."""
    return services.auto_close_due()
