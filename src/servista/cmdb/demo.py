"""The configuration items of the demo IT department, as a
``servista.core.demo`` story: get-or-create on the unique name, each part of
a service of ``catalog.services`` and owned by a support group.

Provides ``cis``: the configuration items by name.
"""

from servista.catalog.choices import Criticality
from servista.core import demo

from .models import ConfigurationItem

# name -> (class, service, owner group, criticality, description)
CIS = {
    "mail-gw01": ("server", "Email", "Server Operations", Criticality.HIGH,
                  "Mail gateway: SMTP relay and spam filter"),
    "exch-mbx01": ("server", "Email", "Server Operations", Criticality.HIGH,
                   "Mailbox server, database group A"),
    "exch-mbx02": ("server", "Email", "Server Operations", Criticality.HIGH,
                   "Mailbox server, database group B"),
    "vpn-gw01": ("network_device", "VPN", "Network", Criticality.CRITICAL,
                 "VPN concentrator, primary"),
    "vpn-gw02": ("network_device", "VPN", "Network", Criticality.HIGH,
                 "VPN concentrator, standby"),
    "core-sw01": ("network_device", "Corporate Network", "Network", Criticality.CRITICAL,
                  "Core switch, head office"),
    "acc-sw-2f": ("network_device", "Corporate Network", "Network", Criticality.MEDIUM,
                  "Access switch, 2nd floor"),
    "acc-sw-3f": ("network_device", "Corporate Network", "Network", Criticality.MEDIUM,
                  "Access switch, 3rd floor"),
    "wlc-01": ("network_device", "Wi-Fi", "Network", Criticality.HIGH,
               "Wireless LAN controller"),
    "ap-hq-2f-01": ("network_device", "Wi-Fi", "Network", Criticality.LOW,
                    "Access point, 2nd floor east"),
    "ap-hq-4f-02": ("network_device", "Wi-Fi", "Network", Criticality.LOW,
                    "Access point, 4th floor meeting rooms"),
    "pbx-01": ("server", "Telephony", "Network", Criticality.MEDIUM, "IP telephony server"),
    "erp-prod": ("application", "ERP", "Enterprise Applications", Criticality.CRITICAL,
                 "ERP production instance"),
    "erp-app01": ("virtual_machine", "ERP", "Server Operations", Criticality.CRITICAL,
                  "ERP application server 1"),
    "erp-app02": ("virtual_machine", "ERP", "Server Operations", Criticality.CRITICAL,
                  "ERP application server 2"),
    "erp-db01": ("database", "ERP", "Database Administration", Criticality.CRITICAL,
                 "ERP production database"),
    "crm-prod": ("application", "CRM", "Enterprise Applications", Criticality.HIGH,
                 "CRM production instance"),
    "crm-db01": ("database", "CRM", "Database Administration", Criticality.HIGH,
                 "CRM database"),
    "hr-portal": ("application", "HR Portal", "Enterprise Applications", Criticality.MEDIUM,
                  "HR self-service portal"),
    "payroll-app": ("application", "Payroll", "Enterprise Applications",
                    Criticality.CRITICAL, "Payroll application"),
    "payroll-db01": ("database", "Payroll", "Database Administration",
                     Criticality.CRITICAL, "Payroll database"),
    "fs01": ("server", "File Shares", "Server Operations", Criticality.HIGH,
             "File server: department shares"),
    "fs02": ("server", "File Shares", "Server Operations", Criticality.HIGH,
             "File server: project shares"),
    "backup-srv01": ("server", "File Shares", "Server Operations", Criticality.MEDIUM,
                     "Backup server"),
    "san-01": ("storage", "File Shares", "Server Operations", Criticality.CRITICAL,
               "Storage array"),
    "dc01": ("server", "Identity & Access", "Server Operations", Criticality.CRITICAL,
             "Domain controller 1"),
    "dc02": ("server", "Identity & Access", "Server Operations", Criticality.CRITICAL,
             "Domain controller 2"),
    "mfa-service": ("application", "Identity & Access", "Security Operations",
                    Criticality.CRITICAL, "Multi-factor authentication service"),
    "print-srv01": ("server", "Printing", "End-User Computing", Criticality.LOW,
                    "Print server"),
    "prn-hq-2f-01": ("printer", "Printing", "End-User Computing", Criticality.LOW,
                     "Multifunction printer, 2nd floor"),
    "prn-hq-3f-01": ("printer", "Printing", "End-User Computing", Criticality.LOW,
                     "Multifunction printer, 3rd floor"),
    "prn-ops-1f-01": ("printer", "Printing", "End-User Computing", Criticality.LOW,
                      "Warehouse label printer"),
}


@demo.story("cmdb.items", after=("accounts.department", "catalog.services"))
def items(ctx: demo.Context) -> None:
    """Servers, network devices, applications, databases and printers."""
    groups, services = ctx["groups"], ctx["services"]
    made = {}
    for name, (ci_class, service, group, criticality, description) in CIS.items():
        made[name], _ = ConfigurationItem.objects.get_or_create(
            name=name, defaults={"ci_class_id": ci_class, "service": services[service],
                                 "owner_group": groups[group], "criticality": criticality,
                                 "description": description})
    ctx.provide("cis", made)
    ctx.tally("CIs", len(made))
