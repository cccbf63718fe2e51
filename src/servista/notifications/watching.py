"""Telling the watchers of a work record and the colleagues an entry
mentions (``core.watchers`` keeps who they are), through ``notify`` and
so each person's mail preferences:

* a mentioned colleague (support staff only) hears of the entry, work
  notes included, with a link to the entry itself;
* watchers hear of public comments and state changes; watchers of the
  support staff also of work notes; a requester never of a work note.
"""

from servista.core import watchers
from servista.core.models.journal import JournalKind
from servista.core.services import observe_entries, observe_records, sees_work_notes

from .models import MailKind
from .services import notify


@observe_entries
def tell_of_entry(record, actor, entry) -> None:
    mentioned = list(getattr(entry, "mentioned", ()))
    what = "work note" if entry.kind == JournalKind.WORK_NOTE else "comment"
    link = f"{record.get_absolute_url()}#entry-{entry.pk}"
    if mentioned:
        notify(mentioned, f"{record.number}: {actor} mentioned you in a {what}",
               body=entry.body[:1000], record=record, kind=MailKind.MENTION, url=link)
    told = {p.pk for p in mentioned} | {actor.pk}
    people = [p for p in watchers.watchers_of(record) if p.pk not in told]
    if entry.kind == JournalKind.WORK_NOTE:
        people = [p for p in people if sees_work_notes(p)]
    if people:
        notify(people, f"{record.number}: new {what} from {actor}", body=entry.body[:1000],
               record=record, kind=MailKind.WATCHING, url=link)


@observe_records
def tell_of_state(record, actor, changes: dict, *, created: bool) -> None:
    if created or "state" not in changes:
        return
    people = [p for p in watchers.watchers_of(record) if actor is None or p.pk != actor.pk]
    if people:
        state = changes["state"].get("new_display") or changes["state"].get("new")
        notify(people, f"{record.number} is now {str(state).lower()}: "
                       f"{record.short_description}", record=record, kind=MailKind.WATCHING)
