"""The admin's CSV import: previewed in the request (nothing written), confirmed by its
uploader, imported by the worker all or nothing."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError
from django.tasks import default_task_backend
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from claims.models import ImportState, LibraryImport, Publisher, Source
from claims.sources import csv_format, tasks
from tests.factories import SourceFactory, UserFactory
from tests.sources.test_library import reset_task_backends

IMPORT = reverse("admin:claims_source_import_csv")
GOOD = (
    "url,title\n"
    "https://news.example/one,One\n"
    "https://news.example/two,Two\n"
    "https://news.example/three,Three\n"
    "https://news.example/known,Known now\n"
)
ONE_REFUSED = GOOD + "javascript:alert(1),Bad\n"


def upload(data: bytes | str, name: str = "sources.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def page_url(job_id, name: str = "detail", model: str = "source") -> str:
    return reverse(f"admin:claims_{model}_import_csv_{name}", args=[job_id])


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


@pytest.fixture
def known(db):
    return SourceFactory(url="https://news.example/known", title="Known", publisher=None)


def previewed(client, data=GOOD) -> LibraryImport:
    response = client.post(IMPORT, {"file": upload(data)})
    job = LibraryImport.objects.latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == page_url(job.pk)
    return job


def test_export_then_import_page(admin_client, queue):
    """The changelist links to both; the export is CSV with a row per source."""
    SourceFactory(title="Exported report", url="https://news.example/exported")
    changelist = admin_client.get(reverse("admin:claims_publisher_changelist")).content.decode()
    assert "Import CSV" in changelist
    export = admin_client.get(reverse("admin:claims_source_export_csv"))
    assert export["Content-Type"].startswith("text/csv")
    assert b"Exported report" in export.content
    assert b"nothing is written until you confirm" in admin_client.get(IMPORT).content


@pytest.mark.django_db
def test_upload_shows_what_each_row_would_do_and_writes_nothing(admin_client, queue, known):
    """The preview lists each row with its line, its action and its changes, with totals,
    and offers the confirm button; nothing is written or queued."""
    history = Source.history.count()
    job = previewed(admin_client, GOOD.encode("utf-8-sig"))

    page = admin_client.get(page_url(job.pk)).content.decode()

    assert "Preview of sources.csv: 4 rows. Nothing has been written." in page
    assert '<th scope="row">New</th><td>3</td>' in page
    assert '<th scope="row">Update</th><td>1</td>' in page
    assert "<td>5</td>" in page  # the line of the update
    assert "title: “Known” → “Known now”" in page
    assert f'href="{reverse("admin:claims_source_change", args=[known.pk])}"' in page
    assert page_url(job.pk, "confirm") in page
    assert "http-equiv" not in page
    assert (Source.objects.count(), Source.history.count()) == (1, history)
    assert queue.results == []
    assert job.text == GOOD


@pytest.mark.django_db
def test_a_file_with_one_refused_row_cannot_be_confirmed(admin_client, queue, known):
    """The refused row is shown with its line and reason; no confirm button, and a confirm
    posted anyway imports nothing."""
    job = previewed(admin_client, ONE_REFUSED)
    page = admin_client.get(page_url(job.pk)).content.decode()
    assert "1 row refused: the file cannot be imported" in page
    assert "javascript:alert(1)" in page
    assert "<td>6</td>" in page
    assert page_url(job.pk, "confirm") not in page

    response = admin_client.post(page_url(job.pk, "confirm"), follow=True)

    assert "This file cannot be imported" in response.content.decode()
    assert queue.results == []
    assert list(Source.objects.values_list("title", flat=True)) == ["Known"]
    job.refresh_from_db()
    assert job.state == ImportState.PREVIEWED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary", "binary data"),
        ("name,title\nx,y\n", "Unknown column(s): name"),
        ('url,title\n"https://news.example/x,broken\n', "not valid CSV"),
        ("url\n" + "https://news.example/r\n" * (csv_format.MAX_ROWS + 1), "more than 10,000"),
        (b"url\n" + b"x" * csv_format.MAX_BYTES, "larger than 5 MB"),
    ],
    ids=["binary", "columns", "quoting", "rows", "size"],
)
def test_malformed_file_is_refused_at_once_and_nothing_is_kept(admin_client, queue, data, message):
    response = admin_client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 422
    assert "Nothing was changed" in response.content.decode()
    assert message in response.content.decode()
    assert not LibraryImport.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("queue", [IMMEDIATE], indirect=True)
def test_confirming_imports_every_row_under_the_admin(admin_client, admin_user, queue, known):
    """End to end with a queue that runs its task at once: confirmed, imported, the page
    says what was done; the history names the admin; a second confirm does nothing."""
    job = previewed(admin_client)

    response = admin_client.post(page_url(job.pk, "confirm"))

    assert response["Location"] == page_url(job.pk)
    page = admin_client.get(page_url(job.pk)).content.decode()
    assert "Done: 4 rows imported." in page
    assert "http-equiv" not in page
    assert Source.objects.get(pk=known.pk).title == "Known now"
    assert Source.objects.filter(created_by=admin_user).count() == 3
    assert Source.history.filter(history_user=admin_user).count() == 4
    response = admin_client.post(page_url(job.pk, "confirm"), follow=True)
    assert "This file cannot be imported" in response.content.decode()
    assert Source.history.count() == 5  # the known source's creation, and the four rows


@pytest.mark.django_db
@pytest.mark.parametrize("queue", [IMMEDIATE], indirect=True)
def test_a_preview_gone_stale_is_imported_only_after_a_new_preview(admin_client, queue, known):
    """A source added at a URL of the file between the preview and the confirm: the import
    writes nothing and says why; previewing again shows the row's new action."""
    job = previewed(admin_client)
    SourceFactory(url="https://news.example/two", title="Added meanwhile")

    admin_client.post(page_url(job.pk, "confirm"))

    page = admin_client.get(page_url(job.pk)).content.decode()
    assert "Nothing was imported. The library changed since the preview" in page
    assert Source.objects.count() == 2
    assert Source.objects.get(pk=known.pk).title == "Known"
    admin_client.post(page_url(job.pk, "again"))
    page = admin_client.get(page_url(job.pk)).content.decode()
    assert "title: “Added meanwhile” → “Two”" in page
    assert page_url(job.pk, "confirm") in page


@pytest.mark.django_db
def test_the_preview_page_costs_the_same_queries_whatever_the_rows(
    admin_client, queue, django_assert_max_num_queries
):
    """The page reads the kept preview (not the file), whatever the file's length; the
    listing stops at the first rows of each kind, the counts are for the whole file."""
    small = previewed(admin_client)
    rows = "".join(f"https://news.example/{n},Report {n}\n" for n in range(300))
    large = previewed(admin_client, "url,title\n" + rows)

    with django_assert_max_num_queries(3):  # session, user, the import
        admin_client.get(page_url(small.pk))
    with django_assert_max_num_queries(3):
        page = admin_client.get(page_url(large.pk)).content.decode()
    assert '<th scope="row">New</th><td>300</td>' in page
    assert "(the first 50 of each kind)" in page
    assert "Report 49" in page
    assert "Report 50<" not in page


@pytest.mark.django_db
def test_the_upload_reads_the_library_in_a_few_queries(
    admin_client, queue, django_assert_max_num_queries
):
    rows = "".join(f"https://news.example/{n},Report {n}\n" for n in range(400))
    with django_assert_max_num_queries(12):
        admin_client.post(IMPORT, {"file": upload("url,title\n" + rows)})
    assert LibraryImport.objects.get().preview["counts"]["created"] == 400


@pytest.mark.django_db
def test_only_the_uploader_may_see_or_confirm_an_import(admin_client, admin_user, client, queue):
    """Another admin, a tampered or unknown token, or the other kind's address: 404.
    Staff without the right to add and change sources (a reviewer): 403. Not staff:
    the admin's login page. Nothing is queued or written."""
    job = previewed(admin_client)
    for url in (page_url(job.pk), page_url(job.pk, "confirm")):
        method = client.get if url == page_url(job.pk) else client.post
        client.force_login(UserFactory(username="bea", is_staff=True, is_superuser=True))
        assert method(url).status_code == 404
        client.force_login(UserFactory(username="stan", is_staff=True, roles=["Reviewer"]))
        assert method(url).status_code == 403
        client.force_login(UserFactory(username="rita", roles=["Reviewer"]))
        assert method(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(admin_user)  # the same client as admin_client
    assert admin_client.get(page_url(uuid.uuid4())).status_code == 404
    assert admin_client.get(page_url(job.pk, model="publisher")).status_code == 404
    tampered = uuid.UUID(int=job.pk.int ^ 1)
    assert admin_client.get(page_url(tampered)).status_code == 404
    assert admin_client.post(page_url(tampered, "confirm")).status_code == 404
    assert admin_client.get(page_url(job.pk, "confirm")).status_code == 405
    client.force_login(UserFactory(username="stan"))
    assert client.post(IMPORT, {"file": upload(GOOD)}).status_code == 403
    assert LibraryImport.objects.count() == 1
    assert queue.results == []
    assert not Source.objects.exists()


@pytest.fixture
def database_worker(transactional_db, queue):
    """The database queue and the worker that runs it (`manage.py db_worker --batch`)."""

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    return run


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("queue", [DATABASE], indirect=True)
def test_the_worker_imports_the_confirmed_file_and_the_page_follows_it(client, database_worker):
    """End to end on the database queue: the task carries the import's id, not the file;
    the page waits (reloading itself), then says what was done."""
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin)
    job = previewed(client)
    client.post(page_url(job.pk, "confirm"))
    result = DBTaskResult.objects.get()
    assert result.args_kwargs["args"] == [str(job.pk)]
    page = client.get(page_url(job.pk)).content.decode()
    assert "Waiting for the background worker: 4 rows to import." in page
    assert '<meta http-equiv="refresh" content="2">' in page

    database_worker()

    done = client.get(page_url(job.pk)).content.decode()
    assert "Done: 4 rows imported." in done
    assert "http-equiv" not in done
    assert Source.objects.filter(created_by=admin).count() == 4
    assert Source.history.filter(history_user=admin).count() == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("queue", [DATABASE], indirect=True)
def test_a_failure_midway_writes_nothing_and_the_page_says_why(
    client, database_worker, monkeypatch
):
    """The database refusing a write in the middle of the file: the rows before it are
    rolled back, with their history, and the page names the line and the error."""
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin)
    job = previewed(client)
    client.post(page_url(job.pk, "confirm"))
    save = Source.save

    def failing_save(self, *args, **kwargs):
        if self.title == "Three":
            raise DatabaseError("disk full")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Source, "save", failing_save)
    database_worker()

    page = client.get(page_url(job.pk)).content.decode()
    assert "Nothing was imported. Line 4: the database refused the row (disk full)." in page
    assert "http-equiv" not in page
    assert not Source.objects.exists()
    assert not Source.history.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("queue", [DATABASE], indirect=True)
def test_an_import_whose_task_crashed_is_failed_with_the_reason(
    client, database_worker, monkeypatch
):
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:claims_publisher_import_csv"), {"file": upload("name\nReuters\n")}
    )
    job = LibraryImport.objects.get()
    client.post(page_url(job.pk, "confirm", model="publisher"))

    def worker_lost(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(tasks.library_csv, "import_file", worker_lost)
    database_worker()
    page = client.get(response["Location"]).content.decode()
    assert "The import stopped (the database went away). Nothing was written." in page
    assert "http-equiv" not in page
    assert not Publisher.objects.exists()
