"""A message as an HTTP POST: khetmap's JSON, or a LINE Messaging API push message.

- **json**: the message document (`alerts.MessageDoc`, schema `khetmap.alert/1`) as the
  body, `Content-Type: application/json`, an `Idempotency-Key` header that is the same for
  the same message (a receiver can drop a copy sent again after a crash), and
  `Authorization: Bearer KHETMAP_WEBHOOK_TOKEN` when that setting is given.
- **line**: `{"to": line_to, "messages": [{"type": "text", "text": …}]}` to LINE's push
  endpoint with `Authorization: Bearer KHETMAP_LINE_TOKEN` and `X-Line-Retry-Key` (LINE
  itself refuses a second push with the same key: 409, counted as sent).

The target must be on the allow-list (`subscriptions.allowed`, checked again here);
redirects are not followed. Tokens come only from settings.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import urllib3

from dashboard import config
from dashboard.ingest.webclient import USER_AGENT, host_of
from dashboard.notify import mail
from dashboard.notify.alerts import MessageDoc
from dashboard.notify.subscriptions import Webhook, allowed

TIMEOUT_SECONDS = 20.0
LINE_TEXT_CHARS = 5_000
_POOL = urllib3.PoolManager(retries=False)
_NAMESPACE = uuid.UUID("5a0c3f0e-8a11-4a55-9c1b-6b68a7e0b2d1")


class RefusedError(Exception):
    """The receiver refused the message (a 4xx answer): another try will not change it."""


class TransientError(Exception):
    """Worth another try: no answer, a dropped connection, 429 or 5xx."""


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def request(doc: MessageDoc, hook: Webhook) -> Request:
    """The POST for `doc`; the same key and body for the same message."""
    key = str(uuid.uuid5(_NAMESPACE, f"{doc['subscription']}\n{doc['message']}"))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if hook.format == "line":
        text = mail.subject(doc) + "\n\n" + mail.text_body(doc)
        body: object = {
            "to": hook.line_to,
            "messages": [{"type": "text", "text": text[:LINE_TEXT_CHARS]}],
        }
        headers["X-Line-Retry-Key"] = key
        token = config.line_token()
    else:
        body = doc
        headers["Idempotency-Key"] = key
        token = config.webhook_token()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body, ensure_ascii=False).encode()
    return Request(url=hook.url, body=data, headers=headers)


def post(req: Request, *, hosts: tuple[str, ...]) -> None:
    """POST once: returns on 2xx (or LINE's 409 'already sent'); raises `TransientError` or
    `RefusedError`."""
    if not allowed(req.url, hosts):
        raise RefusedError(
            f"{host_of(req.url)} is not an allowed webhook host (KHETMAP_WEBHOOK_HOSTS)"
        )
    try:
        response = _POOL.request(
            "POST", req.url, body=req.body, headers=req.headers, redirect=False,
            timeout=urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS),
        )  # fmt: skip
    except urllib3.exceptions.HTTPError as exc:
        raise TransientError(f"cannot reach {host_of(req.url)} ({type(exc).__name__})") from exc
    status = response.status
    if 200 <= status < 300 or (status == 409 and "X-Line-Retry-Key" in req.headers):
        return
    if status == 429 or status >= 500:
        raise TransientError(f"{host_of(req.url)} answered HTTP {status}")
    raise RefusedError(f"{host_of(req.url)} answered HTTP {status}")
