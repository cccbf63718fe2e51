"""One declaration of an operation on a record, for all three faces.

An ``Action`` names what it does, who may do it and when, what input it
takes, and which service performs it. From it the kit makes:

* the API route ``POST /api/v1/<resource>/{ref}/<path>`` (body: ``schema``);
* the button on the record's page (shown where the user's permission and
  the record's state allow it) and its dialog (``form``) at
  ``/<app>/<number>/<name>/``;
* the command-line verb ``servista <practice> <verb> NUMBER --as USER …``
  (options from ``schema``'s fields).

``run(record, actor, data, version)`` receives the same ``data`` from every
face: the input's fields, keyed as in ``schema``, with references already
turned into objects (by id, number or name), and the version the caller
edited (the API's If-Match) or None.

    ACTIONS = ActionSet(
        Action("resolve", "Resolve", schema=ResolveIn, form=ResolveForm,
               target=State.RESOLVED, style="success",
               run=lambda rec, user, data, version: services.resolve(
                   rec, user, expected_version=version, **data)),
    )
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from servista.core.permissions import policy_for


def _always(record, user) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    name: str                       # the page's button and URL segment ("stand_down")
    label: str                      # "Stand down major incident"
    run: Callable                   # (record, actor, data, version) -> record
    schema: type | None = None      # the API body and the CLI options (None: a reason)
    form: type | None = None        # the page's dialog (None: a one-click button)
    permission: str = "change"      # the policy's action
    target: str | None = None       # a state change, offered where TRANSITIONS allow it
    states: tuple | None = None     # else the states it applies in (None: the open ones)
    shown_if: Callable = _always    # (record, user) -> bool: a further condition
    summary: str = ""               # the API operation's summary and the CLI verb's help
    path: str = ""                  # the API route segment (default: name, with "-")
    verb: str = ""                  # the CLI verb (default: name, with "-")
    refs: dict = field(default_factory=dict)  # input keys naming objects, besides fields
    style: str = "outline-primary"  # the button's Bootstrap style
    # The command line, when the schema's fields do not make good options:
    cli_flags: dict = field(default_factory=dict)   # {field: ("--flag", ...)}
    cli_arguments: Callable | None = None           # (parser) -> None
    cli_data: Callable | None = None                # (options: dict) -> data

    @property
    def api_path(self) -> str:
        return self.path or self.name.replace("_", "-")

    @property
    def cli_verb(self) -> str:
        return self.verb or self.name.replace("_", "-")

    @property
    def help(self) -> str:
        return self.summary or self.label

    def permitted(self, record, user) -> bool:
        """The user may do this to this record (role, capability, the record)."""
        return policy_for(type(record)).can(user, self.permission, record)

    def applies(self, record, user) -> bool:
        """The record's current state (and condition) offers this action."""
        if self.target is not None:
            in_state = record.State.can_transition(record.state, self.target)
        else:
            states = self.states if self.states is not None else record.State.open_states()
            in_state = record.state in states
        return in_state and self.shown_if(record, user)

    def available(self, record, user) -> bool:
        return self.permitted(record, user) and self.applies(record, user)


class ActionSet:
    """The actions of one kind of record, in the order their buttons show."""

    def __init__(self, *actions: Action):
        self.actions = {action.name: action for action in actions}
        for attribute in ("api_path", "cli_verb"):
            seen = [getattr(a, attribute) for a in actions]
            duplicates = {value for value in seen if seen.count(value) > 1}
            if duplicates:
                raise ValueError(f"Two actions share the {attribute} {sorted(duplicates)}.")

    def __iter__(self):
        return iter(self.actions.values())

    def __len__(self) -> int:
        return len(self.actions)

    def get(self, name: str) -> Action | None:
        return self.actions.get(name)

    def by_verb(self, verb: str) -> Action | None:
        return next((a for a in self if a.cli_verb == verb), None)

    def available(self, record, user) -> list[dict]:
        """The buttons to show: those the user may use in the record's state."""
        return [{"name": action.name, "label": action.label, "style": action.style,
                 "needs_form": action.form is not None}
                for action in self if action.available(record, user)]

    def extended(self, *actions: Iterable[Action]) -> "ActionSet":
        return ActionSet(*self, *actions)


# --- the actions most records offer, from the kit's services --------------------------


def take_action(service) -> Action:
    """"Assign to me": the acting agent takes the record."""
    from servista.core.schemas import ReasonIn

    return Action(
        "take", "Assign to me", permission="assign", schema=ReasonIn, style="primary",
        summary="Assign to yourself", shown_if=lambda rec, user: rec.assigned_to_id != user.pk,
        run=lambda rec, user, data, version: service.take(rec, user, expected_version=version))


def assign_action(service) -> Action:
    """"Assign": to a group and/or one of its agents."""
    from .forms import AssignForm
    from .schemas import AssignIn

    return Action(
        "assign", "Assign", form=AssignForm, schema=AssignIn, permission="assign",
        summary="Assign to a group and/or an agent of it",
        run=lambda rec, user, data, version: service.assign(
            rec, user, assignment_group=data.get("assignment_group"),
            assigned_to=data.get("assigned_to"), expected_version=version))
