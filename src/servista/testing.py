"""Test base classes that generate the standard tests of a model.

``APIViewTestCases.APIViewTestCase`` gives, from a few class attributes, the
list/detail/create/update tests of a REST resource, each checked from both
sides (the role that may, the role that may not), and a query-count check so
that an N+1 query in a list fails. ``ViewTestCases.ViewTestCase`` does the
same for the web pages.

A practice app's test declares, for example::

    class IncidentAPITest(APIViewTestCases.APIViewTestCase):
        model = Incident
        api_base = "/api/v1/incidents"
        create_role = "requester"      # the least role that may create
        update_role = "agent"          # the least role that may update
        create_data = {"short_description": "Printer jammed", "impact": 2, "urgency": 2}
        invalid_create_data = ({"impact": 7}, "impact")
        update_data = {"short_description": "Printer jams on tray 2"}

        def make_object(self):
            return IncidentFactory(caller=self.cast.requester)
"""

import functools
import json
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from servista.accounts.choices import Role
from servista.accounts.models import Group, Organization, User
from servista.accounts.services import create_token

PASSWORD = "servista-test-pass"  # noqa: S105 - test accounts only
ROLE_ORDER = [Role.REQUESTER, Role.AGENT, Role.MANAGER, Role.ADMIN]


def make_cast() -> SimpleNamespace:
    """The people of a test: two customer organizations with a requester each,
    a service desk with an agent and its manager, a network team with its own
    agent, and an administrator. Each has an API token (``cast.tokens``)."""
    org_a = Organization.objects.create(name="Acme Corp")
    org_b = Organization.objects.create(name="Globex")

    def person(username, role, org=None, **extra):
        user = User.objects.create_user(username=username, password=PASSWORD, role=role,
                                        organization=org, email=f"{username}@example.com",
                                        first_name=username.capitalize(), **extra)
        return user

    cast = SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        requester=person("rita", Role.REQUESTER, org_a),
        colleague=person("carl", Role.REQUESTER, org_a),
        requester_b=person("bob", Role.REQUESTER, org_b),
        agent=person("alice", Role.AGENT),
        agent2=person("nick", Role.AGENT),
        manager=person("maria", Role.MANAGER),
        admin=person("root", Role.ADMIN, is_staff=True, is_superuser=True),
    )
    cast.service_desk = Group.objects.create(name="Service Desk", manager=cast.manager,
                                             is_service_desk=True)
    cast.service_desk.members.add(cast.agent, cast.manager)
    cast.network = Group.objects.create(name="Network", manager=cast.manager)
    cast.network.members.add(cast.agent2)
    cast.tokens = {}
    for name in ("requester", "colleague", "requester_b", "agent", "agent2", "manager",
                 "admin"):
        _, raw = create_token(getattr(cast, name), name="test")
        cast.tokens[name] = raw
    cast.by_role = {
        Role.REQUESTER: cast.requester, Role.AGENT: cast.agent,
        Role.MANAGER: cast.manager, Role.ADMIN: cast.admin,
    }
    return cast


def snapshot(*objs) -> dict:
    """What a refusal must leave as it was: each object's stored column
    values and many-to-many members (read again from the database), and,
    for each object's model, how many rows it has and how many journal
    entries and links exist in all."""
    from django.contrib.contenttypes.models import ContentType

    from servista.core.models import JournalEntry, Link

    state = {"journal": JournalEntry.objects.count(), "links": Link.objects.count()}
    for obj in objs:
        model = type(obj)
        fresh = model._base_manager.filter(pk=obj.pk).first()
        key = f"{model._meta.label}#{obj.pk}"
        state[f"{model._meta.label} rows"] = model._base_manager.count()
        if fresh is None:
            state[key] = None
            continue
        values = {f.attname: getattr(fresh, f.attname) for f in model._meta.concrete_fields}
        for field in model._meta.many_to_many:
            values[field.name] = sorted(getattr(fresh, field.name).values_list("pk", flat=True))
        values["journal entries"] = JournalEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=obj.pk).count()
        state[key] = values
    return state


@contextmanager
def nothing_changed(*objs):
    """``with nothing_changed(incident): <a refused request>``: fails when the
    block changed a column, a many-to-many member, a row count or the journal
    of any of the objects (a refusal stores nothing)."""
    before = snapshot(*objs)
    yield
    after = snapshot(*objs)
    changed = {key: (before[key], after.get(key))
               for key in before if before[key] != after.get(key)}
    assert not changed, f"a refused operation changed stored data: {changed}"


def forward_relations(model, leave_out=()) -> list:
    """The relation fields of ``model`` that point to other rows (foreign
    keys and many-to-many), but those named in ``leave_out``."""
    return [f for f in model._meta.get_fields()
            if f.concrete and f.is_relation and (f.many_to_one or f.many_to_many)
            and f.name not in leave_out]


def relations_left_empty(model, objects, leave_out=()) -> list[str]:
    """The relations of ``model`` that none of ``objects`` fills: a query
    count over those objects cannot see a missing join or prefetch of them."""
    empty = []
    for field in forward_relations(model, leave_out):
        if field.many_to_many:
            filled = any(getattr(obj, field.name).exists() for obj in objects)
        else:
            filled = any(getattr(obj, field.attname) is not None for obj in objects)
        if not filled:
            empty.append(field.name)
    return empty


def form_data(form, changes: dict) -> dict:
    """What a browser sends for an unbound ``form`` after typing ``changes``:
    each field as the form renders it (``BoundField.value()``)."""
    data = {}
    for name in form.fields:
        value = changes[name] if name in changes else form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [v.pk if hasattr(v, "pk") else v for v in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = "" if value is None else value
    return data


class QueryCountCase:
    """The query-count check of a list: one page of objects that fill every
    relation, then five times as many; the number of queries must not move.
    ``make_filled_objects()`` gives objects that together fill every
    relation of the model (the check fails when they leave one empty, since
    it could not see a missing join or prefetch of it);
    ``unshown_relations`` names relations the list does not show."""

    unshown_relations: tuple[str, ...] = ()

    def make_filled_objects(self) -> list:
        return [self.make_object()]

    def assert_queries_flat(self, count_queries) -> None:
        first = self.make_filled_objects()
        empty = relations_left_empty(self.model, first, self.unshown_relations)
        self.assertFalse(empty, f"the objects of make_filled_objects() leave {empty} empty: "
                                "the query count cannot see a missing join or prefetch")
        few = count_queries()
        for _ in range(4):
            self.make_filled_objects()
        many = count_queries()
        self.assertEqual(few, many, "list queries grow with the number of rows (N+1)")


@functools.cache
def openapi_components() -> dict:
    from servista.api.api import api

    return api.get_openapi_schema()["components"]


def role_below(role: str) -> str | None:
    index = ROLE_ORDER.index(role)
    return ROLE_ORDER[index - 1] if index > 0 else None


@dataclass
class APIResponse:
    status: int
    data: object
    headers: dict

    def __repr__(self):
        return f"<APIResponse {self.status} {self.data!r}>"


class ServistaTestCase(TestCase):
    """Gives ``self.cast`` and ``self.api(...)`` (token-authenticated calls)."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def token_for(self, user) -> str:
        for name, raw in self.cast.tokens.items():
            if getattr(self.cast, name) == user:
                return raw
        _, raw = create_token(user, name="test")
        return raw

    def api(self, method: str, url: str, user=None, data=None, headers=None) -> APIResponse:
        extra = {}
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token_for(user)}"
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        call = getattr(self.client, method.lower())
        if method.upper() in ("GET", "DELETE"):
            response = call(url, data or {}, **extra)
        else:
            response = call(url, json.dumps(data if data is not None else {}),
                            content_type="application/json", **extra)
        body = response.content
        parsed = json.loads(body) if body and response["Content-Type"].startswith(
            "application/json") else body
        return APIResponse(response.status_code, parsed, dict(response.headers))

    def assertStatus(self, response: APIResponse, status: int):  # noqa: N802
        self.assertEqual(response.status, status, f"expected {status}, got {response}")

    def assertNothingChanged(self, *objs):  # noqa: N802
        """Context manager: the block (a refused request) leaves ``objs``,
        their tables and the journal as they were."""
        return nothing_changed(*objs)


class APIViewTestCases:
    """Mixins generating the standard API tests of a resource."""

    class Base(ServistaTestCase):
        model = None
        api_base = ""
        lookup_field = "pk"  # attribute whose value addresses the object in URLs

        def make_object(self):
            raise NotImplementedError("declare make_object() on the test class")

        def url(self, obj=None) -> str:
            if obj is None:
                return self.api_base
            return f"{self.api_base}/{getattr(obj, self.lookup_field)}"

        def assertMatchesSchema(self, data):  # noqa: N802
            """The answer is what the published OpenAPI document promises."""
            import jsonschema

            from servista.core.model_api import ModelAPI

            name = ModelAPI.registry[self.model].out_schema.__name__
            jsonschema.validate(data, {"$ref": f"#/components/schemas/{name}",
                                       "components": openapi_components()})

    class GetObjectTest(Base):
        view_role = Role.REQUESTER
        # A user who may not see objects made by make_object() (404), if any.
        hidden_from: str | None = None

        def test_get_object(self):
            obj = self.make_object()
            r = self.api("GET", self.url(obj), self.cast.by_role[self.view_role])
            self.assertStatus(r, 200)
            self.assertEqual(r.data["id"], obj.pk)
            self.assertMatchesSchema(r.data)

        def test_get_object_refused(self):
            obj = self.make_object()
            r = self.api("GET", self.url(obj))
            self.assertStatus(r, 401)
            if self.hidden_from:
                r = self.api("GET", self.url(obj), getattr(self.cast, self.hidden_from))
                self.assertStatus(r, 404)

    class ListObjectsTest(QueryCountCase, Base):
        view_role = Role.REQUESTER

        def test_list_objects(self):
            objs = [self.make_object() for _ in range(3)]
            r = self.api("GET", self.url(), self.cast.by_role[self.view_role],
                         {"limit": 500})
            self.assertStatus(r, 200)
            ids = {item["id"] for item in r.data["items"]}
            self.assertTrue({o.pk for o in objs} <= ids)
            for item in r.data["items"]:
                self.assertMatchesSchema(item)
            self.assertGreaterEqual(r.data["count"], 3)

        def count_list_queries(self) -> int:
            token = self.token_for(self.cast.by_role[self.view_role])
            # The first request warms the caches (token, content types).
            for _ in range(2):
                with CaptureQueriesContext(connection) as ctx:
                    response = self.client.get(self.url(), {"limit": 500},
                                               HTTP_AUTHORIZATION=f"Bearer {token}")
                self.assertEqual(response.status_code, 200)
            return len(ctx.captured_queries)

        def test_list_queries_do_not_grow_with_rows(self):
            self.assert_queries_flat(self.count_list_queries)

        def test_list_refused_without_auth(self):
            self.assertStatus(self.api("GET", self.url()), 401)

    class CreateObjectTest(Base):
        create_role = Role.AGENT
        create_data: dict = {}
        # (data, field): a create that must fail with 422 naming ``field``.
        invalid_create_data: tuple[dict, str] | None = None

        def get_create_data(self) -> dict:
            return dict(self.create_data)

        def test_create_object(self):
            before = self.model._default_manager.count()
            r = self.api("POST", self.url(), self.cast.by_role[self.create_role],
                         self.get_create_data())
            self.assertStatus(r, 201)
            self.assertEqual(self.model._default_manager.count(), before + 1)
            self.assertTrue(self.model._default_manager.filter(pk=r.data["id"]).exists())
            self.assertMatchesSchema(r.data)

        def test_create_refused_for_lower_role(self):
            lower = role_below(self.create_role)
            with self.assertNothingChanged(self.make_object()):
                if lower is None:
                    # Every signed-in role may create: the refused side is anonymity.
                    r = self.api("POST", self.url(), None, self.get_create_data())
                    self.assertStatus(r, 401)
                else:
                    r = self.api("POST", self.url(), self.cast.by_role[lower],
                                 self.get_create_data())
                    self.assertStatus(r, 403)

        def test_create_invalid(self):
            self.assertIsNotNone(self.invalid_create_data,
                                 "declare invalid_create_data = (data, field)")
            data, field = self.invalid_create_data
            with self.assertNothingChanged(self.make_object()):
                r = self.api("POST", self.url(), self.cast.by_role[self.create_role],
                             {**self.get_create_data(), **data})
                self.assertStatus(r, 422)
                self.assertIn(field, r.data["errors"])

    class UpdateObjectTest(Base):
        update_role = Role.AGENT
        update_data: dict = {}

        def test_update_object(self):
            obj = self.make_object()
            r = self.api("PATCH", self.url(obj), self.cast.by_role[self.update_role],
                         self.update_data)
            self.assertStatus(r, 200)
            self.assertMatchesSchema(r.data)
            obj.refresh_from_db()
            for name, value in self.update_data.items():
                current = getattr(obj, name)
                if hasattr(current, "pk"):
                    current = current.pk
                self.assertEqual(current, value, name)

        def test_update_refused_for_lower_role(self):
            lower = role_below(self.update_role)
            obj = self.make_object()
            with self.assertNothingChanged(obj):
                r = self.api("PATCH", self.url(obj), self.cast.by_role[lower], self.update_data)
                self.assertIn(r.status, (403, 404), r)

    class APIViewTestCase(GetObjectTest, ListObjectsTest, CreateObjectTest, UpdateObjectTest):
        """All the standard tests."""


class ViewTestCases:
    """Mixins generating the standard web page tests of a model."""

    class Base(ServistaTestCase):
        model = None
        list_url = ""

        def make_object(self):
            raise NotImplementedError("declare make_object() on the test class")

        def detail_url(self, obj) -> str:
            return obj.get_absolute_url()

        def page(self, url, user=None, data=None, method="get", **extra):
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            call = getattr(self.client, method)
            return call(url, data or {}, **extra)

    class ListViewTest(QueryCountCase, Base):
        view_role = Role.AGENT

        def test_list_shows_objects(self):
            obj = self.make_object()
            r = self.page(self.list_url, self.cast.by_role[self.view_role])
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, self.detail_url(obj))

        def test_list_needs_sign_in(self):
            r = self.page(self.list_url)
            self.assertEqual(r.status_code, 302)
            self.assertIn("/login/", r["Location"])

        def count_list_queries(self) -> int:
            self.client.force_login(self.cast.by_role[self.view_role])
            for _ in range(2):  # the first one warms the caches
                with CaptureQueriesContext(connection) as ctx:
                    self.assertEqual(self.client.get(self.list_url).status_code, 200)
            return len(ctx.captured_queries)

        def test_list_queries_do_not_grow_with_rows(self):
            self.assert_queries_flat(self.count_list_queries)

    class DetailViewTest(Base):
        view_role = Role.AGENT
        hidden_from: str | None = None   # cast member who must get 404 (or a redirect away)

        def test_detail(self):
            obj = self.make_object()
            r = self.page(self.detail_url(obj), self.cast.by_role[self.view_role])
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, str(obj))

        def test_detail_refused(self):
            obj = self.make_object()
            r = self.page(self.detail_url(obj))
            self.assertEqual(r.status_code, 302)
            self.assertIn("/login/", r["Location"])
            if self.hidden_from:
                r = self.page(self.detail_url(obj), getattr(self.cast, self.hidden_from),
                              follow=True)
                self.assertEqual(r.status_code, 404)

    class CreateViewTest(Base):
        create_url = ""
        create_role = Role.AGENT
        form_data: dict = {}
        # (data, field): a submission that must come back with an error on field.
        invalid_form_data: tuple[dict, str] | None = None

        def get_form_data(self) -> dict:
            return dict(self.form_data)

        def test_create(self):
            before = self.model._default_manager.count()
            r = self.page(self.create_url, self.cast.by_role[self.create_role],
                          self.get_form_data(), method="post")
            self.assertEqual(r.status_code, 302, getattr(r, "context", None) and
                             r.context.get("form") and r.context["form"].errors)
            self.assertEqual(self.model._default_manager.count(), before + 1)

        def test_create_refused_for_lower_role(self):
            lower = role_below(self.create_role)
            with self.assertNothingChanged(self.make_object()):
                r = self.page(self.create_url, self.cast.by_role[lower] if lower else None,
                              self.get_form_data(), method="post")
                self.assertIn(r.status_code, (302, 403))

        def test_create_invalid_shows_error(self):
            self.assertIsNotNone(self.invalid_form_data, "declare invalid_form_data")
            data, field = self.invalid_form_data
            with self.assertNothingChanged(self.make_object()):
                r = self.page(self.create_url, self.cast.by_role[self.create_role],
                              {**self.get_form_data(), **data}, method="post")
                self.assertEqual(r.status_code, 422)
                self.assertIn(field, r.context["form"].errors)

    class EditViewTest(Base):
        edit_role = Role.AGENT
        edit_data: dict = {}

        def edit_url(self, obj) -> str:
            raise NotImplementedError("declare edit_url(obj)")

        def test_edit(self):
            obj = self.make_object()
            r = self.page(self.edit_url(obj), self.cast.by_role[self.edit_role])
            self.assertEqual(r.status_code, 200)
            data = form_data(r.context["form"], self.edit_data)
            r = self.page(self.edit_url(obj), self.cast.by_role[self.edit_role], data,
                          method="post")
            self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
            obj.refresh_from_db()
            for name, value in self.edit_data.items():
                self.assertEqual(getattr(obj, name), value)

        def test_edit_refused_for_lower_role(self):
            obj = self.make_object()
            lower = role_below(self.edit_role)
            with self.assertNothingChanged(obj):
                r = self.page(self.edit_url(obj), self.cast.by_role[lower], self.edit_data,
                              method="post")
                self.assertIn(r.status_code, (302, 403, 404))


class RecordKitTestCases:
    """What every practice built on the work-record kit gets, checked through
    its three faces: numbering and the journal, comments and work notes,
    links, a declared action in the API, on the page and on the command
    line, bulk, search, the page frame, final states, stale versions,
    affected items. Each check is made from both sides and a refusal
    changes nothing. A test class names the practice::

        class ChoreKitTest(RecordKitTestCases.KitTest):
            model = Chore
            api_base, page_base, cli = "/api/v1/chores", "/chores/", "chore"
            create_data = {"short_description": "Water the plants"}
            action, action_data, action_cli = "finish", {"reason": "Done"}, ["--reason", "Done"]
            action_state, action_user, action_refused_user = "done", "manager", "agent"
            final_state, final_data = "dropped", {"reason": "Not needed"}
    """

    class KitTest(ServistaTestCase):
        model = None
        api_base = ""
        page_base = ""
        cli = ""
        create_data: dict = {}
        action = ""
        action_data: dict = {}
        action_cli: list = []
        action_state = ""
        action_user = "agent"
        action_refused_user = "requester"
        final_state = ""
        final_data: dict = {}
        # Two plain edits for the stale-version check, and the options and
        # values of the command line's create (records ranked otherwise than
        # by urgency, or not at all, name other fields).
        stale_edits: tuple[dict, dict] = ({"urgency": 1}, {"urgency": 3})
        cli_create_options: tuple = ("--urgency", "1")
        cli_created: dict = {"urgency": 1}

        # --- helpers -------------------------------------------------------------

        def make_record(self):
            r = self.api("POST", self.api_base, self.cast.agent, self.create_data)
            self.assertStatus(r, 201)
            return self.model.objects.get(pk=r.data["id"])

        @property
        def service(self):
            from servista.core.model_api import ModelAPI

            return ModelAPI.registry[self.model].service

        @property
        def actions(self):
            from servista.core.model_api import ModelAPI

            return ModelAPI.registry[self.model].actions

        def run_cli(self, *args) -> str:
            import io

            from django.core.management import call_command

            out = io.StringIO()
            call_command(self.cli, *args, stdout=out, stderr=io.StringIO())
            return out.getvalue()

        def entries(self, record):
            from servista.core.models import JournalEntry

            return list(JournalEntry.objects.for_record(record))

        # --- numbering and the journal ------------------------------------------------

        def test_created_with_a_number_and_journaled(self):
            r = self.api("POST", self.api_base, self.cast.agent, self.create_data)
            self.assertStatus(r, 201)
            self.assertTrue(r.data["number"].startswith(self.model.number_prefix))
            record = self.model.objects.get(number=r.data["number"])
            (created,) = self.entries(record)
            self.assertEqual((created.body, created.origin, created.actor),
                             ("Created", "api", self.cast.agent))
            self.assertIn("short_description", created.changes)
            r = self.api("GET", f"{self.api_base}/{record.number}/journal", self.cast.agent)
            self.assertEqual([e["body"] for e in r.data], ["Created"])

        def test_create_refused_without_sign_in_or_a_description(self):
            with self.assertNothingChanged(self.make_record()):
                self.assertStatus(self.api("POST", self.api_base, None, self.create_data), 401)
                r = self.api("POST", self.api_base, self.cast.agent,
                             {**self.create_data, "short_description": " "})
                self.assertStatus(r, 422)
                self.assertIn("short_description", r.data["errors"])

        # --- the activity stream ----------------------------------------------------------

        def test_comments_are_public_and_work_notes_staff_only(self):
            record = self.make_record()
            url = f"{self.api_base}/{record.number}/comments"
            r = self.api("POST", url, self.cast.agent, {"body": "Looking into it"})
            self.assertStatus(r, 201)
            r = self.api("POST", url, self.cast.agent, {"body": "Vendor case 42",
                                                         "kind": "work_note"})
            self.assertStatus(r, 201)
            kinds = [e.kind for e in self.entries(record)]
            self.assertEqual(kinds[-2:], ["comment", "work_note"])
            with self.assertNothingChanged(record):
                r = self.api("POST", url, self.cast.requester_b, {"body": "x",
                                                                  "kind": "work_note"})
                self.assertIn(r.status, (403, 404))
                r = self.api("POST", url, self.cast.agent, {"body": ""})
                self.assertStatus(r, 422)
            # The page's activity panel takes them too.
            self.client.force_login(self.cast.agent)
            r = self.client.post(f"{self.page_base}{record.number}/comment/",
                                 {"body": "From the page", "kind": "comment"},
                                 HTTP_HX_REQUEST="true")
            self.assertContains(r, "From the page")
            self.assertEqual(self.entries(record)[-1].origin, "web")

        def test_links_both_ways(self):
            first, second = self.make_record(), self.make_record()
            r = self.api("POST", f"{self.api_base}/{first.number}/links", self.cast.agent,
                         {"target": second.number, "kind": "duplicate_of"})
            self.assertStatus(r, 201)
            self.assertEqual(r.data["label"], "duplicate of")
            r = self.api("GET", f"{self.api_base}/{second.number}/links", self.cast.agent)
            self.assertEqual([(link["other"], link["label"]) for link in r.data],
                             [(first.number, "has duplicate")])
            self.assertIn("Linked", self.entries(second)[-1].body)
            with self.assertNothingChanged(first, second):
                r = self.api("POST", f"{self.api_base}/{first.number}/links", self.cast.agent,
                             {"target": second.number, "kind": "no_such_kind"})
                self.assertStatus(r, 422)
                self.assertIn("kind", r.data["errors"])

        # --- a declared action in the three faces -----------------------------------------

        def test_action_through_the_api_the_page_and_the_command_line(self):
            user = getattr(self.cast, self.action_user)
            action = self.actions.get(self.action)
            by_api, by_page, by_cli = (self.make_record() for _ in range(3))

            r = self.api("POST", f"{self.api_base}/{by_api.number}/{action.api_path}", user,
                         self.action_data)
            self.assertStatus(r, 200)
            self.assertEqual(r.data["state"], self.action_state)

            self.client.force_login(user)
            page = self.client.get(f"{self.page_base}{by_page.number}/")
            self.assertContains(page, f'id="action-{action.name}"')
            r = self.client.post(f"{self.page_base}{by_page.number}/{action.name}/",
                                 self.action_data, HTTP_HX_REQUEST="true")
            self.assertEqual(r.status_code, 204, getattr(r, "content", b"")[:500])

            out = self.run_cli(action.cli_verb, "--as", user.username, by_cli.number,
                               *self.action_cli)
            self.assertIn(by_cli.number, out)

            for record, origin in ((by_api, "api"), (by_page, "web"), (by_cli, "cli")):
                record.refresh_from_db()
                self.assertEqual(record.state, self.action_state, origin)
                self.assertEqual(self.entries(record)[-1].origin, origin)

        def test_action_refused_in_the_three_faces(self):
            from django.core.management.base import CommandError

            refused = getattr(self.cast, self.action_refused_user)
            action = self.actions.get(self.action)
            record = self.make_record()
            with self.assertNothingChanged(record):
                r = self.api("POST", f"{self.api_base}/{record.number}/{action.api_path}",
                             refused, self.action_data)
                self.assertIn(r.status, (403, 404))
                self.client.force_login(refused)
                page = self.client.get(f"{self.page_base}{record.number}/")
                if page.status_code == 200:  # staff: the page, without the button
                    self.assertNotContains(page, f'id="action-{action.name}"')
                r = self.client.post(f"{self.page_base}{record.number}/{action.name}/",
                                     self.action_data)
                self.assertIn(r.status_code, (302, 403, 404))
                with self.assertRaises(CommandError):
                    self.run_cli(action.cli_verb, "--as", refused.username, record.number,
                                 *self.action_cli)

        # --- bulk ------------------------------------------------------------------------

        def test_bulk_take_through_the_api_and_the_bar(self):
            first, second, third = (self.make_record() for _ in range(3))
            r = self.api("POST", f"{self.api_base}/bulk", self.cast.agent,
                         {self.api_base.rsplit("/", 1)[1].replace("-", "_"):
                          [first.number, str(second.pk), "nope"], "action": "take"})
            self.assertStatus(r, 200)
            self.assertEqual(r.data["done"], [first.number, second.number])
            self.assertEqual(list(r.data["failed"]), ["nope"])
            self.client.force_login(self.cast.agent)
            r = self.client.post(f"{self.page_base}bulk/", {"selection": [third.number],
                                                             "action": "take"})
            self.assertEqual(r.status_code, 302)
            for record in (first, second, third):
                record.refresh_from_db()
                self.assertEqual(record.assigned_to, self.cast.agent)

        # --- search and the page frame ---------------------------------------------------

        def test_search_by_words_and_by_number(self):
            record = self.make_record()
            word = record.short_description.split()[-1]
            r = self.api("GET", self.api_base, self.cast.agent, {"q": word})
            self.assertIn(record.number, [item["number"] for item in r.data["items"]])
            self.client.force_login(self.cast.agent)
            r = self.client.get("/search/", {"q": word})
            self.assertContains(r, record.number)
            r = self.client.get("/search/", {"q": record.number.lower()})
            self.assertRedirects(r, record.get_absolute_url(), fetch_redirect_response=False)

        def test_the_frame_shows_the_practice_to_the_staff_only(self):
            self.client.force_login(self.cast.agent)
            r = self.client.get("/search/")
            self.assertContains(r, f'href="{self.page_base}"')
            self.assertContains(r, f'href="{self.page_base}new/"')
            self.client.force_login(self.cast.requester)
            r = self.client.get("/search/")
            self.assertNotContains(r, f'href="{self.page_base}"')
            r = self.client.get(self.page_base)
            self.assertEqual(r.status_code, 302)  # to the requester's home

        # --- final states, versions, affected items -----------------------------------------

        def test_a_final_record_takes_no_more_work(self):
            record = self.make_record()
            self.service.change_state(record, self.cast.agent, self.final_state,
                                      **self.final_data)
            record.refresh_from_db()
            with self.assertNothingChanged(record):
                r = self.api("POST", f"{self.api_base}/{record.number}/comments",
                             self.cast.agent, {"body": "Too late"})
                self.assertStatus(r, 409)
                r = self.api("PATCH", f"{self.api_base}/{record.number}", self.cast.agent,
                             {"short_description": "Changed"})
                self.assertStatus(r, 409)

        def test_a_stale_version_changes_nothing(self):
            record = self.make_record()
            first, second = self.stale_edits
            r = self.api("PATCH", f"{self.api_base}/{record.number}", self.cast.agent,
                         first, headers={"If-Match": '"1"'})
            self.assertStatus(r, 200)
            self.assertEqual(r.headers["ETag"], '"2"')
            record.refresh_from_db()
            with self.assertNothingChanged(record):
                r = self.api("PATCH", f"{self.api_base}/{record.number}", self.cast.agent,
                             second, headers={"If-Match": '"1"'})
                self.assertStatus(r, 412)

        def test_affected_services_and_items(self):
            from servista.catalog.factories import ServiceFactory
            from servista.cmdb.factories import ConfigurationItemFactory

            record = self.make_record()
            mail, gateway = ServiceFactory(name="Mail"), ConfigurationItemFactory(name="mx-01")
            r = self.api("PATCH", f"{self.api_base}/{record.number}", self.cast.agent,
                         {"affected_services": ["Mail"], "affected_cis": [gateway.pk]})
            self.assertStatus(r, 200)
            self.assertEqual([s["display"] for s in r.data["affected_services"]], ["Mail"])
            self.assertEqual([c["display"] for c in r.data["affected_cis"]], ["mx-01"])
            change = self.entries(record)[-1].changes
            self.assertEqual(change["affected_services"]["new_display"], "Mail")
            self.client.force_login(self.cast.agent)
            self.assertContains(self.client.get(record.get_absolute_url()), "mx-01")
            r = self.api("GET", self.api_base, self.cast.agent, {"affects_ci": "mx-01"})
            self.assertEqual([item["number"] for item in r.data["items"]], [record.number])
            del mail
            record.refresh_from_db()
            with self.assertNothingChanged(record):
                r = self.api("PATCH", f"{self.api_base}/{record.number}", self.cast.agent,
                             {"affected_cis": ["no-such-item"]})
                self.assertStatus(r, 422)
                self.assertIn("affected_cis", r.data["errors"])

        # --- the command line -------------------------------------------------------------

        def test_command_line_creates_lists_shows_updates_and_comments(self):
            number = self.run_cli("create", "--as", "alice", "-s", "Printer on floor 3 jams",
                                  *self.cli_create_options).strip()
            record = self.model.objects.get(number=number)
            self.assertEqual(record.opened_by, self.cast.agent)
            for name, value in self.cli_created.items():
                self.assertEqual(getattr(record, name), value, name)
            self.assertIn(number, self.run_cli("list", "--as", "alice", "-q", "printer"))
            self.run_cli("update", "--as", "alice", number, "--set", "group=Network")
            self.run_cli("comment", "--as", "alice", number, "Toner ordered", "--work-note")
            shown = self.run_cli("show", "--as", "alice", number)
            self.assertIn("Network", shown)
            self.assertIn("Toner ordered", shown)
            self.assertEqual({e.origin for e in self.entries(record)}, {"cli"})
