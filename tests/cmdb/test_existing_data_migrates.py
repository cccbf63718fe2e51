"""The services and configuration items that exist before the CMDB's
migration keep working after it: the items keep their ids (so incidents'
references hold), take the new lifecycle and a unique identifier, and each
service gets its item in the graph, which depends on the items that named
it, so that impact analysis reaches the services at once."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from servista.cmdb import services
from servista.cmdb.models import ConfigurationItem


class ExistingDataMigrationTest(TransactionTestCase):
    serialized_rollback = True

    def test_items_and_services_migrate_into_the_graph(self):
        executor = MigrationExecutor(connection)
        executor.migrate([("cmdb", "0001_initial"), ("catalog", "0001_initial")])
        old = executor.loader.project_state([("cmdb", "0001_initial"),
                                             ("catalog", "0001_initial")]).apps
        Service = old.get_model("catalog", "Service")
        OldCI = old.get_model("cmdb", "ConfigurationItem")
        mail = Service.objects.create(name="Mail", status="live", criticality="high")
        OldCI.objects.create(name="Mail", ci_class="server", status="in_use", service=mail)
        gw = OldCI.objects.create(name="mx-01", ci_class="server", status="maintenance",
                                  service=mail)
        OldCI.objects.create(name="old-printer", ci_class="printer", status="retired")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

        items = {ci.name: ci for ci in ConfigurationItem.objects.select_related("ci_class")}
        self.assertEqual(items["mx-01"].pk, gw.pk)
        self.assertEqual((items["mx-01"].status, items["mx-01"].ci_class.name),
                         ("under_maintenance", "Server"))
        self.assertEqual(items["Mail"].status, "live")
        self.assertEqual(items["old-printer"].status, "retired")
        self.assertEqual(len({ci.identifier for ci in items.values()}), len(items))
        # The service's own item, named apart from the server called "Mail".
        own = items["Mail (service)"]
        self.assertEqual((own.ci_class.key, own.represents_id), ("business_service", mail.pk))
        reached = services.impact(items["mx-01"])
        self.assertEqual([r.ci.name for r in reached.services], ["Mail (service)"])
