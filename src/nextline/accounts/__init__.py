"""Shared access (issue 14): accounts, roles per person, sessions, share links, one-time
links and the audit log.

Two modes, decided by whether any account exists (`nextline admin init` makes the first):
- **local** (no accounts): one person on one computer, loopback only, no sign-in; the one
  user is `Principal.local()`, who may do everything, as before;
- **server** (accounts exist): every page, form, API route and download is checked against
  the signed-in account's role for that person (`accounts.access`).

The modules, each with one job: `principal` (who is asking), `store` (`AccountStore`:
accounts, sign-in, sessions, roles, links, TOTP), `policy` (every time-out and limit, and
why), `passwords` (argon2id), `tokens` (random tokens kept as SHA-256), `totp` (codes, used
once), `models` (the values the store hands out), `errors` (`AccountError`), `mode` (is any
account there?), `audit` (the append-only log). Nothing is imported here, so reading the
principal never loads SQLAlchemy or argon2.
"""
