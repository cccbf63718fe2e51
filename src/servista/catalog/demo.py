"""The business services of the demo IT department, as a
``servista.core.demo`` story: get-or-create on the unique name, each owned by
a support group of ``accounts.department``.

Provides ``services``: the services by name.
"""

from servista.core import demo

from .choices import Criticality, ServiceStatus
from .models import Service

# name -> (owner group, criticality, description, status)
SERVICES = {
    "Email": ("Server Operations", Criticality.HIGH, "Mailboxes, calendars and mail delivery",
              ServiceStatus.LIVE),
    "VPN": ("Network", Criticality.HIGH, "Remote access to the corporate network",
            ServiceStatus.LIVE),
    "ERP": ("Enterprise Applications", Criticality.CRITICAL,
            "Finance, purchasing and inventory", ServiceStatus.LIVE),
    "CRM": ("Enterprise Applications", Criticality.HIGH, "Customer accounts and pipeline",
            ServiceStatus.LIVE),
    "HR Portal": ("Enterprise Applications", Criticality.MEDIUM,
                  "Leave, expenses and personal data", ServiceStatus.LIVE),
    "Payroll": ("Enterprise Applications", Criticality.CRITICAL, "Monthly payroll and payslips",
                ServiceStatus.LIVE),
    "Wi-Fi": ("Network", Criticality.MEDIUM, "Staff and guest wireless in every office",
              ServiceStatus.LIVE),
    "Corporate Network": ("Network", Criticality.CRITICAL, "Office LAN and data centre network",
                          ServiceStatus.LIVE),
    "Telephony": ("Network", Criticality.MEDIUM, "Desk phones and the contact centre",
                  ServiceStatus.LIVE),
    "Printing": ("End-User Computing", Criticality.LOW, "Office printers and scanning",
                 ServiceStatus.LIVE),
    "File Shares": ("Server Operations", Criticality.HIGH, "Department and project shares",
                    ServiceStatus.LIVE),
    "Workplace Devices": ("End-User Computing", Criticality.MEDIUM,
                          "Laptops, monitors and mobile phones", ServiceStatus.LIVE),
    "Identity & Access": ("Security Operations", Criticality.CRITICAL,
                          "Accounts, passwords and multi-factor authentication",
                          ServiceStatus.LIVE),
    "Legacy Intranet": ("Enterprise Applications", Criticality.LOW,
                        "The old intranet, replaced by the HR Portal", ServiceStatus.RETIRED),
}


@demo.story("catalog.services", after=("accounts.department",))
def services(ctx: demo.Context) -> None:
    """The services the IT department runs, with their owner groups."""
    groups = ctx["groups"]
    made = {}
    for name, (group, criticality, description, status) in SERVICES.items():
        made[name], _ = Service.objects.get_or_create(
            name=name, defaults={"owner_group": groups[group], "criticality": criticality,
                                 "description": description, "status": status})
    ctx.provide("services", made)
    ctx.tally("services", len(made))
