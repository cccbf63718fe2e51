"""``servista ci``: the CMDB from the command line, as a given user.

    servista ci list     --as USER [--class server] [--status live] [--attribute os=linux] [-q web]
    servista ci show     --as USER NAME
    servista ci create   --as USER --name web-01 --class server [--attr cpu_count=8 ...]
    servista ci update   --as USER NAME [--status under_maintenance] [--attr cpu_count=16]
    servista ci relate   --as USER SOURCE TYPE TARGET        (e.g. erp-prod runs_on erp-app01)
    servista ci impact   --as USER NAME [--upstream] [--depth 6]
    servista ci import   --as USER FILE [--format csv|json] [--dry-run]
    servista ci export   --as USER [--format csv|json] [--class server] [-o FILE]
    servista ci baseline --as USER NAME [--class C | --service S | -q TEXT]
    servista ci diff     --as USER BASELINE [--against OTHER]

Every verb goes through ``cmdb.services`` (and ``transfer``, ``baselines``)
with the permissions of the web UI and the API; journal entries say 'cli';
bad input ends with a one-line message and a non-zero exit.
"""

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from servista.cmdb import baselines, services, transfer
from servista.cmdb.filtersets import CIFilterSet
from servista.cmdb.models import Baseline, ConfigurationItem
from servista.core import lookup
from servista.core.api import apply_filterset
from servista.core.context import audit_context
from servista.core.exceptions import DomainError
from servista.core.permissions import restrict
from servista.core.records.cli import one_line

FIELDS = ("short_name", "abbreviations", "status", "environment", "criticality",
          "organization", "owner_group", "owner", "service", "represents", "description")


class Command(BaseCommand):
    help = "List, show, create, relate, analyse, import and export configuration items."
    # Day-to-day commands skip Django's system checks (which load every URL
    # and API schema, seconds of start-up): `servista check`, `migrate` and
    # `serve` run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

        def verb(name, help_text):
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--as", dest="username", required=True, help="act as this user")
            return p

        def fields(p):
            for name in FIELDS:
                p.add_argument(f"--{name.replace('_', '-')}", dest=name)
            p.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE",
                           help="an attribute of the class (repeat)")

        p = verb("list", "items, filtered")
        p.add_argument("--class", dest="ci_class")
        p.add_argument("--status", action="append")
        p.add_argument("--environment", action="append")
        p.add_argument("--service")
        p.add_argument("--attribute", help="KEY=VALUE")
        p.add_argument("-q", "--search", dest="q")
        p.add_argument("--limit", type=int, default=50)
        p = verb("show", "an item, its attributes and relationships")
        p.add_argument("name")
        p = verb("create", "a new item")
        p.add_argument("--name", required=True)
        p.add_argument("--class", dest="ci_class", required=True)
        fields(p)
        p = verb("update", "change an item")
        p.add_argument("name")
        p.add_argument("--rename", dest="new_name")
        p.add_argument("--class", dest="ci_class")
        fields(p)
        p = verb("relate", "relate two items: SOURCE TYPE TARGET")
        p.add_argument("source")
        p.add_argument("type")
        p.add_argument("target")
        p = verb("impact", "what a failure of the item reaches, or what it depends on")
        p.add_argument("name")
        p.add_argument("--upstream", action="store_true", help="what it depends on")
        p.add_argument("--depth", type=int, default=services.DEFAULT_DEPTH)
        p = verb("import", "items from a CSV or JSON file ('-' for standard input)")
        p.add_argument("file")
        p.add_argument("--format", choices=("csv", "json"))
        p.add_argument("--dry-run", action="store_true", help="report, store nothing")
        p = verb("export", "items as CSV or JSON")
        p.add_argument("--format", choices=("csv", "json"), default="csv")
        p.add_argument("--class", dest="ci_class")
        p.add_argument("-o", "--output", help="file (default: standard output)")
        p = verb("baseline", "freeze a set of items with their attributes and relationships")
        p.add_argument("name")
        p.add_argument("--class", dest="ci_class")
        p.add_argument("--service")
        p.add_argument("-q", dest="q")
        p.add_argument("--description", default="")
        p = verb("diff", "what changed since a baseline (or between two)")
        p.add_argument("baseline")
        p.add_argument("--against", help="another baseline (default: now)")

    def handle(self, *args, verb, username, **options):
        actor = lookup.find(get_user_model()._default_manager.filter(is_active=True), username,
                            fields=("username",))
        if actor is None:
            raise CommandError(f"No active user '{username}'.")
        with audit_context("cli"):
            try:
                getattr(self, f"do_{verb}")(actor, **options)
            except DomainError as exc:
                raise CommandError(one_line(exc))

    # --- helpers ---

    def get(self, actor, name):
        ci = lookup.find(restrict(ConfigurationItem.objects.select_related("ci_class"), actor),
                         name, fields=("name",))
        if ci is None:
            raise CommandError(f"Configuration item {name} not found.")
        return ci

    def data(self, options) -> dict:
        data = {name: options[name] for name in FIELDS if options.get(name) is not None}
        if options.get("ci_class"):
            data["ci_class"] = options["ci_class"]
        attrs = {}
        for pair in options.get("attr") or []:
            key, sep, value = pair.partition("=")
            if not sep or not key:
                raise CommandError(f"--attr {pair}: give KEY=VALUE.")
            attrs[key] = value
        return data, attrs

    # --- verbs ---

    def do_list(self, actor, limit, **options):
        params = {k: options[k] for k in ("ci_class", "status", "environment", "service",
                                          "attribute", "q") if options.get(k)}
        qs = restrict(ConfigurationItem.objects.select_related("ci_class"), actor)
        qs = apply_filterset(CIFilterSet, None, qs, params)
        for ci in qs[:max(1, limit)]:
            self.stdout.write(f"{ci.name:<24} {ci.ci_class.name:<18} {ci.get_status_display():<18} "
                              f"{ci.get_environment_display()}")

    def do_show(self, actor, name, **options):
        ci = self.get(actor, name)
        rows = [("Name", ci.name), ("Identifier", ci.identifier), ("Class", ci.ci_class),
                ("Status", ci.get_status_display()),
                ("Environment", ci.get_environment_display()),
                ("Criticality", ci.get_criticality_display()),
                ("Owner group", ci.owner_group or "—"), ("Service", ci.service or "—")]
        for label, value in rows:
            self.stdout.write(f"{label + ':':<14}{value}")
        for row in services.attribute_rows(ci):
            if row["value"] is not None:
                self.stdout.write(f"  {row['label'] + ':':<20}{row['value']}")
        for row in services.relationships_of(ci):
            self.stdout.write(f"  {row['verb']} {row['other']}")

    def _attrs_with_current(self, ci, attrs):
        merged = dict(ci.attributes)
        merged.update(attrs)
        return {k: v for k, v in merged.items() if v != ""}

    def do_create(self, actor, name, **options):
        data, attrs = self.data(options)
        data["name"] = name
        data["attributes"] = attrs
        ci = services.create_ci(actor, data, from_text=True)
        self.stdout.write(ci.name)

    def do_update(self, actor, name, new_name, **options):
        ci = self.get(actor, name)
        data, attrs = self.data(options)
        if new_name:
            data["name"] = new_name
        if attrs:
            data["attributes"] = self._attrs_with_current(ci, attrs)
        ci = services.update_ci(ci, actor, data, from_text=True)
        self.stdout.write(f"{ci.name}: {ci.get_status_display()}")

    def do_relate(self, actor, source, type, target, **options):
        source_ci = self.get(actor, source)
        target_ci = self.get(actor, target)
        result = services.create_relationship(
            actor, {"type": type, "source": source_ci, "target": target_ci})
        rel = result.relationship
        self.stdout.write(f"{rel.source} {rel.type.name} {rel.target}"
                          + (" (closes a cycle)" if result.cycle else ""))

    def do_impact(self, actor, name, upstream, depth, **options):
        if not 1 <= depth <= services.MAX_DEPTH:
            raise CommandError(f"--depth: between 1 and {services.MAX_DEPTH}.")
        ci = self.get(actor, name)
        result = services.impact(ci, direction="upstream" if upstream else "downstream",
                                 depth=depth)
        for reached in result.items:
            mark = " [service]" if reached in result.services else ""
            path = " → ".join(step.name for step in reached.path)
            self.stdout.write(f"{reached.depth}  {reached.ci.name}{mark}  ({path})")
        names = ", ".join(r.ci.name for r in result.services) or "none"
        self.stdout.write(f"Services reached: {names}")

    def do_import(self, actor, file, format, dry_run, **options):
        fmt = format or ("json" if file.endswith(".json") else "csv")
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8-sig").read()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.")

        def progress(done, total):
            if total > transfer.CHUNK:
                self.stderr.write(f"\r{done} / {total} rows", ending="")
                if done == total:
                    self.stderr.write("")

        report = transfer.import_text(actor, text, fmt, dry_run=dry_run, progress=progress)
        for row in report.rows:
            if row.outcome == "rejected":
                self.stdout.write(f"line {row.line}: rejected: {row.reason}")
        data = report.as_dict()
        self.stdout.write(("Dry run: would have " if dry_run else "")
                          + f"created {data['created']}, updated {data['updated']}, "
                            f"unchanged {data['unchanged']}, rejected {data['rejected']}.")

    def do_export(self, actor, format, ci_class, output, **options):
        qs = restrict(ConfigurationItem.objects.all(), actor)
        text = transfer.export_text(qs, format, ci_class=ci_class)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text)
        else:
            self.stdout.write(text, ending="")

    def do_baseline(self, actor, name, ci_class, service, q, description, **options):
        baseline = baselines.take(actor, {"name": name, "ci_class": ci_class,
                                          "service": service, "q": q,
                                          "description": description})
        self.stdout.write(f"{baseline.name}: {len(baseline.items)} items, "
                          f"{len(baseline.relationships)} relationships")

    def do_diff(self, actor, baseline, against, **options):
        qs = restrict(Baseline.objects.all(), actor)
        first = lookup.find(qs, baseline, fields=("name",))
        other = lookup.find(qs, against, fields=("name",)) if against else None
        if first is None or (against and other is None):
            raise CommandError(f"Baseline {against if first else baseline} not found.")
        self.stdout.write(json.dumps(baselines.diff(first, other), indent=1,
                                     ensure_ascii=False, default=str))
