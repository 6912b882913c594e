"""Triage proposals, the case's triage summary, classifier models, keyword rules and emergency events."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import _choices_check


class Step(models.TextChoices):
    SCOPE = "scope", _("Scope")
    CLASSIFICATION = "classification", _("Classification")
    URGENCY = "urgency", _("Urgency and impact")
    EMERGENCY = "emergency", _("Emergency")
    VERIFIABILITY = "verifiability", _("Verifiability")
    DUPLICATES = "duplicates", _("Duplicates and repeats")
    COLLECTIVE_REVIEW = "collective_review", _("Collective review")


class Decision(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    OVERRIDDEN = "overridden", _("Overridden")
    AUTOMATIC = "automatic", _("Applied automatically")


class TriageResult(models.Model):
    """One step's proposal for one report: what, how sure, by which model or rules, and why."""

    report = models.ForeignKey("cases.Report", on_delete=models.CASCADE, related_name="triage_results")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="triage_results")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    proposal = models.JSONField(_("proposal"), default=dict)
    confidence = models.FloatField(_("confidence"), default=0.0)
    version = models.CharField(_("model or rule-set version"), max_length=200)
    cues = models.JSONField(_("cues"), default=list)
    needs_human = models.BooleanField(_("needs a person"), default=False)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, default=Decision.PROPOSED)
    decided_value = models.JSONField(_("decided value"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("triage result")
        verbose_name_plural = _("triage results")
        constraints = [
            _choices_check("step", Step, "triage_result_step_valid"),
            _choices_check("decision", Decision, "triage_result_decision_valid"),
            models.UniqueConstraint(fields=["report", "step"], name="triage_result_one_per_step"),
        ]
        indexes = [models.Index(fields=["case", "step"], name="triage_result_case_step")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.step}"


class TriageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for triage")
    PROPOSED = "proposed", _("Proposals ready")
    NEEDS_HUMAN = "needs_human", _("Needs a person")
    CONFIRMED = "confirmed", _("Confirmed")


class CaseTriage(models.Model):
    """The case-level summary of triage that queues filter on and the case page shows."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="triage")
    status = models.CharField(_("triage status"), max_length=12, choices=TriageStatus.choices,
                              default=TriageStatus.PENDING, db_index=True)
    collective_review_required = models.BooleanField(_("collective review required"), default=False, db_index=True)
    collective_review_reasons = models.JSONField(_("collective review reasons"), default=list, blank=True)
    emergency_event = models.ForeignKey("triage.EmergencyEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="cases", verbose_name=_("emergency event"))
    reporter_repeat_count = models.PositiveIntegerField(_("earlier reports by the same reporter"), default=0)
    subject_repeat_count = models.PositiveIntegerField(_("earlier reports about the same subject"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("case triage")
        verbose_name_plural = _("case triage")
        constraints = [_choices_check("status", TriageStatus, "case_triage_status_valid")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.status}"


class ClassifierTarget(models.TextChoices):
    KIND = "kind", _("Kind")
    CATEGORY = "category", _("Category")
    SECTOR = "sector", _("Sector")


class ExampleSource(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by staff")
    OVERRIDE = "override", _("Staff override")
    IMPORTED = "imported", _("Imported file")


class TrainingExample(models.Model):
    """A labelled text for the next training run: staff confirmations and overrides, or an imported file."""

    target = models.CharField(_("what is labelled"), max_length=10, choices=ClassifierTarget.choices)
    label = models.CharField(_("label"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=10, choices=ExampleSource.choices)
    report = models.ForeignKey("cases.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")
        constraints = [
            _choices_check("target", ClassifierTarget, "training_example_target_valid"),
            _choices_check("source", ExampleSource, "training_example_source_valid"),
            # The latest decision on a report is the one that counts: a second override replaces the first.
            models.UniqueConstraint(fields=["report", "target"], condition=models.Q(report__isnull=False),
                                    name="training_example_one_per_report"),
        ]
        indexes = [models.Index(fields=["target", "created_at"], name="training_example_target")]

    def __str__(self) -> str:
        return f"{self.target}={self.label}"


class ClassifierModel(models.Model):
    """A trained, versioned classifier. Exactly one per target may be active; switching is an admin action."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    target = models.CharField(_("what it predicts"), max_length=10, choices=ClassifierTarget.choices)
    version = models.CharField(_("version"), max_length=40, unique=True)
    labels = models.JSONField(_("labels"), default=list)
    metrics = models.JSONField(_("evaluation"), default=dict, blank=True)
    training_size = models.PositiveIntegerField(_("training examples"), default=0)
    trained_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("trained by"))
    blob = models.BinaryField(_("model data"), editable=False)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        ordering = ["-trained_at"]
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")
        constraints = [
            _choices_check("target", ClassifierTarget, "classifier_model_target_valid"),
            models.UniqueConstraint(fields=["target"], condition=models.Q(is_active=True),
                                    name="classifier_model_one_active_per_target"),
        ]

    def __str__(self) -> str:
        return self.version


class RuleTarget(models.TextChoices):
    KIND = "kind", _("Kind")
    CATEGORY = "category", _("Category")
    SECTOR = "sector", _("Sector")
    SCOPE = "scope", _("Outside the remit")
    URGENCY = "urgency", _("Urgency")
    IMPACT = "impact", _("Impact")
    SENSITIVE = "sensitive", _("Sensitive subject")
    COLLECTIVE_REVIEW = "collective_review", _("Collective review")


class KeywordRule(models.Model):
    """An administrator's cue words: when any of them occurs, propose `value` for `target`.

    `value` is a kind code, a category id, a sector code, a refusal reason, an urgency or impact level,
    or a collective-review reason, depending on `target`. Scope rules carry the redirect notice and may be
    limited to one policy pack.
    """

    target = models.CharField(_("what it proposes"), max_length=20, choices=RuleTarget.choices)
    value = models.CharField(_("proposed value"), max_length=60)
    words = models.TextField(_("cue words"), help_text=_("One cue per line. A line with “+” needs all its parts."))
    weight = models.FloatField(_("weight"), default=1.0)
    policy_pack = models.ForeignKey("deadlines.PolicyPack", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+", verbose_name=_("only for policy pack"))
    notice = models.TextField(_("redirect notice"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["target", "position", "pk"]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")
        constraints = [_choices_check("target", RuleTarget, "keyword_rule_target_valid")]

    def __str__(self) -> str:
        return f"{self.target} → {self.value}"

    def cue_lines(self) -> list[str]:
        return [line.strip() for line in self.words.splitlines() if line.strip()]


class EmergencyEvent(models.Model):
    """A declared emergency (e.g. a rainstorm): matching reports are raised to critical while it lasts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    regions = models.ManyToManyField("organisation.Region", blank=True, related_name="+",
                                     verbose_name=_("regions"))
    categories = models.ManyToManyField("taxonomy.Category", blank=True, related_name="+",
                                        verbose_name=_("categories"))
    cue_words = models.TextField(_("cue words"), blank=True, help_text=_("One cue per line."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("planned end"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, db_index=True)
    declared_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("declared by"))
    ended_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("ended by"))
    created_at = models.DateTimeField(_("declared at"))

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("emergency event")
        verbose_name_plural = _("emergency events")

    def __str__(self) -> str:
        return self.name

    def cue_lines(self) -> list[str]:
        return [line.strip() for line in self.cue_words.splitlines() if line.strip()]
