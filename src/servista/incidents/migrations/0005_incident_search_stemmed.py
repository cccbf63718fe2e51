from django.db import migrations

from servista.core.search import RemoveSearchIndex, SearchIndex


class Migration(migrations.Migration):
    """The incident index again, with stemming (PostgreSQL's English
    configuration, SQLite's Porter tokenizer) and the title weighing more."""

    dependencies = [
        ("incidents", "0004_affected_cis_and_services"),
    ]

    operations = [
        RemoveSearchIndex("Incident", ["short_description", "description"]),
        SearchIndex("Incident", ["short_description", "description"]),
    ]
