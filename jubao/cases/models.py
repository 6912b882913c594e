"""Reports (one submission each) and cases (the unit of handling) with their assignments."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.deadlines.models import Light


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    NEEDS_INFO = "needs_info", _("Needs information")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    MERGED = "merged", _("Merged")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    ESCALATED = "escalated", _("Escalated")
    CONCLUDED = "concluded", _("Concluded")
    ANSWERED = "answered", _("Answered")
    RATED = "rated", _("Rated")
    UNDER_REVIEW = "under_review", _("Under review")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    MOBILE = "mobile", _("Mobile app")
    MINI_PROGRAM = "mini_program", _("Mini-program")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    MAILBOX = "mailbox", _("Mailbox")
    VIDEO = "video", _("Video platform")
    GRID_WORKER = "grid_worker", _("Grid worker")
    TRANSFER = "transfer", _("Transfer from a higher level")
    IMPORT = "import", _("Import")
    API = "api", _("API")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Impact(models.TextChoices):
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")
    VERY_LARGE = "very_large", _("Very large")


class Grade(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    COMPLEX = "complex", _("Complex")
    MAJOR = "major", _("Major")


class Verifiability(models.TextChoices):
    A = "A", _("A: specific and checkable")
    B = "B", _("B: vague but recurring")
    C = "C", _("C: weak but a real concern")


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    UNVERIFIABLE = "unverifiable", _("Cannot be verified")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RefusalReason(models.TextChoices):
    OUT_OF_REMIT = "out_of_remit", _("Outside this body's remit")
    LITIGATION = "litigation", _("Pending or decided litigation")
    CIVIL_DISPUTE = "civil_dispute", _("Civil dispute")
    LABOUR_DISPUTE = "labour_dispute", _("Labour dispute (labour arbitration)")
    ENQUIRY = "enquiry", _("Enquiry, not a report")
    STATE_SECRET = "state_secret", _("Involves state secrets")
    PRIVACY = "privacy", _("Involves others' privacy")
    NO_SUBSTANCE = "no_substance", _("No checkable content")
    REPEATED = "repeated", _("Repeated report already handled")


def _choices_check(
    field: str, choices: type[models.TextChoices], name: str, blank: bool = False
) -> models.CheckConstraint:
    values = [*choices.values, ""] if blank else list(choices.values)
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)


# States in which nothing more is done on a case; everything else is open.
CLOSED_STATES = ("refused", "merged", "closed", "archived")
# Bounced back this many times, a case is "bouncing" between departments and needs a supervisor.
BOUNCING_AT = 2
# An open case a supervisor must look at: late or nearly so, escalated, or bouncing. The supervision view filters
# on exactly this condition so that PostgreSQL can prove it implies the partial index below (few percent of rows).
NEEDS_SUPERVISION = ~models.Q(state__in=CLOSED_STATES) & (
    models.Q(light__in=("orange", "red")) | models.Q(overdue=True) | models.Q(state="escalated")
    | models.Q(escalation_count__gt=0) | models.Q(bounce_count__gte=BOUNCING_AT)
)


class Case(models.Model):
    """The unit of handling. State changes only through jubao.cases.workflow."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.REGISTERED)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey("organisation.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="cases")
    region_path = models.CharField(max_length=255, db_index=True)
    kind = models.ForeignKey("taxonomy.Kind", verbose_name=_("kind"), to_field="code", db_column="kind_code",
                             on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey("taxonomy.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases")
    sector = models.ForeignKey("taxonomy.Sector", verbose_name=_("sector"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices, default=Impact.SMALL)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    verifiability = models.CharField(_("verifiability"), max_length=1, choices=Verifiability.choices, blank=True)
    policy_pack = models.ForeignKey("deadlines.PolicyPack", verbose_name=_("policy pack"), on_delete=models.PROTECT,
                                    related_name="cases")
    is_real_name = models.BooleanField(_("real-name reporter"), default=False)
    lead_department = models.ForeignKey("organisation.Department", verbose_name=_("lead department"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="led_cases")
    first_contact_department = models.ForeignKey(
        "organisation.Department", verbose_name=_("first-contact department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="first_contact_cases",
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_cases")
    refusal_reason = models.CharField(_("refusal reason"), max_length=20, choices=RefusalReason.choices, blank=True)
    redirect_notice = models.TextField(_("where to go instead"), blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    conclusion_text = models.TextField(_("conclusion"), blank=True)
    feedback_text = models.TextField(_("feedback to reporter"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=15, choices=Satisfaction.choices, blank=True)
    bounce_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    review_count = models.PositiveSmallIntegerField(_("reviews"), default=0)
    # Denormalised from the open deadlines so that queues filter and sort on indexed columns.
    light = models.CharField(_("light"), max_length=10, default="green", db_index=True)
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    created_at = models.DateTimeField(_("registered at"), db_index=True)
    state_changed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            _choices_check("state", CaseState, "case_state_valid"),
            _choices_check("urgency", Urgency, "case_urgency_valid"),
            _choices_check("impact", Impact, "case_impact_valid"),
            _choices_check("grade", Grade, "case_grade_valid", blank=True),
            _choices_check("verifiability", Verifiability, "case_verifiability_valid", blank=True),
            _choices_check("finding", Finding, "case_finding_valid", blank=True),
            _choices_check("satisfaction", Satisfaction, "case_satisfaction_valid", blank=True),
            _choices_check("refusal_reason", RefusalReason, "case_refusal_reason_valid", blank=True),
            _choices_check("light", Light, "case_light_valid"),
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="case_state_created"),
            models.Index(fields=["lead_department", "state"], name="case_lead_state"),
            # The supervision view: newest deadline first (ties by id, for stable pages); the other key columns
            # let the region filter and the per-problem counts read the index alone. Plain DESC (NULLs first on
            # PostgreSQL): SQLite refuses NULLS LAST in an index.
            models.Index(
                models.F("next_due_at").desc(), models.F("id").desc(),
                *(models.F(name) for name in ("region_path", "light", "overdue", "state", "escalation_count",
                                              "bounce_count", "lead_department")),
                condition=NEEDS_SUPERVISION, name="case_needs_supervision",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def kind_code(self) -> str:
        return str(self.kind_id)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO = "co", _("Co-handling")


class CaseAssignment(models.Model):
    """A department's part in a case. Handlers and heads see the cases their department holds."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=5, choices=AssignmentRole.choices)
    is_active = models.BooleanField(default=True)
    handler = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="assignments")
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            _choices_check("role", AssignmentRole, "assignment_role_valid"),
            models.UniqueConstraint(fields=["case", "department"], condition=models.Q(is_active=True),
                                    name="one_active_assignment_per_department"),
        ]
        indexes = [models.Index(fields=["department", "is_active"], name="assignment_department_active")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.department_id} ({self.role})"


class Report(models.Model):
    """One submission by one reporter through one channel. Identity lives only in the vault."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    kind = models.ForeignKey("taxonomy.Kind", verbose_name=_("kind"), to_field="code", db_column="kind_code",
                             on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when"), null=True, blank=True)
    occurred_text = models.CharField(_("when (as told)"), max_length=100, blank=True)
    region = models.ForeignKey("organisation.Region", verbose_name=_("where"), on_delete=models.PROTECT,
                               related_name="reports")
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    reported_subject = models.CharField(_("who or which unit is reported"), max_length=200, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    identity = models.ForeignKey("protection.ReporterIdentity", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reports")
    reporter_pseudonym = models.CharField(_("reporter"), max_length=30)
    contact_preference = models.CharField(_("contact preference"), max_length=20, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("received at"), db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            _choices_check("channel", Channel, "report_channel_valid"),
            models.UniqueConstraint(fields=["channel", "external_id"], condition=~models.Q(external_id=""),
                                    name="report_unique_external_id"),
        ]

    def __str__(self) -> str:
        return self.tracking_number
