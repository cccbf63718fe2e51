"""The command line of a kind of work record: ``servista <practice> <verb>``.

    class Command(RecordCommand):
        help = "Log, list, show and work chores as a given user."
        api = ChoreAPI()          # model, service, schemas, filter set, actions

gives the verbs ``create``, ``list``, ``show``, ``update``, ``comment`` and
one verb per declared action, each acting as the ``--as`` user through the
practice's services, with the permissions of the web UI and the API (a
record outside the user's reach is "not found"); journal entries say
'cli'. Options come from the API's input schemas (``--short-description``,
``--assignment-group``) with the short names of ``flags``; refusals and bad
input end with a one-line message and a non-zero exit.
"""

import types
import typing

import django_filters
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servista.core import lookup
from servista.core.api import apply_filterset
from servista.core.context import audit_context
from servista.core.exceptions import DomainError
from servista.core.idents import parse_id
from servista.core.permissions import restrict
from servista.core.services import visible_journal

# Short names every record's options and ``update --set`` accept.
COMMON_FLAGS = {
    "short_description": ("-s", "--short"),
    "assignment_group": ("--group",),
    "assigned_to": ("--assignee",),
    "configuration_item": ("--ci",),
    "q": ("-q", "--search"),
}


def one_line(exc: DomainError) -> str:
    """The first field error as 'field: message' (naming any other wrong
    fields after it), or the error's detail."""
    fields = [name for name, messages in exc.errors.items() if messages and name != "__all__"]
    if not fields:
        return exc.detail
    message = exc.errors[fields[0]][0]
    if not message.startswith(f"{fields[0]}:"):
        message = f"{fields[0]}: {message}"
    if len(fields) > 1:
        message += f" (also wrong: {', '.join(fields[1:])})"
    return message


def _kind(annotation) -> str:
    """'list', 'int', 'bool' or 'str': how a schema field is typed on the
    command line."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        kinds = {_kind(a) for a in typing.get_args(annotation) if a is not type(None)}
        for kind in ("list", "int", "bool"):
            if kinds == {kind}:
                return kind
        return "str"
    if origin in (list, tuple, set):
        return "list"
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return "int" if values and all(isinstance(v, int) for v in values) else "str"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    return "str"


def _choices(annotation) -> tuple | None:
    """The values a Literal field (possibly optional, annotated) takes."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _choices(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        found = [_choices(a) for a in typing.get_args(annotation) if a is not type(None)]
        return found[0] if len(found) == 1 else None
    if origin is typing.Literal:
        return tuple(v for v in typing.get_args(annotation) if v != "")
    return None


class _Request:
    """What a filter set needs of a request: the user ('me' filters)."""

    def __init__(self, user):
        self.user = user


class RecordCommand(BaseCommand):
    # Day-to-day commands skip Django's system checks (seconds of start-up):
    # `servista check`, `migrate` and `serve` run them.
    requires_system_checks = []
    api = None                 # the practice's RecordAPI instance
    flags: dict = {}           # {field: ("--short-name", ...)}, besides COMMON_FLAGS
    list_filters: tuple = ("state", "assignment_group", "assigned_to", "priority", "q")
    list_limit = 25

    # --- declaration -------------------------------------------------------------

    @property
    def model(self):
        return self.api.model

    @property
    def service(self):
        return self.api.service

    @property
    def noun(self) -> str:
        return self.model._meta.verbose_name

    def all_flags(self) -> dict:
        return {**COMMON_FLAGS, **self.flags}

    def option_flags(self, name: str, overrides: dict | None = None) -> list[str]:
        if overrides and name in overrides:
            return list(overrides[name])
        return [f"--{name.replace('_', '-')}", *self.all_flags().get(name, ())]

    def add_schema_options(self, parser, schema, *, overrides=None, skip=("version",)) -> None:
        """One option per field of ``schema`` (its type, whether it is
        required, several values for a list)."""
        for name, field in schema.model_fields.items():
            if name in skip:
                continue
            kind = _kind(field.annotation)
            options = {"dest": name, "default": None,
                       "help": field.description or name.replace("_", " ")}
            choices = _choices(field.annotation)
            if choices:
                options["choices"] = choices
            if kind == "list":
                options.update(action="append", help=f"{options['help']} (repeat for several)")
            elif kind == "int":
                options["type"] = int
            elif kind == "bool":
                options["action"] = "store_true"
            if field.is_required():
                options["required"] = True
            parser.add_argument(*self.option_flags(name, overrides), **options)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        noun = self.noun

        def verb(name, help_text, *, on_record=True):
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user who acts")
            if on_record:
                p.add_argument("number", help=f"{noun} number (or id)")
            return p

        create = verb("create", f"create a {noun}; prints its number", on_record=False)
        self.add_schema_options(create, self.api.create_schema)

        listing = verb("list", f"list {self.model._meta.verbose_name_plural}, newest first",
                       on_record=False)
        self.add_list_options(listing)

        verb("show", f"a {noun}'s fields and activity")

        update = verb("update", "change fields (as in the edit form)")
        update.add_argument("--set", dest="assignments", action="append", required=True,
                            metavar="FIELD=VALUE", help="repeat for several fields")
        update.add_argument("--reason", default="", help="kept in the journal")

        comment = verb("comment", "add a comment (or a work note)")
        comment.add_argument("text")
        comment.add_argument("--work-note", action="store_true",
                             help="private work note instead of a public comment")

        for action in self.api.actions:
            p = verb(action.cli_verb, action.help)
            if action.cli_arguments is not None:
                action.cli_arguments(p)
            elif action.schema is not None:
                self.add_schema_options(p, action.schema, overrides=action.cli_flags)
            else:
                p.add_argument("--reason", default="", help="kept in the journal")

    def add_list_options(self, parser) -> None:
        filters = self.api.filterset.base_filters
        for name in self.list_filters:
            filt = filters[name]
            flags = self.option_flags(name)
            label = str(filt.label or name.replace("_", " "))
            if isinstance(filt, django_filters.MultipleChoiceFilter):
                parser.add_argument(*flags, dest=name, action="append",
                                    help=f"{label} (repeat for several)")
            elif isinstance(filt, django_filters.BooleanFilter):
                parser.add_argument(*flags, dest=name, action="store_true",
                                    help=f"{label} only")
            else:
                help_text = str(filt.extra.get("help_text") or label)
                parser.add_argument(*flags, dest=name, help=help_text)
        parser.add_argument("--limit", type=int, default=self.list_limit)

    # --- running ---------------------------------------------------------------------

    def handle(self, *args, verb, username, **options):
        actor = lookup.find(get_user_model()._default_manager.filter(is_active=True), username,
                            fields=("username",))
        if actor is None:
            raise CommandError(f"No active user '{username}'.")
        with audit_context("cli"):
            try:
                self.dispatch(verb, actor, options)
            except DomainError as exc:
                raise CommandError(one_line(exc))

    def dispatch(self, verb: str, actor, options: dict) -> None:
        handler = getattr(self, f"do_{verb.replace('-', '_')}", None)
        action = self.api.actions.by_verb(verb)
        if action is not None:
            self.do_action(action, actor, options)
        elif handler is not None:
            handler(actor, **options)
        else:
            raise CommandError(f"Unknown verb '{verb}'.")

    def get(self, actor, number: str):
        """A record the actor may see; anything else is not found."""
        queryset = restrict(self.api.get_queryset(None), actor)
        record = lookup.find(queryset, number)
        if record is None:
            raise CommandError(f"{self.noun.capitalize()} {number} not found.")
        return record

    def done(self, record) -> None:
        record.refresh_from_db()
        self.stdout.write(f"{record.number}: {record.get_state_display()}")

    # --- verbs --------------------------------------------------------------------------

    def do_create(self, actor, **options):
        names = self.api.create_schema.model_fields
        data = {name: options[name] for name in names if options.get(name) not in (None, [])}
        record = self.service.create(actor, self.api.resolve(data))
        self.stdout.write(record.number)

    def do_list(self, actor, limit, **options):
        if not 1 <= limit <= 1000:
            raise CommandError("--limit must be between 1 and 1000.")
        params = {}
        for name in self.list_filters:
            value = options.get(name)
            if value is True:
                value = "true"
            if value not in (None, False, []):
                params[name] = value
        rows = apply_filterset(self.api.filterset, _Request(actor),
                               restrict(self.model._default_manager.all(), actor), params)
        rows = list(rows.select_related("assignment_group", "assigned_to").order_by("-id")
                    [:limit])
        if not rows:
            self.stdout.write(f"No {self.model._meta.verbose_name_plural}.")
            return
        self.stdout.write(f"{'NUMBER':<11} {'STATE':<12} {'P':<2} {'GROUP':<24} "
                          f"{'ASSIGNED TO':<20} {'OPENED':<16} SHORT DESCRIPTION")
        for rec in rows:
            self.stdout.write(
                f"{rec.number:<11} {rec.get_state_display():<12} {rec.priority:<2} "
                f"{cut(rec.assignment_group, 24):<24} {cut(rec.assigned_to, 20):<20} "
                f"{when(rec.opened_at):<16} {cut(rec.short_description, 60)}")

    def show_rows(self, rec) -> list[tuple[str, object]]:
        """(label, value) for ``show``; a practice adds its own fields."""
        return [
            ("Number", rec.number), ("Short description", rec.short_description),
            ("State", rec.get_state_display()), ("Priority", rec.get_priority_display()),
            ("Impact / urgency", f"{rec.get_impact_display()} / {rec.get_urgency_display()}"),
            ("Service", rec.service), ("Configuration item", rec.configuration_item),
            ("Assignment group", rec.assignment_group), ("Assigned to", rec.assigned_to),
            ("Opened", f"{when(rec.opened_at)} by {rec.opened_by}"),
            ("Updated", when(rec.updated_at)), ("Closed", when(rec.closed_at)),
        ]

    def do_show(self, actor, number, **options):
        rec = self.get(actor, number)
        for label, value in self.show_rows(rec):
            if value not in (None, ""):
                self.stdout.write(f"{label + ':':<20} {value}")
        affected = [*rec.affected_services.all(), *rec.affected_cis.all()]
        if affected:
            self.stdout.write(f"{'Affects:':<20} {', '.join(str(o) for o in affected)}")
        if rec.description:
            self.stdout.write(f"\n{rec.description}")
        self.stdout.write("\nActivity:")
        for entry, changes in visible_journal(rec, actor):
            origin = entry.get_origin_display().lower()
            head = f"  {when(entry.created_at)}  {entry.actor or 'system'} ({origin})"
            label = {"comment": "comment: ", "work_note": "work note: "}.get(entry.kind, "")
            self.stdout.write(f"{head} {label}{entry.body}".rstrip())
            for field, change in changes.items():
                old, new = change.get("old_display", ""), change.get("new_display", "")
                self.stdout.write(f"      {field}: {old or '-'} -> {new or '-'}")

    def do_update(self, actor, number, assignments, reason, **options):
        rec = self.get(actor, number)
        aliases = {flag.lstrip("-"): name for name, flags in self.all_flags().items()
                   for flag in flags if flag.startswith("--")}
        schema_fields = self.api.update_schema.model_fields
        data = {}
        for item in assignments:
            name, sep, value = item.partition("=")
            name = aliases.get(name.strip(), name.strip())
            if not sep or not name:
                raise CommandError(f"--set expects FIELD=VALUE, got '{item}'.")
            field = schema_fields.get(name)
            data[name] = typed(name, value.strip(), _kind(field.annotation) if field else "str")
        if reason:
            data["reason"] = reason
        self.service.update(rec, actor, self.api.resolve(data))
        self.done(rec)

    def do_comment(self, actor, number, text, work_note, **options):
        rec = self.get(actor, number)
        self.service.add_entry(rec, actor, "work_note" if work_note else "comment", text)
        self.done(rec)

    def do_action(self, action, actor, options: dict) -> None:
        rec = self.get(actor, options.pop("number"))
        if action.cli_data is not None:
            data = action.cli_data(options)
        else:
            names = action.schema.model_fields if action.schema is not None else ("reason",)
            data = {name: options[name] for name in names
                    if name != "version" and options.get(name) is not None}
        data = self.api.resolve(data, extra=action.refs)
        action.run(rec, actor, data, None)
        rec.refresh_from_db()
        self.stdout.write(self.action_output(action, rec))

    def action_output(self, action, rec) -> str:
        """What an action prints: the number and the state; a practice may
        say more for some actions."""
        return f"{rec.number}: {rec.get_state_display()}"


def typed(name: str, value: str, kind: str):
    """A value of ``update --set``: a number for number fields, a list (comma
    separated) for list fields; empty means none."""
    if value == "":
        return [] if kind == "list" else (None if name not in ("short_description",
                                                                "description") else "")
    if kind == "int":
        if parse_id(value) is None:
            raise CommandError(f"{name}: expected a number, got '{value}'.")
        return int(value)
    if kind == "list":
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def cut(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
