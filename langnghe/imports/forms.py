from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation

from .mapping import mapping_examples, mapping_load
from .rules import IMPORT_ROLES

MAX_UPLOAD = 5 * 1024 * 1024
MAX_MAPPING = 64 * 1024


def importable_orgs(actor: Any) -> Any:
    paths = paths_with_roles(actor, IMPORT_ROLES)
    return Organisation.objects.filter(subtree_q(paths, "path"), accepts_items=True).order_by(
        "path"
    )


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Đơn vị tiếp nhận"), queryset=Organisation.objects.none()
    )
    mapping = forms.ChoiceField(
        label=_("Mẫu ánh xạ cột"),
        required=False,
        help_text=_("Dùng mẫu có sẵn, hoặc tải lên tệp ánh xạ (.yaml) của đơn vị bên dưới."),
    )
    mapping_file = forms.FileField(label=_("Tệp ánh xạ riêng (.yaml)"), required=False)
    file = forms.FileField(
        label=_("Tệp sổ (.csv hoặc .xlsx)"),
        help_text=_("CSV lưu bảng mã UTF-8; Excel: trang tính đầu tiên. Tối đa 5 MB."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = importable_orgs(actor)  # type: ignore[attr-defined]
        self.fields["mapping"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (key, mapping_load(path).name) for key, path in mapping_examples().items()
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 5 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("mapping_file")
        if upload is not None:
            if upload.size > MAX_MAPPING:
                self.add_error("mapping_file", _("Tệp ánh xạ quá lớn."))
                return data
            try:
                data["mapping_text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("mapping_file", _("Tệp ánh xạ phải lưu bảng mã UTF-8."))
        elif data.get("mapping"):
            data["mapping_text"] = mapping_examples()[data["mapping"]].read_text(encoding="utf-8")
        else:
            self.add_error("mapping", _("Chọn một mẫu ánh xạ hoặc tải lên tệp ánh xạ."))
        return data
