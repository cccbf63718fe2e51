"""What the page frame shows, filled by the apps: core names no practice.

Each app registers its part from its ``shell.py`` (imported by the app's
``ready()``):

* ``nav(...)``: an entry of the navigation bar (or of one of its menus),
  with its keyboard shortcut and a badge (e.g. unread notifications);
* ``new(...)``: an entry of the "new" menu; the first one the user may use
  is also the ``n`` shortcut;
* ``home(...)``: where a user lands after signing in (first match wins);
* ``search(...)``: a source of the global search box;
* ``panel(...)``: a panel on the page of a record or object of another
  model (a CI's open incidents, a service's problems...);
* ``requester_page(...)``: where a requester sees a record the staff pages
  show (the self-service portal);
* ``list_action(...)``: a button of another practice on the bulk bar of a
  record list: the selected records are posted to its page (the incidents
  selected on their list, to a problem);
* ``dashboard(...)``: a section of the dashboard (``/dashboard/``): its
  figures over a period, drawn by its template (the service desk's open
  incidents, trend and rates).

Entries are ordered by ``weight`` (lower first). Visibility is a predicate
of the user (``core.permissions``), so the frame never shows a link that
would answer 403.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from servista.core.permissions import is_agent, is_signed_in


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str                   # a URL name ("incidents:list") or a path ("/api/v1/docs")
    args: tuple = ()
    icon: str = ""             # a Bootstrap icon name ("kanban")
    menu: str = ""             # "": in the bar; else the label of a dropdown menu
    weight: int = 100
    shortcut: str = ""         # "g i": two keys in turn
    shortcut_help: str = ""
    visible: Callable = is_agent
    badge: Callable | None = None   # (user) -> int or None
    side: str = "left"         # "left" (the bar), "right" (icons by the user menu), "user"
    element_id: str = ""

    def href(self) -> str:
        if self.url.startswith("/"):
            return self.url
        return reverse(self.url, args=self.args)


@dataclass(frozen=True)
class NewEntry:
    label: str
    url: str
    visible: Callable = is_agent
    weight: int = 100
    icon: str = "plus-lg"

    def href(self) -> str:
        return reverse(self.url)


@dataclass(frozen=True)
class HomePage:
    url: str
    args: tuple = ()
    applies: Callable = is_signed_in
    weight: int = 100


@dataclass(frozen=True)
class SearchSource:
    model: type
    label: str
    list_url: str              # the list that shows all results (?q=...)
    visible: Callable = is_agent
    weight: int = 100


@dataclass(frozen=True)
class Panel:
    """A panel on the page of an object of ``models``: ``context(obj, user)``
    gives the template's context, or None to show nothing."""

    title: str
    template: str
    context: Callable
    models: tuple = ()
    weight: int = 100
    visible: Callable = is_agent


@dataclass(frozen=True)
class ListAction:
    """A button on the bulk bar of ``models``' lists; the selection (the
    records' numbers, as ``selection``) is posted to ``url``."""

    label: str
    url: str
    models: tuple = ()
    visible: Callable = is_agent
    weight: int = 100
    icon: str = ""

    def href(self) -> str:
        return reverse(self.url)


@dataclass(frozen=True)
class DashboardSection:
    """A section of the dashboard: ``figures(user, days)`` gives the
    template's ``figures`` over the last ``days`` days."""

    title: str
    template: str
    figures: Callable
    visible: Callable = is_agent
    weight: int = 100


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    new: list[NewEntry] = field(default_factory=list)
    home: list[HomePage] = field(default_factory=list)
    search: list[SearchSource] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    requester_pages: list[Callable] = field(default_factory=list)
    list_actions: list[ListAction] = field(default_factory=list)
    dashboards: list[DashboardSection] = field(default_factory=list)


registry = Registry()


def _add(items: list, item):
    if item not in items:
        items.append(item)
        items.sort(key=lambda entry: entry.weight)
    return item


def nav(label: str, url: str, **options) -> NavEntry:
    return _add(registry.nav, NavEntry(label, url, **options))


def new(label: str, url: str, **options) -> NewEntry:
    return _add(registry.new, NewEntry(label, url, **options))


def home(url: str, **options) -> HomePage:
    return _add(registry.home, HomePage(url, **options))


def search(model, label: str, list_url: str, **options) -> SearchSource:
    return _add(registry.search, SearchSource(model, label, list_url, **options))


def panel(title: str, template: str, context: Callable, *, models, **options) -> Panel:
    return _add(registry.panels, Panel(title, template, context, tuple(models), **options))


def list_action(label: str, url: str, *, models, **options) -> ListAction:
    return _add(registry.list_actions, ListAction(label, url, tuple(models), **options))


def dashboard(title: str, template: str, figures: Callable, **options) -> DashboardSection:
    return _add(registry.dashboards, DashboardSection(title, template, figures, **options))


def requester_page(url_of: Callable) -> None:
    """``url_of(record)``: the URL where a requester sees ``record``, or None
    when this page does not show that kind of record."""
    if url_of not in registry.requester_pages:
        registry.requester_pages.append(url_of)


# --- what the frame asks ----------------------------------------------------------


def navigation(user) -> dict:
    """The bar for ``user``: left entries and menus in order, the icons on
    the right, the entries of the user's menu."""
    left, menus, right, own = [], {}, [], []
    for entry in registry.nav:
        if not entry.visible(user):
            continue
        item = {"entry": entry, "href": entry.href(),
                "badge": entry.badge(user) if entry.badge else None}
        if entry.side == "right":
            right.append(item)
        elif entry.side == "user":
            own.append(item)
        elif entry.menu:
            if entry.menu not in menus:
                menus[entry.menu] = {"label": entry.menu, "icon": entry.icon, "items": []}
                left.append({"menu": menus[entry.menu]})
            menus[entry.menu]["items"].append(item)
        else:
            left.append(item)
    return {"left": left, "right": right, "user": own}


def new_entries(user) -> list[NewEntry]:
    return [entry for entry in registry.new if entry.visible(user)]


def shortcuts(user) -> list[tuple[str, str]]:
    """(keys, what they do) of the navigation entries the user sees."""
    return [(entry.shortcut, entry.shortcut_help or entry.label)
            for entry in registry.nav if entry.shortcut and entry.visible(user)]


def home_url(user) -> str | None:
    for page in registry.home:
        if page.applies(user):
            return reverse(page.url, args=page.args)
    return None


def search_sources(user) -> list[SearchSource]:
    return [source for source in registry.search if source.visible(user)]


def panels_for(obj, user) -> list[dict]:
    """The registered panels of ``obj``'s page, each with its context."""
    shown = []
    for entry in registry.panels:
        if not isinstance(obj, entry.models) or not entry.visible(user):
            continue
        context = entry.context(obj, user)
        if context is not None:
            shown.append({"title": entry.title, "template": entry.template, **context})
    return shown


def list_actions_for(model, user) -> list[dict]:
    """The other practices' buttons on the bulk bar of ``model``'s list."""
    return [{"label": entry.label, "href": entry.href(), "icon": entry.icon}
            for entry in registry.list_actions
            if issubclass(model, entry.models) and entry.visible(user)]


def requester_url(record) -> str | None:
    for url_of in registry.requester_pages:
        try:
            url = url_of(record)
        except NoReverseMatch:
            url = None
        if url:
            return url
    return None


def dashboard_sections(user, days: int) -> list[dict]:
    """The dashboard's sections ``user`` may see, with their figures."""
    return [{"title": entry.title, "template": entry.template,
             "figures": entry.figures(user, days)}
            for entry in registry.dashboards if entry.visible(user)]


def has_dashboard(user) -> bool:
    return any(entry.visible(user) for entry in registry.dashboards)
