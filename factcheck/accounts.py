"""Logging in safely: the client's address, the lockout page, and password resets.

Login throttling is django-axes (settings: AXES_*); this module gives it the client's
address as the site sees it behind a proxy and the page a locked-out person reads.
Password resets are Django's own views, with a cap on emails per address and per account
counted in the shared cache.
"""

import hashlib
import ipaddress
import logging
import math

from axes.helpers import get_cool_off
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

HOUR = 3600
logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address: from CLIENT_IP_HEADER when the site is behind a proxy that sets
    it, else the address of the connection.

    A proxy appends the address it saw to X-Forwarded-For, after whatever the client sent,
    so only the entry TRUSTED_PROXIES from the right can be believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.CLIENT_IP_HEADER:
        return remote
    meta_key = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    chain = [entry.strip() for entry in request.META.get(meta_key, "").split(",")]
    if len(chain) < settings.TRUSTED_PROXIES:
        return remote
    candidate = chain[-settings.TRUSTED_PROXIES]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_minutes(request: HttpRequest | None = None) -> int:
    """The cool-off, in whole minutes: each failure during a lockout starts it again."""
    return math.ceil(get_cool_off(request).total_seconds() / 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page again, saying why and for how long (django-axes' AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "lockout_minutes": lockout_minutes(request),
    }
    return render(request, "registration/login.html", context, status=429)


def _count_request(key: str) -> int:
    """Add one to an hourly counter in the shared cache and return the new count (0 when
    the cache is down: resets keep working, uncapped, while /readyz reports the cache)."""
    try:
        cache.add(key, 0, timeout=HOUR)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=HOUR)
            return 1
    except Exception:  # each cache backend raises its own errors
        logger.exception("Password reset: the cache did not answer; not counting %s", key)
        return 0


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with at most PASSWORD_RESET_LIMIT_PER_HOUR emails per client
    address and per email address.

    Over the address limit the page says so (429); over the email address's limit the answer
    is the usual "check your email" and nothing is sent, so it reveals no account.
    """

    def form_valid(self, form):
        limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
        if _count_request(f"password-reset:ip:{client_ip(self.request)}") > limit:
            return render(
                self.request,
                self.template_name,
                {**self.get_context_data(form=form), "too_many_requests": True},
                status=429,
            )
        email = form.cleaned_data["email"].strip().lower()
        email_key = hashlib.sha256(email.encode()).hexdigest()
        if _count_request(f"password-reset:email:{email_key}") > limit:
            return super(auth_views.PasswordResetView, self).form_valid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the emailed link also lifts the account's login lockout:
    whoever holds the mailbox is the account's owner."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response
