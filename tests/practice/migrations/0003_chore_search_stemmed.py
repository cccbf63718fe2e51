from django.db import migrations

from servista.core.search import RemoveSearchIndex, SearchIndex


class Migration(migrations.Migration):
    dependencies = [("practice", "0002_chore_search")]
    operations = [RemoveSearchIndex("Chore", ["short_description", "description"]),
                  SearchIndex("Chore", ["short_description", "description"])]
