"""The outbox's senders. ``NOTIFICATION_SENDER`` names the class (dotted path):
``DatabaseSender`` (default: logs and marks sent; for development and tests) or ``HttpSmsSender``
(an SMS gateway reached over HTTP, configured by ``SMS_GATEWAY_URL`` and ``SMS_GATEWAY_TOKEN``)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SendError(Exception):
    pass


class DatabaseSender:
    def send(self, notification) -> None:
        logger.info(
            "notification %s to %s: %s", notification.pk, notification.to, notification.text
        )


def idempotency_key(notification) -> str:
    """The gateway's idempotency key of one outbox message: its id, the same at every attempt."""
    return f"notification-{notification.pk}"


class HttpSmsSender:
    def send(self, notification) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url.startswith(("https://", "http://")):
            raise SendError("SMS_GATEWAY_URL is not configured")
        # A worker killed between the gateway's answer and recording it sends the message again
        # after its lease: the same key both times lets the gateway send the SMS once.
        key = idempotency_key(notification)
        body = json.dumps({"id": key, "to": notification.to, "text": notification.text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.NOTIFICATION_SEND_TIMEOUT_SECONDS
            ) as response:
                if response.status >= 300:
                    raise SendError(f"gateway answered {response.status}")
        except OSError as exc:
            raise SendError(str(exc)) from exc


#: Where the senders lived before the outbox moved to the core: a deployment's setting naming the
#: old path keeps working.
_FORMER_MODULE = "repairs.notifications."


def get_sender():
    path = settings.NOTIFICATION_SENDER
    if path.startswith(_FORMER_MODULE):
        path = f"{__name__}.{path.removeprefix(_FORMER_MODULE)}"
    return import_string(path)()
