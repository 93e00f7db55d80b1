"""ASGI entry point for production servers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

from factcheck.settings import require_secret_key

require_secret_key()
application = get_asgi_application()
