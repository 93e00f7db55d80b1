"""Canonical URLs: the one normalisation every URL goes through when it enters the desk.

w3lib (Scrapy's URL library) does the heavy lifting: lower-case host, IDNA, percent-
encoding, dot segments, sorted query parameters, no fragment. On top of it this module
refuses anything but http/https and credentials, drops default ports and removes
tracking parameters, so that one document is one Source however it was linked.

A URL is canonicalised once, where it enters the desk (a form field, a CSV cell, the
importer, the demo data): canonical_url() returns a CanonicalURL, and the functions further
in (editing.source_for_url, Source.save, the publisher lookup) take that value as it is.
"""

from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "vero_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "ocid",
        "cmpid",
        "ref_src",
        "sr_share",
    }
)
MAX_URL_LENGTH = 2000


class CanonicalURL(str):
    """A URL as canonical_url() returned it: code further in trusts it as canonical.

    Only canonical_url() makes one (and Source, for URLs read back from the database,
    which were canonical when stored).
    """

    __slots__ = ()


class UnsafeURL(ValueError):
    """A URL the desk refuses: not http/https, with credentials, malformed or too long."""


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@dataclass(frozen=True)
class CheckedURL:
    scheme: str  # "http" or "https", lower-case
    host: str  # without a trailing dot; IPv6 without brackets
    port: int | None  # as written, or None
    parts: SplitResult


def checked_url(url: str) -> CheckedURL:
    """Split an http(s) URL after the checks every URL entering the desk passes: no control
    characters, a valid port, http or https only, no credentials, a host name. Raises
    UnsafeURL with a message for a person."""
    url = (url or "").strip()
    if not url:
        raise UnsafeURL("Enter a URL.")
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(f"URLs longer than {MAX_URL_LENGTH} characters are not accepted.")
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        raise UnsafeURL("The URL contains control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(f"This is not a valid URL ({error}).") from error
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURL("Only http:// and https:// links are accepted.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("Links with a user name or password in them are not accepted.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL("The URL has no host name.")
    return CheckedURL(scheme, host, port, parts)


def canonical_url(url: str) -> CanonicalURL:
    """The canonical form of an http(s) URL, or UnsafeURL with a message for a person."""
    checked = checked_url(url)
    scheme, host, port, parts = checked.scheme, checked.host, checked.port, checked.parts
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(k)
        ]
    )
    try:
        canonical = canonicalize_url(urlunsplit((scheme, netloc, parts.path or "/", query, "")))
    except (ValueError, UnicodeError) as error:
        raise UnsafeURL(f"This is not a valid URL ({error}).") from error
    if len(canonical) > MAX_URL_LENGTH:
        raise UnsafeURL(f"URLs longer than {MAX_URL_LENGTH} characters are not accepted.")
    return CanonicalURL(canonical)


def safe_link(url: str) -> str:
    """The URL if it can be rendered as a link (http/https only), else an empty string."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    if parts.scheme.lower() in ALLOWED_SCHEMES and parts.hostname:
        return url.strip()
    return ""
