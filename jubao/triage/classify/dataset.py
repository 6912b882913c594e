"""Labelled examples from JSON Lines files: one {"title", "body", "label"} object per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Example:
    title: str
    body: str
    label: str


def read_jsonl(path: Path | str, *, label_field: str = "label") -> list[Example]:
    """Read every line; a file with any bad line is rejected with every bad line named."""
    examples: list[Example] = []
    problems: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(_("line %(n)s: not JSON (%(error)s)") % {"n": number, "error": error.msg})
                continue
            if not isinstance(row, dict):
                problems.append(_("line %(n)s: not a JSON object") % {"n": number})
                continue
            label = str(row.get(label_field) or "").strip()
            title, body = str(row.get("title") or ""), str(row.get("body") or "")
            if not label:
                problems.append(_("line %(n)s: no “%(field)s”") % {"n": number, "field": label_field})
            elif not (title.strip() or body.strip()):
                problems.append(_("line %(n)s: neither title nor body") % {"n": number})
            else:
                examples.append(Example(title, body, label))
    if problems:
        shown = "; ".join(problems[:20]) + ("; …" if len(problems) > 20 else "")
        raise ValueError(ngettext("%(file)s has %(count)s bad line: %(lines)s",
                                  "%(file)s has %(count)s bad lines: %(lines)s", len(problems))
                         % {"file": path, "count": len(problems), "lines": shown})
    if not examples:
        raise ValueError(_("%(file)s holds no examples") % {"file": path})
    return examples
