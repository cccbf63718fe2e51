from django.db import migrations

from servista.core.search import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        # The same fields as knowledge/search.py registers.
        SearchIndex("Article", ["short_description", "description", "keywords"]),
        SearchIndex("ArticleVersion", ["title", "body", "keywords"]),
    ]
