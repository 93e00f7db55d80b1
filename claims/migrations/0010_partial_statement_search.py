"""The full-text index of migration 0007 covers only the claims matching looks at.

claims.matching searches the statements of claims the desk has taken up (accepted,
researching, in review, published); detected and dismissed claims, about half of what an
import proposes, need no entry, so imports write less. The query's status filter implies
the index's condition, so the planner still uses it. PostgreSQL only, as 0007.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Q

# claims.matching.MATCHED_STATUSES, as it was when this migration was written.
MATCHED_STATUSES = ["accepted", "researching", "in_review", "published"]
WHOLE = GinIndex(SearchVector("statement", config="english"), name="claim_statement_search")
PARTIAL = GinIndex(
    SearchVector("statement", config="english"),
    name="claim_statement_search",
    condition=Q(status__in=MATCHED_STATUSES),
)


def replace(old, new):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            claim = apps.get_model("claims", "Claim")
            schema_editor.remove_index(claim, old)
            schema_editor.add_index(claim, new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_publisher_domain_history"),
    ]

    operations = [
        migrations.RunPython(replace(WHOLE, PARTIAL), replace(PARTIAL, WHOLE), elidable=False),
    ]
