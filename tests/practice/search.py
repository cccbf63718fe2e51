from servista.core import search

from .models import Chore

search.register(Chore, ("short_description", "description"))  # migration 0002
