"""The service portfolio's rules that other practices ask about."""

from .choices import ServiceStatus


def refuses_new_work(service) -> str | None:
    """Why ``service`` may not be named on new or changed work (it is
    retired), or None when it may."""
    if service is not None and service.status == ServiceStatus.RETIRED:
        return f"{service} is retired; choose a service in operation."
    return None
