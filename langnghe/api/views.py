"""REST API v1: thin views over the same services and selectors as the portal and back office.

Public endpoints need no credentials; the receipt (code + secret) travels in the request body or
in headers, never in the URL, so it stays out of access logs. Staff endpoints authenticate by
DRF token or personal API key (session for the browsable docs) and are allowed or refused by the
named rules of langnghe.handling.rules, inside the services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from langnghe.core.db_routers import using_replica
from langnghe.core.errors import NotFound
from langnghe.disclosure.models import Publication
from langnghe.disclosure.policy import category as disclosure_category
from langnghe.disclosure.policy import category_label
from langnghe.disclosure.selectors import public_publication, public_publications
from langnghe.handling import selectors as handling
from langnghe.handling.policy import get_policy
from langnghe.handling.rules import can, visible_items_q
from langnghe.handling.services import (
    item_assign,
    item_classify,
    item_extend,
    item_merge,
    item_note,
    item_rate,
    item_route,
    item_set_complexity,
    item_transition,
    transitions_for,
)
from langnghe.intake.models import Channel, Item, Kind, Topic
from langnghe.intake.receipts import normalise_code
from langnghe.intake.services import Part, Submission, access_item, item_by_receipt, item_submit
from langnghe.orgs.models import Organisation, Person
from langnghe.portal import selectors as public

from . import serializers as s
from .pagination import PAGE_PARAMETERS, KeysetPagination
from .throttling import PublicReadThrottle, PublicWriteThrottle

RECEIPT_CODE_HEADER = "X-Receipt-Code"
RECEIPT_SECRET_HEADER = "X-Receipt-Secret"  # noqa: S105 — a header name
SEARCH_LIMIT = 200


def _errors(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Dữ liệu không hợp lệ hoặc thao tác không được phép ở trạng thái hiện tại.",
        401: "Chưa xác thực.",
        403: "Không có quyền.",
        404: "Không tìm thấy (hoặc ngoài phạm vi của người gọi).",
        429: "Quá nhiều yêu cầu.",
    }
    return {
        code: OpenApiResponse(s.ErrorSerializer, description=descriptions[code])
        for code in statuses
    }


class BaseView(APIView):
    """Every API view: the reply's language is the request's (Accept-Language: en → English,
    Vietnamese otherwise); the site's cookie-based choice is for browsers."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip().lower()
        if accept:
            translation.activate("en" if accept.startswith("en") else "vi")
            request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def valid(self, serializer_class: type[drf.Serializer], data: Any) -> dict[str, Any]:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class PublicView(BaseView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle]


# -- presenters ----------------------------------------------------------------------------------


def _unit(org: Organisation | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.pk, "slug": org.slug, "name": org.name}


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    full = f"{user.last_name} {user.first_name}".strip()
    return {"id": user.pk, "username": user.get_username(), "name": full or user.get_username()}


def _tracked(item: Item) -> dict[str, Any]:
    policy = get_policy()
    answer, answered_at = public.answer_for_sender(item)
    return {
        "code": item.code,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "status": item.status,
        "status_label": handling.status_label(item, policy),
        "is_open": item.is_open,
        "received_at": item.received_at,
        "handling_unit": item.handling_org.name if item.handling_org else None,
        "deadlines": [
            {
                "label": str(r.label),
                "due": r.due,
                "length": r.length,
                "cite": r.cite,
                "badge": r.badge,
            }
            for r in handling.deadline_rows(item, for_public=True, policy=policy)
        ],
        "timeline": [
            {
                "at": e.at,
                "title": str(e.title),
                "body": e.body,
                "by_citizen": e.by_citizen,
                "cite": e.cite,
            }
            for e in public.public_timeline(item)
        ],
        "question": public.open_question(item),
        "answer": answer,
        "answered_at": answered_at,
        "rating": item.rating,
        "can_reply": public.workflow_allows(item, "citizen_reply"),
        "can_reopen": public.workflow_allows(item, "reopen"),
        "can_rate": public.can_rate(item),
    }


def _published(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "topic": item.topic.code if item.topic else None,
        "topic_name": str(item.topic) if item.topic else None,
        "unit": _unit(item.handling_org),
        "received_at": item.received_at,
        "published_at": item.published_at,
        "closed_at": item.closed_at,
        "summary": item.public_summary,
        "answer": item.public_answer,
        "rating": item.rating,
    }


def _badge(item: Item, today: dt.date, horizon: dt.date) -> str:
    if not item.is_open or item.due_on is None or item.paused_on:
        return ""
    return "overdue" if item.due_on < today else "due_soon" if item.due_on <= horizon else ""


def _row(item: Item, today: dt.date, horizon: dt.date) -> dict[str, Any]:
    return {
        "id": item.pk,
        "code": item.code,
        "title": item.title,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "channel": item.channel,
        "status": item.status,
        "status_label": handling.status_label(item),
        "is_open": item.is_open,
        "received_at": item.received_at,
        "due_on": item.due_on,
        "badge": _badge(item, today, horizon),
        "handling_unit": _unit(item.handling_org),
        "handler": _user(item.handler),
        "topic": item.topic.code if item.topic else None,
    }


def _staff_item(item: Item, actor: Any) -> dict[str, Any]:
    """What the back office's item page shows this actor; the identity stays in the vault."""
    policy = get_policy()
    today = timezone.localdate()
    horizon = handling.due_soon_horizon(today, policy)
    open_ = item.is_open and item.duplicate_of_id is None
    may = {p: can(actor, f"handling.{p}_item", item) for p in ("route", "work", "approve")}
    transitions = transitions_for(item, actor) if item.duplicate_of_id is None else []
    data = _row(item, today, horizon)
    data.update(
        {
            "body": item.body,
            "location_text": item.location_text,
            "receiving_unit": _unit(item.receiving_org),
            "reporter": item.reporter_label,
            "anonymous": item.anonymous,
            "group_size": item.group_size,
            "complexity": item.complexity,
            "concerned_org": _unit(item.concerned_org),
            "concerned_person": item.concerned_person.full_name if item.concerned_person else None,
            "channel_detail": item.channel_detail or {},
            "deadlines": [
                {
                    "code": r.code,
                    "label": str(r.label),
                    "start": r.start,
                    "due": r.due,
                    "length": r.length,
                    "cite": r.cite,
                    "law": r.law,
                    "verified": r.verified,
                    "extensions": r.extensions,
                    "badge": r.badge,
                }
                for r in handling.deadline_rows(item, for_public=False, policy=policy, today=today)
            ],
            "answers": [
                {
                    "body": a.body,
                    "public_summary": a.public_summary,
                    "public_body": a.public_body,
                    "finding": a.finding,
                    "drafted_by": _user(a.drafted_by)["name"],  # type: ignore[index]
                    "drafted_at": a.drafted_at,
                    "approved_at": a.approved_at,
                    "sent_at": a.sent_at,
                }
                for a in handling.item_answers(item=item)
            ],
            "timeline": [
                {
                    "at": ev.at,
                    "type": ev.type,
                    "transition": ev.transition,
                    "from_status": ev.from_status,
                    "to_status": ev.to_status,
                    "body": ev.body,
                    "public": ev.public,
                    "by_citizen": ev.by_citizen,
                    "actor": _user(ev.actor)["name"] if ev.actor else None,  # type: ignore[index]
                }
                for ev in handling.item_timeline(item=item)
            ],
            "is_published": item.is_published,
            "public_summary": item.public_summary,
            "public_answer": item.public_answer,
            "rating": item.rating,
            "allowed": {
                "route": may["route"] and open_,
                "classify": may["route"] and open_,
                "merge": may["route"] and open_,
                "assign": may["approve"] and open_,
                "self_assign": may["work"] and open_ and item.handler_id != actor.pk,
                "complexity": may["approve"]
                and open_
                and handling.has_resolution_limit(item, policy),
                "extend": may["approve"]
                and open_
                and bool(handling.extendable_deadline_codes(item, policy)),
                "note": True,
                "transitions": [
                    {"name": t.name, "label": t.label, "requires": list(t.requires)}
                    for t in transitions
                ],
            },
        }
    )
    return data


# -- public: submit and track --------------------------------------------------------------------


class SubmitView(PublicView):
    throttle_classes = [PublicWriteThrottle]

    @extend_schema(
        operation_id="items_submit",
        tags=["public"],
        summary="Gửi ý kiến",
        description=(
            "Tạo một ý kiến cho mỗi phần (mỗi loại). Trả về mã tra cứu và mật mã — mật mã chỉ "
            "trả về MỘT lần. Thông tin người gửi được niêm phong trong kho danh tính."
        ),
        request=s.SubmitSerializer,
        responses={201: s.SubmitResultSerializer, **_errors(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.SubmitSerializer, request.data)
        errors: dict[str, list[str]] = {}
        topic = None
        if data.get("topic"):
            topic = Topic.objects.filter(code=data["topic"], active=True).first()
            if topic is None:
                errors["topic"] = [_("Lĩnh vực không tồn tại.")]
        commune = None
        if data.get("commune") is not None:
            commune = public.admin_unit_current(data["commune"])
            if commune is None:
                errors["commune"] = [_("Xã, phường không tồn tại hoặc không còn hiệu lực.")]
        concerned_org = None
        if data.get("concerned_org") is not None:
            concerned_org = public.accepting_org(data["concerned_org"])
            if concerned_org is None:
                errors["concerned_org"] = [_("Cơ quan, đơn vị không tồn tại.")]
        concerned_person = None
        if data.get("concerned_person") is not None:
            concerned_person = public.public_person(data["concerned_person"])
            if concerned_person is None:
                errors["concerned_person"] = [_("Cán bộ không tồn tại.")]
        from langnghe.intake.models import DegradationIndicator

        codes = data.get("indicators") or []
        indicator_ids = list(
            DegradationIndicator.objects.filter(code__in=codes).values_list("pk", flat=True)
        )
        if len(indicator_ids) != len(set(codes)):
            errors["indicators"] = [_("Có biểu hiện không tồn tại.")]
        if errors:
            raise ValidationError(errors)
        receiving_org = public.receiving_org_for(commune)
        if receiving_org is None:
            raise NotFound(_("Hệ thống chưa có đơn vị tiếp nhận ý kiến."))
        identity = dict(data.get("identity") or {})
        submission = Submission(
            parts=[Part(kind=p["kind"], body=p["body"]) for p in data["parts"]],
            channel=Channel.ONLINE,
            receiving_org=receiving_org,
            title=data.get("title", ""),
            topic=topic,
            admin_unit=commune,
            location_text=data.get("location_text", ""),
            concerned_org=concerned_org,
            concerned_person=concerned_person,
            indicator_ids=indicator_ids,
            anonymous=data["anonymous"],
            identity={} if data["anonymous"] else identity,
            wants_notifications=data["wants_notifications"],
            waived_protection=data["waived_protection"],
            group_size=data["group_size"],
            party_matter=data["party_matter"],
        )
        result = item_submit(submission=submission)
        body = {
            "items": [
                {"code": i.code, "kind": i.kind, "kind_label": i.get_kind_display()}
                for i in result.items
            ],
            "secret": result.secret,
            "track_url": request.build_absolute_uri(reverse("portal:track")),
        }
        response = Response(body, status=201)
        response["Cache-Control"] = "no-store, private"
        return response


RECEIPT_HEADERS = [
    OpenApiParameter(RECEIPT_CODE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
    OpenApiParameter(
        RECEIPT_SECRET_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True
    ),
]


def _private(data: dict[str, Any], status: int = 200) -> Response:
    response = Response(data, status=status)
    response["Cache-Control"] = "no-store, private"
    return response


class TrackView(PublicView):
    @extend_schema(
        operation_id="track_read",
        tags=["public"],
        summary="Tra cứu ý kiến (mã và mật mã trong header)",
        parameters=RECEIPT_HEADERS,
        responses={200: s.TrackedItemSerializer, **_errors(400, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        data = self.valid(
            s.ReceiptSerializer,
            {
                "code": request.headers.get(RECEIPT_CODE_HEADER, ""),
                "secret": request.headers.get(RECEIPT_SECRET_HEADER, ""),
            },
        )
        return _private(_tracked(item_by_receipt(code=data["code"], secret=data["secret"])))

    @extend_schema(
        operation_id="track_lookup",
        tags=["public"],
        summary="Tra cứu ý kiến (mã và mật mã trong thân yêu cầu)",
        request=s.ReceiptSerializer,
        responses={200: s.TrackedItemSerializer, **_errors(400, 404, 429)},
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.ReceiptSerializer, request.data)
        return _private(_tracked(item_by_receipt(code=data["code"], secret=data["secret"])))


def _citizen_transition_view(name: str, class_name: str, operation_id: str, summary: str) -> Any:
    """A view for one citizen transition on a held item (reply, reopen): the receipt, the
    message, the transition, the item as tracked."""

    class View(PublicView):
        throttle_classes = [PublicWriteThrottle]

        @extend_schema(
            operation_id=operation_id,
            tags=["public"],
            summary=summary,
            request=s.ReplySerializer,
            responses={200: s.TrackedItemSerializer, **_errors(400, 404, 429)},
        )
        def post(self, request: Request) -> Response:
            data = self.valid(s.ReplySerializer, request.data)
            item = item_by_receipt(code=data["code"], secret=data["secret"])
            item = item_transition(
                item=item, name=name, citizen_secret=data["secret"], message=data["message"]
            )
            return _private(_tracked(item))

    View.__name__ = View.__qualname__ = class_name
    return View


TrackReplyView = _citizen_transition_view(
    "citizen_reply", "TrackReplyView", "track_reply", "Trả lời câu hỏi của đơn vị xử lý"
)
TrackReopenView = _citizen_transition_view(
    "reopen", "TrackReopenView", "track_reopen", "Đề nghị xem xét lại"
)


class TrackRateView(PublicView):
    throttle_classes = [PublicWriteThrottle]

    @extend_schema(
        operation_id="track_rate",
        tags=["public"],
        summary="Đánh giá trả lời",
        request=s.RateSerializer,
        responses={200: s.TrackedItemSerializer, **_errors(400, 404, 429)},
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.RateSerializer, request.data)
        item = item_by_receipt(code=data["code"], secret=data["secret"])
        item = item_rate(
            item=item,
            citizen_secret=data["secret"],
            rating=data["rating"],
            comment=data.get("comment", ""),
        )
        return _private(_tracked(item))


# -- public: published items ---------------------------------------------------------------------


class PublishedFilters(drf.Serializer):
    unit = drf.SlugField(required=False, help_text="Mã (slug) đơn vị; gồm cả đơn vị cấp dưới.")
    topic = drf.SlugField(required=False)
    kind = drf.ChoiceField(choices=Kind.choices, required=False)
    published_from = drf.DateField(required=False)
    published_to = drf.DateField(required=False)
    q = drf.CharField(
        required=False,
        max_length=200,
        help_text=(
            f"Tìm trong tóm tắt và trả lời: {SEARCH_LIMIT} ý kiến mới nhất khớp với từ khóa, "
            "chia trang như danh sách."
        ),
    )


class PublishedListView(PublicView):
    @extend_schema(
        operation_id="published_list",
        tags=["public"],
        summary="Ý kiến đã trả lời và công khai",
        parameters=[PublishedFilters, *PAGE_PARAMETERS],
        responses={200: s.PublishedPageSerializer, **_errors(400, 429)},
    )
    def get(self, request: Request) -> Response:
        f = self.valid(PublishedFilters, request.query_params)
        qs: QuerySet[Item] = Item.objects.filter(
            is_published=True, published_at__isnull=False
        ).select_related("handling_org", "topic")
        if f.get("unit"):
            org = Organisation.objects.filter(slug=f["unit"]).first()
            if org is None:
                raise ValidationError({"unit": [_("Đơn vị không tồn tại.")]})
            qs = qs.filter(handling_path__startswith=org.path)
        if f.get("topic"):
            qs = qs.filter(topic__code=f["topic"])
        if f.get("kind"):
            qs = qs.filter(kind=f["kind"])
        tz = timezone.get_current_timezone()
        if f.get("published_from"):
            qs = qs.filter(
                published_at__gte=dt.datetime.combine(f["published_from"], dt.time.min, tz)
            )
        if f.get("published_to"):
            end = dt.datetime.combine(f["published_to"] + dt.timedelta(days=1), dt.time.min, tz)
            qs = qs.filter(published_at__lt=end)
        if (f.get("q") or "").strip():
            from langnghe.search.services import search_ids

            ids = search_ids(query=f["q"], kind="published", public_only=True, limit=SEARCH_LIMIT)
            qs = qs.filter(pk__in=ids)
        paginator = KeysetPagination(["-published_at", "-pk"])
        # Published answers may be a few seconds old: a read replica serves them when there is one.
        rows = paginator.paginate_queryset(using_replica(qs), request, self)
        return paginator.get_paginated_response([_published(i) for i in rows])


class PublishedDetailView(PublicView):
    @extend_schema(
        operation_id="published_read",
        tags=["public"],
        summary="Một ý kiến đã công khai",
        responses={200: s.PublishedItemSerializer, **_errors(404, 429)},
    )
    def get(self, request: Request, code: str) -> Response:
        item = public.published_item(code)
        if item is None:
            raise NotFound()
        return Response(_published(item))


# -- public: disclosures -------------------------------------------------------------------------


def _publication(p: Publication, *, channels: bool = True) -> dict[str, Any]:
    return {
        "id": p.pk,
        "category": p.category,
        "category_label": category_label(p.category),
        "title": p.title,
        "body": p.body,
        "reference": p.reference,
        "unit": _unit(p.organisation),
        "person": {"id": p.person.pk, "name": p.person.full_name} if p.person else None,
        "decided_on": p.decided_on,
        "published_on": p.published_on,
        "publish_due": p.publish_due,
        "is_late": p.is_late,
        "withdrawn_on": p.withdrawn_on,
        "comments_open_on": p.comments_open_on,
        "comments_close_on": p.comments_close_on,
        "channels": [
            {
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "place": c.place,
                "start_on": c.start_on,
                "end_on": c.end_on,
            }
            for c in (p.channels.all() if channels else [])
        ],
        "url": reverse("disclosure_portal:publication", args=[p.pk]),
    }


class PublicationFilters(drf.Serializer):
    unit = drf.SlugField(required=False, help_text="Mã (slug) đơn vị; gồm cả đơn vị cấp dưới.")
    category = drf.CharField(required=False, max_length=40, help_text="Mã nội dung công khai.")
    published_from = drf.DateField(required=False)
    published_to = drf.DateField(required=False)

    def validate_category(self, value: str) -> str:
        if value and disclosure_category(value) is None:
            raise drf.ValidationError(_("Nội dung công khai không tồn tại."))
        return value


class PublicationListView(PublicView):
    @extend_schema(
        operation_id="publications_list",
        tags=["public"],
        summary="Nội dung đã công khai",
        parameters=[PublicationFilters, *PAGE_PARAMETERS],
        responses={200: s.PublicationPageSerializer, **_errors(400, 429)},
    )
    def get(self, request: Request) -> Response:
        f = self.valid(PublicationFilters, request.query_params)
        org = None
        if f.get("unit"):
            org = Organisation.objects.filter(slug=f["unit"]).first()
            if org is None:
                raise ValidationError({"unit": [_("Đơn vị không tồn tại.")]})
        qs = public_publications(category=f.get("category", ""), organisation=org)
        if f.get("published_from"):
            qs = qs.filter(published_on__gte=f["published_from"])
        if f.get("published_to"):
            qs = qs.filter(published_on__lte=f["published_to"])
        qs = qs.prefetch_related("channels")
        paginator = KeysetPagination(["-published_on", "-pk"])
        rows = paginator.paginate_queryset(using_replica(qs), request, self)
        return paginator.get_paginated_response([_publication(p) for p in rows])


class PublicationDetailView(PublicView):
    @extend_schema(
        operation_id="publications_read",
        tags=["public"],
        summary="Một nội dung công khai",
        responses={200: s.PublicationSerializer, **_errors(404, 429)},
    )
    def get(self, request: Request, publication_id: int) -> Response:
        publication = public_publication(publication_id)
        if publication is None:
            raise NotFound()
        return Response(_publication(publication))


class TopicListView(PublicView):
    @extend_schema(
        operation_id="topics_list",
        tags=["public"],
        summary="Các lĩnh vực",
        responses={200: s.TopicSerializer(many=True), **_errors(429)},
    )
    def get(self, request: Request) -> Response:
        return Response(
            [{"code": t.code, "name": str(t)} for t in Topic.objects.filter(active=True)]
        )


# -- staff: inbox, item, search ------------------------------------------------------------------

STAFF_ERRORS = (401, 403)


class InboxFilters(drf.Serializer):
    unit = drf.IntegerField(required=False, help_text="Id đơn vị xử lý (gồm cấp dưới).")
    kind = drf.ChoiceField(choices=Kind.choices, required=False)
    channel = drf.ChoiceField(choices=Channel.choices, required=False)
    status = drf.CharField(
        required=False, max_length=40, help_text="`open`, `closed` hoặc mã trạng thái."
    )
    topic = drf.SlugField(required=False)
    overdue = drf.BooleanField(required=False, default=False)
    mine = drf.BooleanField(required=False, default=False)
    q = drf.CharField(required=False, max_length=200)


class InboxView(BaseView):
    @extend_schema(
        operation_id="inbox_list",
        tags=["staff"],
        summary="Hộp việc của người gọi",
        description="Như hộp việc ở trang quản lý: đang mở trước, quá hạn rồi sắp đến hạn trước.",
        parameters=[InboxFilters, *PAGE_PARAMETERS],
        responses={200: s.InboxPageSerializer, **_errors(400, *STAFF_ERRORS)},
    )
    def get(self, request: Request) -> Response:
        actor = request.user
        f = self.valid(InboxFilters, request.query_params)
        errors: dict[str, list[str]] = {}
        unit = None
        if f.get("unit") is not None:
            unit = handling.inbox_units_for(actor=actor).filter(pk=f["unit"]).first()
            if unit is None:
                errors["unit"] = [_("Đơn vị không thuộc phạm vi của bạn.")]
        topic_id = None
        if f.get("topic"):
            topic_id = Topic.objects.filter(code=f["topic"]).values_list("pk", flat=True).first()
            if topic_id is None:
                errors["topic"] = [_("Lĩnh vực không tồn tại.")]
        status = f.get("status") or ""
        if (
            status
            and status not in ("open", "closed")
            and status not in dict(handling.status_choices())
        ):
            errors["status"] = [_("Trạng thái không hợp lệ.")]
        if errors:
            raise ValidationError(errors)
        qs = handling.inbox_items_for(
            actor=actor,
            filters=handling.InboxFilters(
                unit=unit,
                kind=f.get("kind") or "",
                channel=f.get("channel") or "",
                status=status,
                topic_id=topic_id,
                overdue_only=f["overdue"],
                mine_only=f["mine"],
                query=f.get("q") or "",
            ),
        ).annotate(
            due_key=Coalesce("due_on", Value(dt.date(9999, 12, 31)), output_field=DateField())
        )
        paginator = KeysetPagination(["-is_open", "due_key", "-received_at", "-pk"])
        rows = paginator.paginate_queryset(qs, request, self)
        today = timezone.localdate()
        horizon = handling.due_soon_horizon(today)
        return paginator.get_paginated_response([_row(i, today, horizon) for i in rows])


class SearchView(BaseView):
    @extend_schema(
        operation_id="search",
        tags=["staff"],
        summary="Tìm ý kiến trong phạm vi của người gọi",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description=f"Từ khóa hoặc mã ý kiến; tối đa {SEARCH_LIMIT} ý kiến mới nhất.",
            )
        ],
        responses={200: s.SearchResultSerializer, **_errors(400, *STAFF_ERRORS)},
    )
    def get(self, request: Request) -> Response:
        query = (request.query_params.get("q") or "").strip()
        if not query or len(query) > 200:
            raise ValidationError({"q": [_("Nhập từ khóa tìm kiếm (tối đa 200 ký tự).")]})
        actor = request.user
        ids = handling.search_item_ids(actor=actor, query=query)
        code = normalise_code(query)
        items = list(
            Item.objects.filter(visible_items_q(actor))
            .filter(Q(pk__in=ids) | Q(code=code))
            .select_related("handling_org", "handler", "topic")
            .order_by("-received_at", "-pk")[:SEARCH_LIMIT]
        )
        today = timezone.localdate()
        horizon = handling.due_soon_horizon(today)
        return Response({"count": len(items), "results": [_row(i, today, horizon) for i in items]})


class ItemDetailView(BaseView):
    @extend_schema(
        operation_id="item_read",
        tags=["staff"],
        summary="Một ý kiến (như trang ý kiến ở trang quản lý)",
        responses={200: s.StaffItemSerializer, **_errors(*STAFF_ERRORS, 404)},
    )
    def get(self, request: Request, item_id: int) -> Response:
        item = access_item(request.user, item_id)
        response = Response(_staff_item(item, request.user))
        response["Cache-Control"] = "no-store, private"
        return response


class ActionResultSerializer(drf.Serializer):
    message = drf.CharField()
    item = s.StaffItemSerializer(allow_null=True, help_text="Null khi ý kiến ra khỏi phạm vi.")


class ItemActionView(BaseView):
    """One back-office action on one item: validate, call one service, answer with the item."""

    serializer_class: type[drf.Serializer] = drf.Serializer
    done: Any = ""

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:  # pragma: no cover
        raise NotImplementedError

    def post(self, request: Request, item_id: int) -> Response:
        item = access_item(request.user, item_id)
        data = self.valid(self.serializer_class, request.data)
        before = item
        self.act(item, request.user, data)
        item = Item.objects.get(pk=item.pk)
        visible = can(request.user, "handling.view_item", item)
        response = Response(
            {
                "message": self.done_message(before, item),
                "item": _staff_item(access_item(request.user, item.pk), request.user)
                if visible
                else None,
            }
        )
        response["Cache-Control"] = "no-store, private"
        return response

    def done_message(self, before: Item, after: Item) -> str:
        """What to tell the caller; `before` and `after` are the item as read before the action
        and after it (some actions may change nothing)."""
        return str(self.done) if self.done else _("Đã thực hiện.")


def _action_schema(op: str, summary: str, request: type[drf.Serializer]) -> Any:
    return extend_schema(
        operation_id=op,
        tags=["staff"],
        summary=summary,
        request=request,
        responses={200: ActionResultSerializer, **_errors(400, *STAFF_ERRORS, 404)},
    )


class TransitionView(ItemActionView):
    serializer_class = s.TransitionSerializer

    @_action_schema(
        "item_transition",
        "Thao tác trong quy trình (nhận xử lý, hỏi thêm, soạn, duyệt, chuyển…)",
        s.TransitionSerializer,
    )
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        workflow = get_policy().workflow(item.workflow)
        name = data.pop("name")
        t = workflow.transition(name, item.status) or next(
            (x for x in workflow.transitions if x.name == name), None
        )
        if t is None or t.permission == "citizen":
            raise ValidationError({"name": [_("Thao tác không hợp lệ.")]})
        self.label = t.label
        return item_transition(item=item, name=t.name, actor=actor, **data)

    def done_message(self, before: Item, after: Item) -> str:
        return _("Đã thực hiện: %(action)s.") % {"action": getattr(self, "label", "")}


class RouteView(ItemActionView):
    serializer_class = s.RouteSerializer

    @_action_schema("item_route", "Chuyển đơn vị xử lý", s.RouteSerializer)
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        unit = None
        if data.get("unit") is not None:
            unit = handling.route_targets().filter(pk=data["unit"]).first()
            if unit is None:
                raise ValidationError({"unit": [_("Đơn vị không tồn tại hoặc không tiếp nhận.")]})
        # As in the back office: item_route keeps the reason as an internal note, never on the
        # public routing event, and records nothing when the item stays where it is.
        return item_route(item=item, actor=actor, unit=unit, reason=data.get("reason") or "")

    done = gettext_lazy("Đã chuyển đơn vị xử lý.")

    def done_message(self, before: Item, after: Item) -> str:
        if after.handling_org_id == before.handling_org_id:
            return _("Ý kiến đã do đơn vị này xử lý: không có gì thay đổi.")
        return super().done_message(before, after)


class AssignView(ItemActionView):
    serializer_class = s.AssignSerializer

    @_action_schema("item_assign", "Giao người xử lý (hoặc tự nhận)", s.AssignSerializer)
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        handler = handling.handlers_for_item(item=item).filter(pk=data["handler"]).first()
        if handler is None:
            raise ValidationError({"handler": [_("Chọn người xử lý trong danh sách.")]})
        return item_assign(item=item, handler=handler, actor=actor)

    done = gettext_lazy("Đã giao người xử lý.")

    def done_message(self, before: Item, after: Item) -> str:
        if after.handler_id == before.handler_id:
            return _("Ý kiến đã được giao cho người này: không có gì thay đổi.")
        return super().done_message(before, after)


class NoteView(ItemActionView):
    serializer_class = s.NoteSerializer

    @_action_schema("item_note", "Ghi chú nội bộ", s.NoteSerializer)
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        return item_note(item=item, actor=actor, body=data["body"])

    done = gettext_lazy("Đã thêm ghi chú nội bộ.")


class ExtendView(ItemActionView):
    serializer_class = s.ExtendSerializer

    @_action_schema(
        "item_extend", "Gia hạn (thời hạn luật không ấn định, PA-8)", s.ExtendSerializer
    )
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        return item_extend(item=item, actor=actor, reason=data["reason"], new_date=data["new_date"])

    done = gettext_lazy("Đã gia hạn.")


class ClassifyView(ItemActionView):
    serializer_class = s.ClassifySerializer

    @_action_schema(
        "item_classify", "Điều chỉnh loại, người/đơn vị bị phản ánh", s.ClassifySerializer
    )
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        kwargs: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        if "concerned_org" in data:
            org = None
            if data["concerned_org"] is not None:
                org = Organisation.objects.filter(pk=data["concerned_org"]).first()
                if org is None:
                    errors["concerned_org"] = [_("Cơ quan, đơn vị không tồn tại.")]
            kwargs["concerned_org"] = org
        if "concerned_person" in data:
            person = None
            if data["concerned_person"] is not None:
                person = Person.objects.filter(pk=data["concerned_person"]).first()
                if person is None:
                    errors["concerned_person"] = [_("Cán bộ không tồn tại.")]
            kwargs["concerned_person"] = person
        if errors:
            raise ValidationError(errors)
        return item_classify(
            item=item,
            actor=actor,
            reason=data["reason"],
            kind=data.get("kind"),
            party_matter=data.get("party_matter"),
            **kwargs,
        )

    done = gettext_lazy("Đã điều chỉnh thông tin tiếp nhận.")


class ComplexityView(ItemActionView):
    serializer_class = s.ComplexitySerializer

    @_action_schema("item_complexity", "Mức độ phức tạp (KN-5, TC-7)", s.ComplexitySerializer)
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        return item_set_complexity(
            item=item,
            actor=actor,
            complexity=data["complexity"],
            criteria=data.get("criteria") or [],
        )

    done = gettext_lazy("Đã ghi nhận mức độ phức tạp.")


class MergeView(ItemActionView):
    serializer_class = s.MergeSerializer

    @_action_schema("item_merge", "Gộp vào ý kiến khác (trùng nội dung)", s.MergeSerializer)
    def post(self, request: Request, item_id: int) -> Response:
        return super().post(request, item_id)

    def act(self, item: Item, actor: Any, data: dict[str, Any]) -> Any:
        code = normalise_code(data["into_code"])
        into_id = Item.objects.filter(code=code).values_list("pk", flat=True).first()
        try:
            into = access_item(actor, into_id or 0)
        except NotFound:
            raise ValidationError(
                {"into_code": [_("Không tìm thấy ý kiến có mã %(code)s.") % {"code": code}]}
            ) from None
        return item_merge(item=item, into=into, actor=actor)

    done = gettext_lazy("Đã gộp ý kiến.")
