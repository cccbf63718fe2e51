"""Import of CSV and JSON files reconciled by each class's identification
rules: the same file twice creates nothing the second time, bad rows are
reported with their line and reason and never stop the good ones, a dry
run stores nothing, and an export re-imports unchanged."""

import json
import os
import tempfile
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from servista.cmdb import transfer
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, ConfigurationItem
from servista.core.models import JournalEntry
from servista.testing import ServistaTestCase

HEADER = "name,ci_class,status,owner_group,serial_number,hostname,cpu_count,operating_system\n"


def csv_of(rows: list[str]) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


class ImportTest(ServistaTestCase):
    def run_import(self, text, fmt="csv", dry_run=False, user=None):
        return self.api("POST", "/api/v1/ci-import", user or self.cast.manager,
                        {"format": fmt, "content": text, "dry_run": dry_run})

    def test_the_same_file_twice_creates_nothing_the_second_time(self):
        text = csv_of([f"web-{i},server,live,Network,SN{i},web-{i}.example,{i % 8 + 1},linux"
                       for i in range(20)])
        first = self.run_import(text)
        self.assertStatus(first, 200)
        self.assertEqual((first.data["created"], first.data["rejected"]), (20, 0))
        journal = JournalEntry.objects.count()
        second = self.run_import(text)
        self.assertEqual((second.data["created"], second.data["updated"],
                          second.data["unchanged"]), (0, 0, 20))
        self.assertEqual(ConfigurationItem.objects.filter(name__startswith="web-").count(), 20)
        self.assertEqual(JournalEntry.objects.count(), journal)

    def test_three_bad_rows_among_a_thousand_store_the_others_and_are_reported(self):
        rows = [f"host-{i:04d},server,live,,SN-{i:04d},,4,linux" for i in range(1000)]
        rows[10] = "host-0010,server,live,,SN-0010,,four,linux"        # wrong type
        rows[500] = "host-0500,toaster,live,,SN-0500,,4,linux"         # unknown class
        rows[998] = "host-0998,server,exploded,,SN-0998,,4,linux"      # unknown status
        r = self.run_import(csv_of(rows))
        self.assertStatus(r, 200)
        self.assertEqual((r.data["created"], r.data["rejected"]), (997, 3))
        rejected = [(row["line"], row["name"]) for row in r.data["rows"]
                    if row["outcome"] == "rejected"]
        # The header is line 1: row i is on line i + 2.
        self.assertEqual(rejected, [(12, "host-0010"), (502, "host-0500"), (1000, "host-0998")])
        reasons = [row["reason"] for row in r.data["rows"] if row["outcome"] == "rejected"]
        self.assertIn("attributes.cpu_count", reasons[0])
        self.assertIn("ci_class", reasons[1])
        self.assertIn("status", reasons[2])
        self.assertEqual(ConfigurationItem.objects.filter(name__startswith="host-").count(), 997)
        self.assertFalse(ConfigurationItem.objects.filter(name="host-0500").exists())
        ci = ConfigurationItem.objects.get(name="host-0001")
        self.assertEqual(ci.attributes, {"serial_number": "SN-0001", "cpu_count": 4,
                                         "operating_system": "linux"})
        self.assertEqual(JournalEntry.objects.filter(
            content_type__model="configurationitem", object_id=ci.pk).count(), 1)

    def test_a_dry_run_reports_and_stores_nothing(self):
        existing = ConfigurationItemFactory(name="old-name",
                                            attributes={"serial_number": "SN-9"})
        text = csv_of(["renamed,server,live,,SN-9,,2,linux", "fresh,server,live,,SN-10,,2,",
                       "bad,server,live,,SN-11,,x,"])
        with self.assertNothingChanged(existing):
            r = self.run_import(text, dry_run=True)
        self.assertEqual((r.data["created"], r.data["updated"], r.data["rejected"]), (1, 1, 1))
        self.assertTrue(r.data["dry_run"])
        r = self.run_import(text)
        existing.refresh_from_db()
        self.assertEqual(existing.name, "renamed")            # found by its serial number
        self.assertEqual(existing.attributes["cpu_count"], 2)

    def test_identification_follows_the_class_rules_in_order(self):
        by_host = ConfigurationItemFactory(name="a", attributes={"hostname": "h1.example"})
        text = csv_of(["b,server,live,,,h1.example,,",        # no serial: the host name
                       "c,server,live,,SN-X,,,"])              # nobody has it: a new one
        r = self.run_import(text)
        self.assertEqual((r.data["updated"], r.data["created"]), (1, 1))
        by_host.refresh_from_db()
        self.assertEqual(by_host.name, "b")
        # SN-X is c's: renaming it to b, the name of another item, is refused.
        r = self.run_import(csv_of(["b,server,live,,SN-X,,,"]))
        self.assertEqual(r.data["rejected"], 1)
        self.assertIn("name", r.data["rows"][0]["reason"])

    def test_export_re_imports_unchanged_in_both_formats(self):
        room = ConfigurationItemFactory(name="room-1", ci_class=CIClass.objects.get(
            key="location"))
        ConfigurationItemFactory(name="s1", owner_group=self.cast.network, attributes={
            "serial_number": "S1", "cpu_count": 2, "memory_gb": 7.5, "location": room.pk,
            "purchase_date": "2026-02-01"})
        ConfigurationItemFactory(name="p1", ci_class=CIClass.objects.get(key="printer"),
                                 attributes={"colour": True}, description="Line one\nline two")
        for fmt in ("csv", "json"):
            with self.subTest(fmt=fmt):
                r = self.api("GET", "/api/v1/ci-export", self.cast.agent, {"format": fmt})
                self.assertStatus(r, 200)
                text = r.data if isinstance(r.data, str | bytes) else json.dumps(r.data)
                text = text.decode() if isinstance(text, bytes) else text
                journal = JournalEntry.objects.count()
                again = self.run_import(text, fmt=fmt)
                self.assertEqual((again.data["created"], again.data["updated"],
                                  again.data["rejected"], again.data["unchanged"]),
                                 (0, 0, 0, 3), again.data["rows"])
                self.assertEqual(JournalEntry.objects.count(), journal)

    def test_json_rows_take_typed_attributes(self):
        text = json.dumps([{"name": "j1", "ci_class": "server",
                            "attributes": {"cpu_count": 4, "operating_system": "windows"}},
                           {"name": "j2", "ci_class": "server",
                            "attributes": {"cpu_count": "many"}},
                           "not an object"])
        r = self.run_import(text, fmt="json")
        self.assertEqual((r.data["created"], r.data["rejected"]), (1, 2))
        self.assertEqual([row["line"] for row in r.data["rows"] if row["outcome"] == "rejected"],
                         [2, 3])

    def test_importing_needs_a_manager(self):
        with self.assertNothingChanged():
            self.assertStatus(self.run_import(csv_of(["x,server,live,,,,,"]),
                                              user=self.cast.agent), 403)

    def test_the_command_line_imports_with_a_report_and_exports(self):
        path = os.path.join(tempfile.mkdtemp(), "cis.csv")
        with open(path, "w") as f:
            f.write(csv_of(["cli-1,server,live,,SN-C1,,2,linux", "cli-2,server,live,,,,zz,"]))
        out = StringIO()
        call_command("ci", "import", path, "--dry-run", "--as", "maria", stdout=out)
        self.assertIn("line 3: rejected: attributes.cpu_count", out.getvalue())
        self.assertIn("Dry run: would have created 1", out.getvalue())
        self.assertFalse(ConfigurationItem.objects.filter(name="cli-1").exists())
        out = StringIO()
        call_command("ci", "import", path, "--as", "maria", stdout=out)
        self.assertIn("created 1, updated 0, unchanged 0, rejected 1.", out.getvalue())
        out = StringIO()
        call_command("ci", "export", "--class", "server", "--as", "alice", stdout=out)
        self.assertIn("cli-1,server", out.getvalue())
        with self.assertRaisesMessage(CommandError, "not allow importing"):
            call_command("ci", "import", path, "--as", "alice")

    def test_a_row_the_database_refuses_does_not_stop_the_chunk(self):
        importer = transfer.Importer(self.cast.manager, dry_run=False)
        report = transfer.Report(dry_run=False)
        importer.process([(2, {"name": "ok-1", "ci_class": "server"}),
                          (3, {"name": "x" * 201, "ci_class": "server"}),
                          (4, {"name": "ok-2", "ci_class": "server"})], report)
        self.assertEqual([r.outcome for r in report.rows], ["created", "rejected", "created"])
        self.assertEqual(ConfigurationItem.objects.filter(name__startswith="ok-").count(), 2)
