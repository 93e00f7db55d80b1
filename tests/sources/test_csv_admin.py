"""The admin's CSV import: checked in the request, imported by the worker, progress shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models.signals import pre_save
from django.tasks import default_task_backend
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from claims.models import Publisher, Source
from claims.sources import library_csv, tasks
from tests.factories import SourceFactory, UserFactory
from tests.sources.test_library import reset_task_backends

IMPORT = reverse("admin:claims_source_import_csv")
GOOD = (
    "url,title\n"
    "https://news.example/one,One\n"
    "javascript:alert(1),Bad\n"
    "https://news.example/two,Two\n"
    "https://news.example/three,Three\n"
    "https://news.example/four,Four\n"
)


def upload(data: bytes | str, name: str = "sources.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def progress_url(result_id: str, model: str = "source") -> str:
    return reverse(f"admin:claims_{model}_import_csv_progress", args=[result_id])


DUMMY = "django.tasks.backends.dummy.DummyBackend"
IMMEDIATE = "django.tasks.backends.immediate.ImmediateBackend"
DATABASE = "django_tasks_db.DatabaseBackend"


@pytest.fixture
def queue(settings, request):
    """The task backend a test asks for (`indirect` parameter), the dummy one by default."""
    backend = getattr(request, "param", DUMMY)
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default"]}}
    reset_task_backends()
    yield default_task_backend
    reset_task_backends()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_export_then_import_page(admin_client, queue):
    """The changelist links to both; the export is CSV with a row per source."""
    SourceFactory(title="Exported report", url="https://news.example/exported")
    changelist = admin_client.get(reverse("admin:claims_publisher_changelist")).content.decode()
    assert "Import CSV" in changelist
    export = admin_client.get(reverse("admin:claims_source_export_csv"))
    assert export["Content-Type"].startswith("text/csv")
    assert b"Exported report" in export.content
    assert b"in the background" in admin_client.get(IMPORT).content


@pytest.mark.django_db
def test_upload_is_queued_and_the_progress_page_waits_for_the_worker(admin_client, queue):
    """A good file is queued with its text (any worker can read it); nothing is written
    yet, and the progress page says it waits, reloading itself."""
    response = admin_client.post(IMPORT, {"file": upload(GOOD.encode("utf-8-sig"))})
    [result] = queue.results
    assert response.status_code == 302
    assert response["Location"] == progress_url(result.id)
    assert result.task == tasks.import_library_csv
    assert result.kwargs["text"] == GOOD
    assert (result.kwargs["kind"], result.kwargs["rows"]) == ("sources", 5)
    assert not Source.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker: 5 rows to import." in page
    assert '<meta http-equiv="refresh" content="2">' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary", "binary data"),
        ("name,title\nx,y\n", "Unknown column(s): name"),
        ('url,title\n"https://news.example/x,broken\n', "not valid CSV"),
        ("url\n" + "https://news.example/r\n" * (library_csv.MAX_ROWS + 1), "more than 10,000"),
        (b"url\n" + b"x" * library_csv.MAX_BYTES, "larger than 5 MB"),
    ],
    ids=["binary", "columns", "quoting", "rows", "size"],
)
def test_malformed_file_is_refused_at_once_and_nothing_is_queued(
    admin_client, queue, data, message
):
    response = admin_client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 422
    assert "Nothing was changed" in response.content.decode()
    assert message in response.content.decode()
    assert queue.results == []
    assert not Source.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("queue", [IMMEDIATE], indirect=True)
def test_a_queue_that_runs_tasks_at_once_shows_the_report_straight_away(admin_client, queue):
    """End to end with the immediate backend: the row-by-row report, refused row named."""
    page = admin_client.post(IMPORT, {"file": upload(GOOD)}).content.decode()
    assert "Done. Sources: 4 created, 0 updated, 0 unchanged, 1 refused." in page
    assert "Refused rows" in page
    assert "javascript:alert(1)" in page
    assert "http-equiv" not in page
    assert Source.objects.count() == 4


@pytest.mark.django_db
def test_progress_page_needs_import_permission_and_a_known_import(admin_client, client, queue):
    response = admin_client.post(IMPORT, {"file": upload(GOOD)})
    result_id = queue.results[0].id
    assert admin_client.get(progress_url("no-such-import")).status_code == 404
    assert admin_client.get(progress_url(result_id, model="publisher")).status_code == 404
    staff = UserFactory(username="stan", is_staff=True)
    client.force_login(staff)
    assert client.get(response["Location"]).status_code == 403
    assert client.post(IMPORT, {"file": upload(GOOD)}).status_code == 403


@pytest.fixture
def database_worker(transactional_db, queue):
    """The database queue and the worker that runs it (`manage.py db_worker --batch`)."""

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    return run


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("queue", [DATABASE], indirect=True)
def test_the_worker_imports_the_file_and_the_page_follows_it(client, database_worker, monkeypatch):
    """End to end on the database queue: queued, running with the rows done committed
    chunk by chunk, then done with the report."""
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin)
    monkeypatch.setattr(library_csv, "CHUNK_ROWS", 2)
    response = client.post(IMPORT, {"file": upload(GOOD)})
    result = DBTaskResult.objects.get()
    assert response["Location"] == progress_url(str(result.id))
    assert result.args_kwargs["kwargs"]["text"] == GOOD
    assert "Waiting for the background worker" in client.get(response["Location"]).content.decode()

    seen_while_running = []

    def look_at_the_page(sender, instance, **kwargs):
        if instance.pk is None and instance.title == "Three":
            seen_while_running.append(client.get(response["Location"]).content.decode())

    pre_save.connect(look_at_the_page, sender=Source, dispatch_uid="look-at-the-page")
    try:
        database_worker()
    finally:
        pre_save.disconnect(sender=Source, dispatch_uid="look-at-the-page")

    [running] = seen_while_running
    assert "Importing: 2 of 5 rows done." in running
    assert '<progress max="5" value="2">' in running
    assert "1 created, 0 updated, 0 unchanged, 1 refused" in running
    assert "javascript:alert(1)" in running
    assert 'http-equiv="refresh"' in running
    done = client.get(response["Location"]).content.decode()
    assert "Done. Sources: 4 created, 0 updated, 0 unchanged, 1 refused." in done
    assert "http-equiv" not in done
    assert Source.objects.filter(created_by=admin).count() == 4
    assert Source.history.filter(history_user=admin).count() == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("queue", [DATABASE], indirect=True)
def test_a_failed_import_says_what_was_kept_and_how_to_finish(client, database_worker, monkeypatch):
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:claims_publisher_import_csv"), {"file": upload("name\nReuters\n")}
    )

    def worker_lost(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(library_csv, "import_file", worker_lost)
    database_worker()
    page = client.get(response["Location"]).content.decode()
    assert "The import stopped before the end (builtins.ConnectionError)" in page
    assert "import the same file again to finish it" in page
    assert "http-equiv" not in page
    assert not Publisher.objects.exists()
