"""Logging in: throttling of failed attempts (django-axes) and password resets."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from factcheck.accounts import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOCKED = "Too many failed attempts; try again in 15 minutes or ask an admin"


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher, counting how often a password is hashed or checked."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.test_login.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_account(client, reviewer):
    """After 5 wrong passwords the account is locked, even with the right one: a 429 page
    that says for how long and what to do."""
    for _ in range(4):
        assert log_in(client, "rita", "wrong").status_code == 200
    response = log_in(client, "rita", "wrong")
    assert response.status_code == 429
    response = log_in(client, "rita", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert 'role="alert"' in page
    assert 'value="rita"' in page  # the form keeps the user name
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_whatever_the_address(client, reviewer, other_reviewer):
    """Failures on one account from many addresses lock that account, not another."""
    for n in range(5):
        log_in(client, "rita", "wrong", address=f"192.0.2.{n}")
    assert log_in(client, "rita", PASSWORD, address="192.0.2.99").status_code == 429
    assert log_in(client, "oscar", PASSWORD, address="192.0.2.99").status_code == 302


def test_the_lock_is_per_address_whatever_the_account(client, reviewer):
    """Five failures from one address on as many accounts lock that address out."""
    for n in range(5):
        log_in(client, f"nobody{n}", "wrong", address="198.51.100.7")
    assert log_in(client, "rita", PASSWORD, address="198.51.100.7").status_code == 429
    assert log_in(client, "rita", PASSWORD, address="198.51.100.8").status_code == 302


def test_a_locked_out_attempt_does_not_hash_the_password(client, reviewer, counting_hasher):
    """The lockout is decided before authenticating: no password hashing for a locked-out
    client, so hammering the login costs the server little."""
    for _ in range(5):
        log_in(client, "rita", "wrong")
    assert counting_hasher.calls == 5  # each failure before the lockout was checked
    for _ in range(3):
        assert log_in(client, "rita", PASSWORD).status_code == 429
    assert counting_hasher.calls == 5


def test_an_admin_unlocks_an_account(client, reviewer, admin_user):
    """Deleting the account's access attempts in the admin (axes' own page) unlocks it."""
    for _ in range(5):
        log_in(client, "rita", "wrong", address="203.0.113.5")
    attempt = AccessAttempt.objects.get(username="rita")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "rita" in listing.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert log_in(client, "rita", PASSWORD, address="203.0.113.5").status_code == 302


def request_from(address, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=address, **headers)


def test_client_address_without_a_proxy(settings):
    """Without CLIENT_IP_HEADER the connection's address counts; a forged header does not."""
    settings.CLIENT_IP_HEADER = ""
    request = request_from("192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "192.0.2.1"


def test_client_address_behind_proxies(settings):
    """Behind proxies, the address the trusted proxy saw: the entry TRUSTED_PROXIES from
    the right of X-Forwarded-For, not what the client wrote at the left."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXIES = 1
    forged = "1.2.3.4, 203.0.113.9"
    assert client_ip(request_from("10.0.0.2", HTTP_X_FORWARDED_FOR=forged)) == "203.0.113.9"
    settings.TRUSTED_PROXIES = 2
    chain = "1.2.3.4, 203.0.113.9, 10.0.0.3"
    assert client_ip(request_from("10.0.0.2", HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.9"
    # Too short a chain or garbage: the connection's address.
    assert client_ip(request_from("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", HTTP_X_FORWARDED_FOR="nonsense")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


def test_lockout_counts_the_address_from_the_trusted_header(client, settings, reviewer):
    """Behind a proxy, clients are told apart by the header, not by the proxy's address."""
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": f"nobody{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_REAL_IP="198.51.100.7",
        )
    assert AccessAttempt.objects.filter(ip_address="198.51.100.7").count() == 5
    other = client.post(
        reverse("login"),
        {"username": "rita", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_REAL_IP="198.51.100.8",
    )
    assert other.status_code == 302


def test_login_page_links_to_password_reset(client):
    """The login page offers "Forgot your password?"."""
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_flow(client, reviewer):
    """Request a reset, follow the emailed link, set a new password, log in with it."""
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    response = client.post(reverse("password_reset"), {"email": "RITA@desk.invalid"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "Check your email" in client.get(response.url).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rita@desk.invalid"]
    assert message.subject == "Your password for the fact-check desk"
    assert "http://testserver/reset/" in message.body

    form = client.get(reset_link(message), follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    new = "another-long-password-2024"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert log_in(client, "rita", PASSWORD).status_code == 200  # the old one no longer works
    assert log_in(client, "rita", new).status_code == 302


def test_a_used_reset_link_is_refused(client, reviewer):
    """The emailed link works once."""
    client.post(reverse("password_reset"), {"email": "rita@desk.invalid"})
    link = reset_link(mail.outbox[0])
    form = client.get(link, follow=True)
    new = "another-long-password-2024"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    again = client.get(link, follow=True)
    assert "This link has expired or was already used." in again.content.decode()


def test_unknown_email_gets_the_same_answer(client, reviewer):
    """An address with no account: the same redirect and page, and no email."""
    response = client.post(reverse("password_reset"), {"email": "stranger@elsewhere.invalid"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_lifts_the_login_lockout(client, reviewer):
    """Whoever sets a new password from the emailed link can log in at once."""
    for _ in range(5):
        log_in(client, "rita", "wrong", address="192.0.2.1")
    client.post(reverse("password_reset"), {"email": "rita@desk.invalid"})
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    new = "another-long-password-2024"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert log_in(client, "rita", new, address="192.0.2.2").status_code == 302


def test_password_reset_emails_are_capped_per_address(client, settings, reviewer):
    """Past the hourly cap, an address is told to wait (429) and no more email goes out."""
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    UserFactory(username="ann", email="ann@desk.invalid")
    for email in ("rita@desk.invalid", "ann@desk.invalid"):
        assert client.post(reverse("password_reset"), {"email": email}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": "rita@desk.invalid"})
    assert response.status_code == 429
    assert "Too many password reset requests from your address" in response.content.decode()
    assert len(mail.outbox) == 2
    other_address = client.post(
        reverse("password_reset"), {"email": "ann@desk.invalid"}, REMOTE_ADDR="192.0.2.50"
    )
    assert other_address.status_code == 302
    assert len(mail.outbox) == 3


def test_password_reset_emails_are_capped_per_account(client, settings, reviewer):
    """Past the hourly cap for one email address, the answer stays the same (it reveals no
    account) but no email is sent."""
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    for n in range(3):
        response = client.post(
            reverse("password_reset"), {"email": "rita@desk.invalid"}, REMOTE_ADDR=f"192.0.2.{n}"
        )
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 2


def test_with_the_cache_down_logins_and_resets_still_work(client, reviewer):
    """Redis down: logging in works (sessions and throttling are in the database), and a
    reset email is still sent, uncapped (/readyz reports the cache)."""
    # A context manager, not the settings fixture: the cache must be back before the
    # autouse fixture clears it at teardown.
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=down):
        assert log_in(client, "rita", PASSWORD).status_code == 302
        client.logout()
        response = client.post(reverse("password_reset"), {"email": "rita@desk.invalid"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
