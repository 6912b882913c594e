"""The four sections every answer to a reporter has, and how they are composed, parsed and checked.

An answer tells the reporter, in plain words, what was checked, what was found, what was done and
what happens next (BRIEF §7: a bare "已转办" is not an answer). The sections are stored one by one
(FeedbackAnswer) and composed into `Case.feedback_text` under fixed headings, so that any path that
fires "answer" — the case page, this app's API, or an integrator posting the composed text to the
generic transitions endpoint — can be checked the same way by parsing the headings back out.

The headings are part of the document sent to the reporter, not of the staff UI, so they are fixed
texts per document language rather than translated message ids: a letter must read the same whatever
language the handler's browser is set to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jubao.cases.errors import TransitionRejected
from jubao.cases.guards import BARE_ANSWERS

# The minimum of substance (counted without whitespace). Module constants on purpose: a deployment that
# wants stricter answers changes them in one place, and tests read them from here.
MIN_SECTION_CHARS = 10
MIN_TOTAL_CHARS = 60

SECTION_KEYS = ("checked", "found", "done", "next_steps")

# Labels of the form fields (staff UI, translated) and what each section must say.
SECTION_LABELS = {
    "checked": gettext_lazy("What was checked"),
    "found": gettext_lazy("What was found"),
    "done": gettext_lazy("What was done"),
    "next_steps": gettext_lazy("What happens next"),
}
SECTION_HINTS = {
    "checked": gettext_lazy("Who looked into it, when and how: a site visit, documents, people spoken to."),
    "found": gettext_lazy("What the check established, in plain words, and whether the report was borne out."),
    "done": gettext_lazy("The measures taken: orders, corrections, penalties, explanations given."),
    "next_steps": gettext_lazy("What will still happen, and what the reporter can do if the problem comes back."),
}

# Document headings, by document language. The first set is the default; the guard accepts any set.
HEADINGS: dict[str, tuple[str, str, str, str]] = {
    "zh-hans": ("一、我们核查了什么", "二、核查发现", "三、我们做了什么", "四、接下来怎么办"),
    "zh-hant": ("一、我們核查了什麼", "二、核查發現", "三、我們做了什麼", "四、接下來怎麼辦"),
    "en": ("1. What we checked", "2. What we found", "3. What we did", "4. What happens next"),
}

# A blank left in a template for the handler to fill in, e.g. 【请填写：核查日期】.
BLANK = re.compile(r"【[^】]*(?:填写|填寫|fill in)[^】]*】", re.IGNORECASE)
_NOT_WORDS = re.compile(r"[\s\W_]+")


def document_language() -> str:
    code = (settings.LANGUAGE_CODE or "zh-hans").lower()
    if code in HEADINGS:
        return code
    return "en" if code.startswith("en") else "zh-hans"


def compose(sections: Mapping[str, str], *, language: str | None = None) -> str:
    """The answer as the reporter reads it: four headed sections, blank lines between them."""
    headings = HEADINGS[language or document_language()]
    parts = [f"{heading}\n{str(sections.get(key) or '').strip()}" for key, heading in zip(SECTION_KEYS, headings,
                                                                                           strict=True)]
    return "\n\n".join(parts)


def _heading_pattern(heading: str) -> re.Pattern[str]:
    # A heading starts a line; a colon after it and text on the same line are allowed.
    return re.compile(r"(?m)^[ \t]*" + re.escape(heading) + r"[ \t]*[:：]?[ \t]*")


_PATTERNS = {lang: [_heading_pattern(h) for h in headings] for lang, headings in HEADINGS.items()}


def parse(text: str) -> dict[str, str] | None:
    """The four sections of a composed answer, or None if it lacks any heading (in order) of one language."""
    for patterns in _PATTERNS.values():
        spans = []
        position = 0
        for pattern in patterns:
            match = pattern.search(text, position)
            if match is None:
                break
            spans.append(match)
            position = match.end()
        if len(spans) != len(patterns):
            continue
        sections = {}
        for index, (key, match) in enumerate(zip(SECTION_KEYS, spans, strict=True)):
            end = spans[index + 1].start() if index + 1 < len(spans) else len(text)
            sections[key] = text[match.end():end].strip()
        return sections
    return None


def substance(text: str) -> int:
    return len(re.sub(r"\s+", "", text or ""))


def is_bare(text: str) -> bool:
    return _NOT_WORDS.sub("", text or "") in BARE_ANSWERS


@dataclass(frozen=True)
class SectionProblem:
    field: str
    message: str


def problems(sections: Mapping[str, str]) -> list[SectionProblem]:
    """Everything wrong with these sections, one problem per field at most (the form shows them all)."""
    found: list[SectionProblem] = []
    for key in SECTION_KEYS:
        text = str(sections.get(key) or "").strip()
        label = SECTION_LABELS[key]
        if not text:
            found.append(SectionProblem(key, _("Write “%(section)s”: every answer has this section.")
                                        % {"section": label}))
        elif is_bare(text):
            found.append(SectionProblem(key, _("“%(text)s” alone is not an answer: tell the reporter in plain "
                                               "words %(section)s.") % {"text": text, "section": str(label).lower()}))
        elif BLANK.search(text):
            found.append(SectionProblem(key, _("Replace the blank %(blank)s with the facts of this case.")
                                        % {"blank": BLANK.search(text).group(0)}))  # type: ignore[union-attr]
        elif substance(text) < MIN_SECTION_CHARS:
            found.append(SectionProblem(key, _("Say more in “%(section)s” (at least %(n)d characters).")
                                        % {"section": label, "n": MIN_SECTION_CHARS}))
    if not found:
        total = sum(substance(str(sections.get(key) or "")) for key in SECTION_KEYS)
        if total < MIN_TOTAL_CHARS:
            found.append(SectionProblem("", _("The answer is too thin to be understood: the four sections together "
                                              "need at least %(n)d characters.") % {"n": MIN_TOTAL_CHARS}))
    return found


def require_sections(sections: Mapping[str, str]) -> None:
    """Raise the first problem as a TransitionRejected naming its field."""
    found = problems(sections)
    if found:
        raise TransitionRejected(found[0].message, field=found[0].field or None)


def missing_headings_message() -> str:
    headings = HEADINGS[document_language()]
    return _("An answer has four sections — what was checked, what was found, what was done and what happens "
             "next — each under its heading (%(headings)s). Send them as “sections”, or send the composed text "
             "with all four headings.") % {"headings": " / ".join(headings)}
