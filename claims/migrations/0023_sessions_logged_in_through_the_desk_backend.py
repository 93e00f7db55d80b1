# Written by hand on 2026-12-04.
"""Sessions logged in through Django's model backend now name the desk's
(claims.backends.DeskModelBackend), which replaced it in AUTHENTICATION_BACKENDS: Django
accepts a session only through a backend still listed, so without this every reviewer would
be logged out by the upgrade, and a form sent meanwhile would land on the login page."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import migrations

DJANGO = "django.contrib.auth.backends.ModelBackend"
DESK = "claims.backends.DeskModelBackend"


def renamed(apps, old: str, new: str) -> int:
    """Rewrite the backend named in every live session from `old` to `new`."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    sessions = apps.get_model("sessions", "Session")
    store = SessionStore()
    changed = 0
    for session in sessions.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)
        if data.get(BACKEND_SESSION_KEY) == old:
            data[BACKEND_SESSION_KEY] = new
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])
            changed += 1
    return changed


def to_the_desk_backend(apps, schema_editor):
    renamed(apps, DJANGO, DESK)


def to_djangos_backend(apps, schema_editor):
    renamed(apps, DESK, DJANGO)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0022_rating_scale_stamps"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_the_desk_backend, to_djangos_backend, elidable=True),
    ]
