"""The pages of a kind of work record, configured once:

    class ChoreViews(RecordViews):
        model = Chore
        service = services.rules
        actions = ACTIONS
        # filterset, table, form, bulk_form: the kit's unless declared

    app_name = "practice"                  # the app's label
    urlpatterns = ChoreViews().urls()

gives the list (filters, sorting, paging, bulk bar), ``new/``, the record's
page (``<number>/``: fields, actions, activity stream with comments and
work notes, links, affected items, the panels other practices register),
``<number>/edit/``, ``<number>/comment/``, ``<number>/<action>/`` (the
action's dialog, or its page without JavaScript) and ``bulk/``. Every page
is the support staff's: a requester is sent to where they see the record
(the portal). Every change goes through the practice's services.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views import View

from servista.core import lookup, response_templates, shell, time_spent, watchers
from servista.core import services as records
from servista.core.exceptions import DomainError, Forbidden, NotFound
from servista.core.forms import PersonField, ServistaForm
from servista.core.generic_views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ObjectMixin,
    apply_domain_error,
    htmx_redirect,
    safe_next,
)
from servista.core.permissions import is_agent, policy_for, restrict

from .actions import ActionSet
from .filtersets import filterset_for
from .forms import BulkForm, CommentForm, WorkRecordForm
from .tables import RecordTable


class StaffOnlyMixin:
    """The record pages are the support staff's; a requester goes to where
    they see the record (the portal), or to their home page from a list."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_agent(request.user):
            ident = kwargs.get("ident")
            if not ident:
                return redirect(shell.home_url(request.user) or "/")
            # A record they may see, on their own page; any other is not found
            # (no hint of a record outside their reach).
            visible = restrict(self.kit.model._default_manager.all(), request.user)
            record = lookup.find(visible, str(ident))
            target = shell.requester_url(record) if record is not None else None
            if target is None:
                raise Http404(f"No {self.kit.model._meta.verbose_name} {ident}")
            return redirect(target)
        return super().dispatch(request, *args, **kwargs)


class KitMixin(StaffOnlyMixin):
    kit = None  # the RecordViews that declared this page
    lookup_field = "number"

    @property
    def queryset(self):
        return self.kit.model._default_manager.all()


def requester_label(model) -> str:
    """How the record's requester is called on its page ("the caller")."""
    fields = getattr(policy_for(model), "requester_fields", ())
    if fields:
        return f"the {model._meta.get_field(fields[0]).verbose_name}"
    return "the requester"


def note_kind_key(record) -> str:
    return f"servista.note_kind.{record._meta.label_lower}.{record.pk}"


def comment_form(kit, user, data=None, *, request=None, record=None, files=None):
    """The activity panel's form; its entry type starts on the agent's last
    choice on this record (kept in the session), so a run of work notes
    never turns into a comment to the requester by itself."""
    initial = {}
    if request is not None and record is not None:
        initial["kind"] = request.session.get(note_kind_key(record), "comment")
    return CommentForm(data, files, user=user, requester_label=requester_label(kit.model),
                       initial=initial)


class RecordListView(KitMixin, ObjectListView):
    template_name = "core/records/list.html"

    def get_queryset(self):
        return super().get_queryset().select_related(*self.kit.list_related)

    @property
    def filterset(self):
        return self.kit.filterset

    @property
    def table(self):
        return self.kit.table

    @property
    def bulk_actions(self):
        return "core/records/includes/bulk_bar.html" if self.kit.bulk_form else None

    def get_context(self, **extra):
        bulk = self.kit.bulk_form(user=self.request.user) if self.kit.bulk_form else None
        return super().get_context(
            kit=self.kit, bulk_form=bulk, title=extra.pop("title", None) or self.kit.title(),
            list_actions=shell.list_actions_for(self.kit.model, self.request.user), **extra)


class RecordDetailView(KitMixin, ObjectDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related(*self.kit.detail_related) \
            .prefetch_related("affected_cis", "affected_services")

    @property
    def template_name(self):
        return self.kit.detail_template

    def get_context(self, obj, **extra):
        user = self.request.user
        return {
            "object": obj,
            "record": obj,
            obj._meta.model_name: obj,
            "kit": self.kit,
            "title": f"{obj.number} {obj.short_description}",
            "entries": records.visible_journal(obj, user),
            "comment_form": extra.pop("comment_form", None)
            or comment_form(self.kit, user, request=self.request, record=obj),
            "links": records.links_of(obj),
            "actions": self.kit.actions.available(obj, user),
            "panels": shell.panels_for(obj, user),
            "time_spent": time_spent.of_record(obj),
            "watchers": watchers.watchers_of(obj),
            "watcher_form": WatcherForm(user=user, auto_id="watcher_%s"),
            **self.kit.detail_context(obj, user),
            **extra,
        }


class RecordCreateView(KitMixin, ObjectFormView):
    creating = True
    template_name = "core/records/form.html"

    @property
    def form_class(self):
        return self.kit.form

    def save(self, form, obj):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return self.kit.service.create(self.request.user, data)

    def get_context(self, form, obj):
        return {**super().get_context(form, obj), "title": self.kit.create_title(), "kit": self.kit}

    def success_message(self, obj):
        return f"{obj.number} created with priority {obj.get_priority_display()}."


class RecordEditView(KitMixin, ObjectFormView):
    template_name = "core/records/form.html"

    @property
    def form_class(self):
        return self.kit.form

    def get(self, request, *args, **kwargs):
        record = self.load()
        if not record.is_open:  # final: nothing to edit
            messages.error(request, f"{record.number} is {record.get_state_display().lower()}"
                                    " and can no longer be changed.")
            return redirect(record.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def save(self, form, obj):
        return self.kit.service.update(obj, self.request.user, form.changed(),
                                       expected_version=form.cleaned_data.get("version"))

    def get_context(self, form, obj):
        return {**super().get_context(form, obj), "kit": self.kit}


class RecordActionView(KitMixin, ObjectMixin, View):
    """GET: the action's form (loaded into a dialog). POST: run it; a refusal
    shows on the form, success reloads the record's page.

    An action is only done where its button shows: a user who may not gets
    403, a state that does not offer it 409 (the same checks as the buttons)."""

    def get_action(self):
        action = self.kit.actions.get(self.kwargs["action"])
        if action is None:
            raise Http404("No such action")
        return action

    def refusal(self, record, action):
        """None when the action may be done now; else the answer refusing it."""
        user = self.request.user
        if not action.permitted(record, user):
            raise PermissionDenied(f"You are not allowed to {action.label.lower()} "
                                   f"on {record.number}.")
        if not action.applies(record, user):
            message = (f"“{action.label}” is not possible on {record.number} now: "
                       f"it is {record.get_state_display().lower()}. Reload the page to see "
                       "what can be done.")
            return render(self.request, "core/records/action_refused.html", {
                "record": record, "message": message, "title": "Not possible now",
            }, status=409)
        return None

    def render_form(self, record, action, form, status=200):
        context = {"record": record, "form": form, "action": action.name,
                   "label": action.label, "title": f"{action.label} · {record.number}",
                   "kit": self.kit}
        if not self.request.htmx:
            template = "core/records/action_page.html"
        elif status == 422:
            # The dialog's form replaces itself (hx-swap outerHTML): send the
            # form only, not the dialog's header around it again.
            template = "core/records/includes/action_form_body.html"
        else:
            template = "core/records/includes/action_form.html"
        return render(self.request, template, context, status=status)

    def make_form(self, action, record, data=None):
        if action.form is None:
            return None
        return action.form(data, user=self.request.user, instance=record)

    def get(self, request, *args, **kwargs):
        record = self.get_object()
        action = self.get_action()
        refused = self.refusal(record, action)
        if refused is not None:
            return refused
        return self.render_form(record, action, self.make_form(action, record))

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        action = self.get_action()
        refused = self.refusal(record, action)
        if refused is not None:
            return refused
        form = self.make_form(action, record, request.POST)
        if form is not None and not form.is_valid():
            return self.render_form(record, action, form, status=422)
        data = form.action_data() if form is not None else {}
        try:
            action.run(record, request.user, data, None)
        except (Forbidden, NotFound) as exc:
            raise PermissionDenied(exc.detail)
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.detail)
                return htmx_redirect(request, record.get_absolute_url())
            apply_domain_error(form, exc)
            return self.render_form(record, action, form, status=422)
        messages.success(request, f"{record.number}: {action.label.lower()} done.")
        return htmx_redirect(request, record.get_absolute_url())


class RecordCommentView(KitMixin, ObjectMixin, View):
    """A comment or work note from the activity panel (HTMX: the panel is
    re-rendered in place)."""

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        form = comment_form(self.kit, request.user, request.POST, files=request.FILES)
        status = 200
        if form.is_valid():
            request.session[note_kind_key(record)] = form.cleaned_data["kind"]
            try:
                self.kit.service.add_entry(record, request.user, form.cleaned_data["kind"],
                                           form.cleaned_data["body"],
                                           files=form.cleaned_data["files"],
                                           time_spent=form.cleaned_data.get("time_spent"))
            except Forbidden as exc:
                raise PermissionDenied(exc.detail)
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = 422
            else:
                form = comment_form(self.kit, request.user, request=request, record=record)
        else:
            status = 422
        if not request.htmx:
            return redirect(record.get_absolute_url())
        record.refresh_from_db()
        return render(request, "core/records/includes/activity_panel.html", {
            "record": record, "comment_form": form, "kit": self.kit,
            "entries": records.visible_journal(record, request.user),
        }, status=status)


class RecordResponseTemplateView(KitMixin, ObjectMixin, View):
    """HTMX: the comment box with a response template's text, its
    placeholders filled for this record, added after what is written."""

    def get(self, request, *args, **kwargs):
        record = self.get_object()
        if not records.sees_work_notes(request.user):
            raise PermissionDenied("Response templates are the support staff's.")
        ident = request.GET.get("response_template", "")
        found = response_templates.usable(request.user).filter(pk=ident).first() \
            if ident.isdigit() else None
        if found is None and ident:
            raise Http404("No such response template")
        written = request.GET.get("body", "")
        filled = response_templates.fill(found, record, request.user) if found else ""
        text = "\n\n".join(part for part in (written.rstrip(), filled) if part)
        form = comment_form(self.kit, request.user, request=request, record=record)
        form.initial["body"] = text
        return HttpResponse(form["body"].as_widget())


class WatcherForm(ServistaForm):
    user = PersonField(label="Add a watcher")


class RecordWatchersView(KitMixin, ObjectMixin, View):
    """Add a watcher (``user``, a person picked by name) or remove one
    (``remove``: their username); back to the record's page."""

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        try:
            if request.POST.get("remove"):
                person = lookup.resolve(get_user_model(), request.POST["remove"], "user",
                                        fields=("username",))
                self.kit.service.remove_watcher(record, request.user, person)
                messages.success(request, f"{person} no longer watches {record.number}.")
            else:
                form = WatcherForm(request.POST, user=request.user)
                if not form.is_valid():
                    messages.error(request, "; ".join(form.errors["user"]))
                    return htmx_redirect(request, record.get_absolute_url() + "#watchers")
                person = form.cleaned_data["user"]
                self.kit.service.add_watcher(record, request.user, person)
                messages.success(request, f"{person} now watches {record.number}.")
        except (Forbidden, NotFound) as exc:
            raise PermissionDenied(exc.detail)
        except DomainError as exc:
            messages.error(request, exc.detail)
        return htmx_redirect(request, record.get_absolute_url() + "#watchers")


class RecordBulkView(KitMixin, ObjectMixin, View):
    """Take, assign or change the state of the selected records; each one
    is done or refused on its own."""

    def get(self, request):
        # Back from signing in after a bulk action whose session had expired:
        # the selection is gone, the list is where to go on.
        return redirect(self.kit.url("list"))

    def post(self, request):
        form = self.kit.bulk_form(request.POST, user=request.user)
        back = safe_next(request, request.POST.get("next"), self.kit.url("list"))
        if not form.is_valid():
            messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
            return htmx_redirect(request, back)
        data = form.cleaned_data
        chosen = list(self.get_queryset().filter(number__in=data["selection"]))
        try:
            done, failed = self.kit.service.bulk_action(
                chosen, request.user, data["action"], assignment_group=data["assignment_group"],
                state=data["state"] or None, **form.state_data())
        except DomainError as exc:
            messages.error(request, exc.detail)
            return htmx_redirect(request, back)
        if done:
            numbers = ", ".join(r.number for r in done)
            messages.success(request, f"Done for {len(done)}: {numbers}")
        for number, error in failed.items():
            messages.error(request, f"{number}: {error}")
        return htmx_redirect(request, back)


class RecordViews:
    """The declaration of one kind of record's pages; ``urls()`` gives them.
    What is not declared is the kit's: its filters, columns, record form and
    bulk bar."""

    model = None
    service = None
    actions = ActionSet()
    filterset = None
    table = RecordTable
    form = None                     # logging and editing a record
    bulk_form = BulkForm            # None: no bulk bar
    list_related: tuple = ("assignment_group", "assigned_to")  # joined on list pages
    detail_related: tuple = ("assignment_group", "assigned_to", "opened_by", "service",
                             "configuration_item")        # joined on the record's page
    detail_template = "core/records/detail.html"
    create_label = ""               # the "new" button (default: "New <record>")

    list_view = RecordListView
    detail_view = RecordDetailView
    create_view = RecordCreateView
    edit_view = RecordEditView
    action_view = RecordActionView
    comment_view = RecordCommentView
    response_template_view = RecordResponseTemplateView
    watchers_view = RecordWatchersView
    bulk_view = RecordBulkView

    def __init__(self):
        model = self.model
        if self.filterset is None:
            self.filterset = filterset_for(model)
        if self.form is None:
            self.form = type(f"{model.__name__}Form", (WorkRecordForm,), {"model": model})
        if self.bulk_form is not None and self.bulk_form.model is None:
            self.bulk_form = type(f"{model.__name__}BulkForm", (self.bulk_form,),
                                  {"model": model})

    @property
    def app_name(self) -> str:
        return self.model._meta.app_label

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.app_name}:{name}", args=args)

    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()

    def create_title(self) -> str:
        return f"New {self.model._meta.verbose_name}"

    # What the templates link to.
    def list_url(self) -> str:
        return self.url("list")

    def create_url(self) -> str:
        return self.url("create")

    def bulk_url(self) -> str:
        return self.url("bulk")

    def new_label(self) -> str:
        return self.create_label or f"New {self.model._meta.verbose_name}"

    def detail_context(self, record, user) -> dict:
        """More context for the record's page (a practice's own panels)."""
        return {}

    def urls(self) -> list:
        name = self.model._meta.model_name
        patterns = [
            path("", self.list_view.as_view(kit=self), name="list"),
            path("new/", self.create_view.as_view(kit=self), name="create"),
        ]
        if self.bulk_form is not None:
            patterns.append(path("bulk/", self.bulk_view.as_view(kit=self), name="bulk"))
        return patterns + [
            path("<str:ident>/", self.detail_view.as_view(kit=self), name=name),
            path("<str:ident>/edit/", self.edit_view.as_view(kit=self), name="edit"),
            path("<str:ident>/comment/", self.comment_view.as_view(kit=self), name="comment"),
            path("<str:ident>/response-template/",
                 self.response_template_view.as_view(kit=self), name="response_template"),
            path("<str:ident>/watchers/", self.watchers_view.as_view(kit=self),
                 name="watchers"),
            path("<str:ident>/<str:action>/", self.action_view.as_view(kit=self),
                 name="action"),
        ]
