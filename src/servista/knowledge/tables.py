import django_tables2 as tables

from servista.core.records.tables import RecordTable

from .models import Article


class ArticleTable(RecordTable):
    short_description = tables.Column(verbose_name="Title", orderable=False)
    audience = tables.Column(orderable=False)
    owner = tables.Column(orderable=False)
    published = tables.TemplateColumn(
        "{% if record.published_version_id %}<span class='badge text-bg-success'>live</span>"
        "{% endif %}", orderable=False, verbose_name="Live")
    view_count = tables.Column(verbose_name="Views")
    helpful_count = tables.Column(verbose_name="Helpful", orderable=False)

    class Meta(RecordTable.Meta):
        model = Article
        fields = ("selection", "number", "short_description", "state", "published", "audience",
                  "owner", "view_count", "helpful_count", "updated_at")
        exclude = ("priority", "assignment_group", "assigned_to")
