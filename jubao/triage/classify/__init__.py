"""Classification of kind, category (every level of the tree) and sector.

A trained model (when one is active for the target) and the administrators' keyword rules vote
together: rules add to the model's probabilities, so a deployment can correct a blind spot the same
day without retraining, and with no model at all the rules alone decide. Below the confidence
threshold the case goes to the human queue.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings

from jubao.triage.cues import match_rules, rules_version
from jubao.triage.models import ClassifierModel, ClassifierTarget, RuleTarget, Step
from jubao.triage.steps import Cue, StepEarlier, StepOutcome, TriageInput

from .model import Scored, TextClassifier

DEFAULT_THRESHOLD = 0.6
# How much one unit of rule weight adds to a label's probability before renormalising.
RULE_BOOST = 0.35


@dataclass
class _ActiveModels:
    versions: dict[str, str] = field(default_factory=dict)
    models: dict[str, TextClassifier] = field(default_factory=dict)
    checked_at: float = 0.0


_active = _ActiveModels()


def active_models() -> dict[str, tuple[str, TextClassifier]]:
    """The active model per target, loaded once per version per process; which version is active is
    re-read every JUBAO_CONFIG_CACHE_SECONDS (one small query), so an activation reaches every worker."""
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    now = time.monotonic()
    if not ttl or now - _active.checked_at >= ttl or not _active.checked_at:
        versions = dict(ClassifierModel.objects.filter(is_active=True).values_list("target", "version"))
        for target, version in versions.items():
            if _active.versions.get(target) != version or target not in _active.models:
                blob = ClassifierModel.objects.values_list("blob", flat=True).get(version=version)
                _active.models[target] = TextClassifier.from_bytes(blob)
        for target in set(_active.models) - set(versions):
            del _active.models[target]
        _active.versions, _active.checked_at = versions, now
    return {target: (_active.versions[target], model) for target, model in _active.models.items()}


def forget_models() -> None:
    _active.versions.clear()
    _active.models.clear()
    _active.checked_at = 0.0


@dataclass
class _Vote:
    label: str | None
    confidence: float
    ranked: list[Scored]
    cues: list[Cue]
    source: str


def _vote(target: str, rule_target: str, inp: TriageInput, models: dict[str, tuple[str, TextClassifier]],
          labels: dict[str, str]) -> _Vote:
    scores: dict[str, float] = {}
    cues: list[Cue] = []
    source = "none"
    model_entry = models.get(target)
    if model_entry is not None:
        version, model = model_entry
        source = version
        for scored in model.score(inp.title, inp.body):
            scores[scored.label] = scored.score
    hits = [hit for hit in match_rules(rule_target, inp.text, policy_pack_code=inp.policy_pack_code)
            if hit.value in labels or not labels]
    for hit in hits:
        scores[hit.value] = scores.get(hit.value, 0.0) + RULE_BOOST * hit.weight
        cues.extend(Cue(text=cue, means=labels.get(hit.value, hit.value), weight=hit.weight) for cue in hit.cues)
    if not scores:
        return _Vote(None, 0.0, [], [], source)
    if model_entry is None:
        # Rules alone: the more (and heavier) cues agree, the surer, but never as sure as a trained model.
        total = sum(scores.values())
        ranked = sorted((Scored(label, value / total) for label, value in scores.items()), key=lambda s: -s.score)
        best = ranked[0]
        confidence = min(0.85, best.score * min(1.0, 0.45 + scores[best.label] / RULE_BOOST * 0.15))
        return _Vote(best.label, confidence, ranked, cues, "rules")
    total = sum(scores.values())
    ranked = sorted((Scored(label, value / total) for label, value in scores.items()), key=lambda s: -s.score)
    best = ranked[0]
    model = model_entry[1]
    model_cues = [Cue(text=word, means=labels.get(best.label, best.label))
                  for word in model.cues(inp.title, inp.body, best.label)]
    return _Vote(best.label, best.score, ranked, model_cues + cues, source)


@dataclass(frozen=True)
class _Node:
    pk: int
    name: str
    path: str


_categories: dict[int, _Node] = {}
_categories_loaded_at = 0.0


def _category_nodes() -> dict[int, _Node]:
    global _categories, _categories_loaded_at
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    if not _categories or not ttl or time.monotonic() - _categories_loaded_at >= ttl:
        from jubao.taxonomy.models import Category

        _categories = {pk: _Node(pk, name, path) for pk, name, path in
                       Category.objects.filter(is_active=True).values_list("pk", "name", "path")}
        _categories_loaded_at = time.monotonic()
    return _categories


def _category_levels(ranked: list[Scored], nodes: dict[int, _Node], best: int) -> list[dict[str, object]]:
    """Root-to-leaf ancestors of the best category, each with the probability mass of its subtree."""
    levels = []
    best_node = nodes.get(best)
    if best_node is None:
        return []
    for ancestor_id in (int(part) for part in best_node.path.strip("/").split("/") if part):
        ancestor = nodes.get(ancestor_id)
        if ancestor is None:
            continue
        mass = sum(s.score for s in ranked if s.label.isdigit() and int(s.label) in nodes
                   and nodes[int(s.label)].path.startswith(ancestor.path))
        levels.append({"id": ancestor.pk, "name": ancestor.name, "confidence": round(min(1.0, mass), 4)})
    return levels


def _threshold() -> float:
    return float(getattr(settings, "JUBAO_TRIAGE_CONFIDENCE_THRESHOLD", DEFAULT_THRESHOLD))


def classification_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    models = active_models()
    nodes = _category_nodes()
    category_labels = {str(pk): node.name for pk, node in nodes.items()}
    category = _vote(ClassifierTarget.CATEGORY, RuleTarget.CATEGORY, inp, models, category_labels)
    kind = _vote(ClassifierTarget.KIND, RuleTarget.KIND, inp, models, {})
    sector = _vote(ClassifierTarget.SECTOR, RuleTarget.SECTOR, inp, models, {})

    category_id = int(category.label) if category.label and category.label.isdigit() else None
    levels = _category_levels(category.ranked, nodes, category_id) if category_id else []
    # The reporter's own choice of kind stands unless the model or a rule is reasonably sure otherwise.
    kind_code = kind.label if kind.label and kind.confidence >= _threshold() else inp.kind_code
    proposal = {
        "kind": kind_code,
        "category_id": category_id,
        "category_levels": levels,
        "sector": sector.label,
        "alternatives": [{"label": s.label, "name": category_labels.get(s.label, s.label),
                          "score": round(s.score, 4)} for s in category.ranked[1:4]],
    }
    # Model versions carry their target in their name; "rules-…" names the keyword rule set.
    versions = [v.source for v in (category, kind, sector) if v.source not in {"none", "rules"}]
    versions.append(rules_version())
    version = "+".join(versions)
    return StepOutcome(
        step=Step.CLASSIFICATION, proposal=proposal, confidence=round(category.confidence, 4),
        version=version[:200], cues=category.cues + kind.cues + sector.cues,
        needs_human=category_id is None or category.confidence < _threshold(),
    )


# The training side, re-exported for the admin and the staff pages (importing it registers the training job).
from .training import (  # noqa: E402
    classifier_activate,
    classifier_deactivate,
    classifier_train,
    classifier_train_enqueue,
    classifier_train_from_examples,
)

__all__ = [
    "active_models",
    "classification_step",
    "classifier_activate",
    "classifier_deactivate",
    "classifier_train",
    "classifier_train_enqueue",
    "classifier_train_from_examples",
    "forget_models",
]
