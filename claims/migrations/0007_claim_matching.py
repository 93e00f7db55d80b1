"""Matching claims across articles: pg_trgm, and a full-text index on Claim.statement.

PostgreSQL only. claims.matching finds candidate claims by full-text search, which the GIN
index on to_tsvector('english', statement) serves, and ranks them with pg_trgm's
similarity(). On SQLite both operations do nothing (matching uses a simpler query there).
The index is not declared in Claim.Meta, so the model stays database-neutral: the project
state does not change, and `makemigrations --check` reports nothing on either database.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# Must build the same expression as claims.matching's query, or the index goes unused.
SEARCH_INDEX = GinIndex(SearchVector("statement", config="english"), name="claim_statement_search")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("claims", "Claim"), SEARCH_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("claims", "Claim"), SEARCH_INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0006_source_fetching"),
    ]

    operations = [
        # A no-op on databases other than PostgreSQL (Django checks the vendor).
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
