"""Duplicates and repeats: precision and recall of merge suggestions, and lookup time at 1,000,000 reports.

The labelled set comes from the shared TipDM messages (../shared/data/tipdm2020): for a sample of
messages, rewordings (synonym swaps, sentence reordering, filler phrases, changed particles),
truncations (the first 50–70 % of the body), punctuation changes, Traditional script and mixes are
labelled duplicates of their source; unrelated messages naming the same place, from the same label
or sharing topic words, are labelled not duplicates. Then the index is filled with synthetic reports
(random mixes of corpus sentences) and single lookups are timed.
Targets (issue 4): precision and recall ≥ 0.95; lookup p99 ≤ 20 ms with 1,000,000 indexed reports.
JUBAO_BENCH_DUP_INDEX sets the number of synthetic reports (default 1,000,000; 0 skips the fill),
JUBAO_BENCH_DUP_LABELLED the number of sampled messages (default 300).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from bench.setup_db import fresh_database

if not __import__("django.apps").apps.apps.ready:
    fresh_database()

from jubao.triage.steps import TriageInput

INDEX_SIZE = int(os.environ.get("JUBAO_BENCH_DUP_INDEX", "1000000"))
LABELLED = int(os.environ.get("JUBAO_BENCH_DUP_LABELLED", "300"))
HISTORY_DAYS = 730  # synthetic reports spread over two years: ~120,000 of them inside a 90-day window
SYNTHETIC_ID_BASE = 1_000_000_000

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "tipdm2020"

SYNONYMS = [
    ("反映", "反应"), ("希望", "恳请"), ("尽快", "尽早"), ("问题", "情况"), ("业主", "住户"), ("居民", "群众"),
    ("处理", "解决"), ("现在", "目前"), ("非常", "十分"), ("多次", "好几次"), ("一直", "始终"), ("没有", "没"),
    ("严重", "很严重"), ("领导", "相关领导"), ("政府", "有关部门"), ("要求", "请求"), ("已经", "早已"),
    ("导致", "造成"), ("影响", "干扰"), ("小区", "社区"), ("附近", "周边"), ("而且", "并且"), ("但是", "可是"),
    ("因为", "由于"), ("今年", "本年"), ("孩子", "小孩"), ("怎么", "如何"), ("什么", "啥"), ("请问", "想问一下"),
]
FILLERS_BEFORE = ["您好！", "尊敬的领导：", "领导您好，", "你好，我想反映一个问题。", "我是本地居民，"]
FILLERS_AFTER = ["请有关部门尽快处理。", "谢谢！", "恳请领导重视。", "望早日解决，谢谢。", "麻烦了。", "盼复！"]
PARTICLES = ["了", "的", "啊", "呢", "吧"]
TOPIC_WORDS = ["物业", "噪音", "拆迁", "学校", "小区", "工资", "社保", "公交", "垃圾", "停车", "医院", "房", "路",
               "污染", "施工", "补贴", "户口", "教师", "油烟", "扰民", "违建", "养老", "出租车", "农村"]
PLACE = re.compile(r"[A-Z]\d*[市区县]")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


@dataclass(frozen=True)
class Message:
    key: str
    title: str
    body: str
    label: str


@dataclass(frozen=True)
class Variant:
    source: str
    how: str
    title: str
    body: str


def load_messages() -> list[Message]:
    messages: list[Message] = []
    seen: set[str] = set()
    for path in sorted(DATA_DIR.glob("messages_*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            body = str(row.get("body") or "").strip()
            if body in seen:
                continue
            seen.add(body)
            messages.append(Message(f"{path.stem}:{row['id']}", str(row.get("title") or ""), body,
                                    str(row.get("label") or "")))
    return messages


def _sentences(body: str) -> list[str]:
    return [s for s in SENTENCE_END.split(body) if s]


def reword(body: str, rng: random.Random) -> str:
    swaps = [pair for pair in SYNONYMS if pair[0] in body]
    for old, new in rng.sample(swaps, min(len(swaps), rng.randint(2, 5))):
        body = body.replace(old, new, 1)
    sentences = _sentences(body)
    if len(sentences) >= 3 and rng.random() < 0.6:
        i = rng.randrange(1, len(sentences))
        sentences.insert(i - 1, sentences.pop(i))
    body = "".join(sentences)
    for particle in rng.sample(PARTICLES, 2):  # drop one particle, add one after a comma
        body = body.replace(particle, "", 1)
        body = body.replace("，", f"{particle}，", 1)
    if rng.random() < 0.7:
        body = rng.choice(FILLERS_BEFORE) + body
    return body + rng.choice(FILLERS_AFTER)


def truncate(body: str, rng: random.Random) -> str:
    return body[: max(10, int(len(body) * rng.uniform(0.5, 0.7)))]


def repunctuate(text: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return re.sub(r"[，。！？、；：“”（）,.!?]", "", text)
    if choice == 1:
        return text.replace("，", ", ").replace("。", ". ").replace("！", "!").replace("？", "?")
    return text.replace("。", "！！").replace("，", " ").replace("？", "???")


@lru_cache(maxsize=1)
def _to_traditional():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    return str(_to_traditional().convert(text))


def make_variants(message: Message, rng: random.Random) -> list[Variant]:
    body, title = message.body, message.title
    out = [
        Variant(message.key, "reworded", title, reword(body, rng)),
        Variant(message.key, "truncated", title, truncate(body, rng)),
        Variant(message.key, "punctuation", repunctuate(title, rng), repunctuate(body, rng)),
        Variant(message.key, "traditional", traditional(title), traditional(body)),
        Variant(message.key, "reworded+traditional", traditional(title), traditional(reword(body, rng))),
        Variant(message.key, "truncated+punctuation", title, repunctuate(truncate(body, rng), rng)),
    ]
    if rng.random() < 0.5:  # a reporter who writes again often changes the title too
        out.append(Variant(message.key, "reworded, new title", reword(title, rng), reword(body, rng)))
    return out


def shingles(text: str) -> frozenset[str]:
    from jubao.duplicates.signature import normalise

    text = normalise(text)
    return frozenset(text[i:i + 3] for i in range(len(text) - 2))


def exact_jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def labelled_set(size: int, seed: int = 4) -> tuple[list[Message], list[Message], list[Variant]]:
    """(originals, negatives, duplicate variants). Originals and negatives are pairwise unrelated.

    The hot-topic messages contain genuine repeats (that was the competition's task), so a message
    is only taken when its exact 3-gram Jaccard with every message already taken is below 0.2.
    """
    rng = random.Random(seed)
    messages = [m for m in load_messages() if 80 <= len(m.body) <= 1500]
    rng.shuffle(messages)
    by_place: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        for place in sorted(set(PLACE.findall(message.title + message.body)) - {"A市"}):
            by_place[place].append(message)
    topic_cache: dict[str, frozenset[str]] = {}

    def topics_of(message: Message) -> frozenset[str]:
        if message.key not in topic_cache:
            text = message.title + message.body
            topic_cache[message.key] = frozenset(w for w in TOPIC_WORDS if w in text)
        return topic_cache[message.key]

    taken: set[str] = set()
    taken_titles: set[str] = set()
    taken_shingles: list[frozenset[str]] = []

    def unrelated(candidate: Message) -> bool:
        if candidate.key in taken or candidate.title in taken_titles:
            return False
        mine = shingles(candidate.title + candidate.body)
        return all(exact_jaccard(mine, other) < 0.2 for other in taken_shingles)

    def take(message: Message) -> None:
        taken.add(message.key)
        taken_titles.add(message.title)
        taken_shingles.append(shingles(message.title + message.body))

    originals: list[Message] = []
    negatives: list[Message] = []
    for message in messages:
        if len(originals) >= size:
            break
        places = sorted(set(PLACE.findall(message.title + message.body)) - {"A市"})
        if not places or not unrelated(message):
            continue
        label, topics = message.label, topics_of(message)
        pool = (m for p in places for m in by_place[p]
                if (label and m.label == label) or topics & topics_of(m))
        take(message)
        negative = next((m for m in pool if unrelated(m)), None)
        originals.append(message)
        if negative is not None:
            take(negative)
            negatives.append(negative)
    variants = [v for m in originals for v in make_variants(m, rng)]
    return originals, negatives, variants


# --- the database side ---------------------------------------------------------------------------
@dataclass
class Indexed:
    inp: TriageInput
    case_number: str


def register_labelled(messages: list[Message], received: datetime) -> dict[str, Indexed]:
    """Real reports and cases for the originals and negatives, so suggestions carry real case numbers."""
    from django.db import connection

    from jubao.cases.services import ReportInput, case_register
    from jubao.demo.organisation import build_demo_organisation
    from jubao.duplicates.services import duplicates_index

    org = build_demo_organisation(extra_staff=False)
    clerk, region = org.actor("clerk"), org.regions["990102001001"]
    indexed: dict[str, Indexed] = {}
    for message in messages:
        report = case_register(actor=clerk, report=ReportInput(
            channel="web", kind="complaint", title=message.title[:200], body=message.body, region=region,
            reporter_pseudonym="基准",
        ), now=received)
        inp = TriageInput(title=report.title, body=report.body, kind_code="complaint", region_path=region.path,
                          received_at=received, report_id=report.pk, case_id=report.case_id)
        duplicates_index(inp)
        indexed[message.key] = Indexed(inp, report.case.number)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return indexed


def evaluate(indexed: dict[str, Indexed], variants: list[Variant], when: datetime, label: str) -> list[float]:
    """Precision and recall of the merge suggestions; returns the lookup times (ms)."""
    from jubao.duplicates.selectors import duplicates_lookup

    region_path = next(iter(indexed.values())).inp.region_path
    tp = fp = fn = 0
    misses: Counter[str] = Counter()
    wrong: list[str] = []
    times: list[float] = []
    queries: list[tuple[TriageInput, str | None, str]] = [
        (TriageInput(title=v.title, body=v.body, kind_code="complaint", region_path=region_path, received_at=when),
         indexed[v.source].case_number, v.how) for v in variants
    ]
    # Every indexed report asked again as itself (a re-run of triage): only unrelated messages can come back.
    queries += [(replace(item.inp, received_at=when), None, "indexed message") for item in indexed.values()]
    for inp, expected, how in queries:
        started = time.perf_counter()
        lookup = duplicates_lookup(inp)
        times.append((time.perf_counter() - started) * 1000)
        suggested = {s.case for s in lookup.suggestions}
        if expected is not None and expected in suggested:
            tp += 1
        elif expected is not None:
            fn += 1
            misses[how] += 1
        extra = suggested - {expected}
        fp += len(extra)
        if extra:
            wrong.append(how)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"[{label}] merge suggestions: precision {precision:.3f}, recall {recall:.3f} "
          f"(targets ≥ 0.95; {len(variants)} duplicate queries, {len(indexed)} unrelated re-queries, "
          f"TP {tp}, FP {fp}, FN {fn})")
    if misses:
        print(f"[{label}]   missed by kind: {dict(misses)}")
    if wrong:
        print(f"[{label}]   wrong suggestions for: {dict(Counter(wrong))}")
    return times


# --- 1,000,000 synthetic reports ---------------------------------------------------------------------
def sentence_pool(messages: list[Message]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash of every sentence of the corpus (repeats kept, so boilerplate is as common as in life)."""
    from jubao.duplicates.signature import signature_of

    minhashes, counts = [], []
    for message in messages:
        for sentence in _sentences(message.title + "。" + message.body):
            signature = signature_of(sentence)
            if signature is not None:
                minhashes.append(signature.minhash)
                counts.append(signature.shingle_count)
    return np.array(minhashes, dtype=np.uint32), np.array(counts, dtype=np.int64)


def synthetic_signatures(messages: list[Message], size: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of `size` synthetic reports, each 2–8 random corpus sentences plus a few unique 3-grams.

    The MinHash of a union is the element-wise minimum of the parts' MinHashes, so the signature of a
    mix of sentences is exact (bar the 3-grams across sentence joins) without hashing its text again.
    """
    pool, pool_counts = sentence_pool(messages)
    rng = np.random.default_rng(seed)
    minhashes = np.empty((size, pool.shape[1]), dtype=np.uint32)
    counts = np.empty(size, dtype=np.int64)
    chunk = 50_000
    for start in range(0, size, chunk):
        n = min(chunk, size - start)
        parts = rng.integers(2, 9, size=n)
        picks = rng.integers(0, len(pool), size=(n, 8))
        mask = np.arange(8).reshape(1, -1) < parts.reshape(-1, 1)
        chosen = np.where(mask[:, :, None], pool[picks], np.uint32(0xFFFFFFFF))
        # A few unique 3-grams per report (names, numbers, typos): the minimum of m uniform 32-bit values.
        unique = rng.integers(1, 12, size=n).reshape(-1, 1)
        own = ((1.0 - (1.0 - rng.random((n, pool.shape[1]))) ** (1.0 / unique)) * 0xFFFFFFFF).astype(np.uint32)
        minhashes[start:start + n] = np.minimum(chosen.min(axis=1), own)
        counts[start:start + n] = (pool_counts[picks] * mask).sum(axis=1) + unique[:, 0]
    return minhashes, counts


def fill_index(messages: list[Message], size: int, today: int) -> None:
    from django.db import connection

    from jubao.duplicates.signature import SIGNATURE_VERSION, band_keys_of

    started = time.perf_counter()
    minhashes, counts = synthetic_signatures(messages, size)
    days = today - np.random.default_rng(11).integers(0, HISTORY_DAYS, size=size)
    report_ids = np.arange(SYNTHETIC_ID_BASE, SYNTHETIC_ID_BASE + size, dtype=np.int64)
    keys = np.concatenate([band_keys_of(minhashes[i:i + 100_000]) for i in range(0, size, 100_000)])
    generated = time.perf_counter() - started
    # Sorted by the primary key, every insert appends to the index instead of landing on a random page.
    flat_keys = keys.reshape(-1)
    flat_days = np.repeat(days, keys.shape[1]).astype(np.int64)
    flat_reports = np.repeat(report_ids, keys.shape[1])
    order = np.lexsort((flat_reports, flat_days, flat_keys))
    flat_keys, flat_days, flat_reports = flat_keys[order], flat_days[order], flat_reports[order]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    created = [epoch + timedelta(days=int(d), seconds=int(s)) for d, s in
               zip(days, np.random.default_rng(12).integers(0, 86400, size=size), strict=True)]
    if connection.vendor == "postgresql":
        _fill_postgresql(flat_keys, flat_days, flat_reports, report_ids, created, minhashes, counts,
                         SIGNATURE_VERSION)
    else:
        _fill_sqlite(flat_keys, flat_days, flat_reports, report_ids, created, minhashes, counts, SIGNATURE_VERSION)
    print(f"index filled with {size:,} synthetic reports ({len(flat_keys):,} keys) in "
          f"{time.perf_counter() - started:.0f} s (signatures {generated:.0f} s)", flush=True)


def _signature_rows(report_ids, created, minhashes, counts, version):  # type: ignore[no-untyped-def]
    for i in range(len(report_ids)):
        yield (int(report_ids[i]), created[i], version, minhashes[i].astype("<u4").tobytes(), int(counts[i]),
               "/990000/990100/990102/", None, None, b"")


SIGNATURE_COLUMNS = ("report_id, created_at, version, minhash, shingle_count, region_path, address_key, "
                     "subject_key, reporter_keys")


def _fill_sqlite(keys, days, reports, report_ids, created, minhashes, counts, version) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection, transaction

    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -500000")
        step = 1_000_000
        with transaction.atomic():
            for i in range(0, len(keys), step):
                cursor.executemany("INSERT INTO duplicates_indexkey (band_key, day, report_id) VALUES (%s, %s, %s)",
                                   list(zip(keys[i:i + step].tolist(), days[i:i + step].tolist(),
                                            reports[i:i + step].tolist(), strict=True)))
            rows = [(r[0], adapt(r[1]), *r[2:]) for r in _signature_rows(report_ids, created, minhashes, counts,
                                                                         version)]
            cursor.executemany(f"INSERT INTO duplicates_reportsignature ({SIGNATURE_COLUMNS}) "
                               f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
        cursor.execute("PRAGMA cache_size = -2000")  # measure with the default cache, as deployed
        cursor.execute("ANALYZE")


def _fill_postgresql(keys, days, reports, report_ids, created, minhashes, counts, version) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    # Binary COPY straight from numpy: (int2 field count, then int4 length + big-endian value per field).
    record = np.dtype([("fields", ">i2"), ("l1", ">i4"), ("key", ">i8"), ("l2", ">i4"), ("day", ">i4"),
                       ("l3", ">i4"), ("report", ">i8")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'duplicates_indexkey'::regclass "
                       "AND contype = 'p'")
        pk_name = cursor.fetchone()[0]
        cursor.execute(f'ALTER TABLE duplicates_indexkey DROP CONSTRAINT "{pk_name}"')
        raw = cursor.cursor
        step = 2_000_000
        with raw.copy("COPY duplicates_indexkey (band_key, day, report_id) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
            for i in range(0, len(keys), step):
                n = len(keys[i:i + step])
                block = np.empty(n, dtype=record)
                block["fields"], block["l1"], block["l2"], block["l3"] = 3, 8, 4, 8
                block["key"], block["day"], block["report"] = keys[i:i + step], days[i:i + step], reports[i:i + step]
                copy.write(block.tobytes())
            copy.write(b"\xff\xff")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(f'ALTER TABLE duplicates_indexkey ADD CONSTRAINT "{pk_name}" '
                       f"PRIMARY KEY (band_key, day, report_id)")
        with raw.copy(f"COPY duplicates_reportsignature ({SIGNATURE_COLUMNS}) FROM STDIN") as copy:
            for row in _signature_rows(report_ids, created, minhashes, counts, version):
                copy.write_row(row)
        cursor.execute("VACUUM ANALYZE duplicates_indexkey" if connection.get_autocommit() else "ANALYZE")
        cursor.execute("ANALYZE duplicates_reportsignature")


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return f"p50 {at(0.5):.2f} ms, p95 {at(0.95):.2f} ms, p99 {at(0.99):.2f} ms, max {ordered[-1]:.1f} ms"


def main() -> None:
    if not DATA_DIR.is_dir():
        print(f"shared messages not found at {DATA_DIR}; duplicates benchmark skipped")
        return
    from django.db import connection

    from jubao.duplicates.services import day_number

    started = time.perf_counter()
    originals, negatives, variants = labelled_set(LABELLED)
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"labelled set: {len(originals)} originals, {len(negatives)} unrelated same-place messages, "
          f"{len(variants)} duplicates ({dict(Counter(v.how for v in variants))}) "
          f"built in {time.perf_counter() - started:.0f} s", flush=True)
    indexed = register_labelled(originals + negatives, now - timedelta(days=10))
    evaluate(indexed, variants, now, f"{len(indexed)} indexed")
    if INDEX_SIZE:
        fill_index(load_messages(), INDEX_SIZE, day_number(now))
        times = evaluate(indexed, variants, now, f"{INDEX_SIZE + len(indexed):,} indexed")
        times = evaluate(indexed, variants, now, f"{INDEX_SIZE + len(indexed):,} indexed, warm")
        print(f"lookup per report with {INDEX_SIZE + len(indexed):,} indexed reports on {connection.vendor} "
              f"({len(times):,} single lookups): {percentiles(times)} (target p99 ≤ 20 ms)")


if __name__ == "__main__":
    main()
