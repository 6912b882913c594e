"""Classifier figures on the shared TipDM labelled messages: 5-fold cross-validation (accuracy, macro-F1,
per-label F1) and milliseconds to classify one report on its own. Needs no database.

The held-out 20 % is not shipped with the shared data, so these are estimates: expect a held-out
score a little lower. Skips with a message when ../shared is absent.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tipdm2020" / "messages_labeled_train.jsonl"


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} not found (the shared data is only on development and CI machines)")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jubao.settings")
    import django

    django.setup()
    from jubao.triage.classify.dataset import read_jsonl
    from jubao.triage.classify.evaluation import cross_validate
    from jubao.triage.classify.hints import hints_for_files

    examples = read_jsonl(DATA)
    # As `manage.py triage_eval` does: the category tree shipped beside the messages gives each label
    # the names of its sub-categories.
    hints, source = hints_for_files(DATA, {e.label for e in examples})
    started = time.perf_counter()
    result = cross_validate(examples, folds=5, hints=hints)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(f"classifier, 5-fold cross-validation on {len(examples)} labelled messages "
          f"(sub-category hints: {sum(len(p) for p in hints.values())} names from {source or 'nowhere'}):")
    print(f"  accuracy {result['accuracy']:.4f}   macro-F1 {result['macro_f1']:.4f}   (target macro-F1 >= 0.88 held out)")
    print(f"  per label: {json.dumps(result['per_label_f1'], ensure_ascii=False)}")
    print(f"  one report at a time: mean {result['ms_per_report']:.2f} ms, p99 {result['ms_per_report_p99']:.2f} ms "
          "(target <= 5 ms on one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
