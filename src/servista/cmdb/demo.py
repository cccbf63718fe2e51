"""The configuration items of the demo IT department, as a
``servista.core.demo`` story: get-or-create on the unique name, each part of
a service of ``catalog.services`` and owned by a support group, with its
class attributes; each service has its item of the business service class,
and relationships tie them into one graph (applications run on a
virtualisation host that depends on the storage array; the core switch
connects the servers; every item provides its service; the network and
identity services support others), so that impact analysis of core-sw01
or san-01 reaches the services the incidents name.

Provides ``cis``: the configuration items by name (the services' own items
included, under the service's name).
"""

from servista.catalog.choices import Criticality
from servista.core import demo

from .models import ConfigurationItem, Relationship, RelationshipType
from .structure import ensure_structure

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
    "vmhost-01": ("server", "ERP", "Server Operations", Criticality.CRITICAL,
                  "Virtualisation host, cluster A"),
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



OS = {"windows": ("exch-mbx01", "exch-mbx02", "dc01", "dc02", "fs01", "fs02", "print-srv01")}

# (source, type, target) besides "every item provides its service".
RELATIONSHIPS = [
    ("erp-prod", "runs_on", "erp-app01"), ("erp-prod", "runs_on", "erp-app02"),
    ("erp-prod", "depends_on", "erp-db01"),
    ("erp-app01", "runs_on", "vmhost-01"), ("erp-app02", "runs_on", "vmhost-01"),
    ("erp-db01", "runs_on", "vmhost-01"), ("crm-prod", "runs_on", "vmhost-01"),
    ("crm-prod", "depends_on", "crm-db01"), ("crm-db01", "runs_on", "vmhost-01"),
    ("hr-portal", "runs_on", "vmhost-01"), ("hr-portal", "depends_on", "dc01"),
    ("payroll-app", "runs_on", "vmhost-01"), ("payroll-app", "depends_on", "payroll-db01"),
    ("payroll-db01", "runs_on", "vmhost-01"), ("mfa-service", "depends_on", "dc01"),
    ("vmhost-01", "depends_on", "san-01"), ("fs01", "depends_on", "san-01"),
    ("fs02", "depends_on", "san-01"), ("backup-srv01", "depends_on", "san-01"),
    ("exch-mbx01", "depends_on", "san-01"), ("exch-mbx02", "depends_on", "san-01"),
    ("core-sw01", "connected_to", "vmhost-01"), ("core-sw01", "connected_to", "san-01"),
    ("core-sw01", "connected_to", "acc-sw-2f"), ("core-sw01", "connected_to", "acc-sw-3f"),
    ("core-sw01", "connected_to", "mail-gw01"), ("core-sw01", "connected_to", "fs01"),
    ("core-sw01", "connected_to", "fs02"), ("core-sw01", "connected_to", "dc01"),
    ("core-sw01", "connected_to", "dc02"), ("core-sw01", "connected_to", "vpn-gw01"),
    ("core-sw01", "connected_to", "wlc-01"), ("core-sw01", "connected_to", "pbx-01"),
    ("acc-sw-2f", "connected_to", "prn-hq-2f-01"), ("acc-sw-3f", "connected_to", "prn-hq-3f-01"),
    ("wlc-01", "connected_to", "ap-hq-2f-01"), ("wlc-01", "connected_to", "ap-hq-4f-02"),
    ("HQ data centre", "contains", "core-sw01"), ("HQ data centre", "contains", "vmhost-01"),
    ("HQ data centre", "contains", "san-01"),
    # Services supporting services.
    ("Identity & Access", "provides", "Email"), ("Identity & Access", "provides", "VPN"),
    ("Corporate Network", "provides", "VPN"), ("Corporate Network", "provides", "Wi-Fi"),
]


def attributes_of(name: str, ci_class: str, index: int) -> dict:
    serial = f"SN-{1000 + index:05d}"
    if ci_class in ("server", "virtual_machine"):
        attrs = {"serial_number": serial, "hostname": f"{name}.corp.example",
                 "cpu_count": 16 if ci_class == "server" else 4,
                 "memory_gb": 256 if ci_class == "server" else 32,
                 "operating_system": "windows" if name in OS["windows"] else "linux"}
        if ci_class == "virtual_machine":
            attrs["hypervisor"] = "vmhost-01"
        return attrs
    if ci_class in ("network_device", "storage", "printer"):
        attrs = {"serial_number": serial, "manufacturer": "Contoso Networks"
                 if ci_class == "network_device" else "Fabrikam"}
        if ci_class == "printer":
            attrs["colour"] = name != "prn-ops-1f-01"
        return attrs
    if ci_class == "database":
        return {"engine": "postgresql" if "crm" in name else "oracle", "version": "19"}
    if ci_class == "application":
        return {"version": "2026.1", "vendor": "In-house" if "portal" in name else "Contoso"}
    return {}


@demo.story("cmdb.items", after=("accounts.department", "catalog.services"))
def items(ctx: demo.Context) -> None:
    """Servers, network devices, applications, databases and printers, the
    services' own items, and the relationships between them."""
    ensure_structure()
    groups, services = ctx["groups"], ctx["services"]
    made = {}
    location, _ = ConfigurationItem.objects.get_or_create(
        name="HQ data centre", defaults={"ci_class_id": "location",
                                         "attributes": {"address": "1 Main Street, basement"},
                                         "description": "The head office's server room"})
    made[location.name] = location
    for index, (name, (ci_class, service, group, criticality, description)) in \
            enumerate(CIS.items()):
        attrs = attributes_of(name, ci_class, index)
        if ci_class == "server" or ci_class == "virtual_machine":
            attrs["location"] = location.pk
        made[name], _ = ConfigurationItem.objects.get_or_create(
            name=name, defaults={"ci_class_id": ci_class, "service": services[service],
                                 "owner_group": groups[group], "criticality": criticality,
                                 "description": description, "attributes": attrs})
    for name, service in services.items():
        own = ConfigurationItem.objects.filter(represents=service).first()
        if own is None:
            own, _ = ConfigurationItem.objects.get_or_create(
                name=name if name not in made else f"{name} (service)", defaults={
                    "ci_class_id": "business_service", "represents": service,
                    "owner_group": service.owner_group, "criticality": service.criticality,
                    "status": "retired" if service.status == "retired" else "live",
                    "description": service.description})
        made[name] = own
    types = {t.key: t for t in RelationshipType.objects.all()}
    wanted = [(made[name], types["provides"], made[service])
              for name, (_, service, *_rest) in CIS.items()]
    wanted += [(made[s], types[t], made[d]) for s, t, d in RELATIONSHIPS]
    for source, rel_type, target in wanted:
        Relationship.objects.get_or_create(source=source, type=rel_type, target=target)
    ctx.provide("cis", made)
    ctx.tally("CIs", len(made))
    ctx.tally("CI relationships", len(wanted))
