"""Category-name hints for the classifier: each label's sub-categories, from a category tree.

A deployment's category tree already says what each category covers: 城乡建设 holds 物业服务管理,
违章建筑, 集体土地上房屋拆迁与补偿 and so on. Each of those names becomes a one-line example of its label
(the model, `TextClassifier.fit(hints=…)`), which lifts cross-validated macro-F1 on the TipDM messages by
about one point. The label's own name is left out (it helps nothing: reporters rarely write it), and so
are names that say nothing about their subject (其他).

Trees come from the deployment's categories in the database, or from a file in the format
`import_taxonomy` reads: a JSON tree of {"name", "children"} nodes, or XLSX rows of level names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

UNINFORMATIVE_NAMES = frozenset({"其他", "其它", "其他问题", "其它问题", "综合", "Other", "other"})
TREE_FILE_NAME = "taxonomy.json"

Hints = dict[str, list[str]]


def _descendant_names(node: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for child in node.get("children") or []:
        name = str(child.get("name", "")).strip()
        if name and name not in UNINFORMATIVE_NAMES:
            names.append(name)
        names.extend(_descendant_names(child))
    return names


def hints_from_tree(nodes: Iterable[Mapping[str, Any]]) -> Hints:
    """Every node's name → the names below it. A name found in several places gathers all of them."""
    hints: Hints = {}

    def walk(level: Iterable[Mapping[str, Any]]) -> None:
        for node in level:
            name = str(node.get("name", "")).strip()
            below = _descendant_names(node)
            if name and below:
                hints.setdefault(name, [])
                hints[name].extend(n for n in below if n not in hints[name])
            walk(node.get("children") or [])

    walk(nodes)
    return hints


def _tree_from_rows(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    root: dict[str, Any] = {"children": []}
    for row in rows:
        node = root
        for cell in row:
            name = str(cell).strip() if cell is not None else ""
            if not name:
                break
            child = next((c for c in node["children"] if c["name"] == name), None)
            if child is None:
                child = {"name": name, "children": []}
                node["children"].append(child)
            node = child
    return list(root["children"])


def read_tree(path: Path) -> list[dict[str, Any]]:
    """A category tree file (JSON tree or XLSX rows of level names); ValueError names what is wrong."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            nodes = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not valid JSON ({error})") from error
        if isinstance(nodes, dict):
            nodes = nodes.get("children", [nodes])
        if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
            raise ValueError(f'{path}: expected a JSON list of {{"name", "children"}} nodes')
        return nodes
    if suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        return _tree_from_rows(workbook.worksheets[0].iter_rows(values_only=True))
    raise ValueError(f"{path}: use a .json or .xlsx category tree")


def hints_from_database(labels: Iterable[str], *, by: str = "name") -> Hints:
    """Hints from this deployment's active categories, for labels given as category names (or full names,
    `by="name"`) or as primary keys (`by="pk"`, as the product's own category models store them).
    Empty when there is no database to read, so that evaluating a file needs none."""
    from django.db import DatabaseError

    from jubao.taxonomy.models import Category

    wanted = set(labels)
    try:
        rows = list(Category.objects.filter(is_active=True).values_list("pk", "name", "full_name", "path"))
    except DatabaseError:
        return {}
    hints: Hints = {}
    for pk, name, full_name, path in rows:
        keys = {str(pk)} if by == "pk" else {name, full_name}
        matched = keys & wanted
        if not matched:
            continue
        below = [n for _pk, n, _full, p in rows if p != path and p.startswith(path) and n not in UNINFORMATIVE_NAMES]
        for label in matched:
            if below:
                hints.setdefault(label, [])
                hints[label].extend(n for n in below if n not in hints[label])
    return hints


def hints_for_files(train_path: Path, labels: Iterable[str], *, tree_path: Path | None = None) -> tuple[Hints, str]:
    """Hints for evaluating on labelled files, and where they came from.

    In order: the tree file given; else a category tree exported with the training file (`taxonomy.json`
    beside it), which matches its labels; else this deployment's categories, when they hold the labels.
    """
    labels = set(labels)
    if tree_path is not None:
        return _covering(hints_from_tree(read_tree(tree_path)), labels), str(tree_path)
    beside = train_path.parent / TREE_FILE_NAME
    if beside.is_file():
        try:
            from_file = _covering(hints_from_tree(read_tree(beside)), labels)
        except ValueError:
            from_file = {}
        if from_file:
            return from_file, str(beside)
    from_database = _covering(hints_from_database(labels), labels)
    return (from_database, "database") if from_database else ({}, "")


def _covering(hints: Hints, labels: set[str]) -> Hints:
    return {label: phrases for label, phrases in hints.items() if label in labels}
