"""The library's trigram indexes (0016) without GIN's pending list (`fastupdate = off`).

With the pending list, a new source's trigrams wait in an unsorted list that every search
reads in full until a vacuum merges it (after a bulk import, a search took 4 ms instead of
0.5 ms). The library is written rarely and searched at each keystroke: each write now
updates the index itself, a little slower, and searches stay fast. PostgreSQL only, as
in 0016; the list already pending is merged here.
"""

from django.db import migrations

INDEXES = ["source_title_trgm", "source_url_trgm", "source_author_trgm", "publisher_name_trgm"]


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f'ALTER INDEX "{name}" SET (fastupdate = off)')
            schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f'ALTER INDEX "{name}" RESET (fastupdate)')


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0019_verdict_submitted_queue"),
    ]

    operations = [
        migrations.RunPython(without_pending_list, with_pending_list, elidable=False),
    ]
