"""WSGI entry point for production servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

from factcheck.settings import require_secret_key

require_secret_key()
application = get_wsgi_application()
