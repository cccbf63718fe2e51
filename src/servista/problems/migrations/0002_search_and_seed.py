from django.db import migrations

from servista.core.search import SearchIndex

RISK = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}
RULES = [
    ("Same configuration item, 5 in 7 days", "configuration_item", 5, 7),
    ("Same subcategory, 20 in 7 days", "subcategory", 20, 7),
    ("Same service, 30 in 7 days", "service", 30, 7),
]


def seed(apps, schema_editor):
    RiskMatrix = apps.get_model("problems", "RiskMatrix")
    RepeatRule = apps.get_model("problems", "RepeatRule")
    for (impact, probability), priority in RISK.items():
        RiskMatrix.objects.get_or_create(impact=impact, probability=probability,
                                         defaults={"priority": priority})
    for name, dimension, threshold, days in RULES:
        RepeatRule.objects.get_or_create(name=name, defaults={
            "dimension": dimension, "threshold": threshold, "window_days": days})


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [
        # The same fields as problems/search.py registers.
        SearchIndex("Problem", ["short_description", "symptoms", "description", "root_cause",
                                "workaround"]),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
