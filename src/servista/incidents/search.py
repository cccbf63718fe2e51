"""What the incident search box looks through (see ``core.search``)."""

from servista.core import search

from .models import Incident

# The same fields as migration 0003's SearchIndex.
search.register(Incident, ("short_description", "description"))
