"""Classification: trained models and keyword rules, versioning and switching, and `triage_eval`."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.audit.models import AuditEvent
from jubao.taxonomy.models import Category
from jubao.triage.classify import classification_step
from jubao.triage.classify.dataset import Example
from jubao.triage.classify.hints import hints_from_database, hints_from_tree
from jubao.triage.classify.model import TextClassifier
from jubao.triage.classify.training import (
    TrainingError,
    classifier_activate,
    classifier_train,
    training_examples,
    training_examples_import,
)
from jubao.triage.models import ClassifierModel, ExampleSource, KeywordRule, RuleTarget, TrainingExample
from jubao.triage.steps import TriageInput

from .classification_fixtures import labelled_reports, write_jsonl

pytestmark = pytest.mark.django_db

POLLUTION = ("河边工厂偷排污水", "我家附近的造纸厂每天晚上往河里排污水，河水又黑又臭，鱼都死光了，请环保部门来查。")
WAGES = ("工地老板拖欠农民工工资", "我们在城东工地干了八个月，包工头拖欠工资不发，已经找了劳动监察几次没有结果。")


def _input(title: str, body: str, kind: str = "complaint") -> TriageInput:
    return TriageInput(title=title, body=body, kind_code=kind, region_path="/1/", received_at=timezone.now())


def _category_examples() -> list[Example]:
    by_name = {c.name: str(c.pk) for c in Category.objects.filter(parent__isnull=True)}
    return [Example(r["title"], r["body"], by_name[r["label"]]) for r in labelled_reports()]


@pytest.fixture
def system() -> Actor:
    return Actor.system("test")


@pytest.fixture
def category_model(org, system) -> ClassifierModel:
    return classifier_train(actor=system, target="category", examples=_category_examples(), activate=True,
                            evaluate_folds=0)


def test_a_trained_model_proposes_a_category_with_its_levels_confidence_cues_and_version(category_model):
    outcome = classification_step(_input(*POLLUTION), {})
    environment = Category.objects.get(name="环境保护", parent__isnull=True)
    assert outcome.proposal["category_id"] == environment.pk
    assert outcome.proposal["category_levels"][0]["id"] == environment.pk
    assert outcome.confidence > 0.6 and not outcome.needs_human
    assert category_model.version in outcome.version
    assert outcome.cues and all(cue.means == "环境保护" for cue in outcome.cues[:1])
    assert any(cue.text in POLLUTION[0] + POLLUTION[1] for cue in outcome.cues)


def test_the_model_tells_wage_arrears_from_pollution(category_model):
    outcome = classification_step(_input(*WAGES), {})
    assert outcome.proposal["category_id"] == Category.objects.get(name="劳动和社会保障").pk


def test_without_a_model_keyword_rules_alone_classify_and_nothing_matching_goes_to_a_person(org):
    noise = Category.objects.get(name="噪声污染")
    KeywordRule.objects.create(target=RuleTarget.CATEGORY, value=str(noise.pk), words="噪音\n广场舞", weight=1.0)
    outcome = classification_step(_input("广场舞噪音扰民", "每天晚上十点后小区广场舞噪音很大，无法休息。"), {})
    assert outcome.proposal["category_id"] == noise.pk
    assert [level["name"] for level in outcome.proposal["category_levels"]] == ["环境保护", "噪声污染"]
    assert {cue.text for cue in outcome.cues} >= {"噪音", "广场舞"}
    assert outcome.version.startswith("rules-")

    nothing = classification_step(_input("一个问题", "情况说明见附件。"), {})
    assert nothing.proposal["category_id"] is None and nothing.needs_human


def test_a_rule_corrects_the_model_the_same_day(category_model):
    education = Category.objects.get(name="教育文体")
    text = ("学校旁边工厂排放废气", "学校旁边的工厂排放废气，学生上课闻到怪味，请处理。")
    KeywordRule.objects.create(target=RuleTarget.CATEGORY, value=str(education.pk), words="学生上课", weight=3.0)
    assert classification_step(_input(*text), {}).proposal["category_id"] == education.pk


def test_low_confidence_goes_to_the_human_queue(category_model, settings):
    settings.JUBAO_TRIAGE_CONFIDENCE_THRESHOLD = 1.01  # nothing is ever sure enough
    assert classification_step(_input(*POLLUTION), {}).needs_human


def test_activating_a_new_version_switches_every_process_and_the_old_one_off(category_model, system):
    newer = classifier_train(actor=system, target="category", examples=_category_examples()[:60],
                             evaluate_folds=0)
    assert not newer.is_active
    assert category_model.version in classification_step(_input(*POLLUTION), {}).version
    classifier_activate(actor=system, model=newer)
    category_model.refresh_from_db()
    assert not category_model.is_active and newer.is_active
    assert newer.version in classification_step(_input(*POLLUTION), {}).version
    assert AuditEvent.objects.filter(kind="triage.model_activated").count() == 2


def test_training_refuses_too_little_data(org, system):
    with pytest.raises(TrainingError):
        classifier_train(actor=system, target="category", examples=_category_examples()[:5])  # fewer than MIN_EXAMPLES


def test_overrides_become_training_data_and_replace_the_cases_own_label(org, system):
    environment = Category.objects.get(name="环境保护")
    TrainingExample.objects.create(target="category", label=str(environment.pk), title=POLLUTION[0],
                                   body=POLLUTION[1], source=ExampleSource.OVERRIDE, created_at=timezone.now())
    examples = training_examples("category")
    assert Example(POLLUTION[0], POLLUTION[1], str(environment.pk)) in examples


def test_a_jsonl_file_imports_by_category_name_and_unknown_labels_reject_the_whole_file(org, system, tmp_path):
    rows = labelled_reports()
    count = training_examples_import(actor=system, target="category", path=write_jsonl(tmp_path / "a.jsonl", rows))
    assert count == len(rows) == TrainingExample.objects.filter(source=ExampleSource.IMPORTED).count()
    bad = [*rows[:3], {"title": "x", "body": "y", "label": "不存在的类别"}]
    with pytest.raises(TrainingError, match="不存在的类别"):
        training_examples_import(actor=system, target="category", path=write_jsonl(tmp_path / "b.jsonl", bad))
    assert TrainingExample.objects.count() == count


def test_triage_train_command_imports_trains_and_activates(org, tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", labelled_reports())
    out = io.StringIO()
    call_command("triage_train", "--target", "category", "--import", str(path), "--activate", stdout=out)
    result = json.loads(out.getvalue().splitlines()[-1])
    assert result["active"] and result["examples"] == len(labelled_reports())
    assert ClassifierModel.objects.get(is_active=True).version == result["version"]


def test_triage_eval_trains_on_one_file_and_reports_scores_and_speed(tmp_path):
    rows = labelled_reports()
    train, test = rows[: int(len(rows) * 0.7)], rows[int(len(rows) * 0.7):]
    out = io.StringIO()
    call_command("triage_eval", "--train", str(write_jsonl(tmp_path / "train.jsonl", train)),
                 "--test", str(write_jsonl(tmp_path / "test.jsonl", test)), stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) >= {"accuracy", "macro_f1", "per_label_f1", "ms_per_report"}
    assert result["macro_f1"] >= 0.9 and set(result["per_label_f1"]) == {r["label"] for r in rows}
    assert result["ms_per_report"] > 0


def test_triage_eval_cross_validates_and_names_bad_lines(tmp_path):
    out = io.StringIO()
    call_command("triage_eval", "--train", str(write_jsonl(tmp_path / "t.jsonl", labelled_reports())), "--cv", "3",
                 stdout=out)
    assert json.loads(out.getvalue())["folds"] == 3
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"title": "a", "body": "b", "label": "x"}\nnot json\n{"title": "c", "body": "d"}\n',
                      encoding="utf-8")
    with pytest.raises(CommandError, match=r"2.*3"):
        call_command("triage_eval", "--train", str(broken), "--cv", "3")


def test_a_saved_model_scores_exactly_like_the_fitted_one_and_reads_traditional_script():
    rows = labelled_reports()
    model = TextClassifier().fit([r["title"] for r in rows], [r["body"] for r in rows], [r["label"] for r in rows])
    restored = TextClassifier.from_bytes(model.to_bytes())
    assert [s.label for s in restored.score(*POLLUTION)] == [s.label for s in model.score(*POLLUTION)]
    assert restored.score("河邊工廠偷排污水", "造紙廠每天晚上往河裡排污水，河水又黑又臭。")[0].label == "环境保护"
    assert abs(sum(s.score for s in restored.score(*WAGES)) - 1.0) < 1e-6


def test_a_model_from_an_incompatible_version_is_refused():
    with pytest.raises(ValueError):
        TextClassifier.from_bytes(__import__("pickle").dumps({"not": "a model"}))


def test_models_trained_long_ago_stay_listed_newest_first(category_model, system):
    ClassifierModel.objects.filter(pk=category_model.pk).update(trained_at=timezone.now() - timedelta(days=30))
    newer = classifier_train(actor=system, target="category", examples=_category_examples(), evaluate_folds=3)
    assert list(ClassifierModel.objects.values_list("version", flat=True)) == [newer.version, category_model.version]
    assert "macro_f1" in newer.metrics


# --- category-name hints ------------------------------------------------------------------------

HINT_TREE = [
    {"name": "城乡建设", "children": [
        {"name": "城市建设和市政管理", "children": [{"name": "燃气管道安全"}, {"name": "井盖维修"}, {"name": "其他"}]},
    ]},
    {"name": "环境保护", "children": [{"name": "环境污染", "children": [{"name": "噪声污染"}, {"name": "其他"}]}]},
]


def test_a_tree_gives_each_label_the_names_below_it_but_not_its_own_or_other():
    hints = hints_from_tree(HINT_TREE)
    assert hints["城乡建设"] == ["城市建设和市政管理", "燃气管道安全", "井盖维修"]
    assert hints["环境污染"] == ["噪声污染"]
    assert "井盖维修" not in hints  # a leaf names nothing below it
    assert all("其他" not in phrases for phrases in hints.values())


def test_hints_teach_a_sub_topic_no_training_report_mentions():
    rows = [r for r in labelled_reports() if r["label"] in {"城乡建设", "环境保护"}]
    titles, bodies, labels = [r["title"] for r in rows], [r["body"] for r in rows], [r["label"] for r in rows]
    unseen = ("燃气管道井盖", "")
    assert all("燃气" not in t + b and "井盖" not in t + b for t, b in zip(titles, bodies, strict=True))
    plain = TextClassifier().fit(titles, bodies, labels)
    hinted = TextClassifier().fit(titles, bodies, labels, hints=hints_from_tree(HINT_TREE))
    assert hinted.score(*unseen)[0].label == "城乡建设"
    plain_share = {s.label: s.score for s in plain.score(*unseen)}["城乡建设"]
    assert {s.label: s.score for s in hinted.score(*unseen)}["城乡建设"] > plain_share


def test_triage_eval_uses_a_category_tree_exported_beside_the_training_file(tmp_path):
    rows = labelled_reports()
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    out = io.StringIO()
    call_command("triage_eval", "--train", str(train), "--cv", "3", "--no-taxonomy", stdout=out)
    assert json.loads(out.getvalue())["hints"] == {"source": None, "labels": 0, "phrases": 0}
    (tmp_path / "taxonomy.json").write_text(json.dumps(HINT_TREE, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("triage_eval", "--train", str(train), "--cv", "3", stdout=out)
    assert json.loads(out.getvalue())["hints"] == {"source": str(tmp_path / "taxonomy.json"), "labels": 2,
                                                   "phrases": 5}
    broken = tmp_path / "tree.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("triage_eval", "--train", str(train), "--cv", "3", "--taxonomy", str(broken))


def test_a_category_model_learns_the_deployments_sub_category_names(org, system):
    row = classifier_train(actor=system, target="category", examples=_category_examples(), evaluate_folds=0)
    top = {c.name: str(c.pk) for c in Category.objects.filter(parent__isnull=True)}
    hints = hints_from_database(row.labels, by="pk")
    assert "违章建筑" in hints[top["城乡建设"]] and "城乡建设" not in hints[top["城乡建设"]]
    assert row.metrics["hint_phrases"] == sum(len(p) for p in hints.values()) > 0
