"""What mail to the service desk does with incidents: a new mail from a
known person logs an incident (channel e-mail) through the same service as
the portal; a reply is a comment on its incident, with its files."""

from servista.core.exceptions import NotFound
from servista.core.permissions import restrict
from servista.notifications import inbound

from .models import Incident


def find(number: str):
    return Incident.objects.filter(number=number).first()


def reply(incident, person, body: str, files):
    """A comment by whoever may see the incident (else NotFound: the mail
    then logs a new incident of its own)."""
    if not restrict(Incident.objects.filter(pk=incident.pk), person).exists():
        raise NotFound(f"No incident {incident.number}.")
    from . import services  # at run time: the app registry's import order stays

    return services.comment(incident, person, body, files=files)


def create(person, subject: str, body: str, files):
    from . import services

    return services.log_incident(person, files=files, channel="email",
                                 short_description=subject, description=body)


inbound.register(inbound.Intake("INC", find=find, reply=reply, create=create, default=True))
