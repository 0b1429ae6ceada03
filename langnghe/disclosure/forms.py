"""Forms of the disclosure screens: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import PlausibleDateField
from langnghe.core.text import is_digits
from langnghe.intake.models import Kind
from langnghe.orgs.models import Organisation, Person

from . import policy
from .models import Publication, PublicationChannel, PublicationComment

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return PlausibleDateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class PublicationFilterForm(forms.Form):
    organisation = OrgChoiceField(
        label=_("Tổ chức"), queryset=Organisation.objects.none(), required=False
    )
    category = forms.ChoiceField(label=_("Nội dung"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(Publication.Status.choices),
    )
    late = forms.BooleanField(label=_("Chỉ nội dung công khai chậm (DC-2)"), required=False)
    q = forms.CharField(label=_("Tìm theo tiêu đề, số hiệu"), required=False, max_length=100)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("Tất cả"))] + policy.category_choices()  # type: ignore[attr-defined]


class PublicationForm(forms.Form):
    organisation = OrgChoiceField(
        label=_("Tổ chức công khai"), queryset=Organisation.objects.none()
    )
    category = forms.ChoiceField(label=_("Nội dung công khai (theo QĐ 99, Luật THDCCS Đ11)"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    reference = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=60, required=False)
    decided_on = date_field(
        _("Ngày quyết định, văn bản"),
        help_text=_(
            "Hạn công khai được tính từ ngày này (DC-2: 05 ngày làm việc nếu pháp luật chuyên ngành không quy định khác)."
        ),
    )
    person = PersonChoiceField(
        label=_("Cán bộ liên quan (nếu có)"), queryset=Person.objects.none(), required=False
    )
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, orgs: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["category"].choices = policy.category_choices()  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    published_on = date_field(
        _("Ngày công khai"), required=False, help_text=_("Để trống: hôm nay.")
    )
    comments_open_on = date_field(
        _("Nhận góp ý từ ngày"), required=False, help_text=_("Để trống: ngày công khai.")
    )
    comments_close_on = date_field(_("Nhận góp ý đến ngày"), required=False)
    late_reason = forms.CharField(
        label=_("Lý do chậm (nếu quá hạn)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do gỡ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[
            c for c in PublicationChannel.Kind.choices if c[0] != PublicationChannel.Kind.PORTAL
        ],
    )
    place = forms.CharField(
        label=_("Địa điểm, phương tiện"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Bảng tin trụ sở UBND xã; Nhà văn hóa thôn 2."),
    )
    start_on = date_field(_("Từ ngày"))
    end_on = date_field(
        _("Đến ngày"),
        required=False,
        help_text=_(
            "Niêm yết ít nhất 30 ngày liên tục, loa ít nhất 03 ngày (DC-3); niêm yết thường xuyên thì để trống."
        ),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp (PDF hoặc ảnh)"))
    name = forms.CharField(label=_("Tên hiển thị"), max_length=120, required=False)


class RegisterForm(forms.Form):
    organisation = OrgChoiceField(label=_("Tổ chức"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quý"), coerce=int, choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]


class CommitmentForm(forms.Form):
    person = PersonChoiceField(label=_("Cán bộ"), queryset=Person.objects.none())
    organisation = OrgChoiceField(label=_("Tổ chức"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    signed_on = date_field(_("Ngày ký"))
    text = forms.CharField(label=_("Nội dung cam kết"), widget=forms.Textarea(attrs={"rows": 10}))
    attachment = forms.FileField(label=_("Bản ký (PDF hoặc ảnh)"), required=False)

    def __init__(self, *args: Any, orgs: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year


COMMENT_KIND_CHOICES = [
    (Kind.SUGGESTION.value, _("Góp ý")),
    (Kind.FEEDBACK.value, _("Phản ánh")),
    (Kind.RECOMMENDATION.value, _("Kiến nghị")),
]


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại ý kiến"),
        choices=COMMENT_KIND_CHOICES,
        initial=Kind.SUGGESTION.value,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Ý kiến của bạn"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Vui lòng nhập nội dung ý kiến."),
            "max_length": _("Nội dung quá dài: tối đa %(limit_value)d ký tự."),
        },
    )
    name = forms.CharField(label=_("Họ và tên (không bắt buộc)"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại (không bắt buộc)"),
        max_length=20,
        required=False,
        help_text=_("Chỉ đơn vị tiếp nhận xem được; không bao giờ được công khai."),
    )
    via = forms.ChoiceField(
        label=_("Kênh"),
        choices=PublicationComment.Via.choices,
        required=False,
        widget=forms.HiddenInput,
    )

    def clean_body(self) -> str:
        value: str = self.cleaned_data["body"]
        if "\x00" in value:
            raise forms.ValidationError(_("Nội dung có ký tự không hợp lệ."))
        return value

    def clean_phone(self) -> str:
        value: str = (self.cleaned_data.get("phone") or "").strip()
        digits = value.replace(" ", "").replace(".", "").replace("-", "").lstrip("+")
        if value and (not is_digits(digits) or not 8 <= len(digits) <= 15):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ."))
        return value
