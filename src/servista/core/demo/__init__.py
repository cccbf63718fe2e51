"""The demo data set: a believable IT department for ``servista demo`` and a
base for the bulk loader of ``servista loaddemo``.

    ref = load_reference_data(seed=0)     # people, groups, services, CIs, categories
    load_demo_incidents(ref, count=300)   # incidents with a real history

This is the one place in ``core`` that reaches into the practice apps: it
assembles a whole department, the way ``servista.api`` assembles the routers.
"""

from .reference import Reference, load_reference_data
from .scenarios import SCENARIOS, Scenario
from .stories import load_demo_incidents

__all__ = ["SCENARIOS", "Reference", "Scenario", "load_demo_incidents", "load_reference_data"]
