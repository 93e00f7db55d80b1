"""Middleware of the site as a whole (not of the desk's app)."""

from collections.abc import Callable

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
