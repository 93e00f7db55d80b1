# Written by hand on 2026-12-04.
"""The rating scale every article's workspace offers (its filter menu and verdict forms)
counted by the stamp of every article (ArticleStamp row 0), as migration 0021 counts the
ratings' labels: a rating added, and a scale made the default or no longer, move it too.
The desk keeps the scale under that stamp (claims.views.workspace.default_ratings)."""

from django.db import migrations

POSTGRESQL = """
CREATE CONSTRAINT TRIGGER claims_rating_insert_stamp
    AFTER INSERT ON claims_rating DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION claims_every_article_changed();
CREATE CONSTRAINT TRIGGER claims_ratingscale_stamp
    AFTER UPDATE OF is_default ON claims_ratingscale DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.is_default IS DISTINCT FROM NEW.is_default)
    EXECUTE FUNCTION claims_every_article_changed();
"""

POSTGRESQL_REVERSE = """
DROP TRIGGER claims_ratingscale_stamp ON claims_ratingscale;
DROP TRIGGER claims_rating_insert_stamp ON claims_rating;
"""

_EVERY_ARTICLE = (
    "INSERT INTO claims_articlestamp (article_id, changes) VALUES (0, 1) "
    "ON CONFLICT (article_id) DO UPDATE SET changes = changes + 1;"
)

SQLITE = [
    "CREATE TRIGGER claims_rating_stamp_insert AFTER INSERT ON claims_rating BEGIN "
    f"{_EVERY_ARTICLE} END",
    "CREATE TRIGGER claims_ratingscale_stamp AFTER UPDATE OF is_default ON claims_ratingscale "
    f"WHEN OLD.is_default IS NOT NEW.is_default BEGIN {_EVERY_ARTICLE} END",
]

SQLITE_TRIGGERS = [statement.split()[2] for statement in SQLITE]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"Article stamps need triggers written for {vendor}.")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    else:
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0021_article_stamps"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
