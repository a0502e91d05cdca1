"""Local-mode safety for the web app: where it may listen, the headers every response carries,
and the CSRF token that every form and htmx request must echo.

Why each piece:
- Loopback only until authentication exists: anyone who can reach the port can read and edit
  every record, so a public bind address is refused (`ConfigError`) before anything starts.
- Host check: a page on another site could point its own name at 127.0.0.1 (DNS rebinding);
  only loopback names are answered.
- Content Security Policy: scripts and styles come only from this server's `/static/` files,
  never inline; no page may be framed; forms post only back here; nothing is fetched from
  elsewhere.
- CSRF: the server issues a session cookie it signed (SameSite=Strict, HttpOnly), and each
  page carries a token derived from that session with the server's secret; a form or htmx
  request must send it back in the field `csrf_token` or the `X-CSRF-Token` header. A cookie
  the server did not sign (chosen by someone else, or too long) is replaced, never trusted.
  Browsers also say where a request comes from: a write whose `Origin` is not this server,
  or whose `Sec-Fetch-Site` is another site, is refused before its body is read.
- Bounded requests: a body over the limit is refused (413) before any of it is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from typing import TYPE_CHECKING

from nextline.errors import ConfigError

if TYPE_CHECKING:
    from nextline.settings import Settings

CSRF_COOKIE = "nextline_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # the report's charts, drawn as SVG images
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cache-control": "no-store",
}


def is_loopback(host: str) -> bool:
    """True for a name or address that only this machine can reach."""
    name = host.strip().lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


HSTS = "max-age=31536000"  # a year: browsers then refuse plain HTTP for this host


def served_publicly(host: str) -> bool:
    """Whether the app listens beyond this machine: its cookies are then `Secure` and its
    answers carry HSTS (the connection must be TLS, through a proxy or uvicorn's own)."""
    return not is_loopback(host)


def sign_in_on(settings: Settings) -> bool:
    """Whether sign-in is on (an account exists); asked only for a non-loopback address,
    so local mode never opens the store here (`nextline serve`, its workers, its keeper)."""
    if is_loopback(settings.host):
        return False
    from nextline.accounts.mode import accounts_exist

    return accounts_exist(settings)


def check_bind_address(host: str, authentication: bool = False) -> None:
    """Refuse to listen anywhere but loopback until sign-in is on (server mode: an account
    exists, made by `nextline admin init`)."""
    if is_loopback(host) or authentication:
        return
    raise ConfigError(
        f"refusing to serve on {host!r}: nextline has no sign-in yet (no account exists), so "
        "anyone who can reach that address could read and change every record. Run "
        "`nextline admin init` first to create the admin account and turn sign-in on "
        "(docs/server.md), or use 127.0.0.1 (the default) and open the app on this machine."
    )


# Exactly a loopback name or address, with an optional port: nothing before, nothing after.
_HOST = re.compile(
    r"(?P<name>localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::(?P<port>\d{1,5}))?",
    re.IGNORECASE,
)


def host_allowed(host_header: str) -> bool:
    """Whether a request's Host header names this machine exactly (guards against DNS
    rebinding): `localhost`, `127.x.y.z` or `[::1]`, with an optional port."""
    match = _HOST.fullmatch(host_header)
    if match is None:
        return False
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        return False
    return is_loopback(match.group("name"))


def served_host_allowed(host_header: str, base_url: str | None, public: bool) -> bool:
    """The Host check in every mode: loopback names always; the host of the configured
    address people open (`NEXTLINE_BASE_URL`, e.g. behind a TLS proxy that forwards the
    Host); and, when the app itself listens beyond loopback with no address configured,
    any host (sign-in guards it there, and the cookies belong to whatever site set them)."""
    if host_allowed(host_header):
        return True
    if base_url:
        from urllib.parse import urlsplit

        expected = urlsplit(base_url).netloc.lower()
        name = urlsplit(base_url).hostname or ""
        return host_header.lower() in (expected, name.lower())
    return public


def origin_allowed(origin: str | None, fetch_site: str | None, host_header: str) -> bool:
    """Whether a write comes from this server's own pages (or from a tool that is not a
    browser, which sends neither header)."""
    if fetch_site is not None:
        # The browser's own word, and it holds whatever the referrer policy: with this app's
        # `no-referrer`, a same-origin form post carries `Origin: null`.
        return fetch_site.lower() in ("same-origin", "none")
    if origin is None:
        return True
    return origin.lower() in (f"http://{host_header.lower()}", f"https://{host_header.lower()}")


SESSION_LIMIT = 200  # characters; a longer cookie is not one this server issued


class CsrfSigner:
    """Issues signed session cookies and the CSRF token bound to each.

    The secret lives in memory for the life of the server: after a restart, an open page's
    token no longer matches and the form asks for a reload (nothing is stored meanwhile).
    """

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _mac(self, purpose: str, value: str) -> str:
        digest = hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256)
        return digest.hexdigest()

    def new_session(self) -> str:
        session = secrets.token_urlsafe(24)
        return f"{session}.{self._mac('session', session)}"

    def session_valid(self, cookie: str | None) -> bool:
        """A cookie this server signed (any other is replaced by a fresh one)."""
        if not cookie or len(cookie) > SESSION_LIMIT or cookie.count(".") != 1:
            return False
        session, mac = cookie.split(".")
        return hmac.compare_digest(mac.encode(), self._mac("session", session).encode())

    def token(self, cookie: str) -> str:
        """The CSRF token for the pages of this session."""
        return self._mac("csrf", cookie)

    def check(self, cookie: str | None, sent: str | None) -> bool:
        """The session is one this server signed and `sent` is its token (constant time)."""
        if not self.session_valid(cookie) or not sent or len(sent) > SESSION_LIMIT:
            return False
        assert cookie is not None
        return hmac.compare_digest(self.token(cookie).encode(), sent.encode())
