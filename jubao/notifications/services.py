"""Writing to the outbox, delivering it, and the staff inbox.

Call `outbox_put` / `outbox_put_many` inside the transaction that makes the change the
message is about (a case transition, an assignment, a deadline turning red). The message
then exists only if that change commits: no "case assigned" mail for an assignment that
rolled back, and no lost mail for one that committed. Delivery happens later, in a
worker (the "deliver-outbox" periodic task), outside that transaction.

Delivery is at least once per recipient address: inbox rows are deduplicated by the
database; an e-mail or SMS may be repeated after a crash or a partial failure.

E-mail copies of staff notices: when an inbox message is delivered, one e-mail message with the same topic,
audience, recipient, subject and body (plus the full link) is added to the outbox in the same transaction, if at
least one of its recipients has an e-mail address and has not turned copies off (NotificationPreference). The
normal deliverer then sends it to those recipients' addresses. settings.JUBAO_STAFF_EMAIL_COPIES (default True)
turns this off for a deployment; JUBAO_STAFF_EMAIL_EXCLUDED_TOPICS lists topics never copied.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .audience import SELECTING_KEYS, audience_users, validate_audience
from .backends import get_backend
from .models import Channel, Notification, NotificationPreference, OutboxMessage, OutboxStatus

logger = logging.getLogger("jubao.notifications")

# A claimed message's next_attempt_at is pushed this far ahead while it is being delivered.
DELIVERY_LEASE_SECONDS = 120
PHONE_ATTRIBUTES = ("phone", "mobile", "phone_number")
# payload key of an e-mail copy of an inbox message: the inbox message's public_id.
COPY_OF = "copy_of"


def _max_attempts() -> int:
    return int(getattr(settings, "JUBAO_OUTBOX_MAX_ATTEMPTS", 8))


def outbox_retry_delay_seconds(attempts: int) -> float:
    base = float(getattr(settings, "JUBAO_OUTBOX_RETRY_BASE_SECONDS", 30))
    return min(3600.0, base * (2 ** max(0, attempts - 1)))


# --- Writing --------------------------------------------------------------------------------


def _validate(message: OutboxMessage) -> None:
    if message.channel not in Channel.values:
        raise ValueError(f"unknown channel {message.channel!r}")
    audience = message.audience or {}
    if not isinstance(audience, dict):
        raise ValueError("audience must be a dict")
    validate_audience(audience)
    has_target = (
        message.recipient_user_id is not None
        or bool(SELECTING_KEYS & set(audience))
        or bool(audience.get("address") or audience.get("url") or audience.get("reporter_identity"))
    )
    if not has_target:
        raise ValueError("an outbox message needs recipient_user or an audience")
    if message.channel == Channel.WEBHOOK and not audience.get("url"):
        raise ValueError("a webhook message needs audience['url']")


def outbox_put(
    *,
    topic: str,
    channel: str,
    subject: str,
    body: str,
    recipient_user=None,  # type: ignore[no-untyped-def]
    audience: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Add one message to the outbox. Must run inside the caller's transaction (see module doc).

    `body` and `payload` must never contain reporter identity.
    """
    message = OutboxMessage(
        topic=topic, channel=channel, subject=subject, body=body, recipient_user=recipient_user,
        audience=audience or {}, payload=payload or {},
    )
    _validate(message)
    message.save()
    return message


def outbox_put_many(messages: Iterable[OutboxMessage]) -> list[OutboxMessage]:
    """Add many unsaved messages in a few INSERTs (the deadline sweep emits thousands at once).

    Same transactional rule as `outbox_put`.
    """
    messages = list(messages)
    now = timezone.now()
    for message in messages:
        message.audience = message.audience or {}
        message.payload = message.payload or {}
        # Model defaults were evaluated when each object was built; one shared
        # timestamp keeps a batch delivered in the order it was written.
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now
        _validate(message)
    return OutboxMessage.objects.bulk_create(messages, batch_size=500)


# --- Claiming -------------------------------------------------------------------------------


def _due(now: datetime):  # type: ignore[no-untyped-def]
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)


def _claim(*, batch_size: int, now: datetime, lease_until: datetime) -> list[int]:
    values = {"next_attempt_at": lease_until, "attempts": F("attempts") + 1}
    with transaction.atomic():
        if settings.IS_POSTGRES:
            ids = list(
                _due(now).select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch_size]
            )
            if ids:
                OutboxMessage.objects.filter(id__in=ids).update(**values)
            return ids
        # SQLite: each row is won by a conditional UPDATE; its row count says whether we got it.
        candidates = _due(now).order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch_size]
        return [
            message_id for message_id in list(candidates)
            if _due(now).filter(id=message_id).update(**values) == 1
        ]


# --- Delivering -----------------------------------------------------------------------------


def _recipients(message: OutboxMessage) -> list:
    users = list(audience_users(message.audience or {}))
    extra = message.recipient_user
    if extra is not None and extra.is_active and all(user.pk != extra.pk for user in users):
        users.insert(0, extra)
    return users


def _user_address(user, channel: str) -> str:  # type: ignore[no-untyped-def]
    if channel == Channel.EMAIL:
        return user.email or ""
    for attribute in PHONE_ATTRIBUTES:
        value = getattr(user, attribute, "")
        if value:
            return str(value)
    return ""


def _addresses(message: OutboxMessage) -> list[str]:
    audience = message.audience or {}
    if message.channel == Channel.WEBHOOK:
        return [audience["url"]] if audience.get("url") else []
    users = _recipients(message)
    if (message.payload or {}).get(COPY_OF):
        # A copy of an inbox notice: only to those who still want copies (they may have turned them off since).
        unwanted = _without_copies([user.pk for user in users])
        users = [user for user in users if user.pk not in unwanted]
    found = [_user_address(user, message.channel) for user in users]
    if audience.get("address"):
        found.append(str(audience["address"]))
    if audience.get("reporter_identity"):
        found.append(_reporter_address(str(audience["reporter_identity"]), message.channel))
    return list(dict.fromkeys(address for address in found if address))


def _reporter_address(identity_public_id: str, channel: str) -> str:
    from jubao.protection.models import ReporterIdentity
    from jubao.protection.vault import identity_reveal

    identity = ReporterIdentity.objects.filter(public_id=identity_public_id).first()
    if identity is None:
        return ""
    revealed = identity_reveal(identity)
    return str(revealed.get("email" if channel == Channel.EMAIL else "phone") or "")


def _deliver_inbox(message: OutboxMessage, users: list) -> int:
    link = str((message.payload or {}).get("link", ""))[:500]
    rows = [
        Notification(
            user=user, topic=message.topic, subject=message.subject, body=message.body, link=link, source=message,
        )
        for user in users
    ]
    # The (user, source) unique constraint turns a repeated delivery into a no-op.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _without_copies(user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    return set(NotificationPreference.objects.filter(user_id__in=user_ids, email_copies=False)
               .values_list("user_id", flat=True))


def _copies_wanted(topic: str) -> bool:
    return bool(getattr(settings, "JUBAO_STAFF_EMAIL_COPIES", True)) and topic not in getattr(
        settings, "JUBAO_STAFF_EMAIL_EXCLUDED_TOPICS", ())


def _absolute(link: str) -> str:
    if not link.startswith("/"):
        return link
    return str(getattr(settings, "JUBAO_PUBLIC_URL", "")).rstrip("/") + link


def _email_copy(message: OutboxMessage, users: list) -> OutboxMessage | None:
    """Queue one e-mail copy of a delivered inbox message for the recipients with an address (see module doc)."""
    if not _copies_wanted(message.topic):
        return None
    with_address = [user.pk for user in users if user.email]
    if not set(with_address) - _without_copies(with_address):
        return None
    copies = OutboxMessage.objects.filter(topic=message.topic, created_at__gte=message.created_at,
                                          channel=Channel.EMAIL, **{f"payload__{COPY_OF}": str(message.public_id)})
    if copies.exists():  # a message put back to pending by hand and delivered again
        return None
    payload = dict(message.payload or {})
    link = str(payload.get("link", ""))
    body = message.body or message.subject
    if link:
        body = f"{body}\n\n{_absolute(link)}"
    payload[COPY_OF] = str(message.public_id)
    return OutboxMessage.objects.create(
        topic=message.topic, channel=Channel.EMAIL, recipient_user_id=message.recipient_user_id,
        audience=message.audience or {}, subject=message.subject, body=body, payload=payload,
    )


def _deliver_external(message: OutboxMessage) -> tuple[int, str]:
    backend = get_backend(message.channel)
    if backend is None:
        return 0, f"no backend configured for channel {message.channel}"
    addresses = _addresses(message)
    for address in addresses:
        backend.send(message, address)
    return len(addresses), ""


def _finish(message: OutboxMessage, **values: Any) -> bool:
    # The claim's lease value identifies our claim: if it expired and another deliverer
    # took the row, that deliverer's outcome wins.
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.PENDING, next_attempt_at=message.next_attempt_at
    )
    updated = claimed.update(**values)
    if updated:
        for name, value in values.items():
            setattr(message, name, value)
    return bool(updated)


def _finish_delivered(message: OutboxMessage, count: int, note: str) -> None:
    if count:
        _finish(message, status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    else:
        _finish(message, status=OutboxStatus.SKIPPED, last_error=note)


def _deliver_one(message: OutboxMessage) -> str:
    try:
        if message.channel == Channel.INBOX:
            # The inbox rows, the "sent" mark and the e-mail copy commit together: a message marked sent once
            # gets exactly one copy.
            with transaction.atomic():
                users = _recipients(message)
                _finish_delivered(message, _deliver_inbox(message, users), "")
                if message.status == OutboxStatus.SENT:
                    _email_copy(message, users)
            return message.status
        count, note = _deliver_external(message)
    except Exception as exc:
        error = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-8000:]
        if message.attempts >= _max_attempts():
            _finish(message, status=OutboxStatus.FAILED, last_error=error)
        else:
            retry_at = timezone.now() + timedelta(seconds=outbox_retry_delay_seconds(message.attempts))
            _finish(message, next_attempt_at=retry_at, last_error=error)
        logger.warning(
            "outbox %s %s attempt %d failed (%s)", message.topic, message.public_id, message.attempts,
            type(exc).__name__,
        )
        return message.status
    _finish_delivered(message, count, note)
    return message.status


def outbox_deliver(*, batch_size: int = 200) -> int:
    """Deliver up to `batch_size` due messages; returns how many were taken (sent, skipped, failed or retried).

    Safe to run in several processes at once: each message is claimed by one of them.
    """
    now = timezone.now()
    lease_until = now + timedelta(seconds=DELIVERY_LEASE_SECONDS)
    ids = _claim(batch_size=batch_size, now=now, lease_until=lease_until)
    if not ids:
        return 0
    messages = (
        OutboxMessage.objects.filter(id__in=ids, next_attempt_at=lease_until)
        .select_related("recipient_user").order_by("id")
    )
    outcomes: dict[str, int] = {}
    for message in messages:
        status = _deliver_one(message)
        outcomes[str(status)] = outcomes.get(str(status), 0) + 1
    logger.info("outbox delivered batch of %d: %s", len(ids), outcomes)
    return len(ids)


# --- Inbox ------------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:  # type: ignore[no-untyped-def]
    """Mark one of the actor's own notifications read; reading someone else's is refused."""
    if notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def notifications_unread_count(user) -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_preference_get(user) -> NotificationPreference:  # type: ignore[no-untyped-def]
    """The user's preferences (an unsaved row with the defaults when they never changed them)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def notification_preference_set(*, actor, email_copies: bool) -> NotificationPreference:  # type: ignore[no-untyped-def]
    """The actor (a staff user) turns e-mail copies of their notices on or off."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email_copies": bool(email_copies)})
    return preference
