from servista.core.tasks import task

from . import services, trends


@task("problems.detect_repeats", every=3600)
def detect_repeats():
    """Repeat-incident detection: propose problem candidates."""
    return len(trends.detect_repeats())


@task("problems.remind_reassessments", every=3600)
def remind_reassessments():
    """Tell who works each unresolved known error that its re-assessment is due."""
    return services.remind_reassessments()
