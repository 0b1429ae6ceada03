"""manage.py import_items FILE --org SLUG --mapping MAPPING.yaml [--dry-run] [--by USERNAME]

Validates every row, writes the per-row report next to the input (FILE stem + ".bao-cao.csv"),
and imports all rows in one transaction, or none (exit status 1) if any row is invalid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from langnghe.core.errors import ApplicationError
from langnghe.orgs.models import Organisation

from ...mapping import mapping_examples, mapping_load
from ...readers import sheet_read
from ...services import ImportReport, import_run, report_csv, rows_validate


def report_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.bao-cao.csv")


class Command(BaseCommand):
    help = "Import a reception log or petition register (CSV/XLSX) as items, all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the register, .csv (UTF-8) or .xlsx (first sheet)")
        parser.add_argument("--org", required=True, help="slug of the receiving organisation")
        parser.add_argument(
            "--mapping",
            required=True,
            help="mapping YAML file, or the name of a shipped example: "
            + ", ".join(mapping_examples()),
        )
        parser.add_argument(
            "--by",
            default="",
            help="username of the receptionist or leader (required unless --dry-run)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and roll back")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(_("Không đọc được tệp %(f)s.") % {"f": source}) from exc
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(_("Không có đơn vị với mã %(s)s.") % {"s": options["org"]})
        actor = None
        if options["by"]:
            actor = get_user_model().objects.filter(username=options["by"], is_active=True).first()
            if actor is None:
                raise CommandError(_("Không có tài khoản %(u)s.") % {"u": options["by"]})
        elif not options["dry_run"]:
            raise CommandError(
                _("Cần --by: tài khoản cán bộ tiếp nhận hoặc lãnh đạo nhập dữ liệu.")
            )
        mapping_file = mapping_examples().get(options["mapping"], Path(options["mapping"]))
        bars: list[Any] = []

        def progress(done: int, total: int) -> None:
            if not bars:  # created on the first imported row: validation is quick
                bars.append(tqdm(total=total, unit=_("dòng"), disable=options["verbosity"] < 1))
            bars[0].update(done - bars[0].n)

        try:
            mapping = mapping_load(mapping_file)
            sheet = sheet_read(source.name, data)
            if actor is None:  # a dry run without a user: the rows are checked, not submitted
                report = rows_validate(sheet=sheet, mapping=mapping, org=org, file_name=source.name)
                report.dry_run = True
            else:
                report = import_run(
                    sheet=sheet,
                    mapping=mapping,
                    org=org,
                    actor=actor,
                    file_name=source.name,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        finally:
            for bar in bars:
                bar.close()
        out = report_path(source)
        out.write_text(report_csv(report), encoding="utf-8")
        self._print(report, out)
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)

    def _print(self, report: ImportReport, out: Path) -> None:
        for issue in sorted(report.issues, key=lambda i: i.row)[:50]:
            where = _("dòng %(n)d") % {"n": issue.row} if issue.row else _("tệp")
            column = f" [{issue.column}]" if issue.column else ""
            self.stderr.write(f"{where}{column}: {issue.message}")
        if len(report.issues) > 50:
            self.stderr.write(
                _("… và %(n)d lỗi khác (xem báo cáo).") % {"n": len(report.issues) - 50}
            )
        style = self.style.SUCCESS if report.ok else self.style.ERROR
        self.stdout.write(style(report.summary()))
        self.stdout.write(_("Báo cáo từng dòng: %(f)s") % {"f": out})
