"""Background tasks (Django's tasks API; a database-backed queue run by `db_worker`)."""

from django.tasks import task

from claims.sources.library import refresh_source


@task
def fetch_source(source_id: int) -> str:
    """Fetch a source's page and fill in its metadata; returns what happened."""
    return refresh_source(source_id).message
