# The claim's own index on its article is covered by the unique (article, start, end)
# index; the history table's indexes on article, assignee and creator serve no query.
# Only the indexes are dropped: letting AlterField do it would drop and re-add (and so
# re-validate, under lock) the claims table's foreign key on PostgreSQL.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = [
    ("claims_claim", "article_id", "claims_claim_article_id_6731be49"),
    ("claims_historicalclaim", "article_id", "claims_historicalclaim_article_id_f1a056aa"),
    ("claims_historicalclaim", "assignee_id", "claims_historicalclaim_assignee_id_27d162b7"),
    (
        "claims_historicalclaim",
        "created_by_id",
        "claims_historicalclaim_created_by_id_f6ad6130",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_claim_matching"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="claim",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="claims.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclaim",
                    name="article",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="claims.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclaim",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclaim",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
