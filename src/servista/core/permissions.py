"""Who may see and do what: one policy per model, used by the web UI, the API
and the command line alike.

A policy maps each action ("view", "create", "change", "resolve"...) to a
predicate of the ``rules`` library: a yes/no question about the user and,
when there is one, the object. Predicates combine with ``|``, ``&`` and
``~``, so a policy says in one line who may do something::

    @register
    class IncidentPolicy(RecordPolicy):
        model = Incident
        requester_fields = ("caller",)
        organization_field = "organization"
        rules = {
            **RecordPolicy.rules,
            "promote_major": is_manager | has_capability("incidents.major_incident_manager"),
            "manage_swarm": is_manager | (is_agent & is_person("major_incident_manager")),
        }

Three kinds of questions:

* the role, one linear rank (requester < agent < manager < admin):
  ``is_requester``, ``is_agent``, ``is_manager``, ``is_admin``;
* capabilities beyond the role, given to support groups (a change advisory
  board, approvers, problem managers, knowledge authors...): a practice
  declares one with ``register_capability`` and asks ``has_capability(name)``;
  an administrator gives it to a group, whose active members then have it;
* the record itself, through fields the policy names explicitly (nothing is
  guessed from field names): ``is_person("caller")`` (the user is the one
  the field names), ``is_one_of("approvers")`` (the user is among the people
  a many-to-many field names), ``is_member_of("owner_group")`` (the user
  belongs to the group the field names).

The user model answers ``has_role(role)``, ``has_capability(name)`` and
``support_group_ids()``; core relies on nothing else of it.

``restrict(queryset, user)`` narrows a queryset to what the user may see;
``policy_for(model).require(user, action, obj)`` raises Forbidden when the
user may see the record but not perform the action.
"""

from dataclasses import dataclass

from django.db.models import Q
from rules import Predicate, predicate

from servista.core.exceptions import Forbidden

# --- predicates --------------------------------------------------------------


@predicate
def is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def has_role(role: str) -> Predicate:
    """The user's role is ``role`` or above it."""

    def check(user) -> bool:
        return is_signed_in(user) and user.has_role(role)

    return Predicate(check, name=f"is_{role}")


is_requester = has_role("requester")
is_agent = has_role("agent")
is_manager = has_role("manager")
is_admin = has_role("admin")


def has_capability(name: str) -> Predicate:
    """The user has the capability through a group (or is a superuser)."""
    capability(name)  # a typo in a policy fails at start-up, not silently

    def check(user) -> bool:
        return is_signed_in(user) and user.has_capability(name)

    return Predicate(check, name=f"has_capability:{name}")


def is_person(field: str) -> Predicate:
    """The object's ``field`` (a foreign key to a person) is the user."""

    def check(user, obj=None) -> bool:
        return obj is not None and is_signed_in(user) \
            and getattr(obj, f"{field}_id", None) == user.pk

    return Predicate(check, name=f"is_{field}")


def is_one_of(field: str) -> Predicate:
    """The user is among the people the object's many-to-many ``field``
    names (the approvers of a change, the swarm of a major incident)."""

    def check(user, obj=None) -> bool:
        return obj is not None and obj.pk is not None and is_signed_in(user) \
            and getattr(obj, field).filter(pk=user.pk).exists()

    return Predicate(check, name=f"one_of_{field}")


def is_member_of(field: str) -> Predicate:
    """The user belongs to the group the object's ``field`` names."""

    def check(user, obj=None) -> bool:
        if obj is None or not is_signed_in(user):
            return False
        group_id = getattr(obj, f"{field}_id", None)
        return group_id is not None and group_id in user.support_group_ids()

    return Predicate(check, name=f"member_of_{field}")


never = Predicate(lambda user: False, name="never")


# --- capabilities ------------------------------------------------------------------


@dataclass(frozen=True)
class Capability:
    name: str          # "changes.cab_member": the app's label, a dot, the capability
    label: str         # "Change advisory board member"
    description: str = ""


_capabilities: dict[str, Capability] = {}


def register_capability(name: str, label: str, description: str = "") -> Capability:
    """Declare a capability that groups can be given (from an app's
    ``policies.py``). Registering the same name twice keeps the first."""
    return _capabilities.setdefault(name, Capability(name, label, description))


def capability(name: str) -> Capability:
    try:
        return _capabilities[name]
    except KeyError:
        raise LookupError(f"No capability '{name}' is registered.") from None


def capabilities() -> list[Capability]:
    return sorted(_capabilities.values(), key=lambda c: c.label)


# --- policies ------------------------------------------------------------------------


class Policy:
    """Default: any signed-in user reads, administrators change."""

    model = None
    rules: dict[str, Predicate] = {
        "view": is_requester,
        "create": is_admin,
        "change": is_admin,
        "delete": is_admin,
        "view_history": is_agent,
    }

    def scope(self, user, queryset):
        if not self.can(user, "view"):
            return queryset.none()
        return queryset

    def can(self, user, action: str, obj=None) -> bool:
        rule = self.rules.get(action)
        if rule is None or not is_signed_in(user):
            return False
        return rule.test(user, obj)

    def can_see(self, user, obj) -> bool:
        """Whether ``user`` may see ``obj`` (already read: no query)."""
        return self.can(user, "view", obj)

    def require(self, user, action: str, obj=None) -> None:
        if not self.can(user, action, obj):
            name = self.model._meta.verbose_name if self.model else "record"
            action = action.replace("_", " ")
            raise Forbidden(f"Your role does not allow '{action}' on this {name}.")


class RecordPolicy(Policy):
    """Work records: a requester sees the records they opened, those naming
    them in one of ``requester_fields`` and those of their organization
    (``organization_field``), and may log and comment; the support staff see
    all and work on them. Each practice declares its fields."""

    rules = {
        **Policy.rules,
        "create": is_requester,
        "comment": is_requester,
        "change": is_agent,
        "work_note": is_agent,
        "assign": is_agent,
        "override_priority": is_manager,
        "manage": is_manager,
    }
    requester_fields: tuple[str, ...] = ()
    organization_field: str | None = None

    def requester_filter(self, user) -> Q:
        q = Q(opened_by=user)
        for name in self.requester_fields:
            q |= Q(**{name: user})
        if self.organization_field and user.organization_id:
            q |= Q(**{self.organization_field: user.organization_id})
        return q

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if not is_signed_in(user) or user.has_role("agent"):
            return queryset
        return queryset.filter(self.requester_filter(user))

    def can_see(self, user, obj) -> bool:
        """``scope`` for one record already read, from its own columns."""
        if not self.can(user, "view", obj):
            return False
        if user.has_role("agent"):
            return True
        if obj.opened_by_id == user.pk:
            return True
        if any(getattr(obj, f"{name}_id", None) == user.pk for name in self.requester_fields):
            return True
        return bool(self.organization_field and user.organization_id and
                    getattr(obj, f"{self.organization_field}_id", None) == user.organization_id)


_registry: dict = {}


def register(policy_cls):
    _registry[policy_cls.model] = policy_cls()
    return policy_cls


def policy_for(model):
    try:
        return _registry[model]
    except KeyError:
        policy = Policy()
        policy.model = model
        return policy


def restrict(queryset, user):
    return policy_for(queryset.model).scope(user, queryset)


def can(user, action: str, obj_or_model) -> bool:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    obj = None if isinstance(obj_or_model, type) else obj_or_model
    return policy_for(model).can(user, action, obj)
