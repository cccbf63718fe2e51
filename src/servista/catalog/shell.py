"""What the service portfolio shows in the page frame."""

from servista.core import shell

shell.nav("Services", "catalog:service_list", menu="Configuration", icon="diagram-3", weight=50)
