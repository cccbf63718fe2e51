"""The pages of a person's own settings: saving and deleting a list's view,
and the preferences page. The rules are in core/personal.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from servista.core import personal
from servista.core.exceptions import NotFound, ValidationFailed
from servista.core.forms import ServistaForm
from servista.core.generic_views import apply_domain_error, htmx_redirect, safe_next
from servista.core.idents import parse_id
from servista.core.models.preferences import Theme


@login_required
@require_POST
def save_view(request):
    path = request.POST.get("path", "")
    back = safe_next(request, path, "/")
    group = None
    group_id = parse_id(request.POST.get("shared_with", ""))
    if group_id:
        group = request.user.support_groups.filter(pk=group_id).first()
        if group is None:
            messages.error(request, "You can share a view only with a group you belong to.")
            return redirect(back)
    try:
        view = personal.save_view(request.user, path=path, name=request.POST.get("name", ""),
                                  query=request.POST.get("query", ""), shared_with=group)
    except ValidationFailed as exc:
        messages.error(request, exc.detail)
        return redirect(back)
    messages.success(request, f"View “{view.name}” saved"
                              f"{f' and shared with {group}' if group else ''}.")
    return redirect(safe_next(request, view.url(), "/"))


@login_required
@require_POST
def delete_view(request, ident):
    try:
        personal.delete_view(request.user, ident)
    except NotFound as exc:
        raise Http404(exc.detail)
    messages.success(request, "View deleted.")
    return redirect(safe_next(request, request.POST.get("next"), "/"))


class PreferenceForm(ServistaForm):
    keyboard_shortcuts = forms.BooleanField(
        label="Single-key shortcuts", required=False,
        help_text="Keys such as j, k, x, c, n and / act on the page. Turn them off if you use "
                  "speech input or press keys by accident.")
    theme = forms.ChoiceField(choices=Theme.choices)
    time_zone = forms.CharField(required=False, max_length=64,
                                help_text="Times are shown in this zone, e.g. Europe/Paris "
                                          "(empty: the server's).")


@login_required
def preferences(request):
    pref = personal.preference(request.user)
    initial = {"keyboard_shortcuts": pref.keyboard_shortcuts, "theme": pref.theme,
               "time_zone": pref.time_zone}
    form = PreferenceForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                personal.update_preference(request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, "Preferences saved.")
                return htmx_redirect(request, reverse("preferences"))
        status = 422
    context = {"form": form, "title": "Preferences", "form_id": "preferences-form",
               "submit_label": "Save", "cancel_url": "/"}
    template = "core/includes/form.html" if request.htmx and status == 422 \
        else "core/preferences.html"
    return render(request, template, context, status=status)


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's own password (the current one first; the site's password
    rules apply); the session stays signed in, other sessions are signed out."""

    template_name = "core/password_change.html"
    extra_context = {"title": "Change your password"}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        from servista.core.forms import style_fields

        style_fields(form)
        return form

    def get_success_url(self):
        return reverse("preferences")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response
