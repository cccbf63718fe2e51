from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "servista.sla"
    label = "sla"
    verbose_name = "Service level management"
    url_prefix = "service-levels/"  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, lookup

        # Registers the observer that keeps every work record's intervals and timers.
        from . import policies, services, shell  # noqa: F401
        from .models import Agreement, Calendar, GroupHours, ServiceHours, Target

        audit.register(Calendar, exclude=["updated_at"])
        audit.register(Agreement)
        audit.register(Target)
        audit.register(GroupHours)
        lookup.register(Calendar, ("name",))
        lookup.register(Agreement, ("name",))
        audit.register(ServiceHours)
