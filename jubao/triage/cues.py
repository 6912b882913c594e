"""The keyword-rule engine: administrators' cue words, compiled once and matched fast on Chinese text.

Every rule step (scope, urgency, impact, sensitive subjects, collective review) and the classifier read the
active `KeywordRule` rows through `match_rules`. The rows are read into a per-process snapshot that lives for
`JUBAO_CONFIG_CACHE_SECONDS` (tests set 0); saving or deleting a rule drops this process's snapshot at once,
other processes pick the edit up within the cache window.

Cue syntax, one cue per line:
- `着火了`            fires when the words occur;
- `村+集体资金`       fires only when every part occurs (anywhere in the text);
- `着火+!着火车`      a part starting with "!" must NOT occur ("看着火车站" is not a fire).

Text and cues are normalised alike (full-width folded, Traditional → Simplified, lower case), so "舉報" matches "举报"
and full-width "２７０００" matches "27000". The cue words of a target are compiled into one trie-shaped regular
expression that scans the text once, and only the cue lines whose first word was found are evaluated, which
keeps a few hundred rules on a 1,000-character report under a millisecond.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings

_converter: Any = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return str(_converter.convert(text))


# NFKC's effect that matters here (full-width Latin letters, digits and punctuation, the ideographic space) as a
# translation table: a quarter of the cost of full NFKC on a long Chinese text.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@lru_cache(maxsize=512)
def normalise(text: str) -> str:
    """Full-width → ASCII (NFKC for the characters reports use), Traditional → Simplified, lower case.

    Every cue and every text is compared in this form.
    """
    return _t2s(text.translate(_WIDTH_FOLD)).lower()


@dataclass(frozen=True)
class PreparedText:
    """A normalised text (the steps of one pipeline run share it through `prepare`'s cache)."""

    text: str

    def contains(self, word: str) -> bool:
        return word in self.text


@lru_cache(maxsize=128)
def prepare(text: str) -> PreparedText:
    return PreparedText(normalise(text))


@dataclass(frozen=True)
class CueLine:
    """One line of cue words: all `required` parts and none of the `forbidden` ones must occur."""

    text: str
    required: tuple[str, ...]
    forbidden: tuple[str, ...] = ()

    def matches(self, prepared: PreparedText) -> bool:
        return all(prepared.contains(w) for w in self.required) and not any(
            prepared.contains(w) for w in self.forbidden)


def compile_cue_line(line: str) -> CueLine | None:
    required: list[str] = []
    forbidden: list[str] = []
    for raw in normalise(line.strip()).split("+"):
        part = raw.strip()
        if part.startswith("!"):
            if part[1:].strip():
                forbidden.append(part[1:].strip())
        elif part:
            required.append(part)
    if not required:
        return None
    shown = "+".join(required)
    return CueLine(text=shown, required=tuple(required), forbidden=tuple(forbidden))


def compile_cue_lines(lines: Iterable[str]) -> tuple[CueLine, ...]:
    compiled = (compile_cue_line(line) for line in lines)
    return tuple(line for line in compiled if line is not None)


def matching_lines(lines: Iterable[CueLine], text: str | PreparedText) -> list[CueLine]:
    prepared = prepare(text) if isinstance(text, str) else text
    return [line for line in lines if line.matches(prepared)]


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: what it proposes, how strongly, and the cue words found."""

    rule_id: int
    target: str
    value: str
    weight: float
    notice: str
    cue: str
    policy_pack_code: str = ""
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledRule:
    rule_id: int
    target: str
    value: str
    weight: float
    notice: str
    policy_pack_code: str
    lines: tuple[CueLine, ...]


def _trie_pattern(words: set[str]) -> str:
    """A regular expression matching the longest of `words` at a position, shaped as a trie.

    At each position the engine tries one branch per distinct next character, so a text is scanned once
    however many words there are; greedy optional tails make the longest word win.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


@dataclass
class TargetIndex:
    """The rules of one target compiled into one scan.

    `scanner` finds, at every position of a text, the longest cue word starting there; the shorter cue words
    starting at the same position are its prefixes (`prefix_words`). Each cue line is filed under its first
    required word, because it cannot fire without it; only those lines are evaluated.
    """

    rules: tuple[CompiledRule, ...]
    scanner: re.Pattern[str] | None
    prefix_words: dict[str, tuple[str, ...]]
    lines_by_word: dict[str, tuple[tuple[int, CueLine], ...]]

    @classmethod
    def build(cls, rules: list[CompiledRule]) -> TargetIndex:
        words: set[str] = set()
        lines_by_word: dict[str, list[tuple[int, CueLine]]] = {}
        for position, rule in enumerate(rules):
            for line in rule.lines:
                lines_by_word.setdefault(line.required[0], []).append((position, line))
                words.update(line.required + line.forbidden)
        prefix_words = {word: tuple(word[:k] for k in range(1, len(word) + 1) if word[:k] in words)
                        for word in words}
        scanner = re.compile(f"(?=({_trie_pattern(words)}))") if words else None
        return cls(rules=tuple(rules), scanner=scanner, prefix_words=prefix_words,
                   lines_by_word={word: tuple(lines) for word, lines in lines_by_word.items()})

    def present_words(self, prepared: PreparedText) -> set[str]:
        present: set[str] = set()
        if self.scanner is None:
            return present
        for longest in set(self.scanner.findall(prepared.text)):
            present.update(self.prefix_words[longest])
        return present

    def fired_lines(self, prepared: PreparedText) -> dict[int, list[str]]:
        """Rule position → the texts of its cue lines that fire."""
        present = self.present_words(prepared)
        fired: dict[int, list[str]] = {}
        for word in present:
            for position, line in self.lines_by_word.get(word, ()):
                if all(w in present for w in line.required) and not any(w in present for w in line.forbidden):
                    fired.setdefault(position, []).append(line.text)
        return fired


@dataclass
class RuleSet:
    by_target: dict[str, TargetIndex] = field(default_factory=dict)
    version: str = "rules-none"


_snapshot: RuleSet | None = None
_loaded_at = 0.0


def _load() -> RuleSet:
    from .models import KeywordRule

    rows = list(
        KeywordRule.objects.filter(is_active=True)
        .order_by("target", "position", "pk")
        .values_list("pk", "target", "value", "words", "weight", "notice", "policy_pack__code", "position")
    )
    digest = hashlib.sha256()
    by_target: dict[str, list[CompiledRule]] = {}
    for pk, target, value, words, weight, notice, pack_code, position in rows:
        digest.update(repr((pk, target, value, words, weight, notice, pack_code, position)).encode())
        lines = compile_cue_lines(words.splitlines())
        if lines:
            by_target.setdefault(target, []).append(
                CompiledRule(pk, target, value, float(weight), notice, pack_code or "", lines))
    return RuleSet(by_target={t: TargetIndex.build(r) for t, r in by_target.items()},
                   version=f"rules-{digest.hexdigest()[:12]}" if rows else "rules-none")


def rule_set() -> RuleSet:
    global _snapshot, _loaded_at
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    if _snapshot is not None and ttl and time.monotonic() - _loaded_at < ttl:
        return _snapshot
    _snapshot, _loaded_at = _load(), time.monotonic()
    return _snapshot


def rules_version() -> str:
    """The version every rule step reports: a hash of the active rules, so a result names its rule set."""
    return rule_set().version


def invalidate_rules(**_: Any) -> None:
    """Forget this process's snapshot (connected to KeywordRule saves and deletes)."""
    global _snapshot
    _snapshot = None


def match_rules(target: str, text: str, *, policy_pack_code: str = "") -> list[RuleHit]:
    """The active rules for `target` that fire on `text`, rules of `policy_pack_code` first, then by position.

    Rules limited to another policy pack are skipped; rules for no pack apply everywhere.
    """
    index = rule_set().by_target.get(target)
    if index is None or not text:
        return []
    fired = index.fired_lines(prepare(text))
    pack_hits: list[RuleHit] = []
    general_hits: list[RuleHit] = []
    for position in sorted(fired):
        rule = index.rules[position]
        if rule.policy_pack_code and rule.policy_pack_code != policy_pack_code:
            continue
        # Report the cue lines in the order the administrator wrote them.
        cues = tuple(line.text for line in rule.lines if line.text in fired[position])
        hit = RuleHit(rule_id=rule.rule_id, target=rule.target, value=rule.value, weight=rule.weight,
                      notice=rule.notice, cue=cues[0], policy_pack_code=rule.policy_pack_code, cues=cues)
        (pack_hits if rule.policy_pack_code else general_hits).append(hit)
    return pack_hits + general_hits


def connect_signals() -> None:
    """Drop the snapshot in this process as soon as a rule is edited (called from the app's ready())."""
    from django.db.models.signals import post_delete, post_save

    from .models import KeywordRule

    post_save.connect(invalidate_rules, sender=KeywordRule, dispatch_uid="triage_rules_saved")
    post_delete.connect(invalidate_rules, sender=KeywordRule, dispatch_uid="triage_rules_deleted")
