"""The CMDB's structure out of the box: the class hierarchy with each
class's own attributes, the relationship types with the rules of which
classes they join. Migration 0002 installed the same (a frozen copy);
``ensure_structure`` puts back what is missing (the demo, tests on an
emptied database) and changes nothing that exists."""

from django.db import transaction

from .models import AttributeDefinition, CIClass, RelationshipRule, RelationshipType

# The class hierarchy, with each class's own attributes:
# key -> (name, parent, is_service, identification, [(key, label, type, extra)])
CLASSES = {
    "hardware": ("Hardware", None, False, ["serial_number", "name"], [
        ("serial_number", "Serial number", "string", {}),
        ("manufacturer", "Manufacturer", "string", {}),
        ("model", "Model", "string", {}),
        ("purchase_date", "Purchase date", "date", {}),
    ]),
    "location": ("Location", None, False, [], [
        ("address", "Address", "string", {}),
    ]),
    "server": ("Server", "hardware", False, ["serial_number", "hostname", "name"], [
        ("hostname", "Host name", "string", {}),
        ("cpu_count", "CPUs", "integer", {}),
        ("memory_gb", "Memory (GB)", "decimal", {}),
        ("operating_system", "Operating system", "choice",
         {"choices": ["linux", "windows", "other"]}),
        ("location", "Location", "reference", {"reference_class": "location"}),
    ]),
    "virtual_machine": ("Virtual server", "server", False, [], [
        ("hypervisor", "Hypervisor", "string", {}),
    ]),
    "network_device": ("Network device", "hardware", False, [], [
        ("ip_address", "IP address", "string", {}),
        ("port_count", "Ports", "integer", {}),
    ]),
    "storage": ("Storage", "hardware", False, [], [
        ("capacity_tb", "Capacity (TB)", "decimal", {}),
    ]),
    "workstation": ("Workstation", "hardware", False, [], []),
    "printer": ("Printer", "hardware", False, [], [
        ("colour", "Colour", "boolean", {}),
    ]),
    "mobile_device": ("Mobile device", "hardware", False, [], []),
    "application": ("Application", None, False, [], [
        ("version", "Version", "string", {}),
        ("vendor", "Vendor", "string", {}),
    ]),
    "database": ("Database", None, False, [], [
        ("engine", "Engine", "choice",
         {"choices": ["postgresql", "oracle", "sql_server", "mysql", "other"]}),
        ("version", "Version", "string", {}),
    ]),
    "service": ("Service", None, True, [], [
        ("service_hours", "Service hours", "string", {}),
    ]),
    "business_service": ("Business service", "service", True, [], []),
    "technical_service": ("Technical service", "service", True, [], []),
}

# key -> (name, reverse name, impact, [(source class, target class)])
TYPES = {
    "depends_on": ("depends on", "used by", "to_source", []),
    "runs_on": ("runs on", "hosts", "to_source",
                [("application", "hardware"), ("database", "hardware"),
                 ("virtual_machine", "server")]),
    "connected_to": ("connected to", "connected to", "both",
                     [("hardware", "hardware")]),
    "contains": ("contains", "member of", "to_target",
                 [("location", "hardware"), ("location", "location"),
                  ("hardware", "hardware")]),
    "provides": ("provides", "is provided by", "to_target",
                 [("hardware", "service"), ("application", "service"),
                  ("database", "service"), ("service", "service")]),
}


@transaction.atomic
def ensure_structure() -> None:
    made = {}
    for key, (name, parent, is_service, identification, _) in CLASSES.items():
        made[key], _ = CIClass.objects.get_or_create(key=key, defaults={
            "name": name, "parent": made.get(parent), "is_service": is_service,
            "identification": identification})
    for key, (*_, attributes) in CLASSES.items():
        for attr, label, kind, extra in attributes:
            AttributeDefinition.objects.get_or_create(ci_class=made[key], key=attr, defaults={
                "label": label, "type": kind, "choices": extra.get("choices", []),
                "reference_class": made.get(extra.get("reference_class"))})
    for key, (name, reverse_name, impact, rules) in TYPES.items():
        rel_type, created = RelationshipType.objects.get_or_create(key=key, defaults={
            "name": name, "reverse_name": reverse_name, "impact": impact})
        if created:
            for source, target in rules:
                RelationshipRule.objects.create(type=rel_type, source_class=made[source],
                                                target_class=made[target])
