from servista.core.tasks import task

from . import services


@task("knowledge.remind_reviews", every=3600)
def remind_reviews():
    """Tell article owners whose review date has come (once per date)."""
    return services.remind_reviews()
