"""The people of the demo IT department, as ``servista.core.demo`` stories:
the business units, their staff, the support groups with their agents and
managers, and the demo logins.

Everything is created with get-or-create on its unique name, so loading twice
(``servista demo`` then ``servista loaddemo``) adds nothing the second time.
People get realistic names from Faker with a fixed seed
(``ctx.reference_seed``); they cannot sign in (unusable passwords) except the
three demo logins, whose password ``servista demo`` sets.

Provided to the stories that run after ``accounts.department``:

  ``organizations``  business units by name (from ``accounts.organizations``)
  ``logins``         the demo logins' users by key: agent, manager, requester
  ``requesters``     the end users who call, the requester login first
  ``agents``         every agent, once each
  ``managers``       the group managers, the demo manager first
  ``groups``         the support groups by name
  ``members``        group name -> its agents (its manager not included)
"""

import random
import unicodedata

from faker import Faker

from servista.core import demo

from .choices import Role
from .models import Group, Organization, User

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


# ``servista demo`` gives these logins the password it prints.
for _login in LOGINS.values():
    demo.login(_login[0], title=_login[-1])


@demo.story("accounts.organizations")
def organizations(ctx: demo.Context) -> None:
    """The business units whose staff call the service desk."""
    ctx.provide("organizations", {
        name: Organization.objects.get_or_create(
            name=name, defaults={"description": description})[0]
        for name, (description, _titles) in ORGANIZATIONS.items()})


@demo.story("accounts.department", after=("accounts.organizations",))
def department(ctx: demo.Context) -> None:
    """The people: demo logins, end users of every business unit, managers,
    and the support groups with their agents."""
    organizations = ctx["organizations"]
    people = _People(ctx.reference_seed)
    logins = {}
    for key, (username, first, last, role, org, title) in LOGINS.items():
        logins[key] = people.person(username, first, last, role,
                                    organizations.get(org) if org else None, title)
    requesters = [logins["requester"]]
    for name, (_description, titles) in ORGANIZATIONS.items():
        count = 3 if len(titles) == 3 else 2
        for index in range(count):
            requesters.append(people.create(Role.REQUESTER, titles[index % len(titles)],
                                            organizations[name]))

    managers = {"Service Desk Manager": logins["manager"]}
    for title in MANAGERS:
        managers[title] = people.create(Role.MANAGER, title)

    groups, members, agents = {}, {}, []
    for name, (description, agent_title, extra_agents, manager_title) in GROUPS.items():
        manager = managers[manager_title]
        group, _ = Group.objects.get_or_create(
            name=name, defaults={"description": description, "manager": manager,
                                 "is_service_desk": name == "Service Desk",
                                 "email": f"{_slug(name)}@{EMAIL_DOMAIN}"})
        staff = [logins["agent"]] if name == "Service Desk" else []
        staff += [people.create(Role.AGENT, agent_title) for _ in range(extra_agents)]
        group.members.add(*staff, manager)
        groups[name] = group
        members[name] = staff
        agents += [agent for agent in staff if agent not in agents]

    ctx.provide("logins", logins)
    ctx.provide("requesters", requesters)
    ctx.provide("agents", agents)
    ctx.provide("managers", list(managers.values()))
    ctx.provide("groups", groups)
    ctx.provide("members", members)
    ctx.tally("requesters", len(requesters))
    ctx.tally("agents", len(agents))
    ctx.tally("groups", len(groups))
