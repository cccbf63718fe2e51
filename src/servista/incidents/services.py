"""Incident management: every rule about incidents lives here.

The web UI, the API, the command line and background jobs call these
functions; they never change an incident themselves. Each operation runs in
one transaction, locks the incident row, checks the caller's version when one
is given, validates everything before writing anything, and leaves one
journal entry with the before/after of every field it changed.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from servista.accounts.models import Group, User
from servista.catalog.choices import ServiceStatus
from servista.core import clock
from servista.core import services as records
from servista.core.exceptions import Forbidden, InvalidTransition, ValidationFailed
from servista.core.models.journal import JournalKind
from servista.core.permissions import policy_for
from servista.core.priority import compute_priority, validate_impact_urgency
from servista.core.refcache import RefCache
from servista.notifications.services import notify

from .choices import Channel, HoldReason, IncidentState, ResolutionCode
from .models import Category, Incident

State = IncidentState
SYSTEM_USERNAME = "servista-system"  # the account background jobs act as

# Fields an agent may set through a plain update (PATCH, edit form, CLI).
EDITABLE_FIELDS = (
    "short_description", "description", "caller", "category", "subcategory", "service",
    "configuration_item", "impact", "urgency", "channel", "assignment_group", "assigned_to",
    "state", "hold_reason", "resolution_code", "resolution_notes", "priority", "parent",
)


def policy():
    return policy_for(Incident)


class Errors:
    """Collects field errors so that one answer names every wrong field."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    def absorb(self, exc: ValidationFailed) -> None:
        for name, messages in exc.errors.items():
            for message in messages:
                self.add(name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            first_field, messages = next(iter(self.errors.items()))
            raise ValidationFailed(f"{first_field}: {messages[0]}", self.errors)


@dataclass
class Plan:
    """The field changes an operation will make, and what to do after."""

    changes: dict = field(default_factory=dict)
    notify_assignee: bool = False
    resolve_children: bool = False


# --- rules -------------------------------------------------------------------


def _require_open(inc: Incident) -> None:
    """Work on an incident needs it open: a resolved one is reopened first, a
    closed or cancelled one is final (HTTP 409)."""
    if inc.state in State.OPEN:
        return
    if inc.state == State.RESOLVED:
        raise InvalidTransition(f"{inc.number} is resolved; reopen it first.")
    raise InvalidTransition(
        f"{inc.number} is {inc.get_state_display().lower()} and can no longer be changed.")


def _require_not_final(inc: Incident) -> None:
    if State.is_terminal(inc.state):
        raise InvalidTransition(
            f"{inc.number} is {inc.get_state_display().lower()} and can no longer be changed.")


def _load_service_desk() -> Group | None:
    return Group.objects.filter(is_service_desk=True, active=True).order_by("pk").first()


_service_desk = RefCache(_load_service_desk, models=[Group])


def default_group(category: Category | None) -> Group | None:
    """Routing of a new incident: the category's group, else the service desk."""
    for cat in (category, category.parent if category and category.parent_id else None):
        if cat is not None and cat.default_group_id:
            return cat.default_group
    return _service_desk.get()


def _check_category(category, subcategory, errors: Errors):
    if subcategory is not None:
        if subcategory.parent_id is None:
            errors.add("subcategory", f"'{subcategory}' is a category, not a subcategory.")
        elif category is not None and subcategory.parent_id != category.pk:
            errors.add("subcategory", f"'{subcategory.name}' is not a subcategory of "
                                      f"'{category.name}'.")
    if category is not None and category.parent_id is not None:
        errors.add("category", f"'{category}' is a subcategory; choose its parent category.")


def _check_assignment(group, assignee, errors: Errors):
    if group is not None and not group.active:
        errors.add("assignment_group", f"{group} is inactive.")
    if assignee is None:
        return
    if not assignee.is_active:
        errors.add("assigned_to", f"{assignee}'s account is inactive.")
    elif not assignee.is_agent:
        errors.add("assigned_to", f"{assignee} is not an agent and cannot be assigned.")
    elif group is None:
        errors.add("assignment_group", "An assignee needs an assignment group.")
    elif not group.has_member(assignee):
        errors.add("assigned_to", f"{assignee} is not a member of {group}.")


def _check_service(service, errors: Errors):
    if service is not None and service.status == ServiceStatus.RETIRED:
        errors.add("service", f"{service} is retired; choose a service in operation.")


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


def _plan_assignment(inc: Incident, plan: Plan, group, assignee, errors: Errors,
                     group_given: bool, assignee_given: bool):
    """Assignee must be a member of the group; changing group clears an
    assignee who is not a member; a new group after the first counts as a
    reassignment; naming an assignee on a New incident starts work on it."""
    new_group = group if group_given else inc.assignment_group
    new_assignee = assignee if assignee_given else inc.assigned_to
    if group_given and not assignee_given and new_assignee is not None:
        if new_group is None or not new_group.has_member(new_assignee):
            new_assignee = None
    if assignee_given or group_given:
        _check_assignment(new_group, new_assignee, errors)
    if group_given and (new_group.pk if new_group else None) != inc.assignment_group_id:
        plan.changes["assignment_group"] = new_group
        if inc.assignment_group_id is not None:
            plan.changes["reassignment_count"] = inc.reassignment_count + 1
    if (new_assignee.pk if new_assignee else None) != inc.assigned_to_id:
        plan.changes["assigned_to"] = new_assignee
        plan.notify_assignee = new_assignee is not None
        if new_assignee is not None and inc.state == State.NEW \
                and plan.changes.get("state", State.NEW) == State.NEW:
            plan.changes["state"] = State.IN_PROGRESS


def _plan_transition(inc: Incident, actor, target: str, data: dict, plan: Plan, errors: Errors,
                     now=None):
    """State change with the fields each state requires."""
    State.check_transition(inc.state, target)
    now = now or clock.now()
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
        plan.resolve_children = True
    if inc.state == State.RESOLVED and target == State.IN_PROGRESS:
        plan.changes.update(resolution_code="", resolution_notes="", resolved_at=None,
                            resolved_by=None, reopen_count=inc.reopen_count + 1)
    if target in (State.CLOSED, State.CANCELLED):
        plan.changes["closed_at"] = now
    if target == State.CANCELLED and not (data.get("reason") or "").strip():
        errors.add("reason", "Say why the incident is cancelled.")
    plan.changes["state"] = target


def _plan_priority(inc: Incident, actor, data: dict, plan: Plan, errors: Errors):
    impact = data.get("impact", inc.impact)
    urgency = data.get("urgency", inc.urgency)
    if "impact" in data or "urgency" in data:
        try:
            validate_impact_urgency(impact, urgency)
        except ValidationFailed as exc:
            errors.absorb(exc)
            return
        plan.changes.update(impact=impact, urgency=urgency)
    matrix_moved = (impact, urgency) != (inc.impact, inc.urgency)
    if "priority" in data:
        priority = data["priority"]
        if not policy().can(actor, "override_priority", inc):
            raise Forbidden("Only a manager may override the priority.")
        if priority == (inc.priority if inc.priority_overridden else None) and not matrix_moved:
            return  # as it is: nothing to override
        if priority is None:
            plan.changes["priority_overridden"] = False
            plan.changes["priority"] = compute_priority(impact, urgency)
        else:
            if priority not in (1, 2, 3, 4, 5):
                errors.add("priority", "Priority must be between 1 (critical) and 5 (planning).")
            if not (data.get("reason") or "").strip():
                errors.add("reason", "A reason is required to override the priority.")
            plan.changes.update(priority=priority, priority_overridden=True)
    elif matrix_moved and not inc.priority_overridden:
        # Only a new impact or urgency re-reads the matrix: editing another
        # field keeps the priority the incident was given.
        plan.changes["priority"] = compute_priority(impact, urgency)


# --- logging an incident -----------------------------------------------------


@transaction.atomic
def log_incident(actor: User, *, short_description: str, caller: User | None = None,
                 description: str = "", category: Category | None = None,
                 subcategory: Category | None = None, service=None, configuration_item=None,
                 impact: int = 2, urgency: int = 2, assignment_group: Group | None = None,
                 assigned_to: User | None = None, channel: str | None = None,
                 parent: Incident | None = None) -> Incident:
    """Log an incident. A requester logs for themselves only and cannot route
    or assign; support staff log on behalf of any caller."""
    pol = policy()
    pol.require(actor, "create")
    errors = Errors()
    staff = actor.is_agent
    if not staff:
        if caller is not None and caller.pk != actor.pk:
            raise Forbidden("You can only report incidents for yourself.")
        if assignment_group is not None or assigned_to is not None or parent is not None:
            raise Forbidden("Only support staff can assign or relate incidents.")
    caller = caller or actor
    if not caller.is_active:
        errors.add("caller", f"{caller}'s account is inactive.")
    _check_service(service, errors)
    if not (short_description or "").strip():
        errors.add("short_description", "Describe the incident in a few words.")
    if category is None and subcategory is not None:
        category = subcategory.parent
    _check_category(category, subcategory, errors)
    try:
        validate_impact_urgency(impact, urgency)
    except ValidationFailed as exc:
        errors.absorb(exc)
    if channel is not None and channel not in Channel.labels:
        errors.add("channel", f"'{channel}' is not a channel.")
    if assignment_group is None:
        assignment_group = default_group(category)
    _check_assignment(assignment_group, assigned_to, errors)
    _check_parent(None, parent, errors)
    errors.raise_if_any()

    incident = Incident(
        short_description=short_description.strip(), description=description or "",
        caller=caller, organization=caller.organization, category=category,
        subcategory=subcategory, service=service, configuration_item=configuration_item,
        impact=impact, urgency=urgency, priority=compute_priority(impact, urgency),
        assignment_group=assignment_group, assigned_to=assigned_to,
        channel=channel or (Channel.PHONE if staff else Channel.PORTAL),
        state=State.IN_PROGRESS if assigned_to is not None else State.NEW,
        opened_by=actor, parent=parent,
    )
    records.create_record(incident, actor)
    if assigned_to is not None and assigned_to.pk != actor.pk:
        notify([assigned_to], f"{incident.number} assigned to you: {incident.short_description}",
               record=incident)
    return incident


# --- changing an incident ----------------------------------------------------


@transaction.atomic
def update_incident(incident: Incident, actor: User, data: dict, *,
                    expected_version: int | None = None) -> Incident:
    """Apply a partial update: any of EDITABLE_FIELDS, plus ``reason`` (kept in
    the journal; required for a priority override or a cancellation). A state
    in ``data`` goes through the same transition rules as the actions."""
    pol = policy()
    pol.require(actor, "change", incident)
    unknown = set(data) - set(EDITABLE_FIELDS) - {"reason"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed.field(name, f"'{name}' cannot be changed this way.")
    inc = records.lock(Incident, incident.pk, expected_version)
    if State.is_terminal(inc.state):
        raise InvalidTransition(
            f"{inc.number} is {inc.get_state_display().lower()} and can no longer be changed.")
    errors = Errors()
    plan = Plan()

    for name in ("short_description", "description", "service", "configuration_item",
                 "channel"):
        if name in data:
            plan.changes[name] = data[name]
    if "short_description" in data and not (data["short_description"] or "").strip():
        errors.add("short_description", "This field may not be blank.")
    if "channel" in data and data["channel"] not in Channel.labels:
        errors.add("channel", f"'{data['channel']}' is not a channel.")
    if "service" in data and data["service"] != inc.service:
        _check_service(data["service"], errors)
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

    _plan_priority(inc, actor, data, plan, errors)
    if "state" in data and data["state"] != inc.state:
        _plan_transition(inc, actor, data["state"], data, plan, errors)
    else:
        for name in ("hold_reason", "resolution_code", "resolution_notes"):
            if name in data and data[name] != getattr(inc, name):
                errors.add(name, f"{name.replace('_', ' ').capitalize()} is set by the state "
                                 "change it belongs to.")
    if "assignment_group" in data or "assigned_to" in data:
        _plan_assignment(inc, plan, data.get("assignment_group"), data.get("assigned_to"),
                         errors, "assignment_group" in data, "assigned_to" in data)
    errors.raise_if_any()
    return _commit(inc, actor, plan, body=(data.get("reason") or "").strip())


def _commit(inc: Incident, actor: User, plan: Plan, *, body: str = "") -> Incident:
    records.save_changes(inc, actor, plan.changes, body=body)
    if plan.notify_assignee and inc.assigned_to_id and inc.assigned_to_id != actor.pk:
        notify([inc.assigned_to], f"{inc.number} assigned to you: {inc.short_description}",
               record=inc)
    if plan.resolve_children and inc.state == State.RESOLVED:
        _resolve_children(inc, actor)
    return inc


def _resolve_children(parent: Incident, actor: User) -> None:
    """Children are resolved with their parent's resolution."""
    for child_id in parent.children.filter(state__in=State.OPEN).values_list("pk", flat=True):
        child = records.lock(Incident, child_id)
        plan = Plan()
        errors = Errors()
        _plan_transition(child, actor, State.RESOLVED, {
            "resolution_code": parent.resolution_code,
            "resolution_notes": parent.resolution_notes,
        }, plan, errors)
        errors.raise_if_any()
        records.save_changes(child, actor, plan.changes,
                             body=f"Resolved with parent incident {parent.number}.")


@transaction.atomic
def change_state(incident: Incident, actor: User, target: str, *,
                 expected_version: int | None = None, **fields) -> Incident:
    """Move an incident to ``target``. ``fields``: hold_reason for on_hold;
    resolution_code and resolution_notes for resolved; reason for cancelled
    (and, optionally, for the others)."""
    inc = records.lock(Incident, incident.pk, expected_version)
    # The caller may close or reopen their resolved incident; the rest is staff work.
    action = {State.CLOSED: "close", State.IN_PROGRESS: "reopen"}.get(target, "change") \
        if inc.state == State.RESOLVED else "change"
    policy().require(actor, action, inc)
    errors = Errors()
    plan = Plan()
    _plan_transition(inc, actor, target, fields, plan, errors)
    errors.raise_if_any()
    return _commit(inc, actor, plan, body=(fields.get("reason") or "").strip())


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


# --- assignment and escalation -------------------------------------------------


@transaction.atomic
def assign(incident: Incident, actor: User, *, assignment_group: Group | None = None,
           assigned_to: User | None = None, expected_version: int | None = None,
           reason: str = "") -> Incident:
    policy().require(actor, "assign", incident)
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_open(inc)
    errors = Errors()
    plan = Plan()
    group = assignment_group if assignment_group is not None else inc.assignment_group
    _plan_assignment(inc, plan, group, assigned_to, errors, True, True)
    errors.raise_if_any()
    return _commit(inc, actor, plan, body=reason.strip())


@transaction.atomic
def take(incident: Incident, actor: User, *, expected_version: int | None = None) -> Incident:
    """The acting agent assigns the incident to themselves, keeping its group
    when they belong to it, otherwise moving it to their first group."""
    policy().require(actor, "assign", incident)
    _require_open(incident)
    group = incident.assignment_group
    if group is None or not group.has_member(actor):
        group = actor.support_groups.filter(active=True).order_by("name").first()
        if group is None:
            raise ValidationFailed.field(
                "assignment_group", "You are not a member of any assignment group.")
    return assign(incident, actor, assignment_group=group, assigned_to=actor,
                  expected_version=expected_version)


@transaction.atomic
def escalate_functional(incident: Incident, actor: User, *, assignment_group: Group,
                        reason: str, assigned_to: User | None = None,
                        expected_version: int | None = None) -> Incident:
    """Pass the incident to a group with more knowledge (functional
    escalation); the reason is journaled."""
    policy().require(actor, "escalate", incident)
    _require_open(incident)
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
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_open(inc)
    plan = Plan(changes={"escalated": True})
    _commit(inc, actor, plan, body=f"Hierarchical escalation: {reason.strip()}")
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


# --- priority ---------------------------------------------------------------------


@transaction.atomic
def override_priority(incident: Incident, actor: User, *, priority: int | None, reason: str,
                      expected_version: int | None = None) -> Incident:
    """A manager sets the priority by hand (or, with None, returns it to the
    matrix); the reason is journaled."""
    policy().require(actor, "override_priority", incident)
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_not_final(inc)
    errors = Errors()
    plan = Plan()
    _plan_priority(inc, actor, {"priority": priority, "reason": reason}, plan, errors)
    errors.raise_if_any()
    label = "returned to the matrix" if priority is None else f"overridden to {priority}"
    reason = (reason or "").strip()
    return _commit(inc, actor, plan,
                   body=f"Priority {label}: {reason}" if reason else f"Priority {label}.")


# --- major incidents ----------------------------------------------------------------


@transaction.atomic
def promote_major(incident: Incident, actor: User, *, manager: User, swarm=(),
                  reason: str = "", expected_version: int | None = None) -> Incident:
    """A manager declares a major incident, names its major-incident manager
    and the agents who swarm on it; all of them are told."""
    policy().require(actor, "promote_major", incident)
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_open(inc)
    errors = Errors()
    if manager is None:
        errors.add("manager", "Name the major-incident manager.")
    elif not manager.is_agent or not manager.is_active or manager.pk == system_user().pk:
        errors.add("manager", f"{manager} is not active support staff.")
    swarm = list(swarm)
    _check_swarm(swarm, errors)
    errors.raise_if_any()
    before = list(inc.swarm.all())
    plan = Plan(changes={"is_major": True, "major_incident_manager": manager,
                         "swarm": before + [m for m in swarm if m not in before]})
    if inc.priority != 1 and not inc.priority_overridden:
        plan.changes.update(priority=1, priority_overridden=True)
    _commit(inc, actor, plan, body=f"Promoted to major incident. {reason}".strip())
    notify([manager, *swarm], f"Major incident {inc.number}: {inc.short_description}",
           body=f"{actor} declared a major incident. {reason}".strip(), record=inc)
    return inc


@transaction.atomic
def stand_down_major(incident: Incident, actor: User, *, reason: str,
                     expected_version: int | None = None) -> Incident:
    """A manager ends the major-incident procedure (declared by mistake, or
    the impact turned out smaller); manager and swarm are kept in the journal."""
    policy().require(actor, "stand_down_major", incident)
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_not_final(inc)
    if not inc.is_major:
        raise InvalidTransition(f"{inc.number} is not a major incident.", field="is_major")
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why the major incident stands down.")
    plan = Plan(changes={"is_major": False, "major_incident_manager": None, "swarm": []})
    return _commit(inc, actor, plan, body=f"Major incident stood down: {reason.strip()}")


@transaction.atomic
def clear_escalation(incident: Incident, actor: User, *, reason: str,
                     expected_version: int | None = None) -> Incident:
    """A manager takes back a hierarchical escalation that is dealt with."""
    policy().require(actor, "clear_escalation", incident)
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_not_final(inc)
    if not inc.escalated:
        raise InvalidTransition(f"{inc.number} is not escalated.", field="escalated")
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why the escalation is cleared.")
    return _commit(inc, actor, Plan(changes={"escalated": False}),
                   body=f"Escalation cleared: {reason.strip()}")


def _check_swarm(members, errors: Errors):
    for member in members:
        if not member.is_agent or not member.is_active:
            errors.add("swarm", f"{member} is not an active agent.")


@transaction.atomic
def set_swarm(incident: Incident, actor: User, members, *,
              expected_version: int | None = None) -> Incident:
    """Change who swarms on a major incident: a manager or the incident's
    major-incident manager; the change is journaled like any field."""
    policy().require(actor, "manage_swarm", incident)
    inc = records.lock(Incident, incident.pk, expected_version)
    _require_open(inc)
    if not inc.is_major:
        raise InvalidTransition(f"{inc.number} is not a major incident.", field="swarm")
    members = list(dict.fromkeys(members))
    errors = Errors()
    _check_swarm(members, errors)
    errors.raise_if_any()
    return _commit(inc, actor, Plan(changes={"swarm": members}))


@transaction.atomic
def set_parent(child: Incident, actor: User, parent: Incident | None, *,
               expected_version: int | None = None) -> Incident:
    policy().require(actor, "change", child)
    inc = records.lock(Incident, child.pk, expected_version)
    _require_open(inc)
    errors = Errors()
    _check_parent(inc, parent, errors)
    errors.raise_if_any()
    return _commit(inc, actor, Plan(changes={"parent": parent}))


# --- the activity stream --------------------------------------------------------------


@transaction.atomic
def comment(incident: Incident, actor: User, body: str):
    """A public comment. When the caller comments on a resolved incident it
    reopens; on an incident awaiting the caller, work resumes."""
    policy().require(actor, "comment", incident)
    inc = records.lock(Incident, incident.pk)
    _require_not_final(inc)
    entry = records.add_entry(inc, actor, JournalKind.COMMENT, body)
    if actor.pk == inc.caller_id:
        if inc.state == State.RESOLVED:
            plan, errors = Plan(), Errors()
            _plan_transition(inc, actor, State.IN_PROGRESS, {}, plan, errors)
            _commit(inc, actor, plan, body="Reopened by the caller's comment.")
        elif inc.state == State.ON_HOLD and inc.hold_reason == HoldReason.AWAITING_CALLER:
            plan, errors = Plan(), Errors()
            _plan_transition(inc, actor, State.IN_PROGRESS, {}, plan, errors)
            _commit(inc, actor, plan, body="The caller answered.")
        if inc.assigned_to_id and inc.assigned_to_id != actor.pk:
            notify([inc.assigned_to], f"{inc.number}: new comment from {actor}",
                   body=body[:500], record=inc)
    elif actor.is_agent and inc.caller_id != actor.pk:
        notify([inc.caller], f"{inc.number}: {inc.short_description}", body=body[:1000],
               record=inc)
    return entry


@transaction.atomic
def work_note(incident: Incident, actor: User, body: str):
    policy().require(actor, "work_note", incident)
    _require_not_final(incident)
    return records.add_entry(incident, actor, JournalKind.WORK_NOTE, body)


def add_journal_entry(incident: Incident, actor: User, kind: str, body: str):
    if kind == JournalKind.WORK_NOTE:
        return work_note(incident, actor, body)
    if kind == JournalKind.COMMENT:
        return comment(incident, actor, body)
    raise ValidationFailed.field("kind", "Kind must be 'comment' or 'work_note'.")


# --- bulk operations of the workspace ---------------------------------------------------


def bulk(incidents, actor: User, operation, **kwargs) -> tuple[list[Incident], dict[str, str]]:
    """Apply one operation to many incidents, each in its own transaction, so
    that one refusal does not undo the others. Returns (done, {number: error})."""
    from servista.core.exceptions import DomainError

    done, failed = [], {}
    for inc in incidents:
        try:
            done.append(operation(inc, actor, **kwargs))
        except DomainError as exc:
            failed[inc.number] = exc.detail
    return done, failed


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
            _plan_transition(inc, system, State.CLOSED, {}, plan, errors, now=now)
            records.save_changes(inc, system, plan.changes,
                                 body=f"Closed automatically {days} days after resolution.")
            closed += 1
    return closed


def system_user() -> User:
    """The account that background jobs act as."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Servista", "last_name": "automation", "role": "admin"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- input from the API and the command line --------------------------------------------


def resolve_refs(data: dict) -> dict:
    """Turn references given by id or name (username or e-mail for people,
    number for incidents) into objects; a clear error names a missing one."""
    from servista.catalog.models import Service
    from servista.cmdb.models import ConfigurationItem
    from servista.core.api import resolve_ref

    people = ("username", "email")
    lookups = {
        "caller": (User, people), "assigned_to": (User, people), "manager": (User, people),
        "category": (Category, ("name",)), "service": (Service, ("name",)),
        "configuration_item": (ConfigurationItem, ("name",)),
        "assignment_group": (Group, ("name",)), "parent": (Incident, ("number",)),
    }
    out = dict(data)
    for name, (model, fields) in lookups.items():
        if name in out:
            out[name] = resolve_ref(model, out[name], name, lookups=fields)
    if "subcategory" in out:
        scope = Category.objects.exclude(parent=None)
        if out.get("category") is not None:
            scope = scope.filter(parent=out["category"])
        out["subcategory"] = resolve_ref(Category, out["subcategory"], "subcategory",
                                         queryset=scope)
    if "swarm" in out:
        out["swarm"] = [resolve_ref(User, ref, "swarm", lookups=people) for ref in out["swarm"]]
    return out
