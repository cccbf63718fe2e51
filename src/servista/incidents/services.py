"""Incident management: every rule about incidents lives here.

The rules every work record shares (state guards and transitions,
assignment, priority and its override, affected items, comments, bulk) come
from the kit, ``core.records.services.RecordService``; this module adds what
is particular to incidents: callers and their organization, categories and
routing, the fields each state needs, reassignment and reopen counts,
escalation, major incidents and their swarm, parent and child incidents,
and automatic closure.

The web UI, the API, the command line and background jobs call these
functions; they never change an incident themselves.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from servista.accounts.models import Group, User
from servista.catalog import services as catalog
from servista.cmdb import services as cmdb
from servista.core import clock, context
from servista.core import services as records
from servista.core.exceptions import Forbidden, InvalidTransition, NotFound, ValidationFailed
from servista.core.records.services import Errors, Plan, RecordService
from servista.core.refcache import RefCache
from servista.core.services import SYSTEM_USERNAME, system_user
from servista.notifications.services import absolute_url, batch, notify

from .choices import Channel, HoldReason, IncidentState, ResolutionCode
from .models import Category, Incident

State = IncidentState


def _load_service_desk() -> Group | None:
    return Group.objects.filter(is_service_desk=True, active=True).order_by("pk").first()


_service_desk = RefCache(_load_service_desk, models=[Group])


def default_group(category: Category | None) -> Group | None:
    """Routing of a new incident: the category's group, else the service desk."""
    for cat in (category, category.parent if category and category.parent_id else None):
        if cat is not None and cat.default_group_id:
            return cat.default_group
    return _service_desk.get()


def default_channel(actor: User) -> str:
    """How an incident came in when nobody says: the face it was logged
    through (API, command line), else by phone to the desk or the portal."""
    origin = context.current().origin
    if origin in (Channel.API, Channel.CLI):
        return origin
    return Channel.PHONE if actor.is_agent else Channel.PORTAL


def _check_category(category, subcategory, errors: Errors):
    if subcategory is not None:
        if subcategory.parent_id is None:
            errors.add("subcategory", f"'{subcategory}' is a category, not a subcategory.")
        elif category is not None and subcategory.parent_id != category.pk:
            errors.add("subcategory", f"'{subcategory.name}' is not a subcategory of "
                                      f"'{category.name}'.")
    if category is not None and category.parent_id is not None:
        errors.add("category", f"'{category}' is a subcategory; choose its parent category.")


def _check_parent(incident: Incident | None, parent: Incident | None, errors: Errors):
    if parent is None:
        return
    parent = Incident.objects.only("pk", "number", "state", "parent").get(pk=parent.pk)
    if incident is not None and parent.pk == incident.pk:
        errors.add("parent", "An incident cannot be its own parent.")
    elif parent.parent_id is not None:
        errors.add("parent", f"{parent} is itself a child of another incident.")
    elif incident is not None and incident.pk and incident.children.exists():
        errors.add("parent", f"{incident} has child incidents and cannot become a child.")
    elif parent.state not in State.OPEN:
        errors.add("parent", f"{parent} is {parent.get_state_display().lower()}.")


def _check_swarm(members, errors: Errors):
    for member in members:
        if not member.is_agent or not member.is_active:
            errors.add("swarm", f"{member} is not an active agent.")


def _tell_assignee(inc: Incident, actor: User, assignee: User | None) -> None:
    if assignee is not None and assignee.pk != actor.pk:
        notify([assignee], f"{inc.number} assigned to you: {inc.short_description}", record=inc,
               kind="assigned")


def _reason(data: dict) -> str:
    return (data.get("reason") or "").strip()


# --- what the caller hears (lifecycle mail) ----------------------------------------
# Each is a notification of a ``MailKind``: the words below unless an
# administrator wrote a template for the kind; a caller who muted the kind
# still sees it in Servista but gets no mail.

ANSWER_SALT = "servista.incidents.answer"
REPLY_HINT = "Reply to this mail to add information or files."


def _acknowledge(inc: Incident) -> None:
    notify([inc.caller], f"{inc.number} received: {inc.short_description}", record=inc,
           kind="acknowledgement",
           body=f"Thank you. Your request is logged as **{inc.number}** with priority "
                f"{inc.get_priority_display()}; the service desk will be in touch.\n\n"
                f"{REPLY_HINT}")


def _tell_caller_of_state(inc: Incident, actor: User, plan: Plan) -> None:
    state = plan.changes.get("state")
    if state is None or inc.caller_id == actor.pk:
        return
    if state == State.ON_HOLD and inc.hold_reason == HoldReason.AWAITING_CALLER:
        notify([inc.caller], f"{inc.number} is waiting for you: {inc.short_description}",
               record=inc, kind="awaiting_you",
               body="To go on, the service desk needs an answer from you: please see the "
                    f"last question on your ticket and reply to this mail.\n\n{REPLY_HINT}")
    elif state == State.RESOLVED:
        fixed, not_fixed = (absolute_url(reverse("portal:answer", args=[answer_token(inc, a)]))
                            for a in ("fixed", "not_fixed"))
        notify([inc.caller], f"{inc.number} is resolved: {inc.short_description}", record=inc,
               kind="resolved", context={"fixed_url": fixed, "not_fixed_url": not_fixed},
               body=f"{inc.resolution_notes}\n\nIs it fixed?\n\n"
                    f"* [Yes, it is fixed]({fixed})\n* [No, it is not fixed]({not_fixed})\n\n"
                    f"Without an answer the ticket closes in "
                    f"{settings.SERVISTA['INCIDENT_AUTO_CLOSE_DAYS']} days.")
    elif state == State.CLOSED:
        notify([inc.caller], f"{inc.number} is closed: {inc.short_description}", record=inc,
               kind="closed", body="Your ticket is closed. Thank you for your patience.")


def answer_token(inc: Incident, answer: str) -> str:
    """A link's token: the caller's answer to this resolution. It acts once:
    once the incident is closed or reopened (or resolved again), it is spent."""
    return signing.dumps({"i": inc.pk, "a": answer,
                          "r": inc.resolved_at.isoformat() if inc.resolved_at else ""},
                         salt=ANSWER_SALT, compress=True)


def read_answer(token: str) -> tuple[Incident, str]:
    """The incident and the answer (``fixed``/``not_fixed``) of a link's
    token; NotFound for a token that is not ours, InvalidTransition (409)
    for one already spent."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=timedelta(days=90))
    except signing.BadSignature:
        raise NotFound("This link is not valid.")
    inc = Incident.objects.select_related("caller").filter(pk=data.get("i")).first()
    if inc is None or data.get("a") not in ("fixed", "not_fixed"):
        raise NotFound("This link is not valid.")
    resolved = inc.resolved_at.isoformat() if inc.resolved_at else ""
    if inc.state != State.RESOLVED or resolved != data.get("r"):
        raise InvalidTransition(f"This link was already used: {inc.number} is "
                                f"{inc.get_state_display().lower()} now.")
    return inc, data["a"]


def answer(token: str, *, comment: str = "") -> Incident:
    """The caller's answer from the resolution mail: fixed closes the
    incident, not fixed reopens it (with their words as a comment)."""
    inc, said = read_answer(token)
    with context.audit_context("email"):
        if said == "fixed":
            return close(inc, inc.caller, reason="Confirmed fixed by the caller (mail link).")
        reason = "Not fixed, says the caller (mail link)."
        inc = reopen(inc, inc.caller, reason=reason)
        if comment.strip():
            rules.comment(inc, inc.caller, comment)
        return inc


class IncidentService(RecordService):
    model = Incident
    editable_fields = (
        "short_description", "description", "caller", "category", "subcategory", "service",
        "configuration_item", "affected_cis", "affected_services", "impact", "urgency",
        "channel", "assignment_group", "assigned_to", "state", "hold_reason",
        "resolution_code", "resolution_notes", "priority", "parent",
    )

    creatable_fields = (
        "short_description", "description", "caller", "category", "subcategory", "service",
        "configuration_item", "affected_cis", "affected_services", "impact", "urgency",
        "assignment_group", "assigned_to", "channel", "parent",
    )

    # --- logging ------------------------------------------------------------------

    def plan_create(self, actor, fields, errors):
        """The caller (the actor, for a requester), their organization, the
        category and its routing, the channel, the parent."""
        staff = actor.is_agent
        caller = fields.get("caller")
        if not staff:
            if caller is not None and caller.pk != actor.pk:
                raise Forbidden("You can only report incidents for yourself.")
            if fields.get("parent") is not None:
                raise Forbidden("Only support staff can assign or relate incidents.")
        caller = fields["caller"] = caller or actor
        fields["organization"] = caller.organization
        if not caller.is_active:
            errors.add("caller", f"{caller}'s account is inactive.")
        super().plan_create(actor, fields, errors)
        if fields.get("category") is None and fields.get("subcategory") is not None:
            fields["category"] = fields["subcategory"].parent
        _check_category(fields.get("category"), fields.get("subcategory"), errors)
        channel = fields.get("channel")
        if channel is not None and channel not in Channel.labels:
            errors.add("channel", f"'{channel}' is not a channel.")
        fields["channel"] = channel or default_channel(actor)
        if fields.get("assignment_group") is None:
            fields["assignment_group"] = default_group(fields.get("category"))
        _check_parent(None, fields.get("parent"), errors)

    def after_create(self, incident, actor):
        with batch():  # one mail job for the assignee's notice and the acknowledgement
            _tell_assignee(incident, actor, incident.assigned_to)
            _acknowledge(incident)

    # --- the kit's hooks ------------------------------------------------------------

    def check_reference(self, name, obj, errors):
        if name in ("service", "affected_services"):
            problem = catalog.refuses_new_work(obj)
        else:
            problem = cmdb.refuses_new_work(obj)
        if problem:
            errors.add(name, problem)

    def permission_for_transition(self, record, target):
        # The caller may close or reopen their resolved incident; the rest is staff work.
        if record.state == State.RESOLVED:
            return {State.CLOSED: "close", State.IN_PROGRESS: "reopen"}.get(target, "change")
        return "change"

    def transition_fields(self, inc, actor, target, data, plan, errors, now):
        if target == State.ON_HOLD:
            reason = data.get("hold_reason") or ""
            if not reason:
                errors.add("hold_reason", "A reason is required to put an incident on hold.")
            elif reason not in HoldReason.labels:
                errors.add("hold_reason", f"'{reason}' is not a hold reason; use one of "
                                          f"{', '.join(HoldReason.values)}.")
            plan.changes["hold_reason"] = reason
        elif inc.state == State.ON_HOLD:
            plan.changes["hold_reason"] = ""
        if target == State.RESOLVED:
            code = data.get("resolution_code") or ""
            notes = (data.get("resolution_notes") or "").strip()
            if not code:
                errors.add("resolution_code", "A resolution code is required to resolve.")
            elif code not in ResolutionCode.labels:
                errors.add("resolution_code", f"'{code}' is not a resolution code; use one of "
                                              f"{', '.join(ResolutionCode.values)}.")
            if not notes:
                errors.add("resolution_notes", "Resolution notes are required to resolve.")
            plan.changes.update(resolution_code=code, resolution_notes=notes, resolved_at=now,
                                resolved_by=actor)
            plan.then.append(_resolve_children)
        if inc.state == State.RESOLVED and target == State.IN_PROGRESS:
            plan.changes.update(resolution_code="", resolution_notes="", resolved_at=None,
                                resolved_by=None, reopen_count=inc.reopen_count + 1)
        if target == State.CANCELLED and not _reason(data):
            errors.add("reason", "Say why the incident is cancelled.")

    def on_group_change(self, inc, plan, new_group):
        if inc.assignment_group_id is not None:
            plan.changes["reassignment_count"] = inc.reassignment_count + 1

    def after_commit(self, inc, actor, plan):
        if plan.new_assignee is not None and inc.assigned_to_id == plan.new_assignee.pk:
            _tell_assignee(inc, actor, plan.new_assignee)
        _tell_caller_of_state(inc, actor, plan)

    def plan_update(self, inc, actor, data, plan, errors):
        if "channel" in data:
            if data["channel"] not in Channel.labels:
                errors.add("channel", f"'{data['channel']}' is not a channel.")
            plan.changes["channel"] = data["channel"]
        if "caller" in data:
            if data["caller"] is None:
                errors.add("caller", "An incident needs a caller.")
            elif data["caller"].pk != inc.caller_id and not data["caller"].is_active:
                errors.add("caller", f"{data['caller']}'s account is inactive.")
            else:
                plan.changes["caller"] = data["caller"]
                plan.changes["organization"] = data["caller"].organization
        if "category" in data or "subcategory" in data:
            category = data.get("category", inc.category)
            subcategory = data.get("subcategory", inc.subcategory if "category" not in data
                                   else None)
            if category is None and subcategory is not None:
                category = subcategory.parent
            _check_category(category, subcategory, errors)
            plan.changes.update(category=category, subcategory=subcategory)
        if "parent" in data:
            _check_parent(inc, data["parent"], errors)
            plan.changes["parent"] = data["parent"]
        if "state" not in data or data["state"] == inc.state:
            for name in ("hold_reason", "resolution_code", "resolution_notes"):
                if name in data and data[name] != getattr(inc, name):
                    errors.add(name, f"{name.replace('_', ' ').capitalize()} is set by the "
                                     "state change it belongs to.")

    def after_comment(self, inc, actor, entry):
        """When the caller comments on a resolved incident it reopens; on one
        awaiting the caller, work resumes. The other side is told."""
        if actor.pk == inc.caller_id:
            if inc.state == State.RESOLVED:
                self._resume(inc, actor, "Reopened by the caller's comment.")
            elif inc.state == State.ON_HOLD and inc.hold_reason == HoldReason.AWAITING_CALLER:
                self._resume(inc, actor, "The caller answered.")
            if inc.assigned_to_id and inc.assigned_to_id != actor.pk:
                notify([inc.assigned_to], f"{inc.number}: new comment from {actor}",
                       body=entry.body[:500], record=inc)
        elif actor.is_agent and inc.caller_id != actor.pk:
            notify([inc.caller], f"{inc.number}: {inc.short_description}",
                   body=entry.body[:1000], record=inc, kind="comment")

    def _resume(self, inc, actor, body: str) -> None:
        plan, errors = Plan(), Errors()
        self.plan_transition(inc, actor, State.IN_PROGRESS, {}, plan, errors)
        self.commit(inc, actor, plan, body=body)


rules = IncidentService()


def policy():
    return rules.policy()


# --- logging an incident -----------------------------------------------------


def log_incident(actor: User, files=(), **data) -> Incident:
    """Log an incident (``IncidentService.creatable_fields``), with the files
    sent with it. A requester logs for themselves only and cannot route,
    assign or relate; support staff log on behalf of any caller."""
    return rules.create(actor, data, files=files)


# --- changing an incident ------------------------------------------------------


def update_incident(incident: Incident, actor: User, data: dict, *,
                    expected_version: int | None = None) -> Incident:
    """Apply a partial update: any of ``IncidentService.editable_fields``,
    plus ``reason`` (kept in the journal; required for a priority override
    or a cancellation)."""
    return rules.update(incident, actor, data, expected_version=expected_version)


def impacted_services(incident: Incident) -> list:
    """The services a failure of the incident's configuration item reaches
    (impact analysis downstream), nearest first, each with its path
    (``cmdb.services.Reached``); [] without an item."""
    ci = incident.configuration_item
    if ci is None:
        return []
    return cmdb.impact(ci, direction="downstream").services


def proposed_service(incident: Incident, reached: list | None = None):
    """The portfolio's service nearest downstream of the incident's item
    (one still in operation), or None: what the incident's service should be."""
    for item in impacted_services(incident) if reached is None else reached:
        service = item.ci.represents
        if service is not None and catalog.refuses_new_work(service) is None:
            return service
    return None


def use_proposed_service(incident: Incident, actor: User, *, expected_version=None) -> Incident:
    """Set the incident's service to the one its item's impact proposes."""
    service = proposed_service(incident)
    if service is None:
        raise ValidationFailed.field(
            "service", "The incident's configuration item reaches no service in operation.")
    return update_incident(incident, actor, {
        "service": service, "reason": f"Service proposed by the impact of "
                                      f"{incident.configuration_item}"},
        expected_version=expected_version)


change_state = rules.change_state
assign = rules.assign
take = rules.take
override_priority = rules.override_priority
set_affected = rules.set_affected
comment = rules.comment
work_note = rules.work_note
add_journal_entry = rules.add_entry
bulk = rules.bulk


def resolve(incident, actor, *, resolution_code: str, resolution_notes: str,
            expected_version=None) -> Incident:
    return change_state(incident, actor, State.RESOLVED, expected_version=expected_version,
                        resolution_code=resolution_code, resolution_notes=resolution_notes)


def put_on_hold(incident, actor, *, hold_reason: str, reason: str = "",
                expected_version=None) -> Incident:
    return change_state(incident, actor, State.ON_HOLD, expected_version=expected_version,
                        hold_reason=hold_reason, reason=reason)


def cancel(incident, actor, *, reason: str, expected_version=None) -> Incident:
    return change_state(incident, actor, State.CANCELLED, expected_version=expected_version,
                        reason=reason)


def reopen(incident, actor, *, reason: str = "", expected_version=None) -> Incident:
    return change_state(incident, actor, State.IN_PROGRESS, expected_version=expected_version,
                        reason=reason)


def close(incident, actor, *, reason: str = "", expected_version=None) -> Incident:
    return change_state(incident, actor, State.CLOSED, expected_version=expected_version,
                        reason=reason)


def _resolve_children(parent: Incident, actor: User) -> None:
    """Children are resolved with their parent's resolution."""
    if parent.state != State.RESOLVED:
        return
    for child_id in parent.children.filter(state__in=State.OPEN).values_list("pk", flat=True):
        child = records.lock(Incident, child_id)
        plan, errors = Plan(), Errors()
        rules.plan_transition(child, actor, State.RESOLVED, {
            "resolution_code": parent.resolution_code,
            "resolution_notes": parent.resolution_notes,
        }, plan, errors)
        errors.raise_if_any()
        records.save_changes(child, actor, plan.changes,
                             body=f"Resolved with parent incident {parent.number}.")


# --- escalation ---------------------------------------------------------------------


@transaction.atomic
def escalate_functional(incident: Incident, actor: User, *, assignment_group: Group,
                        reason: str, assigned_to: User | None = None,
                        expected_version: int | None = None) -> Incident:
    """Pass the incident to a group with more knowledge (functional
    escalation); the reason is journaled."""
    policy().require(actor, "escalate", incident)
    rules.require_open(incident)
    errors = Errors()
    if assignment_group is None:
        errors.add("assignment_group", "Name the group to escalate to.")
    elif assignment_group.pk == incident.assignment_group_id:
        errors.add("assignment_group", f"{incident.number} is already with {assignment_group}.")
    if not (reason or "").strip():
        errors.add("reason", "Say why the incident is escalated.")
    errors.raise_if_any()
    return assign(incident, actor, assignment_group=assignment_group, assigned_to=assigned_to,
                  expected_version=expected_version,
                  reason=f"Functional escalation to {assignment_group}: {reason.strip()}")


@transaction.atomic
def escalate_hierarchical(incident: Incident, actor: User, *, reason: str,
                          expected_version: int | None = None) -> Incident:
    """Inform management (hierarchical escalation): the incident is flagged
    and the manager of its group is told."""
    policy().require(actor, "escalate", incident)
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why management must be involved.")
    inc = rules.lock(incident, expected_version)
    rules.require_open(inc)
    rules.commit(inc, actor, Plan(changes={"escalated": True}),
                   body=f"Hierarchical escalation: {reason.strip()}")
    recipients = []
    if inc.assignment_group_id and inc.assignment_group.manager_id:
        recipients.append(inc.assignment_group.manager)
    if inc.major_incident_manager_id:
        recipients.append(inc.major_incident_manager)
    if not recipients:
        recipients = list(User.objects.filter(role__in=("manager", "admin"), is_active=True)
                          .order_by("pk")[:5])
    notify(recipients, f"Escalated: {inc.number} {inc.short_description}",
           body=f"{actor} escalated {inc.number}: {reason.strip()}", record=inc)
    return inc


@transaction.atomic
def clear_escalation(incident: Incident, actor: User, *, reason: str,
                     expected_version: int | None = None) -> Incident:
    """A manager takes back a hierarchical escalation that is dealt with."""
    policy().require(actor, "clear_escalation", incident)
    inc = rules.lock(incident, expected_version)
    rules.require_not_final(inc)
    if not inc.escalated:
        raise InvalidTransition(f"{inc.number} is not escalated.", field="escalated")
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why the escalation is cleared.")
    return rules.commit(inc, actor, Plan(changes={"escalated": False}),
                          body=f"Escalation cleared: {reason.strip()}")


# --- major incidents ----------------------------------------------------------------


@transaction.atomic
def promote_major(incident: Incident, actor: User, *, manager: User, swarm=(),
                  reason: str = "", expected_version: int | None = None) -> Incident:
    """A manager (or a major incident manager) declares a major incident,
    names its major-incident manager and the agents who swarm on it; all of
    them are told."""
    policy().require(actor, "promote_major", incident)
    inc = rules.lock(incident, expected_version)
    rules.require_open(inc)
    errors = Errors()
    if manager is None:
        errors.add("manager", "Name the major-incident manager.")
    elif not manager.is_agent or not manager.is_active or manager.username == SYSTEM_USERNAME:
        errors.add("manager", f"{manager} is not active support staff.")
    swarm = list(swarm)
    _check_swarm(swarm, errors)
    errors.raise_if_any()
    before = list(inc.swarm.all())
    plan = Plan(changes={"is_major": True, "major_incident_manager": manager,
                         "swarm": before + [m for m in swarm if m not in before]})
    if inc.priority != 1 and not inc.priority_overridden:
        plan.changes.update(priority=1, priority_overridden=True)
    rules.commit(inc, actor, plan, body=f"Promoted to major incident. {reason}".strip())
    notify([manager, *swarm], f"Major incident {inc.number}: {inc.short_description}",
           body=f"{actor} declared a major incident. {reason}".strip(), record=inc)
    return inc


@transaction.atomic
def stand_down_major(incident: Incident, actor: User, *, reason: str,
                     expected_version: int | None = None) -> Incident:
    """End the major-incident procedure (declared by mistake, or the impact
    turned out smaller); manager and swarm are kept in the journal."""
    policy().require(actor, "stand_down_major", incident)
    inc = rules.lock(incident, expected_version)
    rules.require_not_final(inc)
    if not inc.is_major:
        raise InvalidTransition(f"{inc.number} is not a major incident.", field="is_major")
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why the major incident stands down.")
    plan = Plan(changes={"is_major": False, "major_incident_manager": None, "swarm": []})
    return rules.commit(inc, actor, plan, body=f"Major incident stood down: {reason.strip()}")


@transaction.atomic
def set_swarm(incident: Incident, actor: User, members, *,
              expected_version: int | None = None) -> Incident:
    """Change who swarms on a major incident: a manager or the incident's
    major-incident manager; the change is journaled like any field."""
    policy().require(actor, "manage_swarm", incident)
    inc = rules.lock(incident, expected_version)
    rules.require_open(inc)
    if not inc.is_major:
        raise InvalidTransition(f"{inc.number} is not a major incident.", field="swarm")
    members = list(dict.fromkeys(members))
    errors = Errors()
    _check_swarm(members, errors)
    errors.raise_if_any()
    return rules.commit(inc, actor, Plan(changes={"swarm": members}))


# --- parent and child incidents -------------------------------------------------------


@transaction.atomic
def set_parent(child: Incident, actor: User, parent: Incident | None, *,
               expected_version: int | None = None) -> Incident:
    policy().require(actor, "change", child)
    inc = rules.lock(child, expected_version)
    rules.require_open(inc)
    errors = Errors()
    _check_parent(inc, parent, errors)
    errors.raise_if_any()
    return rules.commit(inc, actor, Plan(changes={"parent": parent}))


# --- background: automatic closure ----------------------------------------------------


def auto_close_due(now=None) -> int:
    """Close incidents resolved more than INCIDENT_AUTO_CLOSE_DAYS ago."""
    days = settings.SERVISTA["INCIDENT_AUTO_CLOSE_DAYS"]
    now = now or clock.now()
    cutoff = now - timedelta(days=days)
    system = system_user()
    closed = 0
    due = Incident.objects.filter(state=State.RESOLVED, resolved_at__lte=cutoff)
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            inc = records.lock(Incident, pk)
            if inc.state != State.RESOLVED or inc.resolved_at > cutoff:
                continue
            plan, errors = Plan(), Errors()
            rules.plan_transition(inc, system, State.CLOSED, {}, plan, errors, now=now)
            records.save_changes(inc, system, plan.changes,
                                 body=f"Closed automatically {days} days after resolution.")
            closed += 1
    return closed


# --- suggestions while an incident is written ------------------------------------------


def suggestions(user, text: str, *, exclude=(), routing: bool = True) -> dict:
    """What is like the incident being written, from every suggestion source
    the user may see (known errors first, articles, open incidents or a
    running major incident), and for the staff the category and group that
    resolved history suggests, with their confidence."""
    from servista.core import search

    from . import routing as routing_model

    found = search.suggest(text, user, exclude=exclude)
    out = {"sources": [part for part in found if part["items"]],
           "items": [item for part in found for item in part["items"]],
           "category": None, "assignment_group": None}
    if routing and user.is_agent:
        guess = routing_model.suggest(text)
        if guess["category"]:
            category = Category.objects.filter(pk=guess["category"][0], active=True).first()
            if category is not None:
                out["category"] = (category, guess["category"][1])
        if guess["group"]:
            group = Group.objects.filter(pk=guess["group"][0], active=True).first()
            if group is not None:
                out["assignment_group"] = (group, guess["group"][1])
    return out


def record_routing(incident: Incident, *, category=None, category_confidence: float = 0,
                   group=None, group_confidence: float = 0):
    """The category and group suggested when ``incident`` was logged, and
    whether the agent kept them."""
    from .models import RoutingSuggestion

    if category is None and group is None:
        return None
    return RoutingSuggestion.objects.create(
        incident=incident, category=category, category_confidence=category_confidence,
        category_accepted=category is not None and incident.category_id == category.pk,
        assignment_group=group, group_confidence=group_confidence,
        group_accepted=group is not None and incident.assignment_group_id == group.pk)


def routing_acceptance() -> dict:
    """How often the suggested category and group were kept."""
    from django.db.models import Count, Q

    from .models import RoutingSuggestion

    counts = RoutingSuggestion.objects.aggregate(
        categories=Count("pk", filter=Q(category__isnull=False)),
        categories_kept=Count("pk", filter=Q(category_accepted=True)),
        groups=Count("pk", filter=Q(assignment_group__isnull=False)),
        groups_kept=Count("pk", filter=Q(group_accepted=True)))

    def rate(kept, shown):
        return round(kept / shown, 3) if shown else None

    return {**counts, "category_rate": rate(counts["categories_kept"], counts["categories"]),
            "group_rate": rate(counts["groups_kept"], counts["groups"])}
