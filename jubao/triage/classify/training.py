"""Training, versioning and switching classifier models; the training data they learn from.

Training data is the deployment's own confirmed cases (a dispatcher accepted them with a category),
staff decisions recorded as TrainingExample rows (an override counts even before the case moves on),
and JSONL files an administrator imports. Training never switches a model on by itself unless asked:
an administrator compares the new version's figures with the active one and activates it.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.models import Case, CaseState, Report
from jubao.jobs.registry import job
from jubao.taxonomy.models import Category, Kind, Sector
from jubao.triage.models import ClassifierModel, ClassifierTarget, ExampleSource, TrainingExample

from .dataset import Example, read_jsonl
from .evaluation import cross_validate
from .hints import hints_from_database
from .model import TextClassifier

MIN_EXAMPLES = 10
# States a case reaches only after a dispatcher confirmed its classification.
CONFIRMED_STATES = [s for s in CaseState.values if s not in {
    CaseState.REGISTERED, CaseState.NEEDS_INFO, CaseState.REFUSED, CaseState.MERGED}]
_CASE_LABEL_FIELD: dict[str, str] = {ClassifierTarget.KIND: "kind_id", ClassifierTarget.CATEGORY: "category_id",
                     ClassifierTarget.SECTOR: "sector__code"}


class TrainingError(ValueError):
    pass


def training_examples(target: str) -> list[Example]:
    """Every labelled example for `target`: staff decisions first, then confirmed cases' first reports."""
    if target not in ClassifierTarget.values:
        raise TrainingError(_("Unknown classifier target."))
    examples: list[Example] = []
    decided_reports: set[int] = set()
    for title, body, label, report_id in TrainingExample.objects.filter(target=target).values_list(
            "title", "body", "label", "report_id").iterator(chunk_size=2000):
        examples.append(Example(title, body, label))
        if report_id is not None:
            decided_reports.add(report_id)
    label_field = f"case__{_CASE_LABEL_FIELD[target]}"
    confirmed = (Report.objects.filter(case__state__in=CONFIRMED_STATES, **{f"{label_field}__isnull": False})
                 .order_by("case_id", "created_at").values_list("pk", "case_id", "title", "body", label_field))
    seen_cases: set[int] = set()
    for report_id, case_id, title, body, label in confirmed.iterator(chunk_size=2000):
        if case_id in seen_cases or report_id in decided_reports:
            continue
        seen_cases.add(case_id)
        examples.append(Example(title, body, str(label)))
    return examples


def _version(target: str, examples: Sequence[Example], hints: Mapping[str, Sequence[str]]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.label}\x1f{example.title}\x1f{example.body}\x1e".encode())
    for label in sorted(hints):
        digest.update("\x1f".join([label, *hints[label]]).encode() + b"\x1d")
    # The data's hash says what it learnt from; the random tail keeps two runs in the same second apart.
    return f"{target}-{timezone.now():%Y%m%d-%H%M%S}-{digest.hexdigest()[:6]}{secrets.token_hex(2)}"


@transaction.atomic
def classifier_train(*, actor: Actor, target: str, examples: Sequence[Example], activate: bool = False,
                     evaluate_folds: int = 3) -> ClassifierModel:
    """Fit a new model version on `examples`, with cross-validated figures when there is enough data."""
    if target not in ClassifierTarget.values:
        raise TrainingError(_("Unknown classifier target."))
    labels = {e.label for e in examples}
    if len(examples) < MIN_EXAMPLES or len(labels) < 2:
        raise TrainingError(_("Training needs at least %(n)s examples with at least two different labels; "
                              "there are %(count)s examples with %(labels)s different labels.")
                            % {"n": MIN_EXAMPLES, "count": len(examples), "labels": len(labels)})
    # Category models learn the names of each category's sub-categories too (see hints.py).
    hints = hints_from_database(labels, by="pk") if target == ClassifierTarget.CATEGORY else {}
    started = time.perf_counter()
    model = TextClassifier().fit([e.title for e in examples], [e.body for e in examples],
                                 [e.label for e in examples], hints=hints)
    metrics: dict[str, Any] = {"train_seconds": round(time.perf_counter() - started, 1),
                               "hint_phrases": sum(len(phrases) for phrases in hints.values())}
    smallest = min(sum(1 for e in examples if e.label == label) for label in labels)
    if evaluate_folds >= 2 and smallest >= evaluate_folds:
        metrics.update(cross_validate(examples, folds=evaluate_folds, hints=hints))
    now = timezone.now()
    row = ClassifierModel.objects.create(
        target=target, version=_version(target, examples, hints), labels=sorted(labels), metrics=metrics,
        training_size=len(examples), trained_at=now, trained_by=actor.user, blob=model.to_bytes(),
    )
    append_event(EventDraft(kind="triage.model_trained", actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label, payload={"version": row.version, "target": target,
                                                              "examples": len(examples),
                                                              "macro_f1": metrics.get("macro_f1")}), now=now)
    if activate:
        classifier_activate(actor=actor, model=row)
    return row


def classifier_train_from_examples(*, actor: Actor, target: str, activate: bool = False) -> ClassifierModel:
    """Train on everything the deployment has confirmed or corrected so far."""
    return classifier_train(actor=actor, target=target, examples=training_examples(target), activate=activate)


@transaction.atomic
def classifier_activate(*, actor: Actor, model: ClassifierModel) -> None:
    """Switch `model` on for its target (and the previous one off). Takes effect in every process within
    JUBAO_CONFIG_CACHE_SECONDS."""
    now = timezone.now()
    previous = list(ClassifierModel.objects.select_for_update().filter(target=model.target, is_active=True)
                    .exclude(pk=model.pk).values_list("version", flat=True))
    ClassifierModel.objects.filter(target=model.target, is_active=True).exclude(pk=model.pk).update(is_active=False)
    model.is_active, model.activated_at = True, now
    model.save(update_fields=["is_active", "activated_at"])
    append_event(EventDraft(kind="triage.model_activated", actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label,
                            payload={"version": model.version, "target": model.target, "replaced": previous}),
                 now=now)


@transaction.atomic
def classifier_deactivate(*, actor: Actor, model: ClassifierModel) -> None:
    """Switch a model off: its target falls back to the keyword rules alone."""
    model.is_active = False
    model.save(update_fields=["is_active"])
    append_event(EventDraft(kind="triage.model_deactivated", actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label, payload={"version": model.version, "target": model.target}))


def _label_resolver(target: str) -> dict[str, str]:
    """Names an imported file may use for a label, mapped to the value the model stores."""
    names: dict[str, str] = {}
    if target == ClassifierTarget.CATEGORY:
        for pk, name, full_name in Category.objects.filter(is_active=True).values_list("pk", "name", "full_name"):
            names.setdefault(name, str(pk))
            names[full_name] = str(pk)
            names[str(pk)] = str(pk)
    elif target == ClassifierTarget.KIND:
        for code, name in Kind.objects.values_list("code", "name"):
            names[code], names[name] = code, code
    else:
        for code, name in Sector.objects.values_list("code", "name"):
            names[code], names[name] = code, code
    return names


@transaction.atomic
def training_examples_import(*, actor: Actor, target: str, path: Path | str) -> int:
    """Import a JSONL file of labelled reports as training data. Labels are names (or full names, or
    codes) of this deployment's categories, kinds or sectors; a file with any unknown label is
    rejected with every such line named, and nothing is imported."""
    examples = read_jsonl(path)
    resolver = _label_resolver(target)
    unknown = sorted({e.label for e in examples if e.label not in resolver})
    if unknown:
        raise TrainingError(_("These labels are not in this deployment's list: %(labels)s")
                            % {"labels": "、".join(unknown[:30])})
    now = timezone.now()
    TrainingExample.objects.bulk_create([
        TrainingExample(target=target, label=resolver[e.label], title=e.title[:200], body=e.body,
                        source=ExampleSource.IMPORTED, created_by=actor.user, created_at=now)
        for e in examples
    ], batch_size=1000)
    return len(examples)


def confirmed_cases_count() -> int:
    return Case.objects.filter(state__in=CONFIRMED_STATES, category__isnull=False).count()


@job("triage.train")
def _train_job(job_row: Any) -> None:
    from jubao.accounts.models import User

    payload = job_row.payload
    user = User.objects.filter(pk=payload.get("user_id")).first()
    actor = Actor.staff(user) if user is not None else Actor.system("triage")
    classifier_train_from_examples(actor=actor, target=payload["target"], activate=bool(payload.get("activate")))


def classifier_train_enqueue(*, actor: Actor, target: str, activate: bool = False) -> None:
    """Train in the background (a large history takes minutes); the model list shows it when done."""
    from jubao.jobs.services import job_enqueue

    if target not in ClassifierTarget.values:
        raise TrainingError(_("Unknown classifier target."))
    job_enqueue(kind="triage.train", payload={"target": target, "user_id": actor.user_id, "activate": activate},
                dedupe_key=f"triage.train:{target}", max_attempts=2)


def iter_targets() -> Iterable[str]:
    return ClassifierTarget.values
