"""Load the demo: organisation, users, ~200 cases in every state, then print the logins."""

from __future__ import annotations

import time
import unicodedata
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet

from jubao.accounts.models import User
from jubao.audit.chain import GENESIS_HASH
from jubao.audit.models import AuditChainHead, AuditEvent
from jubao.cases.models import Case, Report
from jubao.deadlines.sweeper import sweep_lights
from jubao.demo.cases import build_demo_cases
from jubao.demo.organisation import DEMO_PASSWORD, USERS, build_demo_organisation
from jubao.demo.routing import demo_catalogue_ensure
from jubao.demo.triage import demo_classifier_ensure
from jubao.feedback.demo import feedback_demo_ensure
from jubao.handling.demo import handling_demo_ensure
from jubao.investigation.demo import investigation_demo_ensure
from jubao.protection import keys
from jubao.protection.models import ReporterIdentity
from jubao.quality.demo import quality_demo_ensure
from jubao.supervision.demo import supervision_demo_ensure

STAFF_URL = "http://127.0.0.1:8000/staff/"
DEMO_REGION_PREFIX = "/990000/"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _delete_with_protected_records(queryset, depth: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Demo reset only: delete the rows and, first, every record that protects them (case files, evidence, custody
    chains…), however deep. Production never deletes cases; the records protect them there on purpose."""
    for _attempt in range(50):
        try:
            queryset.delete()
            return
        except ProtectedError as exc:
            if depth > 10:
                raise
            by_model: dict[type, list] = {}
            for obj in exc.protected_objects:
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                # A plain QuerySet: append-only records refuse deletion through their own managers.
                _delete_with_protected_records(QuerySet(model=model).filter(pk__in=pks), depth + 1)
    queryset.delete()


class Command(BaseCommand):
    help = (
        "Create the demo organisation, its users and (if there are no cases yet) demo cases in every state; "
        "then run a deadline sweep and print the demo logins. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200, help="how many demo cases to create (default 200)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed for the demo texts and timings")
        parser.add_argument(
            "--reset-cases", action="store_true",
            help="delete all cases, reports, their vault identities and the whole audit trail first "
                 "(refused unless every case belongs to the demo regions 99…)",
        )
        parser.add_argument("--quiet", action="store_true", help="print nothing but errors")

    def handle(self, *args, **options):
        started = time.monotonic()
        quiet = options["quiet"]
        if options["cases"] < 0:
            raise CommandError("--cases must not be negative")

        if not keys.env_configured() and keys.ensure_key_file():
            self._say(quiet, f"vault key file created: {keys.key_file_path()}")

        org = build_demo_organisation(extra_staff=True)
        self._say(quiet, f"organisation: {len(org.regions)} regions, {len(org.departments)} departments, "
                         f"{len(org.users)} users")

        handling_demo_ensure(org)
        feedback_demo_ensure(org)
        rules_added = demo_catalogue_ensure()
        if rules_added:
            self._say(quiet, f"dispatch catalogue: {rules_added} rules added")

        if options["reset_cases"]:
            removed = self._reset_cases()
            self._say(quiet, f"removed {removed} cases and the audit trail")

        existing = Case.objects.count()
        if existing:
            self._say(quiet, f"{existing} cases already exist; no demo cases added")
        elif options["cases"]:
            cases = build_demo_cases(org, count=options["cases"], seed=options["seed"])
            self._say(quiet, f"created {len(cases)} demo cases")
            investigation_demo_ensure(org)

        version = demo_classifier_ensure()
        if version:
            self._say(quiet, f"triage: trained and activated category model {version}")

        result = sweep_lights()
        quality_demo_ensure(org)
        supervision_demo_ensure(org)
        self._say(quiet, f"deadline sweep: examined {result.examined}, newly overdue {result.newly_overdue}")
        if not quiet:
            self._summary()
            self._logins()
            self._reporter_demo()
            self.stdout.write(f"done in {time.monotonic() - started:.1f} s")

    def _reporter_demo(self) -> None:
        """A receipt for one answered anonymous demo report, so the reporter's side can be tried at once."""
        from jubao.accounts.actors import Actor
        from jubao.cases.models import CaseState, Report
        from jubao.intake.receipts import display_receipt
        from jubao.intake.services import reporter_receipt_issue

        report = (Report.objects.filter(identity__isnull=True, case__state=CaseState.ANSWERED)
                  .order_by("created_at").first())
        if report is None:
            return
        receipt = reporter_receipt_issue(actor=Actor.system("load_demo"), report=report)
        self.stdout.write("")
        self.stdout.write(f"Try the reporter's side at http://127.0.0.1:8000/followup/ — tracking number "
                          f"{report.tracking_number}, receipt {display_receipt(receipt)}")

    def _say(self, quiet: bool, message: str) -> None:
        if not quiet:
            self.stdout.write(message)

    @transaction.atomic
    def _reset_cases(self) -> int:
        if Case.objects.exclude(region_path__startswith=DEMO_REGION_PREFIX).exists():
            raise CommandError("--reset-cases refused: some cases are outside the demo regions (99…)")
        count = Case.objects.count()
        identity_ids = set(Report.objects.exclude(identity__isnull=True).values_list("identity_id", flat=True))
        try:
            # The hash chain cannot lose events in the middle, so the whole trail goes and restarts from genesis.
            AuditEvent.objects.all().delete()
            AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
            Report.objects.all().delete()
            Case.objects.exclude(merged_into=None).update(merged_into=None)
            _delete_with_protected_records(Case.objects.all())
            ReporterIdentity.objects.filter(pk__in=identity_ids, reports__isnull=True).delete()
        except ProtectedError as exc:
            raise CommandError(f"--reset-cases: other records still refer to cases ({exc})") from exc
        return count

    def _summary(self) -> None:
        states = Counter(Case.objects.values_list("state", flat=True))
        lights = Counter(Case.objects.values_list("light", flat=True))
        overdue = Case.objects.filter(overdue=True).count()
        self.stdout.write("cases by state: " + ", ".join(f"{s} {n}" for s, n in sorted(states.items())))
        self.stdout.write("lights: " + ", ".join(f"{light} {lights.get(light, 0)}"
                                                 for light in ("green", "yellow", "orange", "red"))
                          + f"; overdue {overdue}")

    def _logins(self) -> None:
        order = {username: i for i, (username, *_rest) in enumerate(USERS)}
        users = sorted(
            User.objects.filter(username__in=[*order, *self._extra_usernames()]).select_related("department"),
            key=lambda u: (order.get(u.username, len(order)), u.username),
        )
        rows = [("用户名 username", "角色 role", "部门 department", "密码 password")]
        rows += [(u.username, str(u.get_role_display()), u.department.name if u.department else "—", DEMO_PASSWORD)
                 for u in users]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(f"Demo logins — sign in at {STAFF_URL}")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD} — {STAFF_URL}")

    @staticmethod
    def _extra_usernames() -> list[str]:
        from jubao.demo.organisation import EXTRA_STAFF_DEPARTMENTS

        return [f"{prefix}_{code}" for code in EXTRA_STAFF_DEPARTMENTS for prefix in ("handler", "head")]
