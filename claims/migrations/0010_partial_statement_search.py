"""The full-text index of migration 0007 covers only the claims matching looks at.

claims.matching searches the statements of claims the desk has taken up (accepted,
researching, in review, published); detected and dismissed claims, about half of what an
import proposes, need no entry, so imports write less. The query's status filter implies
the index's condition, so the planner still uses it. PostgreSQL only, as 0007; the new
index is built concurrently (outside a transaction) before the old one goes, so that
imports and the desk's writes are not blocked meanwhile.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Q

# claims.matching.MATCHED_STATUSES, as it was when this migration was written.
MATCHED_STATUSES = ["accepted", "researching", "in_review", "published"]
NAME = "claim_statement_search"
BUILDING = "claim_statement_search_new"


def index(name, *, partial):
    condition = Q(status__in=MATCHED_STATUSES) if partial else None
    return GinIndex(SearchVector("statement", config="english"), name=name, condition=condition)


def rebuild(*, partial):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        claim = apps.get_model("claims", "Claim")
        schema_editor.add_index(claim, index(BUILDING, partial=partial), concurrently=True)
        schema_editor.remove_index(claim, index(NAME, partial=not partial), concurrently=True)
        schema_editor.execute(f'ALTER INDEX "{BUILDING}" RENAME TO "{NAME}"')

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE / DROP INDEX CONCURRENTLY run outside a transaction

    dependencies = [
        ("claims", "0009_publisher_domain_history"),
    ]

    operations = [
        migrations.RunPython(rebuild(partial=True), rebuild(partial=False), elidable=False),
    ]
