"""A first classifier for the demo, trained on the demo's own confirmed cases, so triage proposes categories
from the start (a real deployment trains on its history or an imported file, then activates the model)."""

from __future__ import annotations

from jubao.accounts.actors import Actor
from jubao.triage.classify.training import TrainingError, classifier_train_from_examples
from jubao.triage.models import ClassifierModel, ClassifierTarget


def demo_classifier_ensure() -> str | None:
    """Train and activate a category model unless one is active already; the version, or None."""
    if ClassifierModel.objects.filter(target=ClassifierTarget.CATEGORY, is_active=True).exists():
        return None
    try:
        model = classifier_train_from_examples(actor=Actor.system("demo"), target=ClassifierTarget.CATEGORY,
                                               activate=True)
    except TrainingError:
        return None
    return model.version
