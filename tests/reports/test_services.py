"""Periodic reports: Q11-8 cadence, FM-4 numbering, FM-7 number lines, drafts and issued copies."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from langnghe.core.errors import PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.reports.models import DocumentCounter, Report, ReportStatus, Side
from langnghe.reports.services import (
    ReportDraft,
    ReportError,
    document_number_allocate,
    report_create,
    report_file,
    report_issue,
    report_update,
)

from ..stats.conftest import make_item


def _issue(org, actor, *, kind="M", year=2026, month=1, on=None):
    report = report_create(
        draft=ReportDraft(organisation=org, period_kind=kind, year=year, month=month), actor=actor
    )
    return report_issue(report=report, actor=actor, on=on or dt.date(2026, 11, 20))


@pytest.mark.parametrize("kind", ["M", "Q1", "H1", "9M", "Y", "adhoc"])
def test_q11_8_every_report_kind_can_be_drafted(tree, people, kind):
    report = report_create(
        draft=ReportDraft(organisation=tree.party, period_kind=kind, year=2026, month=2),
        actor=people.party_leader,
    )
    assert report.period_kind == kind and report.status == ReportStatus.DRAFT
    assert report.number is None
    assert "Quy định số 11-QĐi/TW" in report.title


def test_q11_8_a_period_that_has_not_started_cannot_be_reported(tree, people):
    with pytest.raises(ReportError) as exc:
        report_create(
            draft=ReportDraft(organisation=tree.party, period_kind="M", year=2099, month=1),
            actor=people.party_leader,
        )
    assert exc.value.code == ReportError.FUTURE_PERIOD
    assert not Report.objects.exists()


def test_q11_8_a_periodic_report_is_issued_after_its_period(tree, people):
    report = report_create(
        draft=ReportDraft(organisation=tree.party, period_kind="Y", year=2026),
        actor=people.party_leader,
    )
    with pytest.raises(ReportError):
        report_issue(report=report, actor=people.party_leader, on=dt.date(2026, 11, 26))
    report.refresh_from_db()
    assert report.is_draft and report.number is None
    assert not DocumentCounter.objects.exists()  # nothing half-saved


def test_fm4_numbers_run_from_01_each_year_per_issuing_body(tree, people):
    first = _issue(tree.party, people.party_leader, month=1)
    second = _issue(tree.party, people.party_leader, month=2)
    other_body = _issue(tree.commune, people.commune_leader, month=1)
    next_year = _issue(tree.party, people.party_leader, month=3, on=dt.date(2027, 1, 2))
    assert (first.number, second.number, other_body.number, next_year.number) == (1, 2, 1, 1)
    assert (first.year, next_year.year) == (2026, 2027)


def test_fm4_a_number_is_unique_per_body_and_year(tree, people):
    """The counter gives 1, 2, 3…; the database refuses a second report with the same number."""
    from django.db import IntegrityError, transaction

    assert [document_number_allocate(organisation=tree.party, year=2026) for _ in range(3)] == [
        1,
        2,
        3,
    ]
    issued = _issue(tree.party, people.party_leader)
    assert issued.number == 4
    clone = Report.objects.get(pk=issued.pk)
    clone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_fm7_party_number_hyphen_then_slash(tree, people):
    report = _issue(tree.party, people.party_leader)
    assert report.side == Side.PARTY
    assert report.number_line == "Số 01-BC/ĐU"


def test_fm7_state_number_colon_and_slash(tree, people):
    report = _issue(tree.commune, people.commune_leader)
    assert report.side == Side.STATE
    assert report.number_line == "Số: 01/BC-UBND"


def test_fm1_header_blocks_from_the_tree(tree, people):
    report = report_create(
        draft=ReportDraft(organisation=tree.ubkt, period_kind="M", year=2026, month=1),
        actor=people.party_leader,
    )
    assert report.header_issuer == tree.ubkt.name.upper()
    assert report.header_parent == "ĐẢNG BỘ XÃ SA THẦY"
    assert report.symbol == "BC/UBKT"


def test_draft_is_editable_and_audited(tree, people):
    report = report_create(
        draft=ReportDraft(organisation=tree.party, period_kind="M", year=2026, month=1),
        actor=people.party_leader,
    )
    report = report_update(
        report=report, actor=people.party_leader, data={"summary": "Tình hình ổn định."}
    )
    assert Report.objects.get(pk=report.pk).summary == "Tình hình ổn định."
    assert AuditEvent.objects.filter(action="reports.edited", object_id=report.pk).exists()


def test_a_required_component_cannot_be_emptied(tree, people):
    report = report_create(
        draft=ReportDraft(organisation=tree.party, period_kind="M", year=2026, month=1),
        actor=people.party_leader,
    )
    with pytest.raises(ReportError) as exc:
        report_update(report=report, actor=people.party_leader, data={"title": " "})
    assert exc.value.code == ReportError.MISSING
    assert Report.objects.get(pk=report.pk).title.startswith("Kết quả")


def test_issued_report_is_frozen_and_its_files_never_regenerated(tree, people):
    report = _issue(tree.commune, people.commune_leader)
    docx = report_file(report=report, kind="docx")
    digest = hashlib.sha256(bytes(docx.content)).hexdigest()
    assert digest == docx.sha256
    make_item(tree.commune, received=dt.date(2026, 1, 5))  # the figures move on…
    with pytest.raises(ReportError):
        report_update(report=report, actor=people.commune_leader, data={"summary": "x"})
    with pytest.raises(ReportError):
        report_issue(report=report, actor=people.commune_leader)
    again = report_file(report=Report.objects.get(pk=report.pk), kind="docx")
    assert again.sha256 == digest and bytes(again.content) == bytes(docx.content)
    assert Report.objects.get(pk=report.pk).figures["totals"]["received"] == 0
    event = AuditEvent.objects.get(action="reports.issued", object_id=report.pk)
    assert event.data["sha256"]["docx"] == digest


def test_admin_reads_but_cannot_write(tree, people):
    with pytest.raises(PermissionDenied):
        report_create(
            draft=ReportDraft(organisation=tree.commune, period_kind="M", year=2026, month=1),
            actor=people.admin,
        )
    report = report_create(
        draft=ReportDraft(organisation=tree.commune, period_kind="M", year=2026, month=1),
        actor=people.commune_leader,
    )
    with pytest.raises(PermissionDenied):
        report_issue(report=report, actor=people.admin)
    assert Report.objects.get(pk=report.pk).is_draft


def test_outsiders_get_not_found(tree, people):
    from langnghe.core.errors import NotFound

    report = report_create(
        draft=ReportDraft(organisation=tree.commune, period_kind="M", year=2026, month=1),
        actor=people.commune_leader,
    )
    for who in (people.sibling_leader, people.handler, people.party_leader):
        with pytest.raises(NotFound):
            report_issue(report=report, actor=who)


def test_a_draft_fits_its_fields_whatever_the_organisations_names(tree, people):
    """The draft's header, place and signer come from longer columns (an organisation's name is
    up to 200 characters, the report's issuer 160, its place 80): they are cut to fit, for the
    drafter to shorten, where PostgreSQL refused the whole draft."""
    tree.commune.name = "Ủy ban nhân dân xã " + "Sa Thầy " * 22
    tree.commune.save(update_fields=["name"])
    tree.province.name = "Ủy ban nhân dân tỉnh " + "Quảng Ngãi " * 16
    tree.province.save(update_fields=["name"])
    assert len(tree.commune.name) > 160 and len(tree.province.name) > 160
    report = report_create(
        draft=ReportDraft(organisation=tree.commune, period_kind="M", year=2026, month=1),
        actor=people.commune_leader,
    )
    report.refresh_from_db()
    report.full_clean()  # every value within its field's max_length
    assert report.header_issuer.startswith("ỦY BAN NHÂN DÂN XÃ SA THẦY")
