"""The rules every work record shares. A practice subclasses ``RecordService``
for its model, adds its own rules in the hooks, and exposes the operations
in its ``services.py``::

    class ChoreService(RecordService):
        model = Chore

        def transition_fields(self, chore, actor, target, data, plan, errors, now):
            if target == ChoreState.DONE and not data.get("reason"):
                errors.add("reason", "Say what was done.")

    rules = ChoreService()

Every operation runs in one transaction, checks the actor's permission
through the model's policy, locks the record's row, checks the caller's
version when one is given (412 when stale), validates everything before
writing anything (one 422 naming every wrong field), and leaves one journal
entry with the before and after of every field it changed.

Changes are planned first (``Plan``: the field changes and what to do once
they are saved) and committed once; the planning steps (``plan_transition``,
``plan_assignment``, ``plan_priority``, ``plan_affected``) can be combined by
a practice's own operations.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction

from servista.core import clock, watchers
from servista.core import services as records
from servista.core.exceptions import DomainError, Forbidden, InvalidTransition, ValidationFailed
from servista.core.models.journal import JournalKind
from servista.core.permissions import policy_for
from servista.core.priority import compute_priority, validate_impact_urgency


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

    def __bool__(self) -> bool:
        return bool(self.errors)


@dataclass
class Plan:
    """The field changes an operation will make, and what to do once they
    are saved (``then``: callables taking the saved record and the actor)."""

    changes: dict = field(default_factory=dict)
    then: list[Callable] = field(default_factory=list)
    # The person newly assigned, when the plan assigns someone.
    new_assignee: object = None


SHARED_FIELDS = ("short_description", "description", "service", "configuration_item",
                 "affected_services", "affected_cis", "impact", "urgency", "assignment_group",
                 "assigned_to")


_by_model: dict = {}


def service_for(model):
    """The ``RecordService`` of a work record model (the first one made),
    for a practice that acts on records of any kind (an escalation that
    reassigns a record or raises its priority)."""
    return _by_model.get(model)


class RecordService:
    model = None

    def __init__(self):
        if self.model is not None:
            _by_model.setdefault(self.model, self)
    # Fields a record is created with (``create``) and a plain update (PATCH,
    # edit form, CLI ``update``) may set; the practice's ``plan_update`` says
    # what its own ones mean.
    creatable_fields: tuple[str, ...] = SHARED_FIELDS
    editable_fields: tuple[str, ...] = (*SHARED_FIELDS, "state", "priority")

    # --- reading ----------------------------------------------------------------

    @property
    def State(self):  # noqa: N802 - the record's state choice set
        return self.model.State

    def policy(self):
        return policy_for(self.model)

    def open_states(self) -> tuple[str, ...]:
        return self.State.open_states()

    def lock(self, record, expected_version: int | None = None):
        return records.lock(self.model, record.pk, expected_version)

    # --- guards -------------------------------------------------------------------

    def require_open(self, record) -> None:
        """Work on a record needs it open; a final one is refused (409)."""
        if record.state in self.open_states():
            return
        if not self.State.is_terminal(record.state):
            raise InvalidTransition(
                f"{record.number} is {record.get_state_display().lower()}; "
                "reopen it first.")
        self.require_not_final(record)

    def require_not_final(self, record) -> None:
        if self.State.is_terminal(record.state):
            raise InvalidTransition(
                f"{record.number} is {record.get_state_display().lower()} and can no longer "
                "be changed.")

    # --- creating --------------------------------------------------------------------

    @transaction.atomic
    def create(self, actor, data: dict, files=()):
        """Create a record from ``data`` (``creatable_fields``, references as
        objects): the priority comes from impact and urgency; only support
        staff route and assign; an assignee starts work on it. A practice
        completes and checks its own fields in ``plan_create`` and acts once
        the record exists in ``after_create``."""
        self.policy().require(actor, "create")
        unknown = set(data) - set(self.creatable_fields)
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationFailed.field(name, f"'{name}' cannot be set this way.")
        fields = {name: value for name, value in data.items()
                  if value is not None or name not in ("affected_cis", "affected_services")}
        if (fields.get("assignment_group") is not None
                or fields.get("assigned_to") is not None) and not actor.has_role("agent"):
            raise Forbidden(f"Only support staff can route or assign "
                            f"{self.model._meta.verbose_name_plural}.")
        errors = Errors()
        self.plan_create(actor, fields, errors)
        if not (fields.get("short_description") or "").strip():
            errors.add("short_description",
                       f"Describe the {self.model._meta.verbose_name} in a few words.")
        impact, urgency = fields.setdefault("impact", 2), fields.setdefault("urgency", 2)
        try:
            validate_impact_urgency(impact, urgency)
        except ValidationFailed as exc:
            errors.absorb(exc)
        group, assignee = fields.get("assignment_group"), fields.get("assigned_to")
        self.check_assignment(group, assignee, errors)
        relations = Plan()  # both lists, even empty: the answer then needs no query
        self.plan_affected(None, {name: fields.pop(name, None) or [] for name in
                                  ("affected_cis", "affected_services")}, relations, errors)
        errors.raise_if_any()
        working = getattr(self.State, "WORKING", None)
        if assignee is not None and working:
            fields["state"] = working
        fields["short_description"] = fields["short_description"].strip()
        record = self.model(**fields, priority=compute_priority(impact, urgency),
                            opened_by=actor)
        # A practice's own create_record (no files) keeps working.
        extra = {"files": files} if files else {}
        self.create_record(record, actor, relations=relations.changes, **extra)
        self.after_create(record, actor)
        return record

    def create_record(self, record, actor, *, body: str = "", relations: dict | None = None,
                      files=()):
        """Number, validate, insert and journal a record the practice built,
        then set its many-to-many ``relations`` ({field: objects}, e.g. the
        affected CIs). The record keeps them in ``initial_relations``, so
        that the answer to its creation reads them without a query."""
        relations = {name: list(objs) for name, objs in (relations or {}).items()}
        records.create_record(record, actor, body=body, relations=relations, files=files)
        record.initial_relations = relations
        return record

    # --- planning ----------------------------------------------------------------------

    def check_assignment(self, group, assignee, errors: Errors) -> None:
        """A group takes work when active; an assignee is an active agent and
        a member of the group."""
        if group is not None and not group.active:
            errors.add("assignment_group", f"{group} is inactive.")
        if assignee is None:
            return
        if not assignee.is_active:
            errors.add("assigned_to", f"{assignee}'s account is inactive.")
        elif not assignee.has_role("agent"):
            errors.add("assigned_to", f"{assignee} is not an agent and cannot be assigned.")
        elif group is None:
            errors.add("assignment_group", "An assignee needs an assignment group.")
        elif not group.has_member(assignee):
            errors.add("assigned_to", f"{assignee} is not a member of {group}.")

    def plan_assignment(self, record, plan: Plan, errors: Errors, *, group=None, assignee=None,
                        group_given: bool = False, assignee_given: bool = False) -> None:
        """A new group clears an assignee who is not its member; naming an
        assignee on a record in its first state starts work on it
        (``State.WORKING``, when the practice declares one)."""
        new_group = group if group_given else record.assignment_group
        new_assignee = assignee if assignee_given else record.assigned_to
        if group_given and not assignee_given and new_assignee is not None:
            if new_group is None or not new_group.has_member(new_assignee):
                new_assignee = None
        if assignee_given or group_given:
            self.check_assignment(new_group, new_assignee, errors)
        if group_given and (new_group.pk if new_group else None) != record.assignment_group_id:
            plan.changes["assignment_group"] = new_group
            self.on_group_change(record, plan, new_group)
        if (new_assignee.pk if new_assignee else None) != record.assigned_to_id:
            plan.changes["assigned_to"] = new_assignee
            plan.new_assignee = new_assignee
            working = getattr(self.State, "WORKING", None)
            first = self.model._meta.get_field("state").default
            if new_assignee is not None and working and record.state == first \
                    and plan.changes.get("state", first) == first:
                plan.changes["state"] = working

    def plan_priority(self, record, actor, data: dict, plan: Plan, errors: Errors) -> None:
        """Impact and urgency give the priority through the matrix; only a new
        impact or urgency re-reads it. ``priority`` in ``data`` overrides it
        (``override_priority`` permission, with a reason) or, None, returns
        it to the matrix."""
        impact = data.get("impact", record.impact)
        urgency = data.get("urgency", record.urgency)
        if "impact" in data or "urgency" in data:
            try:
                validate_impact_urgency(impact, urgency)
            except ValidationFailed as exc:
                errors.absorb(exc)
                return
            plan.changes.update(impact=impact, urgency=urgency)
        matrix_moved = (impact, urgency) != (record.impact, record.urgency)
        if "priority" in data:
            priority = data["priority"]
            if not self.policy().can(actor, "override_priority", record):
                raise Forbidden("Only a manager may override the priority.")
            if priority == (record.priority if record.priority_overridden else None) \
                    and not matrix_moved:
                return  # as it is: nothing to override
            if priority is None:
                plan.changes["priority_overridden"] = False
                plan.changes["priority"] = compute_priority(impact, urgency)
            else:
                if priority not in (1, 2, 3, 4, 5):
                    errors.add("priority",
                               "Priority must be between 1 (critical) and 5 (planning).")
                if not (data.get("reason") or "").strip():
                    errors.add("reason", "A reason is required to override the priority.")
                plan.changes.update(priority=priority, priority_overridden=True)
        elif matrix_moved and not record.priority_overridden:
            plan.changes["priority"] = compute_priority(impact, urgency)

    def plan_transition(self, record, actor, target: str, data: dict, plan: Plan,
                        errors: Errors, now=None) -> None:
        """A state change allowed by ``State.TRANSITIONS``, with the fields the
        practice requires for it (``transition_fields``); a final state sets
        ``closed_at``."""
        self.State.check_transition(record.state, target)
        now = now or clock.now()
        self.transition_fields(record, actor, target, data, plan, errors, now)
        if self.State.is_terminal(target):
            plan.changes["closed_at"] = now
        plan.changes["state"] = target

    def plan_affected(self, record, data: dict, plan: Plan, errors: Errors) -> None:
        """The CIs and services a record affects, besides its main ones."""
        for name in ("affected_cis", "affected_services"):
            if name in data:
                objs = list(dict.fromkeys(data[name] or ()))
                for obj in objs:
                    self.check_reference(name, obj, errors)
                plan.changes[name] = objs

    # --- hooks for the practice --------------------------------------------------------

    def transition_fields(self, record, actor, target, data, plan, errors, now) -> None:
        """Add the fields a state change sets or requires (a resolution code,
        a hold reason...) to ``plan``, and errors for missing ones."""

    def on_group_change(self, record, plan: Plan, new_group) -> None:
        """The record moves to another group (e.g. count reassignments)."""

    def check_reference(self, name: str, obj, errors: Errors) -> None:
        """Refuse a reference that may not be used (a retired service...)."""

    def after_commit(self, record, actor, plan: Plan) -> None:
        """Once changes are saved: tell people, cascade to related records."""

    def after_comment(self, record, actor, entry) -> None:
        """Once a public comment is added (the practice tells people, resumes
        work waiting for the commenter...)."""

    def permission_for_transition(self, record, target: str) -> str:
        """The policy action a state change needs ("change" by default)."""
        return "change"

    def plan_create(self, actor, fields: dict, errors: Errors) -> None:
        """Check and complete the fields of a new record (the practice's own,
        and defaults such as routing to a group), before the shared checks.
        The shared references (service, CI) are checked here too."""
        for name in ("service", "configuration_item"):
            if fields.get(name) is not None:
                self.check_reference(name, fields[name], errors)

    def after_create(self, record, actor) -> None:
        """Once the record exists (tell the assignee...)."""

    def plan_update(self, record, actor, data: dict, plan: Plan, errors: Errors) -> None:
        """Plan the practice's own fields of a plain update. The shared
        fields (descriptions, service and CI, impact/urgency/priority, group
        and assignee, affected items, state) are planned by ``update``."""

    # --- committing ----------------------------------------------------------------------

    def commit(self, record, actor, plan: Plan, *, body: str = ""):
        """Save the plan's changes (one journal entry), then run what follows."""
        records.save_changes(record, actor, plan.changes, body=body)
        for step in plan.then:
            step(record, actor)
        self.after_commit(record, actor, plan)
        return record

    # --- operations ------------------------------------------------------------------------

    @transaction.atomic
    def update(self, record, actor, data: dict, *, expected_version: int | None = None):
        """A partial update of ``editable_fields`` plus ``reason`` (kept in the
        journal). A state in ``data`` goes through the same transition rules
        as the actions."""
        self.policy().require(actor, "change", record)
        unknown = set(data) - set(self.editable_fields) - {"reason"}
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationFailed.field(name, f"'{name}' cannot be changed this way.")
        rec = self.lock(record, expected_version)
        self.require_not_final(rec)
        errors, plan = Errors(), Plan()
        for name in ("short_description", "description", "service", "configuration_item"):
            if name in data:
                plan.changes[name] = data[name]
        if "short_description" in data and not (data["short_description"] or "").strip():
            errors.add("short_description", "This field may not be blank.")
        for name in ("service", "configuration_item"):
            if name in data and data[name] is not None \
                    and getattr(rec, f"{name}_id") != data[name].pk:
                self.check_reference(name, data[name], errors)
        self.plan_affected(rec, data, plan, errors)
        self.plan_update(rec, actor, data, plan, errors)
        self.plan_priority(rec, actor, data, plan, errors)
        if "state" in data and data["state"] != rec.state:
            self.plan_transition(rec, actor, data["state"], data, plan, errors)
        if "assignment_group" in data or "assigned_to" in data:
            self.plan_assignment(rec, plan, errors, group=data.get("assignment_group"),
                                 assignee=data.get("assigned_to"),
                                 group_given="assignment_group" in data,
                                 assignee_given="assigned_to" in data)
        errors.raise_if_any()
        return self.commit(rec, actor, plan, body=(data.get("reason") or "").strip())

    @transaction.atomic
    def change_state(self, record, actor, target: str, *, expected_version: int | None = None,
                     **fields):
        """Move a record to ``target``; ``fields`` are what that state needs
        (``transition_fields``) and an optional ``reason`` for the journal."""
        rec = self.lock(record, expected_version)
        self.policy().require(actor, self.permission_for_transition(rec, target), rec)
        errors, plan = Errors(), Plan()
        self.plan_transition(rec, actor, target, fields, plan, errors)
        errors.raise_if_any()
        return self.commit(rec, actor, plan, body=(fields.get("reason") or "").strip())

    @transaction.atomic
    def assign(self, record, actor, *, assignment_group=None, assigned_to=None,
               expected_version: int | None = None, reason: str = ""):
        """Assign to a group and/or one of its members (keeping the group when
        none is given)."""
        self.policy().require(actor, "assign", record)
        rec = self.lock(record, expected_version)
        self.require_open(rec)
        errors, plan = Errors(), Plan()
        group = assignment_group if assignment_group is not None else rec.assignment_group
        self.plan_assignment(rec, plan, errors, group=group, assignee=assigned_to,
                             group_given=True, assignee_given=True)
        errors.raise_if_any()
        return self.commit(rec, actor, plan, body=(reason or "").strip())

    @transaction.atomic
    def take(self, record, actor, *, expected_version: int | None = None):
        """The acting agent assigns the record to themselves, keeping its group
        when they belong to it, otherwise moving it to their first group."""
        self.policy().require(actor, "assign", record)
        self.require_open(record)
        group = record.assignment_group
        if group is None or not group.has_member(actor):
            group = actor.support_groups.filter(active=True).order_by("name").first()
            if group is None:
                raise ValidationFailed.field(
                    "assignment_group", "You are not a member of any assignment group.")
        return self.assign(record, actor, assignment_group=group, assigned_to=actor,
                           expected_version=expected_version)

    @transaction.atomic
    def override_priority(self, record, actor, *, priority: int | None, reason: str = "",
                          expected_version: int | None = None):
        """A manager sets the priority by hand (or, with None, returns it to
        the matrix); the reason is journaled."""
        self.policy().require(actor, "override_priority", record)
        rec = self.lock(record, expected_version)
        self.require_not_final(rec)
        errors, plan = Errors(), Plan()
        self.plan_priority(rec, actor, {"priority": priority, "reason": reason}, plan, errors)
        errors.raise_if_any()
        label = "returned to the matrix" if priority is None else f"overridden to {priority}"
        reason = (reason or "").strip()
        return self.commit(rec, actor, plan,
                           body=f"Priority {label}: {reason}" if reason else f"Priority {label}.")

    @transaction.atomic
    def set_affected(self, record, actor, *, affected_cis=None, affected_services=None,
                     expected_version: int | None = None):
        """Name the CIs and services the record affects (None keeps a list
        as it is)."""
        self.policy().require(actor, "change", record)
        rec = self.lock(record, expected_version)
        self.require_not_final(rec)
        data = {name: value for name, value in (("affected_cis", affected_cis),
                                                ("affected_services", affected_services))
                if value is not None}
        errors, plan = Errors(), Plan()
        self.plan_affected(rec, data, plan, errors)
        errors.raise_if_any()
        return self.commit(rec, actor, plan)

    # --- the activity stream -----------------------------------------------------------------

    @transaction.atomic
    def comment(self, record, actor, body: str, files=(), *, time_spent: int | None = None):
        """A public comment (the requester sees it and its files);
        ``time_spent``: the minutes of work it took."""
        self.policy().require(actor, "comment", record)
        rec = self.lock(record)
        self.require_not_final(rec)
        if time_spent is not None and not actor.has_role("agent"):
            raise Forbidden("Only support staff log time spent.")
        entry = records.add_entry(rec, actor, JournalKind.COMMENT, body, files=files,
                                  time_spent=time_spent)
        self.after_comment(rec, actor, entry)
        return entry

    @transaction.atomic
    def work_note(self, record, actor, body: str, files=(), *, time_spent: int | None = None):
        """A private note of the support staff; its files are theirs too."""
        self.policy().require(actor, "work_note", record)
        self.require_not_final(record)
        return records.add_entry(record, actor, JournalKind.WORK_NOTE, body, files=files,
                                 time_spent=time_spent)

    def add_entry(self, record, actor, kind: str, body: str, files=(), *,
                  time_spent: int | None = None):
        if kind == JournalKind.WORK_NOTE:
            return self.work_note(record, actor, body, files, time_spent=time_spent)
        if kind == JournalKind.COMMENT:
            return self.comment(record, actor, body, files, time_spent=time_spent)
        raise ValidationFailed.field("kind", "Kind must be 'comment' or 'work_note'.")

    # --- watchers (CC) -----------------------------------------------------------------------

    def add_watcher(self, record, actor, user):
        """``actor`` (support staff) copies ``user`` on the record."""
        self.require_not_final(record)
        return watchers.add(record, actor, user)

    def remove_watcher(self, record, actor, user) -> None:
        watchers.remove(record, actor, user)

    # --- many at once ------------------------------------------------------------------------

    BULK_ACTIONS = ("take", "assign", "state")

    def bulk_action(self, items, actor, action: str, *, assignment_group=None,
                    assigned_to=None, state: str | None = None, **fields):
        """What the bulk bar and ``POST /bulk`` do to many records: ``take``
        them, ``assign`` them (to a group and/or an agent), or move them to
        ``state`` with the ``fields`` that state needs."""
        if action == "take":
            return self.bulk(items, actor, self.take)
        if action == "assign":
            if assignment_group is None and assigned_to is None:
                raise ValidationFailed.field("assignment_group", "Name a group or an assignee.")
            refs = {k: v for k, v in (("assignment_group", assignment_group),
                                      ("assigned_to", assigned_to)) if v is not None}
            return self.bulk(items, actor, self.assign, **refs)
        if action == "state":
            if not state:
                raise ValidationFailed.field("state", "Name the state to move to.")
            return self.bulk(items, actor, self.change_state, target=state, **fields)
        raise ValidationFailed.field("action", f"Use one of {', '.join(self.BULK_ACTIONS)}.")

    def bulk(self, items, actor, operation, **kwargs) -> tuple[list, dict[str, str]]:
        """Apply one operation to many records, each in its own transaction,
        so that one refusal does not undo the others. Returns
        (done, {number: why it was refused})."""
        done, failed = [], {}
        for item in items:
            try:
                done.append(operation(item, actor, **kwargs))
            except DomainError as exc:
                failed[item.number] = self.readable(exc)
        return done, failed

    def readable(self, exc: DomainError) -> str:
        """A refusal in people's words: each wrong field by its label
        ("Resolution code: …"), not its internal name."""
        if not exc.errors or set(exc.errors) == {"__all__"}:
            return exc.detail
        parts = []
        for name, messages in exc.errors.items():
            label = self.field_label(name)
            parts.extend(message if name == "__all__" or message.lower().startswith(label.lower())
                         else f"{label}: {message}" for message in messages)
        return "; ".join(parts)

    def field_label(self, name: str) -> str:
        try:
            label = str(self.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a rule's own name, not a model field
            label = name.replace("_", " ")
        return label[:1].upper() + label[1:]
