"""Article versions: every text of an article kept, the first one for every existing article.

A claim's span is unique per text (article, start, end, text hash) rather than per article,
so that an orphaned claim keeps the span of the version it was last found in. The new
unique index is built before the old one is dropped: the claims' article foreign key is
never without an index (0008).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def first_versions(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    ArticleVersion = apps.get_model("claims", "ArticleVersion")
    for article in Article.objects.filter(versions__isnull=True).iterator(chunk_size=100):
        ArticleVersion.objects.create(
            article=article,
            number=1,
            body=article.body,
            body_hash=article.body_hash,
            archived_page_id=article.archived_page_id,
            created_by_id=article.created_by_id,
            created_at=article.created_at,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0014_source_aliases_site_names_copied_citations_returned_by'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(help_text='1 for the text first imported.')),
                ('body', models.TextField()),
                ('body_hash', models.CharField(db_index=True, max_length=64)),
                ('claim_outcomes', models.JSONField(blank=True, default=list, help_text='What bringing in this text did to each claim: claim, outcome, quote.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['article', 'number'],
            },
        ),
        migrations.AlterField(
            model_name='claim',
            name='is_orphaned',
            field=models.BooleanField(default=False, help_text="The quote could not be found again in the article's latest version: a reviewer is to look at it."),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='is_orphaned',
            field=models.BooleanField(default=False, help_text="The quote could not be found again in the article's latest version: a reviewer is to look at it."),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.UniqueConstraint(fields=('article', 'start', 'end', 'anchor_hash'), name='claim_unique_span_per_text'),
        ),
        migrations.RemoveConstraint(
            model_name='claim',
            name='claim_unique_span_per_article',
        ),
        migrations.AddField(
            model_name='articleversion',
            name='archived_page',
            field=models.ForeignKey(blank=True, help_text='The web page this text was read from, as the desk got it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='claims.archivedpage'),
        ),
        migrations.AddField(
            model_name='articleversion',
            name='article',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='claims.article'),
        ),
        migrations.AddField(
            model_name='articleversion',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='articleversion',
            constraint=models.UniqueConstraint(fields=('article', 'number'), name='articleversion_unique'),
        ),
        migrations.AddConstraint(
            model_name='articleversion',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='articleversion_from_1'),
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
