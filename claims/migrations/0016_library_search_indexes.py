"""Trigram indexes for the library search: source title, URL and author, publisher name.

PostgreSQL only, as in 0007: `icontains` becomes `UPPER(column::text) LIKE UPPER('%…%')`
there, which a pg_trgm GIN index on the same UPPER() expression serves instead of a scan of
every source. Not declared in the models' Meta, so the project state is the same on SQLite
(where the search stays a plain LIKE) and `makemigrations --check` reports nothing. Raw SQL:
Django's OpClass() does not parenthesise an expression, which PostgreSQL requires here.
"""

from django.db import migrations

# (index, table, column): the expression must be the one Django's icontains builds.
INDEXES = [
    ("source_title_trgm", "claims_source", "title"),
    ("source_url_trgm", "claims_source", "url"),
    ("source_author_trgm", "claims_source", "author"),
    ("publisher_name_trgm", "claims_publisher", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, column in INDEXES:
            schema_editor.execute(
                f'CREATE INDEX "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _table, _column in INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0015_article_versions"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
