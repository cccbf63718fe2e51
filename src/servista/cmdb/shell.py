"""What the CMDB shows in the page frame: its list in the Configuration
menu, and the items supporting a service on the service's page."""

from django.urls import reverse

from servista.catalog.models import Service
from servista.core import shell
from servista.core.permissions import is_manager

from .models import ConfigurationItem

PANEL_ROWS = 15

shell.nav("Configuration items", "cmdb:ci_list", menu="Configuration", icon="diagram-3",
          weight=51)
shell.new("New configuration item", "cmdb:ci_create", visible=is_manager, weight=50,
          icon="diagram-3")
shell.nav("Baselines", "cmdb:baseline_list", menu="Configuration", icon="camera", weight=52)


def service_cis(service, user):
    rows = list(ConfigurationItem.objects.filter(service=service).select_related("ci_class")
                .order_by("name")
                [:PANEL_ROWS + 1])
    return {"title": "Configuration items", "rows": rows[:PANEL_ROWS],
            "more": len(rows) > PANEL_ROWS,
            "list_url": f"{reverse('cmdb:ci_list')}?service={service.pk}"}


shell.panel("Configuration items", "cmdb/panels/service_cis.html", service_cis,
            models=[Service], weight=30)
