"""A person's own settings of the frame and of lists: preferences (single-key
shortcuts, theme, time zone) and saved views of a list (its filters, sort and
columns), personal or shared with one of their groups. The rules live here;
the pages (core/personal_views.py) call them."""

import zoneinfo
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.db.models import Q

from servista.core.exceptions import NotFound, ValidationFailed
from servista.core.models import Preference, SavedView
from servista.core.models.preferences import Theme

# Query parameters that are not part of a view: the page shown, an export
# and form tokens.
NOT_SAVED = {"page", "export", "csrfmiddlewaretoken", "name", "shared_with"}
NAME_MAX = 80
QUERY_MAX = 2000


def preference(user) -> Preference:
    """The person's preferences (defaults when they never chose)."""
    found = Preference.objects.filter(user=user).first() if user.is_authenticated else None
    return found or Preference(user=user if user.is_authenticated else None)


def update_preference(user, *, keyboard_shortcuts=None, theme=None, time_zone=None) -> Preference:
    pref = preference(user)
    if theme is not None:
        if theme not in Theme.values:
            raise ValidationFailed.field("theme", f"Choose one of: {', '.join(Theme.values)}.")
        pref.theme = theme
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone and time_zone not in zoneinfo.available_timezones():
            raise ValidationFailed.field("time_zone", f"“{time_zone[:64]}” is not a time zone "
                                                      "(e.g. Europe/Paris).")
        pref.time_zone = time_zone
    if keyboard_shortcuts is not None:
        pref.keyboard_shortcuts = bool(keyboard_shortcuts)
    pref.save()
    return pref


def clean_query(query: str) -> str:
    """The view's part of a list's query string (no page number, no export)."""
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False)
             if k not in NOT_SAVED]
    return urlencode(pairs)


def visible_views(user, path: str):
    """The saved views of the list at ``path`` that ``user`` may use: their
    own, and those shared with a group they belong to."""
    groups = user.support_groups.values("pk")
    return SavedView.objects.filter(Q(owner=user) | Q(shared_with__in=groups), path=path) \
        .select_related("owner", "shared_with").order_by("name", "id")


def save_view(user, *, path: str, name: str, query: str, shared_with=None) -> SavedView:
    """Save (or replace, by name) the user's view of the list at ``path``."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["Give the view a name."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"At most {NAME_MAX} characters."]
    if not path.startswith("/") or len(path) > 200:
        errors["path"] = ["Not a list of this site."]
    query = clean_query(query)
    if len(query) > QUERY_MAX:
        errors["query"] = [f"The filters are too long to save (at most {QUERY_MAX} characters)."]
    if shared_with is not None and not user.support_groups.filter(pk=shared_with.pk).exists():
        errors["shared_with"] = ["You can share a view only with a group you belong to."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors)
    try:
        with transaction.atomic():
            view, _ = SavedView.objects.update_or_create(
                owner=user, path=path, name=name,
                defaults={"query": query, "shared_with": shared_with})
    except IntegrityError:  # saved twice at the same moment: the other one won
        view = SavedView.objects.get(owner=user, path=path, name=name)
    return view


def delete_view(user, view_id: int) -> None:
    """Only its owner deletes a view."""
    deleted, _ = SavedView.objects.filter(pk=view_id, owner=user).delete()
    if not deleted:
        raise NotFound("No such view of yours.")
