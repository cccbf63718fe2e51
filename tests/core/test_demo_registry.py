"""The demo registry (``servista.core.demo``): the apps declare their demo
stories, core discovers them and runs them in dependency order, sharing a
context, without importing any practice."""

import ast
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from servista.core import demo

CORE = Path(demo.__file__).resolve().parent
PRACTICES = ("accounts", "catalog", "cmdb", "incidents", "notifications")


def make_registry(*stories: tuple[str, tuple[str, ...]], kind=demo.REFERENCE, log=None):
    """A fresh registry of throw-away stories that note their name in ``log``."""
    registry = demo.Registry()
    for name, after in stories:
        registry.story(name, kind=kind, after=after)(
            lambda ctx, name=name: log.append(name) if log is not None else None)
    return registry


# --- discovery ----------------------------------------------------------------------


def test_every_app_declares_its_own_stories():
    demo.autodiscover()
    stories = demo.registry.stories
    expected = {
        "accounts.organizations": demo.REFERENCE, "accounts.department": demo.REFERENCE,
        "catalog.services": demo.REFERENCE, "cmdb.items": demo.REFERENCE,
        "incidents.categories": demo.REFERENCE, "incidents.history": demo.HISTORY,
        "incidents.bulk": demo.BULK,
    }
    assert {name: stories[name].kind for name in expected} == expected
    for name, story in stories.items():
        app = name.split(".", 1)[0]
        assert story.func.__module__.startswith(f"servista.{app}.demo"), name
        assert story.doc, f"{name} has no docstring"
    assert [(login.username, login.title) for login in demo.logins()] == [
        ("agent", "Service Desk Analyst"), ("manager", "Service Desk Manager"),
        ("requester", "Financial Controller")]


def test_discovery_is_idempotent():
    demo.autodiscover()
    before = dict(demo.registry.stories)
    demo.autodiscover()
    assert demo.registry.stories == before


def test_the_apps_stories_run_after_what_they_need():
    demo.autodiscover()
    plan = [story.name for story in demo.registry.plan()]
    for position, name in enumerate(plan):
        for needed in demo.registry.stories[name].after:
            assert plan.index(needed) < position, f"{name} runs before {needed}"
    reference = demo.registry.plan([demo.REFERENCE])
    assert {story.kind for story in reference} == {demo.REFERENCE}
    # Bulk stories alone need the reference data to have run in the same context.
    with pytest.raises(demo.DemoError, match=r"bulk story '\w+\.bulk' runs after"):
        demo.registry.plan([demo.BULK])
    assert [s.name for s in demo.registry.plan([demo.BULK],
                                               done=[s.name for s in reference])] == [
        "knowledge.bulk", "incidents.bulk", "problems.bulk"]


def test_core_demo_imports_no_practice():
    files = [CORE / "demo.py", CORE / "management/commands/demo.py",
             CORE / "management/commands/loaddemo.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(tuple(f"servista.{p}" for p in PRACTICES)), \
                    f"{path.name} imports {name}"


# --- the registry on its own: test-only stories, no practice, no database --------


def test_stories_run_in_dependency_order_then_registration_order():
    log = []
    registry = make_registry(("t.groups", ("t.people",)), ("t.tickets", ("t.groups",)),
                             ("t.people", ()), ("t.places", ()), log=log)
    registry.run(demo.Context(), demo.REFERENCE)
    # Each time, the first registered story whose dependencies have all run.
    assert log == ["t.people", "t.groups", "t.tickets", "t.places"]


def test_the_context_carries_options_data_tallies_and_output():
    registry = demo.Registry()
    lines = []

    @registry.story("t.people")
    def people(ctx):
        """People."""
        ctx.provide("people", {"ada": f"Ada #{ctx.reference_seed}"})
        ctx.tally("people", 1)

    @registry.story("t.rooms")
    def rooms(ctx):
        """Rooms."""
        ctx.tally("rooms", 3)

    @registry.story("t.history", kind=demo.HISTORY, after=["t.people"])
    def history(ctx):
        """Tickets."""
        ctx.report(f"{ctx.count} tickets for {ctx['people']['ada']}, seed {ctx.seed}")
        ctx.report("done", success=True)

    context = demo.Context(seed=7, count=3, out=lambda line, success=False:
                           lines.append((line, success)))
    registry.run(context, demo.REFERENCE)
    assert lines == [] and context.ran == ["t.people", "t.rooms"]
    assert context.summary() == "1 people, 3 rooms"
    registry.run(context, demo.HISTORY)  # the reference stories ran in this context
    assert lines == [("3 tickets for Ada #0, seed 7", False), ("done", True)]
    assert "people" in context and context.get("nothing") is None

    # On a context where the reference stories did not run, history cannot.
    with pytest.raises(demo.DemoError, match="'t.history' runs after .*'t.people'"):
        registry.run(demo.Context(), demo.HISTORY)


def test_a_failing_story_reports_which_story_failed():
    registry = demo.Registry()
    log = []
    registry.story("t.ok")(lambda ctx: log.append("ok"))

    @registry.story("t.printers", after=("t.ok",))
    def printers(ctx):
        raise ValueError("no printer model")

    registry.story("t.later", after=("t.printers",))(lambda ctx: log.append("later"))
    context = demo.Context()
    with pytest.raises(demo.StoryFailed) as failed:
        registry.run(context)
    assert failed.value.story == "t.printers"
    assert str(failed.value) == "demo story 't.printers' failed: ValueError: no printer model"
    assert isinstance(failed.value.__cause__, ValueError)
    assert log == ["ok"] and context.ran == ["t.ok"] and context.story is None


def test_reading_what_nobody_provided_names_the_story_and_the_key():
    registry = demo.Registry()
    registry.story("t.tickets")(lambda ctx: ctx["groups"])
    with pytest.raises(demo.StoryFailed, match=r"'t.tickets'.*reads 'groups'") as failed:
        registry.run(demo.Context())
    assert failed.value.story == "t.tickets"


def test_two_stories_may_not_provide_the_same_data():
    registry = demo.Registry()
    registry.story("t.a")(lambda ctx: ctx.provide("groups", 1))
    registry.story("t.b", after="t.a")(lambda ctx: ctx.provide("groups", 2))
    with pytest.raises(demo.StoryFailed, match="provided by both 't.a' and 't.b'"):
        registry.run(demo.Context())


def test_stories_that_do_not_fit_together_are_refused():
    with pytest.raises(demo.DemoError, match="'t.b' runs after 't.missing'"):
        make_registry(("t.a", ()), ("t.b", ("t.missing",))).plan()
    with pytest.raises(demo.DemoError, match="cycle.*t.a, t.b"):
        make_registry(("t.a", ("t.b",)), ("t.b", ("t.a",)), ("t.c", ())).plan()
    with pytest.raises(demo.DemoError, match="after itself"):
        make_registry(("t.a", ("t.a",)))
    registry = make_registry(("t.a", ()))
    with pytest.raises(demo.DemoError, match="two demo stories are named 't.a'"):
        registry.story("t.a")(lambda ctx: None)


# --- the commands ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [("loaddemo", "--size", "5"),
                                     ("demo", "--no-serve", "--incidents", "5")])
def test_a_failing_story_stops_the_command_naming_it_and_keeps_nothing(db, command):
    from django.contrib.auth import get_user_model

    demo.autodiscover()

    def broken(ctx):
        """Fails after the people are made."""
        raise RuntimeError("the badge printer is out of ribbon")

    story = demo.Story("tests.badges", broken, demo.REFERENCE, ("accounts.department",))
    with mock.patch.dict(demo.registry.stories, {story.name: story}), \
            pytest.raises(CommandError, match="demo story 'tests.badges' failed: RuntimeError"):
        call_command(*command, stdout=io.StringIO(), stderr=io.StringIO())
    assert not get_user_model().objects.exists()  # the reference data was rolled back
