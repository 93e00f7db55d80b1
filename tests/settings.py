"""Settings for the test suite: production settings with the few things tests need changed.

pytest-django loads this module (pyproject's DJANGO_SETTINGS_MODULE); a server a test starts
in another process uses `factcheck.settings`, as production does.
"""

from factcheck.settings import *  # noqa: F403

# Tests create many users; the production hasher is slow by design.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks stay in memory; tests run them explicitly.
TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}

# The test client and the live server speak plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

# Static files come from the apps and static/ as under runserver: no collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True

# Each process its own cache, emptied between tests (see conftest), whatever REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# Every baked query (claims/baked.py) is compiled afresh too and must match its kept SQL.
BAKED_QUERIES_CHECK = True
