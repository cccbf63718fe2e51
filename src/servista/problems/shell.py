"""What problem management shows in the page frame: its menu (problems, the
known error database, trends, candidates with a badge), the "new" entry,
the global search, a panel on incident pages (the problems that cause it,
the matching known errors with their workaround) and a button on the
incident list's bulk bar."""

from servista.core import search as core_search
from servista.core import shell
from servista.core.permissions import is_agent
from servista.incidents.models import Incident

from . import services, trends
from .models import Problem
from .policies import manages_problems

shell.nav("All problems", "problems:list", icon="bug", menu="Problems", weight=30,
          shortcut="g r", shortcut_help="Problems")
shell.nav("Known errors", "/problems/?known_error=true", menu="Problems", weight=31)
shell.nav("Trends and Pareto", "problems:analysis", menu="Problems", weight=32)
shell.nav("Problem candidates", "problems:candidates", menu="Problems", weight=33,
          badge=lambda user: trends.proposed_count() if manages_problems(user) else None)
shell.new("Log a problem", "problems:create", weight=30, icon="bug")
shell.search(Problem, "Problems", "problems:list", weight=30)
shell.list_action("Problem…", "problems:from_incidents", models=[Incident], icon="bug",
                  visible=is_agent, weight=30)


def incident_problems(incident, user):
    linked = list(services.problems_of(incident).order_by("-id"))
    matching = []
    if incident.is_open:
        text = f"{incident.short_description}\n{incident.description}"
        found = core_search.suggest(text, user, only={"known_errors"}, exclude=linked)
        matching = found[0]["items"] if found else []
    return {"linked": linked, "matching": matching, "incident": incident}


shell.panel("Problems and known errors", "problems/panels/incident_problems.html",
            incident_problems, models=[Incident], weight=5)
