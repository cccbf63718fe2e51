"""The demo's problem management, as ``servista.core.demo`` stories:

  ``problems.history``  (history, ``servista demo``) problems found in the
                        demo's incidents: the mail outage's cause (resolved,
                        with its 5 whys), the VPN outage's (a known error with
                        a workaround, analysed with a fishbone), Outlook's
                        password prompts (a known error its incidents await),
                        a printer problem under analysis, a proactive one;
                        the incidents the knowledge articles resolved; the
                        candidates of repeat-incident detection; the category
                        and group suggestion trained on the history
  ``problems.bulk``     (bulk, ``servista loaddemo``) known errors in
                        proportion to the incidents loaded
"""

from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from servista.core import clock, demo
from servista.core.context import audit_context
from servista.incidents import routing
from servista.incidents.choices import IncidentState
from servista.incidents.models import Incident
from servista.knowledge import services as knowledge

from . import services, trends
from .models import Problem


@contextmanager
def _at(when):
    """The enclosed steps happen at ``when``, through the web."""
    with clock.at(when), audit_context("web"):
        yield


def _incidents(**filters):
    return list(Incident.objects.filter(**filters).order_by("id"))


def _after(incidents, delta, now):
    """A moment ``delta`` after the last of ``incidents`` was opened (not
    later than now): a problem is linked to incidents that exist."""
    last = max((i.opened_at for i in incidents), default=now - delta)
    return min(last + delta, now - timedelta(minutes=1))


@demo.story("problems.history", kind=demo.HISTORY,
            after=("incidents.history", "knowledge.articles"))
def history(ctx: demo.Context) -> None:
    """Problems identified from the demo's incidents, at every phase, linked
    to them; the incidents resolved with articles; repeat-incident
    candidates; the routing model trained."""
    now = timezone.now()
    groups, cis, services_ = ctx["groups"], ctx["cis"], ctx["services"]
    ops = ctx["members"]["Server Operations"][0]
    network = ctx["members"]["Network"][0]
    agent = ctx["logins"]["agent"]

    outage = Incident.objects.filter(is_major=True,
                                     service=services_["Email"]).first()
    mail = [outage, *outage.children.order_by("id")] if outage else []
    if mail:
        with _at(_after(mail, timedelta(hours=4), now)):
            problem = services.create_problem(ops, {
                "short_description": "Spam filter signature updates hang the mail gateway",
                "description": "The company-wide mail outage: the gateway's filter engine "
                               "stopped after an automatic signature update.",
                "impact": 1, "probability": 2, "service": services_["Email"],
                "configuration_item": cis["mail-gw01"],
                "assignment_group": groups["Server Operations"], "assigned_to": ops,
            }, incidents_=mail[:8])
            services.change_state(problem, ops, "assessed")
            services.change_state(problem, ops, "root_cause_analysis")
            services.update_problem(problem, ops, {
                "root_cause": "Signature updates install without a health check",
                "rca_method": "five_whys", "rca": {"whys": [
                    {"why": "Why was mail delayed?", "because": "The gateway queue stopped"},
                    {"why": "Why did the queue stop?", "because": "The filter engine hung"},
                    {"why": "Why did it hang?", "because": "The signature update was corrupt"},
                    {"why": "Why was it installed?", "because": "Updates install unchecked"},
                    {"why": "Why unchecked?", "because": "No staged roll-out was set up"}]},
                "contributing_causes": [
                    {"cause": "Queue alert went to a retired mailbox", "kind": "duration"},
                    {"cause": "Single gateway without failover", "kind": "impact"}]})
        with _at(_after(mail, timedelta(days=5), now)):
            services.resolve(problem, ops, resolution_code="fix_deployed",
                             resolution_notes="Staged signature roll-out with a health check "
                                              "and automatic rollback; alert rerouted.")

    vpn = _incidents(service=services_["VPN"], state__in=IncidentState.OPEN,
                     opened_at__gte=now - timedelta(days=1))
    with _at(_after(vpn, timedelta(minutes=5), now)):
        problem = services.create_problem(network, {
            "short_description": "Firmware upgrade resets the VPN licence file",
            "impact": 1, "probability": 1, "service": services_["VPN"],
            "configuration_item": cis["vpn-gw01"], "assignment_group": groups["Network"],
            "assigned_to": network,
            "symptoms": "The VPN rejects every new session; users see 'authentication "
                        "failed' or cannot connect at all."}, incidents_=vpn[:6])
        services.change_state(problem, network, "assessed")
        services.change_state(problem, network, "root_cause_analysis")
        services.update_problem(problem, network, {
            "rca_method": "fishbone", "rca": {"effect": "VPN refuses new sessions", "bones": {
                "technology": ["Firmware 9.2 rewrites the licence file"],
                "process": ["Upgrade checklist has no licence check"],
                "suppliers": ["Release notes do not mention it"]}}})
        services.make_known_error(
            problem, network, root_cause="Firmware 9.2 replaces the licence file with the "
                                         "trial licence (50 sessions).",
            workaround="Fail over to vpn-gw02 (runbook in the knowledge base), then reload "
                       "the licence on vpn-gw01.")

    outlook = _incidents(short_description__icontains="outlook keeps asking",
                         state__in=IncidentState.OPEN)[:5]
    if outlook:
        with _at(_after(outlook, timedelta(hours=1), now)):
            problem = services.create_problem(agent, {
                "short_description": "Outlook prompts for the password after the mailbox "
                                     "move",
                "impact": 2, "probability": 1, "service": services_["Email"],
                "assignment_group": groups["Service Desk"], "assigned_to": agent,
                "symptoms": "Outlook keeps asking for the password; web mail works."},
                incidents_=outlook, hold=True)
            services.change_state(problem, agent, "assessed")
            services.change_state(problem, agent, "root_cause_analysis")
            services.make_known_error(
                problem, agent, root_cause="Cached credentials of the old mailbox server.",
                workaround="Remove the MicrosoftOffice entries in Credential Manager, then "
                           "start Outlook and sign in once (article in the knowledge base).")

    printers = _incidents(short_description__icontains="printer",
                          opened_at__lte=now - timedelta(days=4))[-6:]
    with _at(now - timedelta(days=4)):
        problem = services.create_problem(agent, {
            "short_description": "Third floor printer jams several times a day",
            "impact": 3, "probability": 1, "service": services_.get("Printing"),
            "configuration_item": cis.get("prn-hq-3f-01"), "source": "trend_analysis",
            "assignment_group": groups["End-User Computing"]}, incidents_=printers)
        services.change_state(problem, agent, "assessed")
        services.change_state(problem, agent, "root_cause_analysis")
        services.update_problem(problem, agent, {
            "rca_method": "five_whys", "rca": {"whys": [
                {"why": "Why does it jam?", "because": "Paper curls in the fuser"}]}})
    with _at(now - timedelta(days=1)):
        problem = services.create_problem(ops, {
            "short_description": "Backup repository will be full within three weeks",
            "impact": 2, "probability": 2, "source": "proactive",
            "configuration_item": cis.get("backup-srv01"),
            "assignment_group": groups["Server Operations"]})
        services.change_state(problem, ops, "assessed")

    # The incidents the articles resolved.
    articles = ctx["articles"]
    for key, words in (("vpn", "vpn"), ("password", "password"), ("outlook", "outlook"),
                       ("printer", "printer")):
        resolved = Incident.objects.filter(state__in=(IncidentState.RESOLVED,
                                                      IncidentState.CLOSED),
                                           short_description__icontains=words)[:3]
        for incident in resolved:
            with audit_context("web"):
                knowledge.used_to_resolve(articles[key], incident, incident.resolved_by or agent)

    candidates = trends.detect_repeats()
    routing.train()
    ctx.report(f"Problems: {Problem.objects.count()}, {len(candidates)} candidate(s) from "
               "repeated incidents.")


@demo.story("problems.bulk", kind=demo.BULK, after=("incidents.bulk",))
def bulk(ctx: demo.Context) -> None:
    """Known errors in proportion to the incidents (one per 20,000, 10 to 100),
    from the scenarios' titles, for the suggestion benchmark; the routing
    model trained on the loaded history."""
    from servista.incidents.demo.scenarios import SCENARIOS

    agent = ctx["logins"]["agent"]
    want = min(100, max(10, ctx.count // 20_000))
    have = services.known_errors().count()
    pairs = [(s, title) for s in SCENARIOS for title in s.titles]
    for index in range(max(0, want - have)):
        scenario, title = pairs[index % len(pairs)]
        code, fix = scenario.fixes[index % len(scenario.fixes)]
        problem = services.rules.create(agent, {
            "short_description": title, "description": scenario.description,
            "symptoms": f"{title}. {scenario.description}", "impact": 2, "probability": 2})
        services.change_state(problem, agent, "assessed")
        services.change_state(problem, agent, "root_cause_analysis")
        services.make_known_error(problem, agent, root_cause=fix, workaround=fix)
    routing.train()
    ctx.report(f"Problems: {services.known_errors().count()} known errors.")
