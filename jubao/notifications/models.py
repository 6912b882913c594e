"""The transactional outbox and the staff in-app inbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (no recipients)")


class OutboxMessage(models.Model):
    """A message to deliver once the change that caused it has committed.

    Written in the same transaction as that change (`outbox_put`), so a rolled-back
    change leaves no message behind and a committed one always gets delivered.

    Recipients are `recipient_user`, and/or `audience`, resolved at delivery time so
    that staff changes between writing and sending are respected:
    `{"role": "supervisor", "region_path": "/330000/330100/"}`, `{"department_id": 3}`,
    `{"role": "auditor"}` … (see `jubao.notifications.audience`).

    While a deliverer works on a pending row, `next_attempt_at` is pushed forward as a
    lease, so a deliverer that dies mid-batch only delays its rows.

    `payload` and `body` must never contain reporter identity. `payload["link"]`
    becomes the inbox notification's link.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(_("topic"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="notif_outbox_pending_due",
                condition=models.Q(status=OutboxStatus.PENDING),
            ),
            models.Index(fields=["topic", "created_at"], name="notif_outbox_topic_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="notif_outbox_channel_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values), name="notif_outbox_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.channel}) {self.public_id}"


class Notification(models.Model):
    """One item in a staff member's in-app inbox."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(_("topic"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True, help_text=_("A path inside this site."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The outbox message this came from: the unique pair makes re-delivery after a
    # crash harmless instead of doubling the user's inbox.
    source = models.ForeignKey(
        OutboxMessage, verbose_name=_("source message"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["user", "created_at"], name="notif_unread_by_user",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["user", "-created_at"], name="notif_by_user_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "source"], name="notif_once_per_user_and_source"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A staff member's choices about notices. Without a row, the defaults apply (copies by e-mail: on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="notification_preference")
    email_copies = models.BooleanField(
        _("also send my notices by e-mail"), default=True,
        help_text=_("Every notice in your inbox is also sent to your e-mail address, if you have one."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: e-mail copies {'on' if self.email_copies else 'off'}"
