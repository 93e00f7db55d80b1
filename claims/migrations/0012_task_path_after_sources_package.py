"""Background tasks moved from claims.tasks to claims.sources.tasks: queued rows follow."""

from django.db import migrations

OLD, NEW = "claims.tasks.fetch_source", "claims.sources.tasks.fetch_source"


def forward(apps, schema_editor):
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=OLD).update(
        task_path=NEW
    )


def backward(apps, schema_editor):
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=NEW).update(
        task_path=OLD
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_public_timestamps"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forward, backward)]
