from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from langnghe.handling.docs import render_workflows
from langnghe.handling.policy import POLICY_DIR, load_policy


class Command(BaseCommand):
    help = "Write docs/workflows.md (diagrams and time limits) from the workflow rule data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "workflows.md")
        )

    def handle(self, *args, output: str, **options):
        Path(output).write_text(
            render_workflows(load_policy([POLICY_DIR / "workflows.yaml"])) + "\n", encoding="utf-8"
        )
        self.stdout.write(self.style.SUCCESS(f"wrote {output}"))
