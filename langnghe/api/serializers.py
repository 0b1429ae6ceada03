"""Request and response shapes of API v1. Request serializers only validate and convert; the
intake and handling services stay the authority and raise ApplicationError."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from langnghe.core.forms import validate_deliverable_email
from langnghe.handling.models import Answer
from langnghe.handling.services import MAX_TEXT
from langnghe.intake.models import Kind
from langnghe.intake.services import MAX_BODY, MAX_GROUP, MAX_TITLE

MAX_PARTS = 3
COMPLEXITY_CHOICES = ["normal", "complex", "very_complex"]


# -- errors --------------------------------------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi ổn định, ví dụ `not_found`, `invalid`.")
    message = serializers.CharField(help_text="Thông báo theo ngôn ngữ của yêu cầu.")
    fields = serializers.DictField(
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="Lỗi từng trường (chỉ với mã `invalid`).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# -- public: submit ------------------------------------------------------------------------------


class PartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    body = serializers.CharField(max_length=MAX_BODY, trim_whitespace=True)


class IdentitySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.RegexField(
        r"^\+?[0-9 .()-]{8,20}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
    )
    email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True, validators=[validate_deliverable_email]
    )
    id_number = serializers.RegexField(
        r"^(\d{9}|\d{12})$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")},
    )
    representatives = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )


class SubmitSerializer(serializers.Serializer):
    parts = PartSerializer(
        many=True,
        help_text="Một phần cho mỗi loại ý kiến (TCD-10); mỗi loại một lần, tối đa 3 phần.",
    )
    title = serializers.CharField(max_length=MAX_TITLE, required=False, allow_blank=True)
    topic = serializers.SlugField(required=False, allow_blank=True, help_text="Mã lĩnh vực.")
    commune = serializers.IntegerField(
        required=False, allow_null=True, help_text="Mã (id) xã, phường nơi xảy ra."
    )
    location_text = serializers.CharField(max_length=255, required=False, allow_blank=True)
    concerned_org = serializers.IntegerField(required=False, allow_null=True)
    concerned_person = serializers.IntegerField(required=False, allow_null=True)
    indicators = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, max_length=27
    )
    anonymous = serializers.BooleanField(default=False)
    identity = IdentitySerializer(required=False)
    wants_notifications = serializers.BooleanField(default=False)
    waived_protection = serializers.BooleanField(default=False)
    group_size = serializers.IntegerField(min_value=1, max_value=MAX_GROUP, default=1)
    party_matter = serializers.BooleanField(default=False)

    def validate_parts(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError(_("Vui lòng nhập nội dung ý kiến."))
        if len(value) > MAX_PARTS:
            raise serializers.ValidationError(_("Tối đa %(n)d phần.") % {"n": MAX_PARTS})
        kinds = [p["kind"] for p in value]
        if len(set(kinds)) != len(kinds):
            raise serializers.ValidationError(_("Mỗi loại ý kiến chỉ nhập một lần (TCD-10)."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        identity = attrs.get("identity") or {}
        given = any(v for v in identity.values())
        if attrs.get("anonymous") and given:
            raise serializers.ValidationError(
                {"anonymous": [_("Người gửi giấu tên: không ghi họ tên, địa chỉ, liên lạc.")]}
            )
        kinds = [p["kind"] for p in attrs.get("parts") or []]
        for flag in ("party_matter", "waived_protection"):
            if attrs.get(flag) and Kind.DENUNCIATION not in kinds:
                raise serializers.ValidationError({flag: [_("Chỉ áp dụng cho nội dung tố cáo.")]})
        return attrs


class ReceiptItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()


class SubmitResultSerializer(serializers.Serializer):
    items = ReceiptItemSerializer(many=True)
    secret = serializers.CharField(
        help_text="Mật mã tra cứu, chỉ trả về một lần; hệ thống chỉ lưu giá trị băm."
    )
    track_url = serializers.CharField()


# -- public: tracking ----------------------------------------------------------------------------


class ReceiptSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    secret = serializers.CharField(max_length=64, trim_whitespace=True)


class ReplySerializer(ReceiptSerializer):
    message = serializers.CharField(max_length=MAX_TEXT)


class RateSerializer(ReceiptSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PublicDeadlineSerializer(serializers.Serializer):
    label = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    length = serializers.CharField(
        help_text="Thời hạn theo luật, bằng chữ; rỗng nếu luật không quy định."
    )
    cite = serializers.CharField()
    badge = serializers.ChoiceField(choices=["overdue", "due_soon", ""])


class PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    by_citizen = serializers.BooleanField()
    cite = serializers.CharField(allow_blank=True)


class TrackedItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    is_open = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    handling_unit = serializers.CharField(allow_null=True)
    deadlines = PublicDeadlineSerializer(many=True)
    timeline = PublicEventSerializer(many=True)
    question = serializers.CharField(allow_blank=True)
    answer = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    can_reply = serializers.BooleanField()
    can_reopen = serializers.BooleanField()
    can_rate = serializers.BooleanField()


# -- public: published items ---------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class PublishedItemSerializer(serializers.Serializer):
    """Only what was written for the public: never the sender's words or identity."""

    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    topic = serializers.CharField(allow_null=True)
    topic_name = serializers.CharField(allow_null=True)
    unit = UnitRefSerializer(allow_null=True)
    received_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    answer = serializers.CharField(allow_blank=True)
    rating = serializers.IntegerField(allow_null=True)


class PublishedPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = PublishedItemSerializer(many=True)


class PublicationChannelSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicationSerializer(serializers.Serializer):
    """A disclosure as the portal shows it (published or withdrawn; drafts never)."""

    id = serializers.IntegerField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    reference = serializers.CharField(allow_blank=True)
    unit = UnitRefSerializer()
    person = PersonRefSerializer(allow_null=True)
    decided_on = serializers.DateField()
    published_on = serializers.DateField(allow_null=True)
    publish_due = serializers.DateField(allow_null=True)
    is_late = serializers.BooleanField()
    withdrawn_on = serializers.DateField(allow_null=True)
    comments_open_on = serializers.DateField(allow_null=True)
    comments_close_on = serializers.DateField(allow_null=True)
    channels = PublicationChannelSerializer(many=True)
    url = serializers.CharField(help_text="Trang công khai trên cổng thông tin.")


class PublicationPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = PublicationSerializer(many=True)


class TopicSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# -- staff ---------------------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class InboxItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    is_open = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    badge = serializers.ChoiceField(choices=["overdue", "due_soon", ""])
    handling_unit = UnitRefSerializer(allow_null=True)
    handler = UserRefSerializer(allow_null=True)
    topic = serializers.CharField(allow_null=True)


class InboxPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = InboxItemSerializer(many=True)


class StaffDeadlineSerializer(PublicDeadlineSerializer):
    code = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    law = serializers.CharField(allow_blank=True)
    verified = serializers.CharField(help_text="Nhãn kiểm chứng của quy định (V1, V2, U…).")
    extensions = serializers.IntegerField()


class StaffEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    type = serializers.CharField()
    transition = serializers.CharField(allow_blank=True)
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)
    public = serializers.BooleanField()
    by_citizen = serializers.BooleanField()
    actor = serializers.CharField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    body = serializers.CharField()
    public_summary = serializers.CharField(allow_blank=True)
    public_body = serializers.CharField(allow_blank=True)
    finding = serializers.CharField(allow_blank=True)
    drafted_by = serializers.CharField()
    drafted_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())


class AllowedSerializer(serializers.Serializer):
    route = serializers.BooleanField()
    classify = serializers.BooleanField()
    merge = serializers.BooleanField()
    assign = serializers.BooleanField()
    self_assign = serializers.BooleanField()
    complexity = serializers.BooleanField()
    extend = serializers.BooleanField()
    note = serializers.BooleanField()
    transitions = ActionSerializer(many=True)


class StaffItemSerializer(InboxItemSerializer):
    body = serializers.CharField()
    location_text = serializers.CharField(allow_blank=True)
    receiving_unit = UnitRefSerializer()
    reporter = serializers.CharField(help_text="Bí danh người gửi; danh tính thật không qua API.")
    anonymous = serializers.BooleanField()
    group_size = serializers.IntegerField()
    complexity = serializers.CharField()
    concerned_org = UnitRefSerializer(allow_null=True)
    concerned_person = serializers.CharField(allow_null=True)
    channel_detail = serializers.DictField()
    deadlines = StaffDeadlineSerializer(many=True)
    answers = AnswerSerializer(many=True)
    timeline = StaffEventSerializer(many=True)
    is_published = serializers.BooleanField()
    public_summary = serializers.CharField(allow_blank=True)
    public_answer = serializers.CharField(allow_blank=True)
    rating = serializers.IntegerField(allow_null=True)
    allowed = AllowedSerializer()


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40, help_text="Tên thao tác trong quy trình.")
    message = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    answer = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    public_summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    public_answer = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    finding = serializers.ChoiceField(
        choices=Answer.Finding.choices, required=False, allow_blank=True
    )
    target_body = serializers.CharField(max_length=255, required=False, allow_blank=True)


class RouteSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id đơn vị; bỏ trống: tự động theo quy tắc."
    )
    reason = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        help_text="Ghi chú nội bộ; người gửi chỉ thấy tên đơn vị mới.",
    )


class AssignSerializer(serializers.Serializer):
    handler = serializers.IntegerField(help_text="Id tài khoản người xử lý.")


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_TEXT)


class ExtendSerializer(serializers.Serializer):
    new_date = serializers.DateField()
    reason = serializers.CharField(
        max_length=MAX_TEXT, help_text="Hiển thị công khai trên trang tra cứu."
    )


class ClassifySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    concerned_org = serializers.IntegerField(required=False, allow_null=True)
    concerned_person = serializers.IntegerField(required=False, allow_null=True)
    party_matter = serializers.BooleanField(required=False)
    reason = serializers.CharField(max_length=MAX_TEXT)


class ComplexitySerializer(serializers.Serializer):
    complexity = serializers.ChoiceField(choices=COMPLEXITY_CHOICES)
    criteria = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=20
    )


class MergeSerializer(serializers.Serializer):
    into_code = serializers.CharField(max_length=20)


class NoteResultSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    body = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    results = InboxItemSerializer(many=True)
    count = serializers.IntegerField(help_text="Số kết quả (tối đa 200).")
