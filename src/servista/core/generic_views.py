"""Generic pages configured by a few attributes: a list with filters,
sorting and pagination; a detail page; a form that calls a service.

Every page restricts its queryset through the model's policy (the same one
the API and the command line use), and answers HTMX requests with the partial
that changed.
"""

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_tables2 import RequestConfig
from django_tables2.utils import AttributeDict

from servista.core import export, lookup, personal, search, shell
from servista.core import services as records
from servista.core.api import count_rows
from servista.core.exceptions import DomainError, Forbidden, NotFound
from servista.core.forms import style_fields
from servista.core.permissions import policy_for, restrict


class CappedCountPaginator(Paginator):
    """Counts exactly up to the configured limit, then estimates (large
    lists stay fast); ``count_is_estimate`` tells the template."""

    count_is_estimate = False

    def __init__(self, *args, exact_up_to: int | None = None,
                 estimate_from: int | None = None, **kwargs):
        self.exact_up_to = exact_up_to
        self.estimate_from = estimate_from
        super().__init__(*args, **kwargs)

    @cached_property
    def count(self):
        rows = self.object_list
        # django-tables2 paginates its BoundRows; count their queryset.
        queryset = getattr(getattr(rows, "data", None), "data", rows)
        if not hasattr(queryset, "query"):
            return len(rows)
        count, self.count_is_estimate = count_rows(queryset, self.exact_up_to,
                                                   estimate_from=self.estimate_from)
        return count


def htmx_redirect(request, url: str) -> HttpResponse:
    """Navigate after a successful form: HX-Redirect for HTMX, 302 otherwise."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def safe_next(request, value: str | None, default: str) -> str:
    """A ``next`` URL to go back to, or ``default`` when it is missing or
    points outside this site (``//evil.example``, ``https://...``)."""
    if value and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return default


def int_param(request, name: str, default: int, low: int = 1, high: int | None = None) -> int:
    """A positive integer from the query string, clamped; junk gives ``default``."""
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    value = max(low, value)
    return min(value, high) if high is not None else value


def apply_domain_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: field errors next to their
    fields, the rest at the top."""
    placed = False
    for field, messages_ in exc.errors.items():
        for message in messages_:
            if field in form.fields and not form.fields[field].widget.is_hidden:
                form.add_error(field, message)
                placed = True
    if not placed:
        form.add_error(None, exc.detail)


class ObjectMixin(LoginRequiredMixin):
    queryset = None
    # The URL's "ident" is an id, or, with "number", also a record number.
    lookup_field = "pk"

    def get_queryset(self):
        return restrict(self.queryset.all(), self.request.user)

    def get_object(self):
        ident = str(self.kwargs["ident"])
        qs = self.get_queryset()
        obj = lookup.find(qs, ident, fields=None if self.lookup_field == "number" else ())
        if obj is None:
            raise Http404(f"No {qs.model._meta.verbose_name} {ident}")
        return obj

    def require(self, action: str, obj=None):
        model = self.queryset.model
        if not policy_for(model).can(self.request.user, action, obj):
            raise PermissionDenied(f"You are not allowed to {action} this.")


class ObjectListView(ObjectMixin, View):
    """A filterable, sortable, paginated table of objects."""

    filterset = None
    table = None
    template_name = "core/object_list.html"
    results_template = "core/includes/results.html"
    title = ""
    per_page = 25
    max_per_page = 200
    bulk_actions = False
    fixed_columns = ("selection",)  # always shown (not in the column chooser)
    export_name = ""                # the exported file's name (default: the model's)

    def get_filtered(self):
        qs = self.get_queryset()
        if self.filterset is None:
            return qs, None
        filterset = self.filterset(self.request.GET or None, queryset=qs, request=self.request)
        if filterset.is_bound and not filterset.is_valid():
            return qs.none(), filterset
        return filterset.qs, filterset

    def default_order_by(self):
        """The table's order when the request names none (``?sort=``); None:
        the table's own default."""
        return None

    def column_choices(self) -> list[tuple[str, str]]:
        """(name, header) of the columns a person may show or hide."""
        table = self.table(self.queryset.model._default_manager.none())
        return [(column.name, str(column.header) or column.name) for column in table.columns
                if column.name not in self.fixed_columns]

    def excluded_columns(self) -> tuple[str, ...]:
        """The columns left out by ``?columns=`` (a personal view); every
        column when it names none, or none that exist."""
        wanted = set(self.request.GET.getlist("columns"))
        names = [name for name in self.table.base_columns if name not in self.fixed_columns]
        if not wanted & set(names):
            return ()
        return tuple(name for name in names if name not in wanted)

    def get_table(self, queryset, paginate=True):
        table = self.table(queryset, order_by=self.default_order_by(),
                           exclude=self.excluded_columns())
        # Sorting comes from the request; the page and its size are read
        # here, clamped, so that junk (?per_page=-5, ?page=x) cannot fail.
        RequestConfig(self.request, paginate=False).configure(table)
        if not paginate:
            return table
        per_page = int_param(self.request, table.prefixed_per_page_field, self.per_page,
                             high=self.max_per_page)
        page = int_param(self.request, table.prefixed_page_field, 1)
        try:
            # Search results count exactly only up to the search's own limit.
            searched = bool(self.request.GET.get("q", "").strip())
            table.paginate(paginator_class=CappedCountPaginator, per_page=per_page, page=page,
                           exact_up_to=search.EXACT_COUNT_LIMIT if searched else None,
                           estimate_from=search.ESTIMATE_FROM if searched else None)
        except EmptyPage:
            table.page = table.paginator.page(max(1, table.paginator.num_pages))
        # Sorting links reload the results in place; row links open pages.
        # (An AttributeDict: the template renders it with ``as_html``, which a
        # plain dict does not have, and the attribute would silently vanish.)
        table.attrs = AttributeDict({
            **table.attrs,
            "thead": AttributeDict({**table.attrs.get("thead", {}), "hx-boost": "true"}),
        })
        return table

    def filter_form(self, filterset):
        """The sidebar: the filter set's form, styled, without the filters
        meant for the API only (their values ride along as hidden inputs)."""
        if filterset is None:
            return None, []
        form = filterset.form
        style_fields(form)
        hidden_names = set(getattr(filterset, "hidden_in_ui", ()))
        shown = [field for field in form if field.name not in hidden_names]
        # The table's sort and page size ride along too: filtering keeps them
        # (and starts again at page 1).
        carried = [(name, value) for name in (*sorted(hidden_names), "sort", "per_page", "columns")
                   for value in self.request.GET.getlist(name) if value]
        return shown, carried

    def get_context(self, **extra):
        queryset, filterset = self.get_filtered()
        shown, carried = self.filter_form(filterset)
        context = {
            "title": self.title or self.queryset.model._meta.verbose_name_plural.capitalize(),
            "model": self.queryset.model,
            "filterset": filterset,
            "filter_form": shown,
            "filter_carried": carried,
            "table": self.get_table(queryset),
            "bulk_actions": self.bulk_actions,
            "can_create": policy_for(self.queryset.model).can(self.request.user, "create"),
            "list_tools": self.list_tools(),
        }
        context.update(extra)
        return context

    def list_tools(self) -> dict:
        """Saved views, the column chooser and the export links."""
        request = self.request
        query = request.GET.copy()
        for name in ("page", "export"):
            query.pop(name, None)
        shown = set(request.GET.getlist("columns"))
        columns = [(name, header, not shown or name in shown)
                   for name, header in self.column_choices()]
        return {
            "views": list(personal.visible_views(request.user, request.path)),
            "groups": list(request.user.support_groups.all()),
            "query": query.urlencode(),
            "columns": columns,
            "carried": [(name, value) for name, values in query.lists() if name != "columns"
                        for value in values],
        }

    def export(self, fmt: str):
        queryset, filterset = self.get_filtered()
        table = self.get_table(queryset, paginate=False)
        stem = self.export_name or str(self.queryset.model._meta.verbose_name_plural)
        return export.response(table, fmt, stem.replace(" ", "-"))

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in export.FORMATS:
            return self.export(fmt)
        context = self.get_context()
        if request.htmx and not request.htmx.boosted and request.htmx.target == "results":
            return render(request, self.results_template, context)
        return render(request, self.template_name, context)


def field_rows(obj, names) -> list[tuple[str, object]]:
    """(label, shown value) for each named field: choice labels, related
    objects as text."""
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(obj, name)
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        rows.append((str(field.verbose_name).capitalize(), value))
    return rows


class ObjectDetailView(ObjectMixin, View):
    """An object's fields, its change history (for those the policy lets see
    it) and the panels other apps register for its model."""

    template_name = "core/object_detail.html"
    detail_fields: tuple[str, ...] = ()

    def get_context(self, obj, **extra):
        user = self.request.user
        history = None
        if policy_for(type(obj)).can(user, "view_history", obj):
            history = [(entry, entry.changes) for entry in records.journal(obj)]
        return {"object": obj, "title": str(obj), "fields": field_rows(obj, self.detail_fields),
                "history": history, "panels": shell.panels_for(obj, user), **extra}

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, self.template_name, self.get_context(obj))


class ObjectFormView(ObjectMixin, View):
    """GET shows the form; POST validates it and calls ``save(form, obj)``,
    which calls the app's services. A refusal from the services shows on the
    form and nothing is saved."""

    form_class = None
    template_name = "core/object_edit.html"
    form_template = "core/includes/form.html"
    action = "change"            # policy action required ("create" for new objects)
    creating = False
    title = ""

    def get_form(self, obj, data=None):
        return self.form_class(data=data, instance=obj, user=self.request.user)

    def save(self, form, obj):
        raise NotImplementedError(f"{type(self).__name__}.save must call a service")

    def success_url(self, obj):
        return obj.get_absolute_url()

    def get_context(self, form, obj):
        title = self.title or (
            f"New {self.queryset.model._meta.verbose_name}" if self.creating else f"Edit {obj}")
        return {"form": form, "object": obj, "title": title}

    def load(self):
        if self.creating:
            self.require("create")
            return None
        obj = self.get_object()
        self.require(self.action, obj)
        return obj

    def get(self, request, *args, **kwargs):
        obj = self.load()
        return render(request, self.template_name, self.get_context(self.get_form(obj), obj))

    def post(self, request, *args, **kwargs):
        obj = self.load()
        form = self.get_form(obj, request.POST)
        if form.is_valid():
            try:
                saved = self.save(form, obj)
            except Forbidden as exc:
                raise PermissionDenied(exc.detail)
            except NotFound as exc:
                raise Http404(exc.detail)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, self.success_message(saved))
                return htmx_redirect(request, self.success_url(saved))
        template = self.form_template if request.htmx else self.template_name
        return render(request, template, self.get_context(form, obj), status=422)

    def success_message(self, obj) -> str:
        return f"{obj} saved."
