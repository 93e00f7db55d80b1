"""LibraryImport: an admin's CSV file kept with its preview until the admin confirms it."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0016_library_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LibraryImport',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=20)),
                ('file_name', models.CharField(blank=True, max_length=255)),
                ('text', models.TextField(help_text="The file's text, as checked (5 MB at most).")),
                ('preview', models.JSONField(help_text='What each row would do: counts and rows listed.')),
                ('plan_digest', models.CharField(help_text="SHA-256 of every row's planned action and changes.", max_length=64)),
                ('state', models.CharField(choices=[('previewed', 'Previewed, waiting for the admin to confirm'), ('queued', 'Confirmed, waiting for the worker or importing'), ('imported', 'Imported'), ('failed', 'Failed: nothing was written')], default='previewed', max_length=20)),
                ('report', models.JSONField(blank=True, help_text='What the import did.', null=True)),
                ('error', models.TextField(blank=True, help_text='Why the import wrote nothing.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
    ]
