import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from jubao.taxonomy.models import Category

pytestmark = pytest.mark.django_db

TREE = [
    {"name": "城乡建设", "children": [
        {"name": "安全生产", "children": [{"name": "事故处理"}, {"name": "安全隐患"}]},
        {"name": "城乡规划", "children": [{"name": "违章建筑"}, {"name": "其他"}]},
    ]},
    {"name": "环境保护", "children": [{"name": "噪声污染", "children": [{"name": "其他"}]}]},
]


def test_a_json_tree_imports_every_level_with_paths_and_full_names(tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(TREE, ensure_ascii=False), encoding="utf-8")
    call_command("import_taxonomy", str(path))
    leaf = Category.objects.get(name="违章建筑")
    assert leaf.depth == 3
    assert leaf.full_name == "城乡建设 / 城乡规划 / 违章建筑"
    assert leaf.path.startswith(leaf.parent.parent.path)
    # Two leaves may share a name under different parents.
    assert Category.objects.filter(name="其他").count() == 2


def test_importing_the_same_tree_twice_creates_nothing_new(tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(TREE, ensure_ascii=False), encoding="utf-8")
    call_command("import_taxonomy", str(path))
    count = Category.objects.count()
    call_command("import_taxonomy", str(path))
    assert Category.objects.count() == count == 10


def test_an_xlsx_sheet_of_level_columns_imports_as_a_tree(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["一级分类", "二级分类", "三级分类"])
    sheet.append(["劳动和社会保障", "劳动关系", "拖欠工资"])
    sheet.append(["劳动和社会保障", "劳动关系", "劳动合同"])
    sheet.append(["劳动和社会保障", "社会保险", None])
    path = tmp_path / "taxonomy.xlsx"
    workbook.save(path)
    call_command("import_taxonomy", str(path), "--skip-header")
    assert Category.objects.get(name="拖欠工资").full_name == "劳动和社会保障 / 劳动关系 / 拖欠工资"
    assert Category.objects.get(name="社会保险").depth == 2
    assert Category.objects.filter(parent__isnull=True).count() == 1


def test_a_broken_file_is_refused_with_a_clear_message_and_changes_nothing(tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text('[{"name": "城乡建设", "children": [{"name": ""}]}]', encoding="utf-8")
    with pytest.raises(CommandError, match="non-empty name"):
        call_command("import_taxonomy", str(path))
    assert not Category.objects.exists()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_taxonomy", str(path))


def test_renaming_a_category_renames_its_whole_subtree(tmp_path):
    from jubao.taxonomy.services import category_save

    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(TREE, ensure_ascii=False), encoding="utf-8")
    call_command("import_taxonomy", str(path))
    root = Category.objects.get(name="城乡建设")
    root.name = "城乡建设管理"
    category_save(actor=None, category=root)
    assert Category.objects.get(name="违章建筑").full_name == "城乡建设管理 / 城乡规划 / 违章建筑"
