"""The audit trail: one hash-chained table for every transition and every sensitive act."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    REPORTER = "reporter", _("Reporter")
    SYSTEM = "system", _("System")


class AuditEvent(models.Model):
    """One event. `hash` covers the event's content and `prev_hash`, so editing, deleting or
    reordering any event breaks the chain (`manage.py verify_audit`)."""

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=60, db_index=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    reporter_visible = models.BooleanField(default=False)
    algorithm = models.CharField(max_length=10, default="sha256")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["case", "seq"], name="audit_case_seq")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor_kind__in=ActorKind.values), name="audit_actor_kind_valid"
            ),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class AuditChainHead(models.Model):
    """A single row holding the last sequence number and hash; appending locks it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
