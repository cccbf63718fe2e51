"""The demo's history (the ``incidents.history`` story of
``servista.core.demo``, run by ``servista demo``): incidents, each told as a
story through ``servista.incidents.services`` with the clock moved back to
when each step happened.

A story is planned first (who does what, how many minutes after the previous
step), then placed in time so that it ends before now and in the state it was
planned for, then played: every step runs inside ``core.clock.at(when)`` (the services
and the model defaults read ``clock.now()``), so the journal, the
notifications and the record timestamps read as a real history of the last
months.
"""

import random
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from servista.core import clock, demo
from servista.core.context import audit_context
from servista.incidents import services
from servista.incidents.choices import Channel, HoldReason, IncidentState
from servista.incidents.models import Incident
from servista.notifications.models import Notification

from .categories import routed_group
from .scenarios import CANCEL_REASONS, CONFIRMATIONS, STILL_BROKEN, Scenario, weighted

State = IncidentState
HOUR = 60  # step delays are in minutes
DAY = 24 * HOUR
WINDOW_DAYS = 120  # how far back the demo history goes

# Final states of the ordinary incidents, in percent.
STATE_MIX = {State.CLOSED: 66, State.RESOLVED: 6, State.CANCELLED: 4, State.NEW: 6,
             State.IN_PROGRESS: 11, State.ON_HOLD: 7}

ESCALATION_REASONS = {
    "Enterprise Applications": "Reproduced; an application fault, needs application support.",
    "Database Administration": "The errors come from the database; needs a DBA.",
    "Network": "Client side checked and fine; needs the network team.",
    "Server Operations": "Server-side problem; handing over to Server Operations.",
    "End-User Computing": "Hardware fault; needs desk-side support.",
    "Security Operations": "Possible security incident; handing over to SecOps.",
    "Service Desk": "Back to the desk for follow-up with the caller.",
}


@contextmanager
def as_of(when, origin: str = "web"):
    """Run the enclosed service calls as if it were ``when``."""
    with clock.at(when), audit_context(origin):
        yield


class Story:
    """The planned steps of one or more related incidents. Each step is
    (minutes after the previous step, audit origin, action); an action gets
    the story and reads or stores its incidents by key."""

    def __init__(self, final_state: str, incidents: int = 1):
        self.final_state = final_state
        self.incidents = incidents  # how many incidents the story logs
        self.steps: list[tuple[int, str, object]] = []
        self.records: dict[str, Incident] = {}
        self.opened_at = None

    def then(self, minutes: float, action, origin: str = "web") -> None:
        self.steps.append((int(minutes), origin, action))

    @property
    def minutes(self) -> int:
        return sum(minutes for minutes, _, _ in self.steps)

    def __getitem__(self, key: str) -> Incident:
        return self.records[key]

    def keep(self, key: str, incident: Incident) -> None:
        self.records[key] = incident

    def play(self) -> None:
        when = self.opened_at
        for minutes, origin, action in self.steps:
            when += timedelta(minutes=minutes)
            with as_of(when, origin):
                action(self)
            for incident in self.records.values():
                incident.refresh_from_db()


class Planner:
    """Plans realistic stories from the scenarios and the demo department
    (what the reference stories provided to the demo context)."""

    def __init__(self, ctx: demo.Context, rng: random.Random):
        self.logins = ctx["logins"]
        self.requesters = ctx["requesters"]
        self.groups = ctx["groups"]
        self.members = ctx["members"]
        self.services = ctx["services"]
        self.cis = ctx["cis"]
        self.categories = ctx["categories"]
        self.subcategories = ctx["subcategories"]
        self.rng = rng
        self.scenarios = weighted()
        self.auto_close_days = settings.SERVISTA["INCIDENT_AUTO_CLOSE_DAYS"]

    # --- casting -------------------------------------------------------------

    def caller(self):
        if self.rng.random() < 0.1:
            return self.logins["requester"]
        return self.rng.choice(self.requesters)

    def desk_agent(self):
        if self.rng.random() < 0.4:
            return self.logins["agent"]
        return self.rng.choice(self.members["Service Desk"])

    def member(self, group: str):
        if group == "Service Desk":
            return self.desk_agent()
        return self.rng.choice(self.members[group])

    def minutes(self, low: float, high: float) -> int:
        return self.rng.randint(int(low), int(high))

    # --- one ordinary incident -------------------------------------------------

    def report(self, scenario: Scenario, caller, channel: str) -> dict:
        """What the caller reports: the fields of ``log_incident``."""
        rng = self.rng
        return {
            "short_description": rng.choice(scenario.titles),
            "description": scenario.description,
            "caller": caller,
            "category": self.categories[scenario.category],
            "subcategory": self.subcategories[(scenario.category, scenario.subcategory)],
            "service": self.services.get(scenario.service),
            "configuration_item": self.cis[rng.choice(scenario.cis)]
            if scenario.cis and rng.random() < 0.7 else None,
            "impact": rng.choice(scenario.impacts),
            "urgency": rng.choice(scenario.urgencies),
            "channel": channel,
        }

    def ordinary(self, final: str) -> Story:
        """An incident's life from its report to ``final``: logged on the
        portal or by the desk, picked up, passed on to the group that can fix
        it, noted, put on hold, resolved (at first contact when the desk can),
        sometimes reopened, and closed by the caller or automatically."""
        rng, groups = self.rng, self.groups
        scenario: Scenario = rng.choice(self.scenarios)
        story = Story(final)
        caller = self.caller()
        desk = self.desk_agent()
        routed = routed_group(scenario.category)
        channel = Channel.PORTAL if final == State.NEW else rng.choices(
            [Channel.PORTAL, Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.WALK_IN],
            weights=[50, 25, 12, 10, 3])[0]
        fields = self.report(scenario, caller, channel)
        logger = caller if channel == Channel.PORTAL else desk
        first_contact = (scenario.group == "Service Desk" and logger is desk
                         and final in (State.RESOLVED, State.CLOSED) and rng.random() < 0.5)
        if first_contact:
            fields.update(assignment_group=groups["Service Desk"], assigned_to=desk)
        story.then(0, lambda s: s.keep("inc", services.log_incident(logger, **fields)))
        if final == State.NEW:
            return story
        if first_contact:
            self._resolve(story, desk, scenario, self.minutes(4, 15))
            self._close(story, caller)
            return story
        cancel_reason = rng.choice(CANCEL_REASONS)
        if final == State.CANCELLED and rng.random() < 0.5:
            story.then(self.minutes(10, 90), lambda s: services.cancel(
                s["inc"], desk, reason=cancel_reason))
            return story

        # First line picks it up; when another group must fix it, it is passed on.
        first = self.member(routed)
        worker = first if routed == scenario.group else self.member(scenario.group)
        story.then(self.minutes(5, 2 * HOUR), lambda s: services.take(s["inc"], first))
        if routed != scenario.group:
            story.then(self.minutes(10, HOUR), lambda s: services.escalate_functional(
                s["inc"], first, assignment_group=groups[scenario.group],
                reason=ESCALATION_REASONS[scenario.group]))
            story.then(self.minutes(15, 4 * HOUR), lambda s: services.take(s["inc"], worker))
        for note in scenario.notes:
            if rng.random() < 0.6:
                story.then(self.minutes(20, 3 * HOUR),
                           lambda s, note=note: services.work_note(s["inc"], worker, note))
        if final == State.CANCELLED:
            story.then(self.minutes(30, 6 * HOUR), lambda s: services.cancel(
                s["inc"], worker, reason=cancel_reason))
            return story
        if min(fields["impact"], fields["urgency"]) == 1 and rng.random() < 0.5:
            story.then(self.minutes(10, HOUR), lambda s: services.escalate_hierarchical(
                s["inc"], worker, reason="Business-critical work is blocked."))
        if rng.random() < 0.03:
            manager = groups[scenario.group].manager
            story.then(self.minutes(5, HOUR), lambda s: s["inc"].priority > 1
                       and services.override_priority(s["inc"], manager,
                                                      priority=s["inc"].priority - 1,
                                                      reason="A board member is affected."))

        waits = self._waits(scenario, final)
        for index, (reason, text, answer) in enumerate(waits):
            last = final == State.ON_HOLD and index == len(waits) - 1
            self._hold(story, worker, caller, reason, text, "" if last else answer)
        if final in (State.ON_HOLD, State.IN_PROGRESS):
            return story

        self._resolve(story, worker, scenario, self.minutes(30, 2 * DAY))
        if rng.random() < 0.06:
            story.then(self.minutes(2 * HOUR, DAY), lambda s: services.comment(
                s["inc"], caller, STILL_BROKEN))
            story.then(self.minutes(20, 3 * HOUR), lambda s: services.work_note(
                s["inc"], worker, "Reopened by the caller; checking again."))
            self._resolve(story, worker, scenario, self.minutes(HOUR, DAY))
        if final == State.CLOSED:
            self._close(story, caller)
        return story

    def _waits(self, scenario: Scenario, final: str) -> list[tuple[str, str, str]]:
        """The holds of an incident: (hold reason, message, answer or '')."""
        rng = self.rng
        waits = []
        if scenario.question and rng.random() < 0.35:
            waits.append((HoldReason.AWAITING_CALLER, scenario.question, scenario.answer))
        if scenario.vendor and rng.random() < 0.25:
            waits.append((HoldReason.AWAITING_VENDOR, scenario.vendor,
                          "The supplier came back to us; resuming work."))
        if final == State.ON_HOLD and not waits:
            reason = rng.choice([HoldReason.AWAITING_CALLER, HoldReason.AWAITING_VENDOR,
                                 HoldReason.AWAITING_CHANGE, HoldReason.AWAITING_PROBLEM])
            text = {
                HoldReason.AWAITING_CALLER: scenario.question
                or "Could you tell us when this happens next, with the exact time?",
                HoldReason.AWAITING_VENDOR: scenario.vendor or "Case opened with the vendor.",
                HoldReason.AWAITING_CHANGE: "The fix is scheduled in next week's change window.",
                HoldReason.AWAITING_PROBLEM: "Linked to a known problem; waiting for the "
                                             "root-cause fix.",
            }[reason]
            waits.append((reason, text, ""))
        return waits

    def _hold(self, story: Story, worker, caller, reason: str, text: str, answer) -> None:
        """Put the incident on hold; with an answer, work resumes later (the
        caller's answer itself resumes it when the wait was for the caller)."""
        if reason == HoldReason.AWAITING_CALLER:
            story.then(self.minutes(10, 2 * HOUR),
                       lambda s: services.comment(s["inc"], worker, text))
            story.then(1, lambda s: services.put_on_hold(s["inc"], worker, hold_reason=reason))
            if answer:
                story.then(self.minutes(30, DAY),
                           lambda s: services.comment(s["inc"], caller, answer))
            return
        story.then(self.minutes(20, 4 * HOUR), lambda s: services.put_on_hold(
            s["inc"], worker, hold_reason=reason, reason=text))
        if answer:
            story.then(self.minutes(DAY, 5 * DAY), lambda s: services.change_state(
                s["inc"], worker, State.IN_PROGRESS, reason=answer))

    def _resolve(self, story: Story, worker, scenario: Scenario, after: int) -> None:
        code, notes = self.rng.choice(scenario.fixes)
        story.then(after, lambda s: services.resolve(
            s["inc"], worker, resolution_code=code, resolution_notes=notes))

    def _close(self, story: Story, caller) -> None:
        """The caller confirms, or the incident closes by itself after the
        auto-close period (as the background job would)."""
        if self.rng.random() < 0.45:
            confirmation = self.rng.choice(CONFIRMATIONS)
            story.then(self.minutes(HOUR, 2 * DAY), lambda s: services.close(
                s["inc"], caller, reason=confirmation))
            return
        days = self.auto_close_days
        story.then(days * DAY + self.minutes(0, 15), lambda s: services.close(
            s["inc"], services.system_user(),
            reason=f"Closed automatically {days} days after resolution."), origin="job")

    # --- major incidents -----------------------------------------------------------

    def major_email_outage(self) -> Story:
        """A company-wide mail outage three weeks ago: reported by several
        callers, declared major, swarmed, fixed and closed."""
        story = Story(State.CLOSED, incidents=6)
        desk, manager = self.logins["agent"], self.logins["manager"]
        ops = self.members["Server Operations"]
        callers = self.rng.sample(self.requesters, 5)
        email = {"service": self.services["Email"], "category": self.categories["Software"],
                 "subcategory": self.subcategories[("Software", "Email client")]}
        reports = ["Emails to customers stuck in the outbox",
                   "Not receiving any external email since 10:00",
                   "Email delayed by more than an hour", "Mail to our bank bounces",
                   "Customers say our replies never arrived"]

        def report(index, by_desk=False, parent=False):
            def action(s):
                actor = desk if by_desk else callers[index]
                extra = {"parent": s["major"]} if parent else {}
                s.keep(f"c{index}", services.log_incident(
                    actor, caller=callers[index], short_description=reports[index],
                    channel=Channel.PHONE if by_desk else Channel.PORTAL, **email, **extra))
            return action

        story.then(0, report(0))
        story.then(4, report(1, by_desk=True))
        story.then(6, report(2, by_desk=True))
        story.then(3, lambda s: s.keep("major", services.log_incident(
            desk, caller=desk, short_description="Email delivery delayed for all users",
            description="Inbound and outbound mail queued since about 09:50.", impact=1,
            urgency=1, channel=Channel.PHONE, configuration_item=self.cis["mail-gw01"],
            assignment_group=self.groups["Server Operations"], assigned_to=ops[0], **email)))
        story.then(5, lambda s: services.promote_major(
            s["major"], manager, manager=manager,
            swarm=[ops[1], self.members["Network"][0], desk],
            reason="Company-wide mail outage."))
        for index in range(3):
            story.then(1, lambda s, i=index: services.set_parent(s[f"c{i}"], desk, s["major"]))
        story.then(3, lambda s: services.work_note(
            s["major"], ops[0], "Mail gateway queue at 45,000 messages; the spam filter engine "
                                "hangs since the 09:50 signature update."))
        story.then(4, lambda s: services.escalate_hierarchical(
            s["major"], ops[0], reason="All users affected; CIO informed."))
        story.then(6, report(3, by_desk=True, parent=True))
        story.then(5, report(4, by_desk=True, parent=True))
        story.then(15, lambda s: services.comment(
            s["major"], manager, "Mail delivery is delayed for everyone. We are working on it; "
                                 "next update at 11:30."))
        story.then(25, lambda s: services.work_note(
            s["major"], ops[0], "Rolled back the signature update; queue draining at 3,000 "
                                "messages per minute."))
        story.then(30, lambda s: services.resolve(
            s["major"], ops[0], resolution_code="solved_workaround",
            resolution_notes="Rolled back the faulty spam-filter signature update; all queued "
                             "mail delivered by 11:42. Root cause followed up with the "
                             "vendor."))
        story.then(DAY, lambda s: services.close(s["c0"], callers[0], reason="All good now."))
        days = self.auto_close_days

        def auto_close(s):
            for key in ("major", "c1", "c2", "c3", "c4"):
                services.close(s[key], services.system_user(),
                               reason=f"Closed automatically {days} days after resolution.")
        story.then(days * DAY, auto_close, origin="job")
        story.opened_at = self._business_hours(timezone.now() - timedelta(days=21), 10)
        return story

    def major_vpn_outage(self) -> Story:
        """Remote access down right now: a major incident in progress."""
        story = Story(State.IN_PROGRESS, incidents=4)
        desk, manager = self.logins["agent"], self.logins["manager"]
        network = self.members["Network"]
        callers = self.rng.sample(self.requesters, 3)
        vpn = {"service": self.services["VPN"], "category": self.categories["Network"],
               "subcategory": self.subcategories[("Network", "VPN")]}
        reports = ["Cannot connect to the VPN", "VPN says authentication failed",
                   "Remote desktop to the office not working"]
        story.then(0, lambda s: s.keep("c0", services.log_incident(
            callers[0], short_description=reports[0], channel=Channel.PORTAL, **vpn)))
        story.then(3, lambda s: s.keep("c1", services.log_incident(
            callers[1], short_description=reports[1], channel=Channel.PORTAL, **vpn)))
        story.then(5, lambda s: s.keep("major", services.log_incident(
            desk, caller=desk, short_description="VPN unavailable for all remote users",
            description="The VPN gateway rejects every new session.", impact=1, urgency=1,
            channel=Channel.PHONE, configuration_item=self.cis["vpn-gw01"],
            assignment_group=self.groups["Network"], assigned_to=network[0], **vpn)))
        story.then(4, lambda s: services.promote_major(
            s["major"], manager, manager=manager,
            swarm=[network[1], self.members["Server Operations"][0]],
            reason="All remote workers are cut off."))
        story.then(2, lambda s: services.escalate_hierarchical(
            s["major"], network[0], reason="About 400 remote users cannot work."))
        story.then(2, lambda s: services.set_parent(s["c0"], desk, s["major"]))
        story.then(1, lambda s: services.set_parent(s["c1"], desk, s["major"]))
        story.then(10, lambda s: s.keep("c2", services.log_incident(
            desk, caller=callers[2], short_description=reports[2], channel=Channel.PHONE,
            parent=s["major"], **vpn)))
        story.then(15, lambda s: services.work_note(
            s["major"], network[0], "vpn-gw01 rejects new sessions: licence count exceeded "
                                    "after the firmware upgrade reset the licence file."))
        story.then(20, lambda s: services.work_note(
            s["major"], network[1], "Failover to vpn-gw02 prepared; waiting for the emergency "
                                    "change approval."))
        story.then(10, lambda s: services.comment(
            s["major"], manager, "Remote access is down. Failover in progress; next update in "
                                 "30 minutes."))
        story.opened_at = timezone.now() - timedelta(minutes=story.minutes + 45)
        return story

    # --- placing stories in time -------------------------------------------------------

    def place(self, story: Story) -> None:
        """Choose when the story starts so that it ends before now, in the
        window its final state implies (recent for open work, resolved within
        the auto-close period, anywhere in the last months when closed)."""
        now = timezone.now()
        resolved_window = max(self.auto_close_days * DAY - 2 * HOUR, HOUR)
        latest_gap = {
            State.NEW: 3 * DAY, State.IN_PROGRESS: 5 * DAY, State.ON_HOLD: 12 * DAY,
            State.RESOLVED: resolved_window,
        }.get(story.final_state, WINDOW_DAYS * DAY - story.minutes)
        gap = self.rng.uniform(10, max(latest_gap, 11))
        start = now - timedelta(minutes=story.minutes + gap)
        for _ in range(5):  # most incidents are reported during office hours
            if start.weekday() < 5 and 7 <= start.hour < 19 or self.rng.random() < 0.15:
                break
            gap = self.rng.uniform(10, max(latest_gap, 11))
            start = now - timedelta(minutes=story.minutes + gap)
        story.opened_at = start

    def _business_hours(self, day, hour: int):
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day.replace(hour=hour, minute=5, second=0, microsecond=0)


def state_quotas(count: int) -> dict[str, int]:
    """How many ordinary incidents end in each state: STATE_MIX, at least one
    of each when there is room."""
    quotas = {state: count * share // 100 for state, share in STATE_MIX.items()}
    if count >= len(STATE_MIX):
        for state in quotas:
            quotas[state] = max(quotas[state], 1)
    quotas[State.CLOSED] += count - sum(quotas.values())
    return quotas


def load_demo_incidents(ctx: demo.Context, count: int = 300, seed: int = 0) -> int:
    """Play about ``count`` incident stories (two of them major incidents with
    their children when ``count`` allows); returns how many incidents exist
    afterwards. Notifications of this past history are marked as e-mailed
    (nobody is mailed about it) and, when older than two days, as read."""
    rng = random.Random(seed)
    planner = Planner(ctx, rng)
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True)
    first_notification = (last_notification.first() or 0) + 1
    stories = []
    if count >= 30:
        stories += [planner.major_email_outage(), planner.major_vpn_outage()]
    ordinary = count - sum(story.incidents for story in stories)
    for final, quota in state_quotas(ordinary).items():
        for _ in range(quota):
            story = planner.ordinary(final)
            planner.place(story)
            stories.append(story)
    for story in sorted(stories, key=lambda s: s.opened_at):
        story.play()
    now = timezone.now()
    mine = Notification.objects.filter(pk__gte=first_notification)
    mine.filter(emailed_at=None).update(emailed_at=F("created_at"))
    mine.filter(read_at=None, created_at__lt=now - timedelta(days=2)).update(
        read_at=F("created_at"))
    return Incident.objects.count()



@demo.story("incidents.history", kind=demo.HISTORY,
            after=("accounts.department", "catalog.services", "cmdb.items",
                   "incidents.categories"))
def history(ctx: demo.Context) -> None:
    """A few months of incidents (``ctx.count``, ``ctx.seed``) played through the services."""
    load_demo_incidents(ctx, count=ctx.count, seed=ctx.seed)
