"""The incidents of the demo IT department, as ``servista.core.demo`` stories:

  ``incidents.categories``  (reference) the categories and where they route
  ``incidents.desk_tools``  (reference) the service desk's response templates
  ``incidents.history``     (history, ``servista demo``) a few months of
                            incidents played through ``incidents.services``
  ``incidents.bulk``        (bulk, ``servista loaddemo``) incidents written
                            straight into the tables

Both kinds of incidents come from the same scenarios (``scenarios.py``), so
they read alike. The people, groups, services and CIs come from the stories
of accounts, catalog and cmdb, through the demo context.
"""

from . import bulk, categories, desk_tools, history, scenarios

__all__ = ["bulk", "categories", "desk_tools", "history", "scenarios"]
