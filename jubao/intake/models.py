"""The reporter's side of a report: the secret receipt, and messages between reporter and handlers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReporterAccess(models.Model):
    """How a reporter comes back to a report. The receipt is stored only as an Argon2id hash of
    HMAC(pepper, receipt); the pepper never touches the database. No IP address, user agent or
    fingerprint is kept; failed attempts are counted here so throttling works across processes."""

    report = models.OneToOneField("cases.Report", on_delete=models.CASCADE, related_name="access")
    receipt_hash = models.CharField(max_length=200, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    acknowledged_false_accusation_notice_at = models.DateTimeField(null=True, blank=True)
    # The language the report was made in, so notices reach the reporter in it.
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporter access")
        verbose_name_plural = _("reporter accesses")

    def __str__(self) -> str:
        return f"access to {self.report_id}"


class MessageDirection(models.TextChoices):
    TO_REPORTER = "to_reporter", _("To the reporter")
    FROM_REPORTER = "from_reporter", _("From the reporter")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    SUPPLEMENT_ANSWER = "supplement_answer", _("Answer to a request for information")


class ReporterMessage(models.Model):
    """A message in the two-way channel between a reporter and the handlers (never an internal note)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey("cases.Report", on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=15, choices=MessageDirection.choices)
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("message with the reporter")
        verbose_name_plural = _("messages with the reporter")
        constraints = [
            models.CheckConstraint(condition=models.Q(direction__in=MessageDirection.values),
                                   name="message_direction_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=MessageKind.values), name="message_kind_valid"),
        ]
        indexes = [models.Index(fields=["report", "created_at"], name="message_report_created")]

    def __str__(self) -> str:
        return f"{self.direction} {self.created_at:%Y-%m-%d}"
