"""Train a classifier model from the deployment's confirmed cases and staff decisions, optionally after
importing a JSONL file of labelled reports; optionally switch it on.

    python manage.py triage_train --target category [--import FILE.jsonl] [--activate]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jubao.accounts.actors import Actor
from jubao.triage.classify.training import (
    TrainingError,
    classifier_train_from_examples,
    training_examples_import,
)
from jubao.triage.models import ClassifierTarget


class Command(BaseCommand):
    help = "Train a triage classifier model (kind, category or sector) and optionally activate it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", choices=ClassifierTarget.values, default=ClassifierTarget.CATEGORY)
        parser.add_argument("--import", dest="import_file", type=Path,
                            help="first import this JSONL file of {title, body, label} as training data")
        parser.add_argument("--activate", action="store_true", help="switch the new model on")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("triage_train")
        try:
            if options["import_file"]:
                count = training_examples_import(actor=actor, target=options["target"], path=options["import_file"])
                self.stdout.write(f"imported {count} training examples")
            model = classifier_train_from_examples(actor=actor, target=options["target"],
                                                   activate=options["activate"])
        except (OSError, ValueError) as error:  # TrainingError is a ValueError
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({"version": model.version, "active": model.is_active,
                                      "examples": model.training_size, **model.metrics}, ensure_ascii=False))


__all__ = ["Command", "TrainingError"]
