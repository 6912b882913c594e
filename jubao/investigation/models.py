"""The investigation record of a case: collective review (集体研判), internal notes, evidence with its chain of
custody, site visits, requests for supplements to the reporter during handling, and case ownership (包案).

Nothing here is ever shown to the reporter except the text of a supplement request, which is sent to the
reporter on purpose (through the intake messages).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import _choices_check


# --- collective review (集体研判) ---------------------------------------------------------------------------
class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("Meeting in person")
    VIDEO = "video", _("Video conference")
    WRITTEN = "written", _("Written circulation (会签)")


class CollectiveReview(models.Model):
    """The minutes of one collective review meeting. Complete (and frozen) once every participant has signed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="collective_reviews")
    held_at = models.DateTimeField(_("held at"))
    meeting_format = models.CharField(_("format"), max_length=10, choices=MeetingFormat.choices)
    location = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT,
                              related_name="+")
    decision = models.TextField(_("decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))
    updated_at = models.DateTimeField(_("last changed at"))
    completed_at = models.DateTimeField(_("signed by everyone at"), null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("collective review record")
        verbose_name_plural = _("collective review records")
        constraints = [
            _choices_check("meeting_format", MeetingFormat, "collective_review_format_valid"),
            # One record at a time is being signed; a finished one is never edited again.
            models.UniqueConstraint(fields=["case"], condition=models.Q(completed_at__isnull=True),
                                    name="collective_review_one_open_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_at:%Y-%m-%d}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ReviewParticipant(models.Model):
    """One participant of a collective review: their own opinion and their own signature."""

    review = models.ForeignKey(CollectiveReview, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT,
                             related_name="collective_reviews")
    opinion = models.TextField(_("opinion"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # SHA-256 of the record as it stood when this participant signed (what exactly they signed).
    signed_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_participant_once")]
        indexes = [models.Index(fields=["user", "signed_at"], name="review_participant_user")]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.user_id}"


# --- internal notes, site visits, evidence ------------------------------------------------------------------
class InvestigationNote(models.Model):
    """An internal note. Never shown to the reporter, never in a reporter-visible event."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="investigation_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["case", "-created_at"], name="investigation_note_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"


class SiteVisit(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="site_visits")
    visited_at = models.DateTimeField(_("visited at"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff present"),
                                          related_name="+")
    others_present = models.CharField(_("others present"), max_length=300, blank=True)
    findings = models.TextField(_("findings"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")

    def __str__(self) -> str:
        return f"{self.case_id} {self.place}"


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Photo")
    TESTIMONY = "testimony", _("Testimony")
    OBJECT = "object", _("Physical object")
    OTHER = "other", _("Other")


class EvidenceStatus(models.TextChoices):
    HELD = "held", _("Held")
    SEALED = "sealed", _("Sealed")
    RETURNED = "returned", _("Returned to its owner")


class EvidenceItem(models.Model):
    """One piece of evidence. The file (if any) is stored encrypted exactly as uploaded; `sha256` is of those bytes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evidence_items")
    site_visit = models.ForeignKey(SiteVisit, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="evidence_items", verbose_name=_("site visit"))
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    description = models.TextField(_("description"))
    collected_at = models.DateTimeField(_("collected at"))
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collected by"),
                                     on_delete=models.PROTECT, related_name="+")
    custodian = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("current custodian"),
                                  on_delete=models.PROTECT, related_name="evidence_in_custody")
    status = models.CharField(_("status"), max_length=10, choices=EvidenceStatus.choices,
                              default=EvidenceStatus.HELD)
    created_at = models.DateTimeField(_("recorded at"))
    # The file: metadata shown to staff, and the envelope to open the ciphertext (see investigation.storage).
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    storage_name = models.CharField(max_length=255, blank=True, editable=False)
    algorithm = models.CharField(max_length=20, blank=True, editable=False)
    key_id = models.CharField(max_length=64, blank=True, editable=False)
    wrapped_key = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-collected_at", "-pk"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        constraints = [
            _choices_check("kind", EvidenceKind, "evidence_kind_valid"),
            _choices_check("status", EvidenceStatus, "evidence_status_valid"),
            models.UniqueConstraint(fields=["storage_name"], condition=~models.Q(storage_name=""),
                                    name="evidence_storage_name_unique"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def has_file(self) -> bool:
        return bool(self.storage_name)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("custody events are append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise TypeError("custody events are append-only")


class CustodyAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRANSFERRED = "transferred", _("Transferred")
    SEALED = "sealed", _("Sealed")
    UNSEALED = "unsealed", _("Unsealed")
    RETURNED = "returned", _("Returned to its owner")


class CustodyEvent(models.Model):
    """One link of an item's chain of custody. Append-only: rows are never changed or removed, and each row
    carries the hash of the one before it, so an edit in the database shows."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody_events")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=12, choices=CustodyAction.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("from"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("to"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        constraints = [
            _choices_check("action", CustodyAction, "custody_action_valid"),
            models.UniqueConstraint(fields=["item", "seq"], name="custody_event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise TypeError("custody events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("custody events are append-only")


# --- supplement requests to the reporter during handling ------------------------------------------------------
class SupplementStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the reporter")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SupplementRequest(models.Model):
    """One consolidated list of what the reporter is asked to supply during handling (一次性告知)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="supplement_requests")
    report = models.ForeignKey("cases.Report", on_delete=models.PROTECT, related_name="supplement_requests")
    items = models.JSONField(_("what is asked for"), default=list)
    text = models.TextField(_("text sent to the reporter"))
    status = models.CharField(_("status"), max_length=10, choices=SupplementStatus.choices,
                              default=SupplementStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("asked at"))
    request_message = models.ForeignKey("intake.ReporterMessage", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    answer_message = models.ForeignKey("intake.ReporterMessage", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("request for supplements")
        verbose_name_plural = _("requests for supplements")
        constraints = [
            _choices_check("status", SupplementStatus, "supplement_status_valid"),
            # One consolidated list at a time per reporter, never a series of requests.
            models.UniqueConstraint(fields=["report"], condition=models.Q(status="open"),
                                    name="supplement_one_open_per_report"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


# --- case ownership (包案) ----------------------------------------------------------------------------------
class OwnershipReason(models.TextChoices):
    REPEATED = "repeated", _("Repeated reports")
    DIFFICULT = "difficult", _("Difficult case")
    BOTH = "both", _("Repeated and difficult")


class CaseOwnership(models.Model):
    """A named leader owns a difficult or repeated case until it is resolved (包案)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ownerships")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT,
                               related_name="owned_cases")
    reason = models.CharField(_("why"), max_length=10, choices=OwnershipReason.choices)
    plan = models.TextField(_("resolution plan"))
    interval_days = models.PositiveSmallIntegerField(_("progress every (days)"), default=14)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))
    next_progress_due_at = models.DateTimeField(_("next progress due"), null=True, blank=True)
    # Set when the leader was reminded of the current due date; cleared by the next progress entry.
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["next_progress_due_at", "pk"]
        verbose_name = _("case ownership")
        verbose_name_plural = _("case ownerships")
        constraints = [
            _choices_check("reason", OwnershipReason, "ownership_reason_valid"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(ended_at__isnull=True),
                                    name="ownership_one_active_per_case"),
            models.CheckConstraint(condition=models.Q(interval_days__gte=1, interval_days__lte=90),
                                   name="ownership_interval_valid"),
        ]
        indexes = [
            models.Index(fields=["next_progress_due_at"], name="ownership_next_due"),
            # What the reminder job reads: active, due, not yet reminded.
            models.Index(fields=["next_progress_due_at"], name="ownership_reminder_due",
                         condition=models.Q(ended_at__isnull=True, overdue_reminded_at__isnull=True)),
            models.Index(fields=["leader", "ended_at"], name="ownership_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.leader_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class OwnershipProgress(models.Model):
    ownership = models.ForeignKey(CaseOwnership, on_delete=models.PROTECT, related_name="progress")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")

    def __str__(self) -> str:
        return f"{self.ownership_id} {self.created_at:%Y-%m-%d}"
