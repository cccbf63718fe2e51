"""A requester learns nothing of another organization: a related record of
another organization (parent, child, link, duplicate) shows only that it
exists, by its number, never its title. The test walks every field of every
answer a requester can get, for every resource of the API (each GET of the
OpenAPI document, for each object the requester can reach) and every page
of the portal, in both directions."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from servista.api.api import api
from servista.core import services as records
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase

SECRET = {"Acme Corp": "ACME-ONLY-7f3a", "Globex": "GLOBEX-ONLY-c41d"}


def strings(value, path="$"):
    """Every text of a JSON answer, with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path + f".{key}", str(key)
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


class OrganizationIsolationTest(ServistaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cast = cls.cast
        cls.tickets = {}
        for org, caller in ((cast.org_a, cast.requester), (cast.org_b, cast.requester_b)):
            secret = SECRET[org.name]
            own = [IncidentFactory(caller=caller, short_description=f"{secret} printer {n}",
                                   description=f"Details only {org} may read: {secret}")
                   for n in range(3)]
            services.comment(own[0], caller, f"A comment of {org}: {secret}",
                             files=[SimpleUploadedFile(f"{secret}.txt", secret.encode())])
            services.resolve(own[2], cast.agent, resolution_code="solved_permanently",
                             resolution_notes=f"Fixed for {org}: {secret}")
            cls.tickets[org.name] = own
        a, b = cls.tickets["Acme Corp"], cls.tickets["Globex"]
        # Every kind of relation across the two organizations, both ways.
        services.set_parent(a[0], cast.agent, b[0])          # A's parent is B's
        services.set_parent(b[1], cast.agent, a[1])          # B's child of A's
        records.link(a[0], b[1], cast.agent, "relates_to")
        records.link(b[0], a[1], cast.agent, "duplicate_of")
        records.link(a[1], b[2], cast.agent, "caused_by")

    def walk_api(self, user) -> dict[str, object]:
        """Every answer of every GET operation this user can get: lists
        first, then each object of them by id and by number."""
        token = self.token_for(user)
        answers, idents = {}, {}
        paths = sorted(api.get_openapi_schema()["paths"].items(),
                       key=lambda item: item[0].count("{"))
        for path, operations in paths:
            if "get" not in operations:
                continue
            if "{" not in path:
                urls = [path]
            else:
                base = path.split("/{")[0]
                urls = [path.replace("{ident}", str(ident)) for ident in idents.get(base, ())]
                if path.endswith("/attachments/{file_id}"):
                    # Each file the record's list of files showed.
                    urls = [url.replace("{file_id}", str(file["id"])) for url in urls
                            for file in answers.get(url.rsplit("/", 1)[0], [])]
                self.assertNotIn("{", "".join(urls), f"a path parameter other than ident: {path}")
            for url in urls:
                parameters = operations["get"].get("parameters", [])
                query = {p["name"]: p.get("schema", {}).get("maximum", 500)
                         for p in parameters if p["name"] == "limit" and "{" not in path}
                # A required text (what the requester is typing) asks for the
                # words both organizations' tickets share.
                query.update({p["name"]: "printer" for p in parameters
                              if p["in"] == "query" and p.get("required")})
                r = self.client.get(url, query, HTTP_AUTHORIZATION=f"Bearer {token}")
                if r.status_code in (403, 404):
                    continue  # refused: nothing told
                if r.streaming:  # a file's content
                    self.assertEqual(r.status_code, 200, url)
                    answers[url] = b"".join(r.streaming_content).decode(errors="replace")
                    continue
                self.assertEqual(r.status_code, 200, (url, r.content[:300]))
                data = r.json()
                answers[url] = data
                if isinstance(data, dict) and isinstance(data.get("items"), list):
                    for item in data["items"]:
                        for key in ("id", "number"):
                            if isinstance(item, dict) and key in item:
                                idents.setdefault(path, set()).add(item[key])
        return answers

    def walk_portal(self, user) -> dict[str, str]:
        self.client.force_login(user)
        pages = {}
        for tab in ("open", "resolved", "all"):
            pages[f"/portal/?tab={tab}"] = self.client.get("/portal/", {"tab": tab})
        for ticket in self.tickets[user.organization.name]:
            url = f"/portal/tickets/{ticket.number}/"
            pages[url] = self.client.get(url)
        self.client.logout()
        for url, response in pages.items():
            self.assertEqual(response.status_code, 200, url)
        return {url: response.content.decode() for url, response in pages.items()}

    def check(self, user, other_org: str):
        secret = SECRET[other_org]
        own_secret = SECRET[user.organization.name]
        answers = self.walk_api(user)
        # The walk reached the requester's incidents, their journals and links.
        own = self.tickets[user.organization.name]
        for ticket in own:
            for suffix in ("", "/journal", "/links", "/attachments"):
                self.assertIn(f"/api/v1/incidents/{ticket.number}{suffix}", answers)
        fields = 0
        for url, data in answers.items():
            for where, text in strings(data):
                fields += 1
                self.assertNotIn(secret, text, f"{url} {where} tells of {other_org}")
        self.assertGreater(fields, 500)
        self.assertIn(own_secret, json.dumps(answers))  # their own records are all there
        for url, html in self.walk_portal(user).items():
            self.assertNotIn(secret, html, f"{url} tells of {other_org}")
        return answers

    def test_a_requester_of_acme_learns_nothing_of_globex(self):
        answers = self.check(self.cast.requester, "Globex")
        a, b = self.tickets["Acme Corp"], self.tickets["Globex"]
        # Related records of Globex: their number, that they exist.
        parent = answers[f"/api/v1/incidents/{a[0].number}"]["parent"]
        self.assertEqual((parent["number"], parent["display"]), (b[0].number, b[0].number))
        links = {(link["other"], link["other_display"])
                 for link in answers[f"/api/v1/incidents/{a[1].number}/links"]}
        self.assertEqual(links, {(b[0].number, b[0].number), (b[2].number, b[2].number)})

    def test_a_requester_of_globex_learns_nothing_of_acme(self):
        answers = self.check(self.cast.requester_b, "Acme Corp")
        a, b = self.tickets["Acme Corp"], self.tickets["Globex"]
        parent = answers[f"/api/v1/incidents/{b[1].number}"]["parent"]
        self.assertEqual((parent["number"], parent["display"]), (a[1].number, a[1].number))

    def test_staff_see_titles_of_related_records(self):
        a, b = self.tickets["Acme Corp"], self.tickets["Globex"]
        r = self.api("GET", f"/api/v1/incidents/{a[0].number}", self.cast.agent)
        self.assertEqual(r.data["parent"]["display"], f"{b[0].number} {b[0].short_description}")
        r = self.api("GET", f"/api/v1/incidents/{a[1].number}/links", self.cast.agent)
        self.assertIn(b[2].short_description, {link["other_display"] for link in r.data})
        # A requester sees the title of a related record of their own organization.
        r = self.api("GET", f"/api/v1/incidents/{b[0].number}", self.cast.requester_b)
        self.assertEqual(r.data["number"], b[0].number)
