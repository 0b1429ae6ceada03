"""`manage.py load_reference_data`: the gazetteer, the topics and the 27 manifestations, from the
data files shipped with the code. Safe to run again: rows are updated in place."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from langnghe.intake.reference import indicators_load, topics_load
from langnghe.orgs.reference import admin_units_load


class Command(BaseCommand):
    help = "Load (or update) administrative units, topics and degradation indicators."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, loader in (
            ("administrative units", admin_units_load),
            ("topics", topics_load),
            ("degradation indicators", indicators_load),
        ):
            result = loader()
            if options["verbosity"]:
                self.stdout.write(f"{label}: {result}")
