"""Health check, the API documents and the offline assets."""

import re
from unittest import mock

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.utils import OperationalError

from servista.testing import ServistaTestCase


class PlatformTest(ServistaTestCase):
    databases = set(settings.DATABASES)  # /healthz checks every connection
    def test_healthz_checks_the_database(self):
        from django.db import connection

        from servista.core.tasks import Heartbeat

        Heartbeat("embedded").beat(force=True)
        r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["status"], "ok")
        with mock.patch.object(connection, "cursor",
                               side_effect=OperationalError("database is down")):
            r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 503)
        self.assertIn("database is down", r.json()["checks"]["databases"]["default"])

    def test_openapi_and_docs_from_local_assets(self):
        spec = self.client.get("/api/v1/openapi.json").json()
        self.assertTrue(spec["openapi"].startswith("3."))
        self.assertIn("/api/v1/incidents/{ident}", spec["paths"])
        docs = self.client.get("/api/v1/docs").content.decode()
        self.assertNotRegex(docs, r"https?://(cdn|unpkg|cdnjs)")
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', docs):
            self.assertIsNotNone(finders.find(asset.removeprefix("/static/")), asset)

    def test_pages_load_no_asset_from_another_host(self):
        self.client.force_login(self.cast.agent)
        page = self.client.get("/incidents/").content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|svg|woff2?))"', page)
        self.assertTrue(assets)
        for asset in assets:
            self.assertTrue(asset.startswith("/static/"), asset)
            self.assertIsNotNone(finders.find(asset.removeprefix("/static/")), asset)
