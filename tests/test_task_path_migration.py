"""Tasks queued before claims.tasks moved to claims.sources.tasks still run: migration 0012
moves their rows to the new path (and back when unapplied)."""

import importlib

import pytest
from django.apps import apps
from django_tasks_db.models import DBTaskResult

from claims.sources.tasks import fetch_source

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("claims.migrations.0012_task_path_after_sources_package")


def queued(path: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [1], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        status="READY",
    )


def test_queued_fetches_follow_the_task_to_its_new_path():
    old = queued("claims.tasks.fetch_source")
    other = queued("somewhere.else.task")
    MIGRATION.forward(apps, None)
    old.refresh_from_db()
    assert old.task_path == fetch_source.module_path == MIGRATION.NEW
    assert old.task == fetch_source  # the worker finds the task at the stored path
    other.refresh_from_db()
    assert other.task_path == "somewhere.else.task"
    MIGRATION.backward(apps, None)
    old.refresh_from_db()
    assert old.task_path == "claims.tasks.fetch_source"
