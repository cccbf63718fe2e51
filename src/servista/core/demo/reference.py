"""The reference data of the demo IT department: business units, people,
support groups, services, configuration items and incident categories.

Everything is created with get-or-create on its unique name, so loading twice
(``servista demo`` then ``servista loaddemo``) adds nothing the second time.
People get realistic names from Faker with a fixed seed; they cannot sign in
(unusable passwords) except the three demo logins, whose password the
``demo`` command sets.
"""

import random
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

from servista.accounts.choices import Role
from servista.accounts.models import Group, Organization, User
from servista.catalog.choices import Criticality, ServiceStatus
from servista.catalog.models import Service
from servista.cmdb.choices import CIClass
from servista.cmdb.models import ConfigurationItem
from servista.incidents.models import Category

EMAIL_DOMAIN = "example.com"
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT", "pl_PL", "sv_SE",
           "en_IN"]

# Business units (customer organizations) with the job titles of their staff
# and how many of their people appear in the demo.
ORGANIZATIONS = {
    "Finance": ("Accounting, controlling and treasury",
                ["Accountant", "Financial Controller", "Accounts Payable Clerk"]),
    "Sales": ("Field and inside sales", ["Account Executive", "Sales Manager",
                                         "Sales Operations Analyst"]),
    "Human Resources": ("People, recruiting and payroll",
                        ["HR Business Partner", "Payroll Specialist", "Recruiter"]),
    "Engineering": ("Product development", ["Software Engineer", "QA Engineer",
                                            "Engineering Manager"]),
    "Operations": ("Logistics, facilities and procurement",
                   ["Logistics Coordinator", "Operations Analyst", "Facilities Manager"]),
    "Marketing": ("Brand, campaigns and events", ["Marketing Specialist", "Content Manager"]),
    "Legal": ("Contracts and compliance", ["Legal Counsel", "Paralegal"]),
}

# The fixed demo logins: (username, first, last, role, organization, title).
LOGINS = {
    "agent": ("agent", "Jordan", "Ellis", Role.AGENT, None, "Service Desk Analyst"),
    "manager": ("manager", "Priya", "Raman", Role.MANAGER, None, "Service Desk Manager"),
    "requester": ("requester", "Tom", "Becker", Role.REQUESTER, "Finance",
                  "Financial Controller"),
}

# Managers other than the demo manager: title -> the groups they lead.
MANAGERS = {
    "Infrastructure Manager": ["Network", "Server Operations"],
    "Applications Manager": ["Enterprise Applications", "Database Administration"],
    "Information Security Manager": ["Security Operations"],
}

# Assignment groups: name -> (description, agent title, agents besides the
# demo agent, manager title).
GROUPS = {
    "Service Desk": ("First line: logs, triages and resolves at first contact",
                     "Service Desk Analyst", 3, "Service Desk Manager"),
    "End-User Computing": ("Laptops, desktops, printers and mobile devices",
                           "Desktop Support Technician", 2, "Service Desk Manager"),
    "Network": ("LAN, Wi-Fi, VPN and telephony", "Network Engineer", 2,
                "Infrastructure Manager"),
    "Server Operations": ("Servers, storage, backup and messaging", "Systems Administrator",
                          2, "Infrastructure Manager"),
    "Database Administration": ("Database platforms and performance",
                                "Database Administrator", 2, "Applications Manager"),
    "Enterprise Applications": ("ERP, CRM, HR and payroll applications",
                                "Application Specialist", 3, "Applications Manager"),
    "Security Operations": ("Security monitoring, phishing and malware response",
                            "Security Analyst", 2, "Information Security Manager"),
}

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

# name -> (class, service, owner group, criticality, description)
CIS = {
    "mail-gw01": (CIClass.SERVER, "Email", "Server Operations", Criticality.HIGH,
                  "Mail gateway: SMTP relay and spam filter"),
    "exch-mbx01": (CIClass.SERVER, "Email", "Server Operations", Criticality.HIGH,
                   "Mailbox server, database group A"),
    "exch-mbx02": (CIClass.SERVER, "Email", "Server Operations", Criticality.HIGH,
                   "Mailbox server, database group B"),
    "vpn-gw01": (CIClass.NETWORK_DEVICE, "VPN", "Network", Criticality.CRITICAL,
                 "VPN concentrator, primary"),
    "vpn-gw02": (CIClass.NETWORK_DEVICE, "VPN", "Network", Criticality.HIGH,
                 "VPN concentrator, standby"),
    "core-sw01": (CIClass.NETWORK_DEVICE, "Corporate Network", "Network", Criticality.CRITICAL,
                  "Core switch, head office"),
    "acc-sw-2f": (CIClass.NETWORK_DEVICE, "Corporate Network", "Network", Criticality.MEDIUM,
                  "Access switch, 2nd floor"),
    "acc-sw-3f": (CIClass.NETWORK_DEVICE, "Corporate Network", "Network", Criticality.MEDIUM,
                  "Access switch, 3rd floor"),
    "wlc-01": (CIClass.NETWORK_DEVICE, "Wi-Fi", "Network", Criticality.HIGH,
               "Wireless LAN controller"),
    "ap-hq-2f-01": (CIClass.NETWORK_DEVICE, "Wi-Fi", "Network", Criticality.LOW,
                    "Access point, 2nd floor east"),
    "ap-hq-4f-02": (CIClass.NETWORK_DEVICE, "Wi-Fi", "Network", Criticality.LOW,
                    "Access point, 4th floor meeting rooms"),
    "pbx-01": (CIClass.SERVER, "Telephony", "Network", Criticality.MEDIUM, "IP telephony server"),
    "erp-prod": (CIClass.APPLICATION, "ERP", "Enterprise Applications", Criticality.CRITICAL,
                 "ERP production instance"),
    "erp-app01": (CIClass.VIRTUAL_MACHINE, "ERP", "Server Operations", Criticality.CRITICAL,
                  "ERP application server 1"),
    "erp-app02": (CIClass.VIRTUAL_MACHINE, "ERP", "Server Operations", Criticality.CRITICAL,
                  "ERP application server 2"),
    "erp-db01": (CIClass.DATABASE, "ERP", "Database Administration", Criticality.CRITICAL,
                 "ERP production database"),
    "crm-prod": (CIClass.APPLICATION, "CRM", "Enterprise Applications", Criticality.HIGH,
                 "CRM production instance"),
    "crm-db01": (CIClass.DATABASE, "CRM", "Database Administration", Criticality.HIGH,
                 "CRM database"),
    "hr-portal": (CIClass.APPLICATION, "HR Portal", "Enterprise Applications", Criticality.MEDIUM,
                  "HR self-service portal"),
    "payroll-app": (CIClass.APPLICATION, "Payroll", "Enterprise Applications",
                    Criticality.CRITICAL, "Payroll application"),
    "payroll-db01": (CIClass.DATABASE, "Payroll", "Database Administration",
                     Criticality.CRITICAL, "Payroll database"),
    "fs01": (CIClass.SERVER, "File Shares", "Server Operations", Criticality.HIGH,
             "File server: department shares"),
    "fs02": (CIClass.SERVER, "File Shares", "Server Operations", Criticality.HIGH,
             "File server: project shares"),
    "backup-srv01": (CIClass.SERVER, "File Shares", "Server Operations", Criticality.MEDIUM,
                     "Backup server"),
    "san-01": (CIClass.STORAGE, "File Shares", "Server Operations", Criticality.CRITICAL,
               "Storage array"),
    "dc01": (CIClass.SERVER, "Identity & Access", "Server Operations", Criticality.CRITICAL,
             "Domain controller 1"),
    "dc02": (CIClass.SERVER, "Identity & Access", "Server Operations", Criticality.CRITICAL,
             "Domain controller 2"),
    "mfa-service": (CIClass.APPLICATION, "Identity & Access", "Security Operations",
                    Criticality.CRITICAL, "Multi-factor authentication service"),
    "print-srv01": (CIClass.SERVER, "Printing", "End-User Computing", Criticality.LOW,
                    "Print server"),
    "prn-hq-2f-01": (CIClass.PRINTER, "Printing", "End-User Computing", Criticality.LOW,
                     "Multifunction printer, 2nd floor"),
    "prn-hq-3f-01": (CIClass.PRINTER, "Printing", "End-User Computing", Criticality.LOW,
                     "Multifunction printer, 3rd floor"),
    "prn-ops-1f-01": (CIClass.PRINTER, "Printing", "End-User Computing", Criticality.LOW,
                      "Warehouse label printer"),
}

# Category -> (default group or None for the service desk, subcategories).
CATEGORIES = {
    "Hardware": ("End-User Computing", ["Laptop", "Desktop", "Printer", "Monitor",
                                        "Mobile phone"]),
    "Software": (None, ["Email client", "ERP", "Office suite", "CRM", "HR Portal", "Payroll"]),
    "Network": ("Network", ["VPN", "Wi-Fi", "LAN", "Telephony"]),
    "Access": ("Service Desk", ["Password reset", "Permissions", "Multi-factor authentication"]),
    "Security": ("Security Operations", ["Phishing", "Malware"]),
    "Infrastructure": ("Server Operations", ["File share", "Server", "Database", "Backup"]),
}


@dataclass
class Reference:
    """The reference data, as objects, for the incident generators."""

    organizations: dict[str, Organization] = field(default_factory=dict)
    requesters: list[User] = field(default_factory=list)
    agents: list[User] = field(default_factory=list)
    managers: list[User] = field(default_factory=list)
    logins: dict[str, User] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    members: dict[str, list[User]] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    cis: dict[str, ConfigurationItem] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    subcategories: dict[tuple[str, str], Category] = field(default_factory=dict)

    @property
    def service_desk(self) -> Group:
        return self.groups["Service Desk"]


def _username(first: str, last: str) -> str:
    text = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum() or c == ".")


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


class _People:
    """Creates people with names from a seeded Faker, one locale per person."""

    def __init__(self, seed: int):
        self.faker = Faker(LOCALES)
        self.faker.seed_instance(seed)
        self.rng = random.Random(seed)
        self.taken: set[str] = set()

    def create(self, role: str, title: str, organization: Organization | None = None) -> User:
        while True:
            fake = self.faker[self.rng.choice(LOCALES)]
            first, last = fake.first_name(), fake.last_name()
            username = _username(first, last)
            if username not in self.taken and username not in LOGINS:
                break
        return self.person(username, first, last, role, organization, title)

    def person(self, username, first, last, role, organization, title) -> User:
        self.taken.add(username)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "role": role,
                      "organization": organization, "title": title,
                      "email": f"{username}@{EMAIL_DOMAIN}",
                      "phone": f"+1 555 01{self.rng.randint(0, 99):02d}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


def load_reference_data(seed: int = 0) -> Reference:
    """Create (or find) the demo department; returns it as a ``Reference``."""
    ref = Reference()
    people = _People(seed)
    for name, (description, _titles) in ORGANIZATIONS.items():
        ref.organizations[name], _ = Organization.objects.get_or_create(
            name=name, defaults={"description": description})

    for key, (username, first, last, role, org, title) in LOGINS.items():
        user = people.person(username, first, last, role,
                             ref.organizations.get(org) if org else None, title)
        ref.logins[key] = user
    ref.requesters.append(ref.logins["requester"])
    for name, (_description, titles) in ORGANIZATIONS.items():
        count = 3 if len(titles) == 3 else 2
        for index in range(count):
            ref.requesters.append(people.create(Role.REQUESTER, titles[index % len(titles)],
                                                ref.organizations[name]))

    managers = {"Service Desk Manager": ref.logins["manager"]}
    for title in MANAGERS:
        managers[title] = people.create(Role.MANAGER, title)
    ref.managers = list(managers.values())

    for name, (description, agent_title, extra_agents, manager_title) in GROUPS.items():
        manager = managers[manager_title]
        group, _ = Group.objects.get_or_create(
            name=name, defaults={"description": description, "manager": manager,
                                 "is_service_desk": name == "Service Desk",
                                 "email": f"{_slug(name)}@{EMAIL_DOMAIN}"})
        agents = [ref.logins["agent"]] if name == "Service Desk" else []
        agents += [people.create(Role.AGENT, agent_title) for _ in range(extra_agents)]
        group.members.add(*agents, manager)
        ref.groups[name] = group
        ref.members[name] = agents
        ref.agents += [a for a in agents if a not in ref.agents]

    for name, (group, criticality, description, status) in SERVICES.items():
        ref.services[name], _ = Service.objects.get_or_create(
            name=name, defaults={"owner_group": ref.groups[group], "criticality": criticality,
                                 "description": description, "status": status})
    for name, (ci_class, service, group, criticality, description) in CIS.items():
        ref.cis[name], _ = ConfigurationItem.objects.get_or_create(
            name=name, defaults={"ci_class": ci_class, "service": ref.services[service],
                                 "owner_group": ref.groups[group], "criticality": criticality,
                                 "description": description})

    for name, (group, subcategories) in CATEGORIES.items():
        category, _ = Category.objects.get_or_create(
            name=name, parent=None,
            defaults={"default_group": ref.groups[group] if group else None})
        ref.categories[name] = category
        for sub in subcategories:
            ref.subcategories[(name, sub)], _ = Category.objects.get_or_create(
                name=sub, parent=category)
    return ref
