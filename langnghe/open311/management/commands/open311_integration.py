"""`manage.py open311_integration`: list, create or deactivate Open311 integrations.

Creation goes through the same service as everything else: the account named by --by must be an
administrator or leader of the receiving unit, and the action is audited in that account's name.
The key is printed once and never stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from langnghe.core.errors import ApplicationError
from langnghe.open311.models import Integration
from langnghe.open311.services import integration_create, integration_deactivate
from langnghe.orgs.models import Organisation


class Command(BaseCommand):
    help = "List, create or deactivate Open311 integrations (API keys for GeoReport v2 clients)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list integrations")
        create = sub.add_parser("create", help="create an integration and print its key once")
        create.add_argument("--name", required=True)
        create.add_argument("--org", required=True, help="slug of the receiving organisation")
        create.add_argument("--by", required=True, help="username of an admin or leader there")
        create.add_argument("--contact", default="")
        off = sub.add_parser("deactivate", help="refuse the integration's key from now on")
        off.add_argument("--name", required=True)
        off.add_argument("--by", required=True)

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account {username!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for i in Integration.objects.select_related("receiving_org"):
                state = "active" if i.active else "inactive"
                self.stdout.write(
                    f"{i.name}\t{i.receiving_org.slug}\t{state}\t{i.requests.count()}"
                )
            return
        actor = self._user(options["by"])
        try:
            if action == "create":
                org = Organisation.objects.filter(slug=options["org"]).first()
                if org is None:
                    raise CommandError(f"no organisation {options['org']!r}")
                integration, key = integration_create(
                    actor=actor, name=options["name"], receiving_org=org, contact=options["contact"]
                )
                self.stdout.write(f"{integration.name}: api_key={key}")
                self.stdout.write("Lưu khóa ngay: không hiện lại được. / Store it now: shown once.")
            else:
                found = Integration.objects.filter(name=options["name"]).first()
                if found is None:
                    raise CommandError(f"no integration {options['name']!r}")
                integration_deactivate(actor=actor, integration=found)
                self.stdout.write(f"{found.name}: deactivated")
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
