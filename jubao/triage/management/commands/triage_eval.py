"""Train the classifier on one JSONL file and evaluate it on another (or cross-validate on one).

    python manage.py triage_eval --train TRAIN.jsonl --test TEST.jsonl
    python manage.py triage_eval --train TRAIN.jsonl --cv 5

Each line is {"title", "body", "label"}. Prints one JSON object: accuracy, macro_f1, per-label F1 and
the mean milliseconds to classify one report on its own (the way reports arrive), not in a batch.
Nothing is written to the database: deployers use this to judge a model on their data before
training one in the product and switching it on.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jubao.triage.classify.dataset import read_jsonl
from jubao.triage.classify.evaluation import cross_validate, evaluate


class Command(BaseCommand):
    help = "Train the triage classifier on one JSONL file and evaluate it on another; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, type=Path, help="JSONL with title, body and label")
        parser.add_argument("--test", type=Path, help="JSONL with title, body and label (held out)")
        parser.add_argument("--cv", type=int, default=0, help="cross-validate on the train file with K folds")
        parser.add_argument("--label-field", default="label")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["test"] and options["cv"] < 2:
            raise CommandError("Give --test FILE, or --cv K (K ≥ 2) to cross-validate on the train file.")
        try:
            train = read_jsonl(options["train"], label_field=options["label_field"])
            test = read_jsonl(options["test"], label_field=options["label_field"]) if options["test"] else None
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        result = evaluate(train, test) if test is not None else cross_validate(train, folds=options["cv"])
        result["seconds"] = round(time.perf_counter() - started, 1)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))
