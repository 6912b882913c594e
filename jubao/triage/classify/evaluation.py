"""Accuracy, macro-F1, per-label F1 and per-report latency of the classifier on held-out examples."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from .dataset import Example
from .model import TextClassifier

Hints = Mapping[str, Sequence[str]] | None


def _fit(train: Sequence[Example], hints: Hints) -> TextClassifier:
    return TextClassifier().fit([e.title for e in train], [e.body for e in train], [e.label for e in train],
                                hints=hints)


def _scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    labels = sorted(set(truth) | set(predicted))
    per_label = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro",
                                         zero_division=0)), 4),
        "per_label_f1": {label: round(float(f), 4) for label, f in zip(labels, per_label, strict=True)},
    }


def evaluate(train: Sequence[Example], test: Sequence[Example], *, hints: Hints = None) -> dict[str, Any]:
    started = time.perf_counter()
    model = _fit(train, hints)
    train_seconds = time.perf_counter() - started
    predicted: list[str] = []
    timings: list[float] = []
    for example in test:  # one at a time, as reports arrive
        begin = time.perf_counter()
        predicted.append(model.score(example.title, example.body)[0].label)
        timings.append((time.perf_counter() - begin) * 1000)
    result = _scores([e.label for e in test], predicted)
    result.update({
        "ms_per_report": round(float(np.mean(timings)), 3),
        "ms_per_report_p99": round(float(np.percentile(timings, 99)), 3),
        "train_size": len(train), "test_size": len(test), "train_seconds": round(train_seconds, 1),
    })
    return result


def cross_validate(examples: Sequence[Example], *, folds: int = 5, seed: int = 0,
                   hints: Hints = None) -> dict[str, Any]:
    labels = np.array([e.label for e in examples])
    predicted = np.empty(len(examples), dtype=object)
    timings: list[float] = []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(np.zeros(len(labels)), labels):
        model = _fit([examples[i] for i in train_index], hints)
        for i in test_index:
            begin = time.perf_counter()
            predicted[i] = model.score(examples[i].title, examples[i].body)[0].label
            timings.append((time.perf_counter() - begin) * 1000)
    result = _scores(list(labels), list(predicted))
    result.update({"folds": folds, "ms_per_report": round(float(np.mean(timings)), 3),
                   "ms_per_report_p99": round(float(np.percentile(timings, 99)), 3), "size": len(examples)})
    return result
