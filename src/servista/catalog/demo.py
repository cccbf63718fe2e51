"""The business services of the demo IT department, as a
``servista.core.demo`` story: get-or-create on the unique name, each owned by
a support group of ``accounts.department``.

Provides ``services``: the services by name.
"""

from servista.core import demo

from .choices import Criticality, ServiceStatus
from .models import PortfolioReview, Service, ServiceOffering

# name -> (service hours, [(offering, description, support hours)])
PORTFOLIO = {
    "Email": ("24x7", [("Standard mailbox", "50 GB mailbox, calendar, mobile access",
                        "Mon-Fri 07:00-19:00"),
                       ("Shared mailbox", "A team's mailbox with delegated access",
                        "Mon-Fri 07:00-19:00")]),
    "VPN": ("24x7", [("Remote access", "VPN client and multi-factor sign-in", "24x7")]),
    "ERP": ("Mon-Sat 06:00-22:00", [("ERP user", "Finance, purchasing and inventory modules",
                                     "Mon-Fri 08:00-18:00")]),
    "Workplace Devices": ("Mon-Fri 08:00-18:00", [
        ("Standard laptop", "14-inch laptop, docking station and headset",
         "Mon-Fri 08:00-18:00")]),
}
REVIEWS = [("Legacy Intranet", "retire", "Replaced by the HR Portal; below minimum fitness"),
           ("Telephony", "renew", "Functionally fit, the PBX hardware is out of support"),
           ("Email", "retain", "Self-contained with clear boundaries")]

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
    customers = list(ctx["organizations"].values()) if "organizations" in ctx else []
    for name, (hours, offerings) in PORTFOLIO.items():
        service = made[name]
        if not service.service_hours:
            service.service_hours = hours
            service.save(update_fields=["service_hours"])
            if customers:
                service.customers.set(customers)
        for offering, description, support in offerings:
            ServiceOffering.objects.get_or_create(service=service, name=offering, defaults={
                "description": description, "support_hours": support})
    for name, outcome, reason in REVIEWS:
        PortfolioReview.objects.get_or_create(service=made[name], outcome=outcome, defaults={
            "reviewed_on": "2026-10-01", "reason": reason})
    ctx.provide("services", made)
    ctx.tally("services", len(made))
