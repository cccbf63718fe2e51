from django.db import migrations

from servista.core.search import SearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0002_list_indexes"),
    ]

    operations = [
        SearchIndex("Incident", ["short_description", "description"]),
    ]
