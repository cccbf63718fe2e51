from servista.core.tasks import task

from . import services


@task("incidents.auto_close", every=900)
def auto_close():
    """Close incidents whose resolution the caller left unanswered."""
    return services.auto_close_due()


@task("incidents.train_routing", every=6 * 3600)
def train_routing():
    """Learn the category and group suggestion again from resolved history."""
    from . import routing

    return routing.train().incidents
