from django.db import migrations

DEFAULT_MATRIX = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}


def seed(apps, schema_editor):
    PriorityMatrix = apps.get_model("core", "PriorityMatrix")
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        PriorityMatrix.objects.get_or_create(
            impact=impact, urgency=urgency, defaults={"priority": priority}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
