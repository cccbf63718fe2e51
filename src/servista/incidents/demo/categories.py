"""The incident categories of the demo, as a ``servista.core.demo`` story:
get-or-create on the name under the parent, top-level categories routed to
a support group of ``accounts.department``.

Provides ``categories`` (top level, by name) and ``subcategories`` (by
(category, subcategory) names).
"""

from servista.core import demo
from servista.incidents.models import Category

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



def routed_group(category: str) -> str:
    """The group that first handles an incident of ``category``."""
    return CATEGORIES[category][0] or "Service Desk"


@demo.story("incidents.categories", after=("accounts.department",))
def categories(ctx: demo.Context) -> None:
    """Categories and subcategories, with the group each category routes to."""
    groups = ctx["groups"]
    top, sub = {}, {}
    for name, (group, subcategories) in CATEGORIES.items():
        category, _ = Category.objects.get_or_create(
            name=name, parent=None, defaults={"default_group": groups[group] if group else None})
        top[name] = category
        for child in subcategories:
            sub[(name, child)], _ = Category.objects.get_or_create(name=child, parent=category)
    ctx.provide("categories", top)
    ctx.provide("subcategories", sub)
