"""Forms of the inspection back office. Choices come from the rule book; services do the checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langnghe.backoffice.templatetags.backoffice import staff_name
from langnghe.core.forms import PlausibleDateField
from langnghe.disclosure import policy as disclosure_policy
from langnghe.orgs.models import Organisation, Person

from . import policy, selectors
from .models import Notice, TeamMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return PlausibleDateField(label=label, required=required, widget=DATE)


class PlanForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Cấp ủy, ủy ban kiểm tra")
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    adopted_on = _date(_("Ngày thông qua"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class PlanEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=())
    subject = forms.CharField(label=_("Đối tượng"), max_length=255)
    content = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    quarter = forms.TypedChoiceField(
        label=_("Quý"), coerce=int, choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = policy.kind_choices()  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    commission = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Cơ quan tiến hành")
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=())
    title = forms.CharField(label=_("Tên cuộc kiểm tra, giám sát"), max_length=255)
    subject_org = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Tổ chức đảng được kiểm tra"), required=False
    )
    subject_person = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("Đảng viên được kiểm tra"), required=False
    )
    scope = forms.CharField(
        label=_("Nội dung, phạm vi"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, commissions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = policy.kind_choices()  # type: ignore[attr-defined]
        commissions = commissions if commissions is not None else Organisation.objects.none()
        self.fields["commission"].queryset = commissions  # type: ignore[attr-defined]
        # Only what the actor's commissions cover (active, each once); clean() narrows to the one
        # chosen.
        self.fields["subject_org"].queryset = selectors.subject_orgs_covered(commissions)  # type: ignore[attr-defined]
        self.fields["subject_person"].queryset = selectors.subject_people_covered(commissions)  # type: ignore[attr-defined]
        self.fields["subject_person"].label_from_instance = _member_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        commission = data.get("commission")
        if commission is None:
            return data
        org, person = data.get("subject_org"), data.get("subject_person")
        if (
            org is not None
            and not selectors.subject_orgs_covered([commission]).filter(pk=org.pk).exists()
        ):
            self.add_error(
                "subject_org",
                _("%(org)s không thuộc phạm vi của %(c)s.")
                % {"org": org.name, "c": commission.name},
            )
        if (
            person is not None
            and not selectors.subject_people_covered([commission]).filter(pk=person.pk).exists()
        ):
            self.add_error(
                "subject_person",
                _("Đảng viên %(p)s không thuộc phạm vi của %(c)s.")
                % {"p": person.full_name, "c": commission.name},
            )
        return data


def _member_label(person: Person) -> str:
    cell = person.party_cell
    return f"{person.full_name} — {cell.name}" if cell is not None else person.full_name


class OpenFromItemsForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Đơn tố cáo"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    title = forms.CharField(label=_("Tên cuộc kiểm tra"), max_length=255)
    scope = forms.CharField(
        label=_("Nội dung kiểm tra"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(str(i.pk), f"{i.code} — {i.title}") for i in items]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = _date(_("Ngày quyết định"))
    legal_basis = forms.CharField(label=_("Căn cứ"), widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(label=_("Nội dung, phạm vi"), widget=forms.Textarea(attrs={"rows": 3}))
    start_on = _date(_("Ngày bắt đầu"))
    end_on = _date(_("Ngày kết thúc"), required=False)


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = policy.state_choices()  # type: ignore[attr-defined]


class TeamMemberForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Cán bộ"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=TeamMember.Role.choices)
    no_tie_declared = forms.BooleanField(
        label=_(
            "Tôi cam kết không có quan hệ gia đình và không có lợi ích trực tiếp với đối tượng"
        ),
        required=False,
    )
    declared_interest = forms.CharField(
        label=_("Kê khai quan hệ, lợi ích (nếu có)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else Person.objects.all()  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung báo cáo giải trình"), widget=forms.Textarea(attrs={"rows": 6})
    )
    received_on = _date(_("Ngày nhận báo cáo"))


class FindingForm(forms.Form):
    content = forms.CharField(
        label=_("Nội dung kết quả thẩm tra"), widget=forms.Textarea(attrs={"rows": 4})
    )
    severity = forms.ChoiceField(label=_("Mức độ"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["severity"].choices = policy.severity_choices()  # type: ignore[attr-defined]


class ConclusionForm(forms.Form):
    number = forms.CharField(label=_("Số thông báo kết luận"), max_length=60, required=False)
    concluded_on = _date(_("Ngày kết luận"))
    result = forms.CharField(label=_("Kết quả chung"), max_length=255)
    text = forms.CharField(label=_("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 8}))
    recommends_discipline = forms.BooleanField(label=_("Đề nghị xem xét kỷ luật"), required=False)


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề công khai"), max_length=200)
    category = forms.ChoiceField(label=_("Nội dung công khai"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (c, disclosure_policy.category_label(c)) for c in policy.publication_categories()
        ]


class NoticeForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Nơi nhận"), choices=Notice.Recipient.choices)
    recipient_name = forms.CharField(label=_("Tên nơi nhận"), max_length=255)
    sent_on = _date(_("Ngày gửi"))


class RemedyForm(forms.Form):
    content = forms.CharField(
        label=_("Nội dung khắc phục"), widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.CharField(label=_("Người, đơn vị thực hiện"), max_length=255)
    due_on = _date(_("Hạn khắc phục"))


class RemedyDoneForm(forms.Form):
    done_on = _date(_("Ngày hoàn thành"))


class GrantForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Lãnh đạo được cấp quyền xem"), coerce=int, choices=())
    reason = forms.CharField(label=_("Lý do"), max_length=500)

    def __init__(self, *args: Any, users: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, staff_name(u)) for u in users]  # type: ignore[attr-defined]
