"""The citizen's forms. They check what a form can check and turn ids into objects; the intake
and handling services remain the authority (and raise IntakeError / HandlingError, which the
views show next to the right field).

Every message is ours, in Vietnamese and marked for translation: Django's own Vietnamese
catalogue lacks several of the defaults (null characters, file errors).
"""

from __future__ import annotations

import re
from typing import Any, cast

from captcha.fields import CaptchaField
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import validate_deliverable_email
from langnghe.core.text import has_text, is_digits
from langnghe.handling.policy import get_policy
from langnghe.intake.models import Kind
from langnghe.intake.services import MAX_BODY, MAX_GROUP, MAX_TITLE
from langnghe.orgs.models import AdminUnit

from . import selectors

NULL_MESSAGE = _("Nội dung có ký tự không hợp lệ (ký tự rỗng). Vui lòng xóa ký tự đó rồi gửi lại.")

# One line each, read by people who have never heard the legal terms.
KIND_HELP = {
    Kind.SUGGESTION: _("Đóng góp ý kiến để cán bộ, đảng viên, cơ quan làm việc tốt hơn."),
    Kind.FEEDBACK: _(
        "Báo cho cơ quan biết một việc đang xảy ra: đường hỏng, thủ tục chậm, thái độ cán bộ…"
    ),
    Kind.RECOMMENDATION: _(
        "Đề nghị cơ quan xem xét, giải quyết hoặc sửa đổi một việc, một chính sách."
    ),
    Kind.COMPLAINT: _(
        "Đề nghị xem xét lại một quyết định hoặc việc làm của cơ quan, cán bộ gây thiệt hại cho quyền lợi của bạn."
    ),
    Kind.DENUNCIATION: _(
        "Báo cho cơ quan có thẩm quyền biết việc làm vi phạm pháp luật hoặc quy định của Đảng của một người, một cơ quan."
    ),
}


PHONE_RE = re.compile(r"^\+?[0-9 .()-]{8,20}$")
ID_NUMBER_RE = re.compile(r"^(\d{9}|\d{12})$")
MAX_REPRESENTATIVES_LINES = 20


class PortalCharField(forms.CharField):
    """A CharField with our messages, and no browser `maxlength` on text areas: a browser that
    silently cuts a long pasted complaint is worse than a clear message."""

    def __init__(
        self, *, required_message: Any = None, too_long_message: Any = None, **kwargs: Any
    ):
        kwargs.setdefault("required", False)
        max_length = kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, (ProhibitNullCharactersValidator, MaxLengthValidator))
        ]
        self.validators.append(ProhibitNullCharactersValidator(message=NULL_MESSAGE))
        if max_length is not None:
            self.max_length = max_length
            self.validators.append(
                MaxLengthValidator(
                    max_length,
                    message=too_long_message
                    or _("Tối đa %(limit_value)d ký tự (bạn đã nhập %(show_value)d)."),
                )
            )
            if not isinstance(self.widget, forms.Textarea):
                self.widget.attrs.setdefault("maxlength", str(max_length))
        self.error_messages["required"] = required_message or _("Vui lòng nhập thông tin này.")

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value) or "")
        # Only spaces and invisible characters (direction marks, zero-width spaces) is no text:
        # a required field says so.
        return text if has_text(text) else ""


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Several files from one or more <input type=file name=attachments> (gallery, camera,
    voice recorder). Checks count, emptiness, size and the real type (read from the content,
    never from the name); the service re-checks and sanitises."""

    widget = MultipleFileInput

    def clean(self, value: Any) -> list[Any]:
        from langnghe.intake import files

        uploads = [upload for upload in (value or []) if upload is not None and upload.name]
        most = cast(int, settings.LANGNGHE["MAX_ATTACHMENTS"])
        limit = cast(int, settings.LANGNGHE["MAX_ATTACHMENT_BYTES"])
        if len(uploads) > most:
            raise forms.ValidationError(
                _("Chỉ gửi được tối đa %(n)d tệp; bạn đã chọn %(got)d tệp."),
                params={"n": most, "got": len(uploads)},
            )
        errors = []
        accepted = set(files.IMAGE_TYPES) | set(files.AUDIO_DEMUXERS) | {files.PDF_TYPE}
        for upload in uploads:
            name = upload.name[:80]
            if not upload.size:
                errors.append(
                    forms.ValidationError(_("Tệp “%(name)s” rỗng."), params={"name": name})
                )
                continue
            if upload.size > limit:
                errors.append(
                    forms.ValidationError(
                        _("Tệp “%(name)s” quá lớn (tối đa %(mb)d MB)."),
                        params={"name": name, "mb": limit // (1024 * 1024)},
                    )
                )
                continue
            upload.seek(0)
            head = upload.read(512)
            upload.seek(0)
            guess = _guess_mime(head)
            if guess not in accepted:
                errors.append(
                    forms.ValidationError(
                        _("Tệp “%(name)s” không phải ảnh, PDF hay ghi âm."), params={"name": name}
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        return uploads


def _guess_mime(head: bytes) -> str:
    import filetype

    guess = filetype.guess(head)
    return guess.mime if guess else ""


def _choice_messages() -> dict[str, Any]:
    return {
        "invalid_choice": _("Lựa chọn không hợp lệ; vui lòng chọn lại trong danh sách."),
        "required": _("Vui lòng chọn một mục."),
    }


def kind_choices() -> list[tuple[str, Any]]:
    return list(Kind.choices)


class SubmitForm(forms.Form):
    # --- what ---
    kind = forms.ChoiceField(
        label=_("Loại ý kiến"),
        choices=kind_choices,
        widget=forms.RadioSelect,
        error_messages={**_choice_messages(), "required": _("Vui lòng chọn loại ý kiến.")},
    )
    title = PortalCharField(label=_("Tiêu đề (không bắt buộc)"), max_length=MAX_TITLE)
    body = PortalCharField(
        label=_("Nội dung"),
        required=True,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        required_message=_("Vui lòng nhập nội dung ý kiến."),
        too_long_message=_(
            "Nội dung quá dài: tối đa %(limit_value)d ký tự (bạn đã nhập %(show_value)d)."
        ),
        help_text=_("Viết rõ việc gì, ở đâu, khi nào, ai liên quan. Tối đa 10.000 ký tự."),
    )
    kind2 = forms.ChoiceField(
        label=_("Loại của phần nội dung khác"),
        required=False,
        choices=lambda: [("", _("— Không có —")), *Kind.choices],
        error_messages=_choice_messages(),
    )
    body2 = PortalCharField(
        label=_("Nội dung khác loại"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        too_long_message=_(
            "Nội dung quá dài: tối đa %(limit_value)d ký tự (bạn đã nhập %(show_value)d)."
        ),
    )
    topic = forms.TypedChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_choice_messages(),
    )

    # --- where, about whom ---
    commune = forms.TypedChoiceField(
        label=_("Xã, phường nơi xảy ra việc"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_choice_messages(),
    )
    address = PortalCharField(
        label=_("Địa chỉ cụ thể (thôn, tổ dân phố, số nhà…)"),
        max_length=200,
    )
    old_address = PortalCharField(
        label=_("Hoặc địa chỉ cũ (trước khi sắp xếp năm 2025)"),
        max_length=200,
        help_text=_(
            "Ví dụ: xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum. Hệ thống tự chuyển sang xã, phường mới."
        ),
    )
    concerned_org = forms.TypedChoiceField(
        label=_("Cơ quan, đơn vị liên quan (nếu có)"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_choice_messages(),
    )
    concerned_person = PortalCharField(label=_("Cán bộ liên quan (nếu có)"))
    concerned_person_name = PortalCharField(
        label=_("Họ tên cán bộ liên quan (nếu có)"),
        max_length=120,
        help_text=_("Gõ họ tên; có thể gõ không dấu."),
    )
    indicators = forms.TypedMultipleChoiceField(
        label=_("Biểu hiện suy thoái liên quan (không bắt buộc)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_choice_messages(),
    )

    # --- who ---
    anonymous = forms.BooleanField(label=_("Tôi muốn gửi giấu tên"), required=False)
    name = PortalCharField(
        label=_("Họ và tên"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_address = PortalCharField(
        label=_("Địa chỉ liên hệ"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = PortalCharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử (email)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ email không hợp lệ, ví dụ: ten@example.com.")},
        validators=[validate_deliverable_email],
    )
    id_number = PortalCharField(
        label=_("Số căn cước (CCCD/CMND)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    wants_notifications = forms.BooleanField(
        label=_("Báo cho tôi khi có câu hỏi hoặc trả lời (qua điện thoại hoặc email)"),
        required=False,
    )

    # --- a group ---
    group_size = forms.IntegerField(
        label=_("Số người cùng gửi"),
        required=False,
        min_value=1,
        max_value=MAX_GROUP,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Số người phải là một số nguyên, ví dụ: 1."),
            "min_value": _("Số người phải từ 1 trở lên."),
            "max_value": _("Số người quá lớn."),
        },
        help_text=_("Để 1 nếu chỉ mình bạn gửi."),
    )
    representatives = PortalCharField(
        label=_("Người đại diện (mỗi dòng một người)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Từ 5 đến 10 người: cử 1–2 người đại diện; trên 10 người: tối đa 5 người (TCD-13)."
        ),
    )

    # --- denunciation ---
    party_matter = forms.BooleanField(
        label=_("Người bị tố cáo là đảng viên và vi phạm quy định của Đảng"), required=False
    )
    waived_protection = forms.BooleanField(
        label=_("Tôi không cần được giữ bí mật danh tính"), required=False
    )

    # --- files, receipt ---
    attachments = AttachmentsField(label=_("Tệp đính kèm"), required=False)
    qr_with_secret = forms.BooleanField(
        label=_("Đưa cả mật mã vào mã QR (không khuyến nghị)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = cast(dict[str, Any], self.fields)
        f["topic"].choices = [("", _("— Chọn lĩnh vực —")), *selectors.topic_choices()]
        f["commune"].choices = [("", _("— Chọn xã, phường —")), *selectors.commune_choices()]
        f["concerned_org"].choices = [("", _("— Không chọn —")), *selectors.concerned_org_choices()]
        f["indicators"].choices = [
            (ind.id, ind.code)
            for _code, _label, items in selectors.indicator_groups()
            for ind in items
        ]
        self.person_select_mode = selectors.person_select_mode()
        if self.person_select_mode:
            f["concerned_person"].widget = forms.Select(
                choices=[("", _("— Không chọn —")), *selectors.person_choices()]
            )
        else:
            f["concerned_person"].widget = forms.HiddenInput()
        attachment = f["attachments"].widget
        attachment.attrs.update({"accept": "image/*,application/pdf,audio/*", "multiple": True})
        self.old_address_unit: AdminUnit | None = None  # the commune an old address became
        self.person_matches: list[selectors.PersonMatch] = []

    # --- single fields ------------------------------------------------------------------------

    def clean_commune(self) -> Any:
        pk = self.cleaned_data.get("commune")
        if pk is None:
            return None
        unit = selectors.admin_unit_current(pk)
        if unit is None:
            raise forms.ValidationError(
                _("Xã, phường này không còn trong danh sách; vui lòng chọn lại.")
            )
        return unit

    def clean_topic(self) -> Any:
        from langnghe.intake.models import Topic

        pk = self.cleaned_data.get("topic")
        if pk is None:
            return None
        topic = Topic.objects.filter(pk=pk, active=True).first()
        if topic is None:
            raise forms.ValidationError(
                _("Lựa chọn không hợp lệ; vui lòng chọn lại trong danh sách.")
            )
        return topic

    def clean_concerned_org(self) -> Any:
        pk = self.cleaned_data.get("concerned_org")
        if pk is None:
            return None
        org = selectors.accepting_org(pk)
        if org is None:
            raise forms.ValidationError(
                _("Lựa chọn không hợp lệ; vui lòng chọn lại trong danh sách.")
            )
        return org

    def clean_concerned_person(self) -> Any:
        raw = (self.cleaned_data.get("concerned_person") or "").strip()
        if not raw:
            return None
        person = selectors.public_person(int(raw)) if is_digits(raw) and len(raw) < 12 else None
        if person is None:
            raise forms.ValidationError(_("Không tìm thấy cán bộ này; vui lòng chọn lại."))
        return person

    def clean_indicators(self) -> list[int]:
        ids = self.cleaned_data.get("indicators") or []
        return sorted(set(ids))

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        digits = re.sub(r"\D", "", phone)
        if phone and (not PHONE_RE.match(phone) or not 8 <= len(digits) <= 15):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ, ví dụ: 0905 123 456."))
        return phone

    def clean_id_number(self) -> str:
        value = re.sub(r"\s", "", self.cleaned_data.get("id_number", ""))
        if value and not ID_NUMBER_RE.match(value):
            raise forms.ValidationError(
                _("Số căn cước gồm 12 chữ số (chứng minh nhân dân cũ: 9 chữ số).")
            )
        return value

    def clean_group_size(self) -> int:
        value = self.cleaned_data.get("group_size")
        return 1 if value is None else value

    def clean_representatives(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("representatives", "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_REPRESENTATIVES_LINES or any(len(line) > 120 for line in lines):
            raise forms.ValidationError(_("Danh sách người đại diện quá dài."))
        return lines

    # --- the whole form -----------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, kind2, body2 = data.get("kind"), data.get("kind2"), data.get("body2", "")
        if kind2 and not body2.strip() and "body2" not in self.errors:
            self.add_error(
                "body2", _("Vui lòng nhập nội dung khác loại, hoặc bỏ chọn loại của phần này.")
            )
        if body2.strip() and not kind2 and "kind2" not in self.errors:
            self.add_error("kind2", _("Vui lòng chọn loại cho phần nội dung khác."))
        if kind and kind2 and kind == kind2:
            self.add_error("kind2", _("Phần nội dung khác phải khác loại với nội dung chính."))

        anonymous = data.get("anonymous")
        if anonymous:
            # An anonymous item keeps no identity at all, whatever was typed (the form may have
            # been filled before the box was ticked).
            data["wants_notifications"] = False
            data["waived_protection"] = False
        else:
            if not data.get("name") and "name" not in self.errors:
                self.add_error(
                    "name", _("Vui lòng nhập họ tên, hoặc đánh dấu “Tôi muốn gửi giấu tên”.")
                )
            if data.get("wants_notifications") and not (data.get("phone") or data.get("email")):
                if "phone" not in self.errors and "email" not in self.errors:
                    self.add_error(
                        "phone", _("Để nhận thông báo, vui lòng nhập số điện thoại hoặc email.")
                    )
            size = data.get("group_size") or 1
            reps = data.get("representatives") or []
            allowed = get_policy().representatives_range(size)  # TCD-13, as data
            if (
                "group_size" not in self.errors
                and "representatives" not in self.errors
                and allowed is not None
            ):
                least, most = allowed
                if not least <= len(reps) <= most:
                    self.add_error(
                        "representatives",
                        _("Nhóm %(n)d người cần cử từ 1 đến %(most)d người đại diện (TCD-13).")
                        % {"n": size, "most": most},
                    )
        if Kind.DENUNCIATION not in (kind, kind2):
            data["waived_protection"] = False
            data["party_matter"] = False

        self._resolve_person(data)
        self._convert_old_address(data)
        return data

    def _resolve_person(self, data: dict[str, Any]) -> None:
        """Without JavaScript on a large deployment the citizen types a name: one match is
        taken, several are offered as a list to pick from, none is an error."""
        name = (data.get("concerned_person_name") or "").strip()
        if (
            data.get("concerned_person") is not None
            or not name
            or "concerned_person" in self.errors
        ):
            return
        matches = selectors.person_search(name)
        if len(matches) == 1:
            data["concerned_person"] = selectors.public_person(matches[0].id)
            return
        if not matches:
            self.add_error(
                "concerned_person_name",
                _(
                    "Không tìm thấy cán bộ có tên này. Bạn có thể để trống và ghi tên trong nội dung."
                ),
            )
            return
        self.person_matches = matches
        self.fields["concerned_person"].widget = forms.Select(
            choices=[
                ("", _("— Chọn một người —")),
                *[(m.id, f"{m.name} — {m.detail}" if m.detail else m.name) for m in matches],
            ]
        )
        self.add_error(
            "concerned_person", _("Có nhiều cán bộ trùng tên; vui lòng chọn đúng người.")
        )

    def _convert_old_address(self, data: dict[str, Any]) -> None:
        old = (data.get("old_address") or "").strip()
        if not old or data.get("commune") is not None:
            return
        try:
            from langnghe.orgs.gazetteer import convert_address
        except ImportError:
            return
        try:
            unit = convert_address(old)
        except Exception:  # a converter failure must never lose the citizen's submission
            unit = None
        if unit is not None:
            data["commune"] = unit
            self.old_address_unit = unit

    # --- helpers for the view -----------------------------------------------------------------

    def parts(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        parts = [(data["kind"], data["body"])]
        if data.get("kind2") and (data.get("body2") or "").strip():
            parts.append((data["kind2"], data["body2"]))
        return parts

    def location_text(self) -> str:
        data = self.cleaned_data
        text = data.get("address", "").strip()
        old = data.get("old_address", "").strip()
        if old:
            text = f"{text} ({_('địa chỉ cũ')}: {old})" if text else f"{_('Địa chỉ cũ')}: {old}"
        return text[:255]

    def identity(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("anonymous"):
            return {}
        values = {
            "name": data.get("name", ""),
            "address": data.get("contact_address", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "id_number": data.get("id_number", ""),
        }
        identity: dict[str, Any] = {k: v for k, v in values.items() if v}
        if data.get("representatives"):
            identity["representatives"] = data["representatives"]
        return identity


# ---------------------------------------------------------------------------------------------
# Tracking
# ---------------------------------------------------------------------------------------------


class TrackForm(forms.Form):
    code = PortalCharField(
        label=_("Mã tra cứu"),
        required=True,
        max_length=20,
        required_message=_("Vui lòng nhập mã tra cứu."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Ví dụ: 26-ABC234"),
    )
    secret = PortalCharField(
        label=_("Mật mã"),
        required=True,
        max_length=64,
        required_message=_("Vui lòng nhập mật mã."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Mật mã gồm 20 ký tự, in trên biên nhận. Có thể gõ không cần dấu gạch."),
    )


class ReplyForm(forms.Form):
    message = PortalCharField(
        label=_("Câu trả lời của bạn"),
        required=True,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        required_message=_("Vui lòng nhập câu trả lời."),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Mức hài lòng"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 sao — Rất hài lòng")),
            (4, _("4 sao — Hài lòng")),
            (3, _("3 sao — Bình thường")),
            (2, _("2 sao — Chưa hài lòng")),
            (1, _("1 sao — Rất không hài lòng")),
        ],
        error_messages={**_choice_messages(), "required": _("Vui lòng chọn số sao.")},
    )
    comment = PortalCharField(
        label=_("Nhận xét (không bắt buộc)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    message = PortalCharField(
        label=_("Vì sao bạn chưa đồng ý với trả lời?"),
        required=True,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        required_message=_("Vui lòng nêu lý do đề nghị xem xét lại."),
    )


class AppealForm(forms.Form):
    message = PortalCharField(
        label=_("Nội dung khiếu nại lần hai"),
        required=True,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        required_message=_("Vui lòng nêu lý do bạn chưa đồng ý với quyết định."),
    )


class SearchForm(forms.Form):
    q = PortalCharField(label=_("Tìm ý kiến đã trả lời công khai"), max_length=200)
    trang = forms.IntegerField(required=False, min_value=1, max_value=500)


class ChallengeForm(forms.Form):
    """The offline challenge asked when the submission limits are hit (langnghe.portal.abuse)."""

    challenge = CaptchaField(
        label=_("Kết quả phép tính trong hình"),
        error_messages={
            "invalid": _("Kết quả chưa đúng. Vui lòng tính lại phép tính trong hình mới."),
            "required": _("Vui lòng nhập kết quả phép tính trong hình."),
        },
    )
