"""Delivery backends for outbox channels other than the in-app inbox.

Which class serves a channel is configured in settings.JUBAO_NOTIFICATION_BACKENDS
({"email": "dotted.path", "sms": "dotted.path", optionally "webhook": …}). A deployment
plugs in its SMS gateway by writing a subclass of `NotificationBackend`.
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import OutboxMessage

logger = logging.getLogger("jubao.notifications")


class NotificationBackend:
    """Interface of a delivery backend.

    `send(message, to)` delivers one outbox message to one address (an e-mail address,
    a phone number, a webhook URL). It returns nothing on success and raises on failure;
    the outbox then retries later with backoff. A message may be sent more than once
    (after a crash, or when one of several recipients failed), so a backend that can
    deduplicate should use `message.public_id`.
    """

    def send(self, message: OutboxMessage, to: str) -> None:
        raise NotImplementedError


class ConsoleEmailBackend(NotificationBackend):
    """Sends through Django's mail API, so settings.EMAIL_BACKEND decides where it goes."""

    def send(self, message: OutboxMessage, to: str) -> None:
        send_mail(message.subject, message.body, None, [to], fail_silently=False)


def mask_phone(number: str) -> str:
    """Show only enough of a number to tell recipients apart: 138****8000."""
    digits = number.strip()
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(0, len(digits) - 2) + digits[-2:]


class ConsoleSmsBackend(NotificationBackend):
    """Prints the SMS instead of sending it: for development and the embedded demo."""

    def send(self, message: OutboxMessage, to: str) -> None:
        line = f"SMS to {mask_phone(to)}: {message.body or message.subject}"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        logger.info("%s", line)


@cache
def _load(path: str) -> NotificationBackend:
    backend = import_string(path)()
    if not isinstance(backend, NotificationBackend) and not callable(getattr(backend, "send", None)):
        raise TypeError(f"{path} has no send(message, to) method")
    return backend


def get_backend(channel: str) -> NotificationBackend | None:
    """The configured backend for `channel`, or None when the deployment has none."""
    path = getattr(settings, "JUBAO_NOTIFICATION_BACKENDS", {}).get(channel)
    return _load(path) if path else None
