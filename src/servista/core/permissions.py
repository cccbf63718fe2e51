"""Who may see and do what: one policy per model, used by the web UI, the API
and the command line alike.

``restrict(queryset, user)`` narrows a queryset to what the user may see;
``policy_for(model).require(user, action, obj)`` raises Forbidden when the
user may see the record but not perform the action.
"""

from django.db.models import Q

from servista.core.exceptions import Forbidden

_registry: dict = {}


class Policy:
    """Default: any signed-in user reads, agents change, admins create."""

    model = None
    # action -> minimum role; see accounts.choices.Role
    roles = {"view": "requester", "create": "admin", "change": "admin", "delete": "admin"}

    def scope(self, user, queryset):
        if user is None or not user.is_authenticated or not user.is_active:
            return queryset.none()
        if not user.has_role(self.roles.get("view", "requester")):
            return queryset.none()
        return queryset

    def can(self, user, action: str, obj=None) -> bool:
        if user is None or not user.is_authenticated:
            return False
        role = self.roles.get(action)
        return role is not None and user.has_role(role)

    def require(self, user, action: str, obj=None) -> None:
        if not self.can(user, action, obj):
            name = self.model._meta.verbose_name if self.model else "record"
            action = action.replace("_", " ")
            raise Forbidden(f"Your role does not allow '{action}' on this {name}.")


class RecordPolicy(Policy):
    """Work records: a requester sees the records of their own organization
    (or, without one, those they opened or are the caller of), and may log
    and comment; the support staff see all and work on them."""

    roles = {
        "view": "requester",
        "create": "requester",
        "comment": "requester",
        "change": "agent",
        "work_note": "agent",
        "assign": "agent",
        "manage": "manager",
    }
    # Field on the model naming the customer organization, and the person
    # the record is for.
    organization_field = "organization"
    requester_field = "caller"

    def requester_filter(self, user) -> Q:
        names = {f.name for f in self.model._meta.get_fields()}
        q = Q(opened_by=user)
        if self.requester_field in names:
            q |= Q(**{self.requester_field: user})
        if user.organization_id and self.organization_field in names:
            q |= Q(**{self.organization_field: user.organization_id})
        return q

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if user is None or not user.is_authenticated:
            return queryset
        if user.is_agent:
            return queryset
        return queryset.filter(self.requester_filter(user))


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
