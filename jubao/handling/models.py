"""Handling inside and between departments: handlers and recusal, returns, joint tasks, extensions, conclusions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Finding, _choices_check


class HandlerProfile(models.Model):
    """What a department needs to know to give a handler the right cases."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_profile")
    # The person's own name as a reporter would write it; recusal looks for it in reports.
    person_name = models.CharField(_("name"), max_length=40, blank=True)
    capability_tags = models.CharField(
        _("capabilities"), max_length=255, blank=True,
        help_text=_("Comma-separated: category names, skills (e.g. 市政道路, 噪声, 法律)."),
    )

    class Meta:
        verbose_name = _("handler profile")
        verbose_name_plural = _("handler profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def tags(self) -> list[str]:
        return [t.strip() for t in self.capability_tags.replace("，", ",").split(",") if t.strip()]


class ConflictDeclaration(models.Model):
    """A staff member's declared link with a unit or person: any case naming it is theirs to stay away from."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    subject = models.CharField(_("unit or person"), max_length=100)
    relation = models.CharField(_("relation"), max_length=200)
    is_active = models.BooleanField(default=True)
    declared_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        indexes = [models.Index(fields=["user", "is_active"], name="conflict_user_active")]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"


class CaseRecusal(models.Model):
    """A recusal on one case, declared by the staff member or decided by the department head. Never lifted."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals")
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_recusal_per_case_user")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id}"


class ReturnDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting the dispatcher")
    REDISPATCHED = "redispatched", _("Re-dispatched elsewhere")
    INSISTED = "insisted", _("Dispatcher insisted")
    SUPERVISOR = "supervisor", _("Decided by a supervisor")


class CaseReturn(models.Model):
    """One 退单: which department sent the case back, why, and what the dispatcher did about it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="returns")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="returns")
    sequence = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason"))
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(db_index=True)
    decision = models.CharField(max_length=15, choices=ReturnDecision.choices, default=ReturnDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    redispatched_to = models.ForeignKey("organisation.Department", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            _choices_check("decision", ReturnDecision, "return_decision_valid"),
            models.UniqueConstraint(fields=["case", "sequence"], name="return_sequence_unique"),
        ]
        indexes = [models.Index(fields=["department", "returned_at"], name="return_department_at")]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence}"


class TaskKind(models.TextChoices):
    CO_HANDLING = "co_handling", _("Co-handling task")
    REPORT_BACK = "report_back", _("Report back to the assigning level")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REPORTED = "reported", _("Reported")
    RELEASED = "released", _("Released by a supervisor")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATES = (TaskStatus.OPEN,)


class HandlingTask(models.Model):
    """A department's own piece of a case with its own deadline: a co-handler's part, or a report-back."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="handling_tasks")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=15, choices=TaskKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due"))
    overdue = models.BooleanField(default=False)
    report_text = models.TextField(_("report"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    close_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            _choices_check("kind", TaskKind, "task_kind_valid"),
            _choices_check("status", TaskStatus, "task_status_valid"),
        ]
        indexes = [
            # The sweeper reads only open tasks not yet flagged late.
            models.Index(fields=["due_at"], condition=models.Q(status="open", overdue=False),
                         name="task_due_sweep"),
            models.Index(fields=["case", "status"], name="task_case_status"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.department_id} {self.kind}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExtensionRequest(models.Model):
    """A handler's request for more time; the approver named by the policy pack decides."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="extension_requests")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT,
                                   related_name="extension_requests")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            _choices_check("status", RequestStatus, "extension_status_valid"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                    name="one_pending_extension_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class ConclusionDraft(models.Model):
    """The handler's conclusion as submitted; complex and major cases need the department head's approval."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="conclusion_drafts")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices)
    facts = models.TextField(_("facts established"))
    measures = models.TextField(_("measures taken"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    malicious = models.BooleanField(_("malicious or knowingly false accusation"), default=False)
    malicious_basis = models.TextField(_("grounds for the malicious-accusation finding"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            _choices_check("status", RequestStatus, "conclusion_status_valid"),
            _choices_check("finding", Finding, "conclusion_finding_valid"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                    name="one_pending_conclusion_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.finding} {self.status}"


class MaliciousAccusationFinding(models.Model):
    """诬告陷害: kept apart from the case's finding, seen only by department heads, supervisors and leadership,
    because it can lead to action against the reporter and must never leak into the reporter's answer."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="malicious_finding")
    basis = models.TextField(_("grounds"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("malicious-accusation finding")
        verbose_name_plural = _("malicious-accusation findings")

    def __str__(self) -> str:
        return str(self.case_id)
