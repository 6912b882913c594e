"""Train the classifier on one JSONL file and evaluate it on another (or cross-validate on one).

    python manage.py triage_eval --train TRAIN.jsonl --test TEST.jsonl
    python manage.py triage_eval --train TRAIN.jsonl --cv 5

Each line is {"title", "body", "label"}. Prints one JSON object: accuracy, macro_f1, per-label F1 and
the mean milliseconds to classify one report on its own (the way reports arrive), not in a batch.
Nothing is written to the database: deployers use this to judge a model on their data before
training one in the product and switching it on.

The names of each label's sub-categories help the model (see `jubao/triage/classify/hints.py`). They
come from `--taxonomy FILE` (the tree format `import_taxonomy` reads), else from a `taxonomy.json`
exported beside the training file, else from this deployment's categories; `hints` in the output
says which. `--no-taxonomy` leaves them out.
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
from jubao.triage.classify.hints import hints_for_files


class Command(BaseCommand):
    help = "Train the triage classifier on one JSONL file and evaluate it on another; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, type=Path, help="JSONL with title, body and label")
        parser.add_argument("--test", type=Path, help="JSONL with title, body and label (held out)")
        parser.add_argument("--cv", type=int, default=0, help="cross-validate on the train file with K folds")
        parser.add_argument("--label-field", default="label")
        parser.add_argument("--taxonomy", type=Path,
                            help="category tree (JSON or XLSX, as import_taxonomy reads) whose sub-category "
                                 "names become hints for their labels")
        parser.add_argument("--no-taxonomy", action="store_true", help="train without category-name hints")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["test"] and options["cv"] < 2:
            raise CommandError("Give --test FILE, or --cv K (K ≥ 2) to cross-validate on the train file.")
        try:
            train = read_jsonl(options["train"], label_field=options["label_field"])
            test = read_jsonl(options["test"], label_field=options["label_field"]) if options["test"] else None
            hints, source = ({}, "") if options["no_taxonomy"] else hints_for_files(
                options["train"], {e.label for e in train}, tree_path=options["taxonomy"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        result = (evaluate(train, test, hints=hints) if test is not None
                  else cross_validate(train, folds=options["cv"], hints=hints))
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["hints"] = {"source": source or None, "labels": len(hints),
                           "phrases": sum(len(phrases) for phrases in hints.values())}
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))
