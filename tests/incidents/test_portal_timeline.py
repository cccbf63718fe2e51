"""Requesters read their ticket's story in plain words (reported, being
worked on, waiting for you, resolved) with the conversation, never the raw
change log nor the staff's work notes."""

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase


class PortalTimelineTest(ServistaTestCase):
    def test_plain_language_steps_and_conversation(self):
        inc = IncidentFactory(caller=self.cast.requester)
        inc = services.update_incident(inc, self.cast.agent, {"assigned_to": self.cast.agent})
        services.work_note(inc, self.cast.agent, "Internal: probably the proxy")
        inc = services.put_on_hold(inc, self.cast.agent, hold_reason="awaiting_caller",
                                   reason="Need the error text")
        services.comment(inc, self.cast.agent, "Which error do you see?")
        inc.refresh_from_db()
        services.comment(inc, self.cast.requester, "Error 42")
        inc.refresh_from_db()
        inc = services.put_on_hold(inc, self.cast.agent, hold_reason="awaiting_change")
        services.resolve(inc, self.cast.agent, resolution_code="solved_permanently",
                         resolution_notes="Proxy fixed")
        self.client.force_login(self.cast.requester)
        page = self.client.get(f"/portal/tickets/{inc.number}/").content.decode()
        story = ["Reported", "Being worked on", "Waiting for you", "Which error do you see?",
                 "Error 42", "Being worked on", "On hold: waiting for a planned change",
                 "Resolved: please confirm it is fixed"]
        timeline = page[page.index('id="timeline"'):]
        at = 0
        for step in reversed(story):  # newest first
            found = timeline.find(step, at)
            self.assertGreater(found, -1, f"{step} after position {at}")
            at = found + len(step)
        for raw in ("Hold reason", "Awaiting change", "→", "bi-arrow-right", "proxy",
                    "Need the error text", "Assigned to"):
            self.assertNotIn(raw, timeline)
