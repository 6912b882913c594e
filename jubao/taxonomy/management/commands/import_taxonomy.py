import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jubao.accounts.actors import Actor
from jubao.taxonomy.services import category_import_rows, category_import_tree


class Command(BaseCommand):
    help = ("Import a category tree: a JSON tree of {\"name\", \"children\"} nodes, or an XLSX sheet whose "
            "columns are level 1, level 2, level 3 … (one leaf per row). Existing categories are kept.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--sheet", help="XLSX sheet name (default: the first)")
        parser.add_argument("--skip-header", action="store_true", help="XLSX: the first row holds column titles")

    def handle(self, *args, path, sheet, skip_header, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        actor = Actor.system("import_taxonomy")
        with transaction.atomic():
            if file.suffix.lower() == ".json":
                try:
                    nodes = json.loads(file.read_text(encoding="utf-8"))
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{file}: not valid JSON ({exc})") from exc
                if isinstance(nodes, dict):
                    nodes = nodes.get("children", [nodes])
                try:
                    created = category_import_tree(actor=actor, nodes=nodes)
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
            elif file.suffix.lower() in {".xlsx", ".xlsm"}:
                from openpyxl import load_workbook

                workbook = load_workbook(file, read_only=True, data_only=True)
                worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
                rows = worksheet.iter_rows(values_only=True)
                if skip_header:
                    next(rows, None)
                created = category_import_rows(actor=actor, rows=rows)
            else:
                raise CommandError("use a .json or .xlsx file")
        self.stdout.write(f"{created} categories created")
