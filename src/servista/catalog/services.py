"""The service portfolio's rules: portfolio reviews and what other
practices ask about services."""

from django.db import transaction

from servista.core import audit
from servista.core.exceptions import ValidationFailed
from servista.core.journal import write_entry
from servista.core.models.journal import JournalKind
from servista.core.permissions import policy_for

from .choices import ReviewOutcome, ServiceStatus
from .models import PortfolioReview, Service


def refuses_new_work(service) -> str | None:
    """Why ``service`` may not be named on new or changed work (it is
    retired), or None when it may."""
    if service is not None and service.status == ServiceStatus.RETIRED:
        return f"{service} is retired; choose a service in operation."
    return None


def review(service: Service, actor, *, outcome: str, reviewed_on, reason: str) -> PortfolioReview:
    """Record a portfolio review of ``service``: one of the six outcomes
    (renew, replace, retain, refactor, retire, rationalise), its date and
    reason, journaled on the service."""
    policy_for(Service).require(actor, "review", service)
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed.field("outcome", "One of: " + ", ".join(ReviewOutcome.values))
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why.")
    with transaction.atomic():
        made = PortfolioReview.objects.create(service=service, outcome=outcome,
                                              reviewed_on=reviewed_on, reason=reason,
                                              reviewed_by=actor)
        audit.journal_created(made, actor)
        write_entry(service, actor, JournalKind.CHANGE,
                    body=f"Portfolio review {reviewed_on}: {made.get_outcome_display()}. "
                         f"{reason}")
    return made
