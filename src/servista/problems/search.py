"""What problem management puts in the search module (``core.search``): the
problems for the lists and the global search, and the known errors as
suggestions while an incident is written and in the knowledge search."""

from servista.core import search
from servista.core.permissions import is_agent, restrict

from . import services
from .models import Problem

# The same fields as the migration's SearchIndex.
FIELDS = ("short_description", "symptoms", "description", "root_cause", "workaround")
search.register(Problem, FIELDS)


def _known_errors(user):
    return restrict(services.known_errors(), user)


def describe(problem, user) -> dict:
    return {"kind": "known_error", "number": problem.number,
            "title": problem.short_description, "url": problem.get_absolute_url(),
            "workaround": problem.workaround,
            "note": f"Workaround applied {problem.workaround_applied_count} times"
            if problem.workaround_applied_count else ""}


search.register_suggestions(
    "known_errors", "Known errors", Problem, queryset=_known_errors,
    search_queryset=_known_errors, describe=describe, visible=is_agent, weight=10,
    # Measured with bench/quality.py (tuned on seed 1, reported on another seed).
    threshold=0.35, relative=0.85)
