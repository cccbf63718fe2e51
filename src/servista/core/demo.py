"""The demo registry: how ``servista demo`` and ``servista loaddemo`` fill a
database with a believable IT department, each app adding the part it owns.

Core knows no practice, so it holds no demo data. An app contributes *stories*
in its own module ``servista/<app>/demo.py`` (or package
``servista/<app>/demo/``); ``autodiscover()`` imports that module of every
installed ``servista.*`` app, as ``core.tasks.autodiscover()`` does for
``tasks``, and the stories register themselves on import::

    from servista.core import demo

    @demo.story("catalog.services", after=("accounts.department",))
    def services(ctx: demo.Context) -> None:
        groups = ctx["groups"]                  # provided by accounts.department
        made = {name: Service.objects.get_or_create(...)[0] for name in SERVICES}
        ctx.provide("services", made)           # for the stories after this one
        ctx.tally("services", len(made))        # "Reference data ready: ..., 14 services"

A story is a function of the shared ``Context``, registered under a unique
name ``"<app>.<what>"`` with

``kind``
    ``REFERENCE``: the data everything else needs (people, groups, services,
    CIs, categories). Runs for both commands and must be idempotent:
    get-or-create on unique names, so loading twice adds nothing the second
    time. ``HISTORY``: the demo's dated history, only for ``servista demo``
    on a database without work records (played through the practices'
    services with ``core.clock`` moved back). ``BULK``: rows for benchmarks,
    only for ``servista loaddemo --size N``.
``after``
    the names of the stories that must have run first: those that provide
    what this one reads from the context. The next story to run is always
    the first registered one (``INSTALLED_APPS`` order, then the order in
    its module) whose ``after`` have all run. An unknown name or a cycle is
    an error when a run is planned.

The ``Context`` carries what the command asked for (``seed``, ``count``,
``batch``, the fixed ``reference_seed``), what earlier stories made
(``ctx.provide(key, value)`` then ``ctx[key]``, e.g. the groups by name), a
tally of the reference data for the summary line of ``loaddemo``, and
``ctx.report(line)`` for progress lines on the command's output.

The demo logins (users whose password ``servista demo`` sets and prints) are
declared by the app that makes them, with ``demo.login(username, title)``;
core reads them with ``logins()`` and finds the users through
``get_user_model()``.

Run everything with ``run(context, *kinds)``; a story that raises stops the
run with ``StoryFailed``, which names the story. ``Registry`` can also be
used on its own (tests register throw-away stories on a fresh one).
"""

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps

from servista.core.registry import record_models


class Kind(StrEnum):
    REFERENCE = "reference"  # always, idempotent get-or-create
    HISTORY = "history"  # `servista demo` on an empty database
    BULK = "bulk"  # `servista loaddemo --size N`


REFERENCE, HISTORY, BULK = Kind.REFERENCE, Kind.HISTORY, Kind.BULK


class DemoError(Exception):
    """The stories do not fit together: a duplicate name, an unknown
    dependency, a cycle, or data read from the context that nobody provided."""


class StoryFailed(DemoError):
    """A story raised; ``story`` is its name and the error is the cause."""

    def __init__(self, story: str, error: BaseException):
        self.story = story
        self.error = error
        super().__init__(f"demo story {story!r} failed: {type(error).__name__}: {error}")


@dataclass(frozen=True)
class Story:
    name: str
    func: Callable[["Context"], object]
    kind: Kind = REFERENCE
    after: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        """The first paragraph of the function's docstring, on one line."""
        return " ".join((self.func.__doc__ or "").strip().split("\n\n", 1)[0].split())


@dataclass(frozen=True)
class Login:
    """A demo login: ``servista demo`` gives it the printed password."""

    username: str
    title: str = ""


class Context:
    """What a run of the stories shares: the command's options, the data the
    stories provide to each other, the tallies and the output. ``out`` is
    called as ``out(line, success=False)`` for each reported line (none:
    the lines are dropped)."""

    def __init__(self, *, seed: int = 0, count: int = 0, batch: int | None = None,
                 reference_seed: int = 0, out: Callable[..., None] | None = None):
        self.seed = seed  # --seed: the history and the bulk rows
        self.count = count  # --incidents / --size: how many records to make
        self.batch = batch  # --batch: rows per transaction of a bulk load (None: default)
        # The reference data does not follow --seed: the same people whatever
        # the seed, so that a second load with another seed adds nobody.
        self.reference_seed = reference_seed
        self.started = time.monotonic()
        self.story: str | None = None  # the story running now
        self.ran: list[str] = []  # the stories run so far, in order
        self.tallies: dict[str, int] = {}
        self._out = out
        self._data: dict[str, object] = {}
        self._providers: dict[str, str] = {}

    # --- data passed from story to story ---------------------------------------

    def provide(self, key: str, value) -> None:
        """Offer ``value`` to the stories that run after this one, as ``ctx[key]``."""
        provider = self._providers.get(key)
        if provider is not None and provider != self.story:
            raise DemoError(f"{key!r} is provided by both {provider!r} and {self.story!r}")
        self._data[key] = value
        self._providers[key] = self.story

    def __getitem__(self, key: str):
        try:
            return self._data[key]
        except KeyError:
            known = ", ".join(sorted(self._data)) or "nothing"
            raise DemoError(
                f"story {self.story!r} reads {key!r}, which no story has provided so far "
                f"(provided: {known}); name the story that provides it in after=()"
            ) from None

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def get(self, key: str, default=None):
        return self._data.get(key, default)

    # --- output ----------------------------------------------------------------

    def report(self, line: str, *, success: bool = False) -> None:
        """A line on the command's output (``success`` styles a final line)."""
        if self._out is not None:
            self._out(line, success=success)

    def tally(self, label: str, number: int) -> None:
        """Count reference data for the summary: ``tally("services", 14)``."""
        self.tallies[label] = self.tallies.get(label, 0) + number

    def summary(self) -> str:
        """The tallies in the order they came: ``20 requesters, 7 groups``."""
        return ", ".join(f"{number} {label}" for label, number in self.tallies.items())


class Registry:
    """The stories and demo logins the apps declared."""

    def __init__(self):
        self.stories: dict[str, Story] = {}
        self.logins: dict[str, Login] = {}

    def story(self, name: str, *, kind: Kind = REFERENCE, after: Iterable[str] = ()):
        """Decorator: register the function as the story ``name``."""
        if isinstance(after, str):
            after = (after,)

        def decorator(func):
            self.register(Story(name, func, Kind(kind), tuple(after)))
            return func

        return decorator

    def register(self, story: Story) -> Story:
        known = self.stories.get(story.name)
        if known is not None and _origin(known.func) != _origin(story.func):
            raise DemoError(f"two demo stories are named {story.name!r}: "
                            f"{_origin(known.func)} and {_origin(story.func)}")
        if story.name in story.after:
            raise DemoError(f"demo story {story.name!r} runs after itself")
        self.stories[story.name] = story
        return story

    def login(self, username: str, title: str = "") -> None:
        """Declare a demo login: ``servista demo`` sets its printed password."""
        self.logins[username] = Login(username, title)

    def plan(self, kinds: Iterable[Kind] | None = None, *, done: Iterable[str] = ()) -> list[Story]:
        """The stories of ``kinds`` (default: all) in the order they run.
        Each one's ``after`` must be registered and either in the plan or
        among ``done`` (stories already run in the same context)."""
        for story in self.stories.values():
            for name in story.after:
                if name not in self.stories:
                    raise DemoError(f"demo story {story.name!r} runs after {name!r}, "
                                    "which no app declares")
        position = {name: index for index, name in enumerate(self.stories)}
        waiting = {name: set(story.after) for name, story in self.stories.items()}
        order: list[Story] = []
        while waiting:
            ready = [name for name, after in waiting.items() if not after & waiting.keys()]
            if not ready:
                raise DemoError("demo stories wait for each other (a cycle in after=): "
                                + ", ".join(sorted(waiting)))
            name = min(ready, key=position.__getitem__)
            order.append(self.stories[name])
            del waiting[name]
        if kinds is None:
            return order
        kinds = {Kind(kind) for kind in kinds}
        chosen = [story for story in order if story.kind in kinds]
        available = {story.name for story in chosen} | set(done)
        for story in chosen:
            for name in story.after:
                if name not in available:
                    raise DemoError(
                        f"{story.kind} story {story.name!r} runs after the "
                        f"{self.stories[name].kind} story {name!r}, which neither ran nor "
                        "runs now")
        return chosen

    def run(self, context: Context, *kinds: Kind) -> Context:
        """Run the stories of ``kinds`` in order with ``context``; a story
        that raises stops the run with ``StoryFailed``."""
        for story in self.plan(kinds or tuple(Kind), done=context.ran):
            context.story = story.name
            try:
                story.func(context)
            except Exception as exc:
                raise StoryFailed(story.name, exc) from exc
            finally:
                context.story = None
            context.ran.append(story.name)
        return context


def _origin(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


registry = Registry()
story = registry.story
login = registry.login


def autodiscover() -> None:
    """Import ``demo`` of every Servista app so that its stories register."""
    for config in apps.get_app_configs():
        if config.name.startswith("servista.") and config.name != __package__:
            try:
                importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise


def run(context: Context, *kinds: Kind) -> Context:
    """Discover the apps' stories and run those of ``kinds`` (default: all)."""
    autodiscover()
    return registry.run(context, *kinds)


def logins() -> list[Login]:
    """The demo logins the apps declared, in declaration order."""
    autodiscover()
    return list(registry.logins.values())


def holds_records() -> bool:
    """Whether the database holds work records of any practice (then
    ``servista demo`` plays no history, as the data is not its own)."""
    return any(model.objects.exists() for model in record_models())
