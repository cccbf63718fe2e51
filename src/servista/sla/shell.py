"""What service level management shows in the page frame: its menu (the
compliance report, agreements and calendars for the staff) and, on the
page of every work record, a panel with each of its timers and how it
counted."""

from servista.core import shell
from servista.core.models import WorkRecord
from servista.core.permissions import is_agent

from . import services
from .choices import TimerStatus

shell.nav("SLA compliance", "sla:compliance", icon="clock", menu="Service levels", weight=40,
          visible=is_agent)


def record_timers(record, user):
    timers = services.timers_of(record)
    if not timers:
        return None
    rows = []
    for timer in timers:
        result = services.explain(timer)
        rows.append({"timer": timer, "result": result, "color": TimerStatus.color(timer.status),
                     "elapsed": services._text(result.elapsed),
                     "paused": services._text(result.paused),
                     "remaining": services._text(result.remaining),
                     "target": services._text(timer.target_duration),
                     "parts": [{"part": p, "business": services._text(p.business)}
                               for p in result.parts]})
    return {"rows": rows, "record": record}


shell.panel("Service level timers", "sla/panels/record_timers.html", record_timers,
            models=[WorkRecord], weight=1)
