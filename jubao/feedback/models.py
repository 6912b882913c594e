"""Answers to reporters (from a knowledge base of templates), reply letters, follow-ups and reviews."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Finding, Satisfaction, _choices_check


class ResponseTemplate(models.Model):
    """A model answer administrators keep up to date. Placeholders such as {case_number} and {finding} are
    filled from the case; blanks such as 【请填写：核查日期】 must be replaced by the handler before sending."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        "taxonomy.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Offered first for cases in this category or below it; empty for any."),
    )
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True,
                               help_text=_("Offered first for cases concluded with this finding; empty for any."))
    checked = models.TextField(_("what was checked"))
    found = models.TextField(_("what was found"))
    done = models.TextField(_("what was done"))
    next_steps = models.TextField(_("what happens next"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        constraints = [_choices_check("finding", Finding, "feedback_template_finding_valid", blank=True)]

    def __str__(self) -> str:
        return self.title


class FeedbackAnswer(models.Model):
    """One answer sent to the reporter(s) of a case. A case answered again after a review keeps every version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="feedback_answers")
    version = models.PositiveSmallIntegerField(_("version"))
    checked = models.TextField(_("what was checked"))
    found = models.TextField(_("what was found"))
    done = models.TextField(_("what was done"))
    next_steps = models.TextField(_("what happens next"))
    text = models.TextField(_("answer as sent"))
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    template = models.ForeignKey(ResponseTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="answers", verbose_name=_("template used"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("answered by"))
    actor_label = models.CharField(max_length=100, blank=True)
    department = models.ForeignKey("organisation.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"))
    answered_at = models.DateTimeField(_("answered at"), db_index=True)
    # Until when the reporter may ask for a review, as the policy pack said on the day of the answer.
    review_until = models.DateTimeField(_("review may be requested until"), null=True, blank=True)

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = _("answer to the reporter")
        verbose_name_plural = _("answers to the reporter")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="feedback_answer_version_unique"),
            _choices_check("finding", Finding, "feedback_answer_finding_valid", blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"

    def sections(self) -> dict[str, str]:
        return {"checked": self.checked, "found": self.found, "done": self.done, "next_steps": self.next_steps}


class ReplyLetter(models.Model):
    """The written reply (书面答复) to a real-name reporter, as a PDF. It names no reporter: the identity stays
    in the vault. Stored once so that what was sent can be shown again byte for byte."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answer = models.OneToOneField(FeedbackAnswer, on_delete=models.CASCADE, related_name="letter")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reply_letters")
    reference = models.CharField(_("letter number"), max_length=40, unique=True)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    font = models.CharField(_("font"), max_length=100)
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        ordering = ["-generated_at"]
        verbose_name = _("reply letter")
        verbose_name_plural = _("reply letters")

    def __str__(self) -> str:
        return self.reference


class SelectionReason(models.TextChoices):
    REAL_NAME = "real_name", _("Real-name reporter (always followed up)")
    SAMPLE = "sample", _("Anonymous reporter in the random sample")


class FollowUpChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter")
    PORTAL = "portal", _("Message on the follow-up page")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Could not be reached")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    UNREACHABLE = "unreachable", _("Not reached")
    RATED_ONLINE = "rated_online", _("Rated on the follow-up page")


class FollowUp(models.Model):
    """A follow-up (回访) with one reporter after an answer: every real-name reporter, a seeded random sample of
    the anonymous ones who can be reached. The due date is stored and indexed; a periodic job flags late ones."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="followups")
    report = models.ForeignKey("cases.Report", on_delete=models.CASCADE, related_name="followups")
    answer = models.ForeignKey(FeedbackAnswer, on_delete=models.CASCADE, related_name="followups")
    selection = models.CharField(_("why followed up"), max_length=10, choices=SelectionReason.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=FollowUpChannel.choices)
    status = models.CharField(_("status"), max_length=12, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    region_path = models.CharField(max_length=255)
    created_at = models.DateTimeField(_("created at"))
    due_at = models.DateTimeField(_("due"))
    overdue = models.BooleanField(_("overdue"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    contacted_at = models.DateTimeField(_("follow-up message sent at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=15, choices=Satisfaction.choices, blank=True)
    reason = models.TextField(_("reason for dissatisfaction"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["report", "answer"], name="feedback_followup_once_per_answer"),
            _choices_check("selection", SelectionReason, "feedback_followup_selection_valid"),
            _choices_check("channel", FollowUpChannel, "feedback_followup_channel_valid"),
            _choices_check("status", FollowUpStatus, "feedback_followup_status_valid"),
            _choices_check("outcome", Outcome, "feedback_followup_outcome_valid", blank=True),
            _choices_check("satisfaction", Satisfaction, "feedback_followup_satisfaction_valid", blank=True),
        ]
        indexes = [
            # The clerks' list: open tasks in a jurisdiction, earliest due first; and the overdue sweep.
            models.Index(fields=["status", "due_at", "id"], name="feedback_followup_open_due"),
            models.Index(fields=["status", "region_path"], name="feedback_followup_region"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.report_id}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONCLUDED = "concluded", _("Concluded")


class CaseReview(models.Model):
    """A review (复核) after dissatisfaction or an appeal. It is decided by someone other than the first
    handler: the department head or a supervisor names the reviewer; the guard on "conclude" enforces it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    reason = models.TextField(_("why a review was asked for"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by_label = models.CharField(max_length=100, blank=True)
    due_at = models.DateTimeField(_("review due"), null=True, blank=True, db_index=True)
    first_handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("first handler"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("reviewer"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-round"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="feedback_review_round_unique"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="open"),
                                    name="feedback_one_open_review_per_case"),
            _choices_check("status", ReviewStatus, "feedback_review_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} review {self.round}"
