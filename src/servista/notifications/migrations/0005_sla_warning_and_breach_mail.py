# Service level warning and breach mail kinds (after the watching and mention kinds).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_watching_and_mention_mail_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mailtemplate',
            name='kind',
            field=models.CharField(choices=[('acknowledgement', 'Acknowledgement (a record was logged for you)'), ('awaiting_you', 'Waiting for your answer'), ('resolved', 'Resolved: is it fixed?'), ('closed', 'Closed'), ('comment', 'A new comment'), ('assigned', 'Assigned to you'), ('watching', 'News of a record you watch'), ('mention', 'A colleague mentioned you'), ('sla_warning', 'Service level warning (a target nearly reached)'), ('sla_breach', 'Service level breach (a target missed)'), ('other', 'Other notices')], max_length=32, unique=True),
        ),
    ]
