"""Middleware of the site as a whole (not of the desk's app): health probes answered
before anything else, and reads that survive a database restart."""

import logging
import time
from collections.abc import Callable
from inspect import iscoroutinefunction

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from claims.views import health

PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}


class HealthProbeMiddleware:
    """Answer `/healthz` and `/readyz` before anything else runs.

    Load balancers probe each instance by its address over plain HTTP: the Host header is
    not one of ALLOWED_HOSTS and SECURE_SSL_REDIRECT would send them to HTTPS. The probes
    reveal nothing about the desk, so they skip host checks, redirects, sessions and CSRF,
    and set no cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return probe(request)


logger = logging.getLogger("factcheck.database")

RETRY_FOR_SECONDS = 5.0
FIRST_WAIT_SECONDS = 0.1
LONGEST_WAIT_SECONDS = 1.0


def connection_lost() -> bool:
    """True when the default connection is gone (cut, or never made), not when a query
    failed on a working connection (a statement timeout, a lock)."""
    if connection.in_atomic_block:
        return False  # the transaction is lost with the connection; not ours to run again
    return connection.connection is None or not connection.is_usable()


class RetryReadsOnDatabaseRestart:
    """Reads survive a database restart: a GET or HEAD whose view fails because the database
    connection was lost runs again once the database answers, for a few seconds at most.

    A PostgreSQL restart (or fail-over) cuts the open connections and refuses new ones until the
    server is back, usually within a second. CONN_HEALTH_CHECKS replaces a connection that broke
    between two requests, but not one that breaks during a request, nor the connections refused
    while the server restarts: without this, every request in that second is a 500. Reads are
    safe to run again; writes are not retried (whether they were applied is unknown).

    It runs the view itself from `process_view`, so it comes after every middleware that has a
    `process_view` in MIDDLEWARE (last, or followed only by ones without). Rendering a
    TemplateResponse (the admin's pages) happens after the view and is not covered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or iscoroutinefunction(view_func):
            return None
        waited, wait = 0.0, FIRST_WAIT_SECONDS
        while True:
            try:
                return view_func(request, *view_args, **view_kwargs)
            except (OperationalError, InterfaceError) as error:
                if waited + wait > RETRY_FOR_SECONDS or not connection_lost():
                    raise
                logger.warning("Database connection lost (%s): %s runs again", error, request.path)
            connection.close()
            time.sleep(wait)
            waited, wait = waited + wait, min(2 * wait, LONGEST_WAIT_SECONDS)
