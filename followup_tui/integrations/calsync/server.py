"""The calendar server, through the caldav library: find (or make) the calendar, list what it holds
with ETags, read items, write them only if they are as we last saw them, delete them.

Writes are conditional: a new item is PUT with `If-None-Match: *`, a known one with `If-Match:
<the ETag we last saw>`, so a change made on the server meanwhile is answered 412, never
overwritten. Everything the network or the server can do wrong becomes a SyncError: one line that
says what happened and where (exit 1), or what to change in config.toml (exit 2).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from ...domain.config import CalDav
from ...domain.textsafe import safe

ICAL = {"Content-Type": "text/calendar; charset=utf-8"}
CONFLICT, GONE = 412, 404


class SyncError(Exception):
    """The sync cannot go on; one line for the user. `code` 2: change the configuration."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Written:
    status: int  # 201/204 done, 412 changed meanwhile (or exists), 404 gone
    etag: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def path_of(url: str) -> str:
    """An item's key: its URL's path, as the server spells it or quotes it."""
    return unquote(urlsplit(url).path)


class Server:
    """One CalDAV account (caldav.url, caldav.username and the password)."""

    def __init__(self, settings: CalDav, password: str) -> None:
        try:
            from caldav.davclient import DAVClient
        except ImportError:
            raise SyncError("followup sync needs the caldav package: pip install 'followup-tui[caldav]'", 2) from None
        logging.getLogger("caldav").setLevel(logging.CRITICAL)  # its warnings are ours to say, in one line
        if settings.ca_file and not Path(settings.ca_file).expanduser().is_file():
            raise SyncError(f"caldav.ca_file {safe(settings.ca_file)} is not a file", 2)
        self.settings = settings
        self.url = settings.url
        with self.talking():
            self.client = DAVClient(
                url=settings.url,
                username=settings.username or None,
                password=password,
                timeout=settings.timeout,  # type: ignore[arg-type]  # requests takes seconds as a float
                ssl_verify_cert=str(Path(settings.ca_file).expanduser()) if settings.ca_file else True,
                enable_rfc6764=False,  # the URL is the server: no DNS discovery
            )
        self.calendar: Any = None  # a caldav Calendar once open_calendar found it

    def href(self, name: str) -> str:
        """The URL an item called `name` has in the calendar."""
        return str(self.calendar.url.join(name))

    def close(self) -> None:
        self.client.close()

    # --- the calendar ------------------------------------------------------------------------------

    def open_calendar(self, wanted: str, known: str | None, create: bool) -> tuple[str | None, bool]:
        """(the calendar's URL, whether it was made now) for caldav.calendar: a URL, or a name looked
        up (`known`: where it was found last time) and made when missing if `create`. None: it is
        missing and not made (a dry run)."""
        with self.talking():
            if wanted.startswith(("http://", "https://", "/")):
                url = urljoin(self.url, wanted)
                if not self._is_calendar(url):
                    raise SyncError(f"caldav.calendar {safe(wanted)} is not a calendar on the server", 2)
                return self._use(url), False
            if known and self._is_calendar(known, missing_ok=True):
                return self._use(known), False
            principal = self.client.principal()
            if not self.client.supports_caldav():
                raise SyncError(f"{safe(self.url)} does not speak CalDAV (no calendar-access in its DAV header)")
            for calendar in principal.calendars():
                segment = path_of(str(calendar.url)).rstrip("/").rsplit("/", 1)[-1]
                if wanted in (calendar.get_display_name(), segment):
                    return self._use(str(calendar.url)), False
            if not create:
                return None, False
            components = ["VTODO", "VEVENT"] if self.settings.events else ["VTODO"]
            try:
                made = principal.make_calendar(name=wanted, supported_calendar_component_set=components)
            except Exception as exc:
                if _is_network(exc):
                    raise
                raise SyncError(
                    f"no calendar {safe(wanted)!r} on the server, and it would not make one ({_said(exc)}); "
                    "make it in your calendar app and set caldav.calendar to its name or URL"
                ) from None
            return self._use(str(made.url)), True

    def _is_calendar(self, url: str, missing_ok: bool = False) -> bool:
        from caldav.elements import cdav, dav
        from caldav.lib import error

        try:
            found = self.client.calendar(url=url).get_properties([dav.ResourceType()])
        except error.NotFoundError:
            if missing_ok:
                return False
            raise SyncError(f"caldav.calendar {safe(url)} was not found on the server", 2) from None
        return cdav.Calendar.tag in (found.get(dav.ResourceType.tag) or [])

    def _use(self, url: str) -> str:
        self.calendar = self.client.calendar(url=url)
        return url

    # --- items ---------------------------------------------------------------------------------------

    def listing(self) -> dict[str, str | None]:
        """Every item in the calendar: its path -> its ETag (one sync-collection REPORT)."""
        with self.talking():
            found = self.calendar.get_objects_by_sync_token(None, load_objects=False)
            deleted = {path_of(str(url)) for url in found.deleted_urls}
            return {
                path_of(str(item.url)): _etag(item.props)
                for item in found
                if path_of(str(item.url)) not in deleted and not path_of(str(item.url)).endswith("/")
            }

    def fetch(self, paths: list[str]) -> dict[str, tuple[str | None, bytes]]:
        """path -> (ETag, body) for these items (one calendar-multiget REPORT); a missing one is left out."""
        if not paths:
            return {}
        with self.talking():
            urls = [self.calendar.url.join(path) for path in paths]
            return {
                path_of(str(item.url)): (_etag(item.props), _bytes(item.data))
                for item in self.calendar.multiget(urls)
                if item.data
            }

    def put(self, path: str, body: bytes, etag: str | None, create: bool = False) -> Written:
        """Write an item: a new one only if there is none there yet, a known one only if it still has `etag`."""
        condition = {"If-None-Match": "*"} if create else {"If-Match": etag} if etag else {}
        return self._write(path, "PUT", body, {**ICAL, **condition})

    def delete(self, path: str, etag: str | None) -> Written:
        return self._write(path, "DELETE", b"", {"If-Match": etag} if etag else {})

    def _write(self, path: str, method: str, body: bytes, headers: dict[str, str]) -> Written:
        with self.talking():
            response = self.client.request(self.href(path), method, body.decode("utf-8"), headers)
        status = response.status
        if status in (CONFLICT, GONE) or 200 <= status < 300:
            return Written(status, (response.headers or {}).get("ETag"))
        raise SyncError(f"the server refused to {method} {safe(path)}: {status} {safe(response.reason or '')}")

    # --- what goes wrong -----------------------------------------------------------------------------

    @contextmanager
    def talking(self) -> Iterator[None]:
        """Network and server failures as one line each."""
        try:
            yield
        except SyncError:
            raise
        except Exception as exc:
            raise self.explain(exc) from None

    def explain(self, exc: Exception) -> SyncError:
        from caldav.lib import error

        where = safe(self.url)
        name = type(exc).__name__
        if name == "SSLError" or "SSL" in name or "CERTIFICATE" in str(exc).upper():
            return SyncError(f"TLS failed with {where}: {_tls_reason(exc)}")
        if "Timeout" in name:
            return SyncError(f"{where} did not answer within {self.settings.timeout:g} s (caldav.timeout)")
        if name in ("ConnectionError", "NewConnectionError", "MaxRetryError"):
            return SyncError(f"cannot reach {where}: {_connection_reason(exc)}")
        if isinstance(exc, error.AuthorizationError):
            status = getattr(exc, "status", None) or (401 if "Unauthorized" in str(exc) else 403)
            if status == 401 or "Unauthorized" in str(exc):
                return SyncError(
                    f"{where} refused the username or password (401 Unauthorized): "
                    "check caldav.username and the password"
                )
            return SyncError(f"{where} denied access (403 Forbidden): the account may not use this calendar")
        if isinstance(exc, error.NotFoundError):
            return SyncError(f"{where} has no CalDAV service there (404 Not Found): check caldav.url", 2)
        if isinstance(exc, error.DAVError):
            return SyncError(f"{where} does not speak CalDAV ({_said(exc)})")
        if name in ("InvalidURL", "InvalidSchema", "MissingSchema", "LocationParseError"):
            return SyncError(f"caldav.url {where} is not a usable address ({safe(exc)})", 2)
        return SyncError(f"talking to {where} failed: {name}: {safe(str(exc).splitlines()[0] if str(exc) else '')}")


def _etag(props: dict) -> str | None:
    from caldav.elements import dav

    return props.get(dav.GetEtag.tag)


def _bytes(data: object) -> bytes:
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def _is_network(exc: Exception) -> bool:
    return isinstance(exc, OSError) or "Timeout" in type(exc).__name__


def _said(exc: Exception) -> str:
    """A DAV error's status line, without the page the server sent with it."""
    text = str(exc)
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", None)
    if status:
        return f"{status} {safe(reason) if reason and reason != 'no reason' else ''}".strip()
    first = text.split("at '", 1)[-1].split("\n", 1)[0].strip(" '")
    return safe(first[:80]) or type(exc).__name__


def _tls_reason(exc: Exception) -> str:
    """Why TLS failed, and what helps."""
    text = str(exc)
    if "certificate verify failed" in text:
        detail = text.split("certificate verify failed", 1)[1].split(")", 1)[0].strip(" :()")
        said = "certificate verify failed" + (f" ({safe(detail)})" if detail else "")
        return said + "; for a server with a certificate of its own, set caldav.ca_file to it"
    if "wrong version number" in text or "record layer failure" in text:
        return "the server does not speak TLS there (an http:// address?)"
    if "hostname" in text.lower() and "match" in text.lower():
        return "the certificate is for another host name"
    return "the secure connection could not be made"


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    for known, said in (
        ("Connection refused", "connection refused (is the server running?)"),
        ("Name or service not known", "no such host"),
        ("Failed to resolve", "no such host"),
        ("Network is unreachable", "network unreachable"),
        ("No route to host", "no route to host"),
        ("Connection reset", "the connection was reset"),
    ):
        if known in text:
            return said
    return "the connection failed"
