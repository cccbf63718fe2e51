from django.db import migrations

# The open incidents' own full-text index (PostgreSQL): the suggestions look
# for duplicates among the open incidents, a few percent of the table, and
# read this small index instead of the whole table's.
CREATE = ('CREATE INDEX IF NOT EXISTS "incidents_incident_open_search" ON "incidents_incident" '
          "USING gin (\"search_vector\") WHERE state IN ('new', 'in_progress', 'on_hold')")
DROP = 'DROP INDEX IF EXISTS "incidents_incident_open_search"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_routing")]
    operations = [migrations.RunPython(forwards, backwards)]
