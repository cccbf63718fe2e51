"""The CMDB's rules that other practices ask about."""

from .choices import CIStatus


def refuses_new_work(ci) -> str | None:
    """Why a configuration item may not be named on new or changed work (it
    is retired), or None when it may."""
    if ci is not None and ci.status == CIStatus.RETIRED:
        return f"{ci} is retired; choose an item in use."
    return None
