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
- CSRF (double submit): a random token lives in a SameSite=Strict cookie and must come back
  in the form field `csrf_token` or the `X-CSRF-Token` header; a page on another site can
  make the browser send the cookie, but cannot read it to fill the field.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from nextline.errors import ConfigError

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


def check_bind_address(host: str, authentication: bool = False) -> None:
    """Refuse to listen anywhere but loopback while the app has no sign-in."""
    if is_loopback(host) or authentication:
        return
    raise ConfigError(
        f"refusing to serve on {host!r}: nextline has no sign-in yet, so anyone who can reach "
        "that address could read and change every record. Use 127.0.0.1 (the default) or "
        "localhost, and open the app on this machine."
    )


def host_allowed(host_header: str) -> bool:
    """Whether a request's Host header names this machine (guards against DNS rebinding)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name == "testserver" or is_loopback(name)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, sent: str | None) -> bool:
    """Both present, well-formed and equal (compared in constant time)."""
    if not cookie or not sent or len(cookie) < 32 or len(cookie) > 128:
        return False
    return hmac.compare_digest(cookie.encode(), sent.encode())
