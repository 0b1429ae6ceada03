"""Property: every form that takes outside input, bound to any data a client can send, is either
valid or invalid with messages — it never raises — and renders back without error.

The forms are found by walking the modules (a new form is fuzzed without anyone remembering to
add it); constructor arguments (the actor, the organisations offered, …) are supplied by name.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from ..factories import submit_one
from .conftest import HOSTILE
from .strategies import form_data

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "langnghe.portal.forms",
    "langnghe.backoffice.forms",
    "langnghe.accountability.discipline.forms",
    "langnghe.accountability.inspections.forms",
    "langnghe.accountability.opinion.forms",
    "langnghe.accountability.reviews.forms",
    "langnghe.accountability.supervision.forms",
    "langnghe.disclosure.forms",
    "langnghe.meetings.forms",
    "langnghe.reception.forms",
    "langnghe.boxes.forms",
    "langnghe.imports.forms",
    "langnghe.accounts.forms",
]
# Not outside input: the challenge is django-simple-captcha's (its own tests), and these are
# mixins or bases without fields of their own.
SKIP = {"ChallengeForm", "ItemPageForm", "ConcernedFields"}


def _forms() -> list[tuple[str, type[forms.BaseForm]]]:
    found = []
    for module_name in FORM_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, cls in sorted(vars(module).items()):
            if (
                inspect.isclass(cls)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == module_name
                and name not in SKIP
            ):
                found.append((f"{module_name.split('.')[-2]}.{name}", cls))
    return found


FORMS = _forms()


@pytest.fixture
def world(site, staff):
    item, _secret = submit_one(site.commune)
    return type("World", (), {"site": site, "staff": staff, "item": item})


def _argument(name: str, annotation: Any, world: Any) -> Any:
    """A value for a form constructor's keyword argument, by its name."""
    from django.contrib.auth import get_user_model

    from langnghe.intake.models import Item
    from langnghe.orgs.models import Organisation, Person

    orgs = Organisation.objects.order_by("path")
    by_name: dict[str, Any] = {
        "actor": world.staff.leader,
        "orgs": orgs,
        "organisations": orgs,
        "fronts": list(orgs),
        "commissions": orgs,
        "people": Person.objects.all(),
        "users": get_user_model().objects.all(),
        "items": Item.objects.all(),
        "item": world.item,
        "item_choices": [(str(world.item.pk), world.item.code)],
        "inspection_choices": [],
        "slots": [],
        "subject_value": "",
        "front": None,
        "box": None,
    }
    if name in by_name:
        return by_name[name]
    text = str(annotation)
    if name in ("cycles", "supervisions"):
        return _model(name[:-1]).objects.all()
    # A single object the form is about (a plan, a conference, a box opening): an unsaved one
    # attached to the commune is enough to build the choices.
    model = _model(name)
    if model is not None:
        return _unsaved(model, world)
    raise LookupError(f"no value for {name}: {text}")


def _unsaved(model: Any, world: Any) -> Any:
    """An unsaved object of `model` tied to the commune, with its parents unsaved too."""
    import datetime as dt

    obj = model()
    for attr in ("organisation", "organiser", "org"):
        if hasattr(model, attr + "_id"):
            setattr(obj, attr, world.site.commune)
    if hasattr(obj, "year"):
        obj.year = dt.date.today().year
    for parent in ("plan", "box"):
        if hasattr(model, parent + "_id"):
            setattr(obj, parent, _unsaved(getattr(model, parent).field.related_model, world))
    return obj


def _model(name: str) -> Any:
    from django.apps import apps

    wanted = {
        "plan": "AnnualPlan",
        "conference": "Conference",
        "cycle": "ReviewCycle",
        "opening": "BoxOpening",
        "supervision": "Supervision",
    }.get(name, name)
    for model in apps.get_models():
        if model.__name__.lower() == wanted.lower():
            return model
    return None


def _build(cls: type[forms.BaseForm], world: Any, **bound: Any) -> forms.BaseForm:
    kwargs = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if (
            param.kind is inspect.Parameter.KEYWORD_ONLY
            and param.default is inspect.Parameter.empty
        ):
            kwargs[name] = _argument(name, param.annotation, world)
    return cls(**bound, **kwargs)


def _check_bound(form: forms.BaseForm) -> bool:
    valid = form.is_valid()
    if not valid:
        assert form.errors, "invalid without a message"
        for field, messages in form.errors.items():
            for message in messages:
                assert str(message).strip(), f"empty message on {field}"
    # The page shows the form again with what was typed: rendering must not fail either.
    str(form)
    return valid


EXAMPLES = {"valid": 0, "invalid": 0}


@pytest.mark.parametrize("cls", [c for _n, c in FORMS], ids=[n for n, _c in FORMS])
def test_form_never_raises_on_any_input(world, cls):
    try:
        unbound = _build(cls, world)
    except ValueError as exc:  # needs saved related rows (a conference's speakers)
        pytest.skip(f"needs a saved object: {exc}")

    @settings(HOSTILE, max_examples=max(HOSTILE.max_examples // 4, 5))
    @given(st.data())
    def run(data):
        values, files = data.draw(form_data(unbound))
        form = _build(cls, world, data=values, files=files)
        EXAMPLES["valid" if _check_bound(form) else "invalid"] += 1

    run()


def test_every_form_module_was_searched():
    """A renamed module would silently drop its forms from the fuzzing."""
    modules = {cls.__module__ for _n, cls in FORMS}
    assert len(FORMS) >= 90
    assert {m for m in FORM_MODULES if m != "langnghe.accounts.forms"} <= modules
