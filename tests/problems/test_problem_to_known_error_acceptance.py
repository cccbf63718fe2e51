"""The issue's acceptance, through the API: a problem from two incidents, a
known error with a workaround, a new incident with similar (not identical)
text gets that known error first among its suggestions, and resolving the
problem resolves both incidents, journaled."""

from servista.core.models import JournalEntry
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase


class ProblemToKnownErrorTest(ServistaTestCase):
    def log(self, title, description=""):
        r = self.api("POST", "/api/v1/incidents", self.cast.agent,
                     {"short_description": title, "description": description,
                      "caller": "rita"})
        self.assertStatus(r, 201)
        return r.data["number"]

    def test_the_learning_loop(self):
        agent = self.cast.agent
        first = self.log("Outlook keeps asking for my password",
                         "Since this morning the password prompt comes back every minute.")
        second = self.log("Password prompt loops in Outlook",
                          "Typing the password again does not help.")
        self.log("Printer on floor 2 is out of toner")

        r = self.api("POST", "/api/v1/problems", agent, {
            "short_description": "Outlook password prompts after the mailbox migration",
            "impact": 2, "probability": 1, "incidents": [first, second]})
        self.assertStatus(r, 201)
        problem = r.data["number"]
        self.assertEqual(r.data["priority"], 2)  # impact 2 x probability 1 (the risk matrix)
        r = self.api("GET", f"/api/v1/problems/{problem}/incidents", agent)
        self.assertEqual({row["number"] for row in r.data}, {first, second})

        for action in ("assess", "investigate"):
            self.assertStatus(self.api("POST", f"/api/v1/problems/{problem}/{action}", agent),
                              200)
        r = self.api("POST", f"/api/v1/problems/{problem}/known-error", agent, {
            "symptoms": "Outlook asks for the password again and again",
            "root_cause": "Cached credentials of the old mailbox server",
            "workaround": "Clear the saved credentials in Credential Manager, then restart "
                          "Outlook"})
        self.assertStatus(r, 200)
        self.assertEqual((r.data["state"], r.data["known_error"]), ("known_error", True))

        # Similar, not identical, words: stemming and similarity find it.
        new = self.log("Outlook asking for passwords again",
                       "The prompt for my password keeps popping up")
        r = self.api("GET", f"/api/v1/incidents/{new}/suggestions", agent)
        self.assertStatus(r, 200)
        top = r.data["items"][0]
        self.assertEqual((top["source"], top["kind"], top["number"]),
                         ("known_errors", "known_error", problem))
        self.assertIn("Credential Manager", top["workaround"])
        # The open incidents like it come after (possible duplicates), never itself.
        numbers = [item["number"] for item in r.data["items"]]
        self.assertNotIn(new, numbers)
        self.assertIn(first, numbers)

        r = self.api("POST", f"/api/v1/problems/{problem}/resolve", agent, {
            "resolution_code": "fix_deployed", "resolution_notes": "Profiles re-created",
            "resolve_incidents": True})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["state"], "resolved")
        for number in (first, second):
            incident = Incident.objects.get(number=number)
            self.assertEqual(incident.state, "resolved")
            self.assertIn(problem, incident.resolution_notes)
            entry = JournalEntry.objects.for_record(incident).last()
            self.assertEqual((entry.actor, entry.origin), (agent, "api"))
            self.assertEqual(entry.changes["state"]["new"], "resolved")
        self.assertEqual(Incident.objects.get(number=new).state, "new")
