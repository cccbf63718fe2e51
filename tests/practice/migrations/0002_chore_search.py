from django.db import migrations

from servista.core.search import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial")]

    operations = [SearchIndex("Chore", ["short_description", "description"])]
