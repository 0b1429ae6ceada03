"""Demo data for Open311: one integration whose key is `langnghe-demo-key`, receiving at the
people's committee of xã Sa Thầy, and three requests it posted — one answered through the spine's
workflow, so any GeoReport client sees open and closed requests at once (`make run`)."""

from __future__ import annotations

from typing import Any

DEMO_KEY = "langnghe-demo-key"
DEMO_NAME = "Ứng dụng phản ánh hiện trường (demo)"
RECEIVING_SLUG = "ubnd-xa-sathay"

REQUESTS: list[dict[str, Any]] = [
    {
        "service_code": "giao-thong",
        "description": "Đèn đường trước nhà văn hóa thôn 2 bị hỏng hơn một tuần, buổi tối rất tối.",
        "address_string": "Trước nhà văn hóa thôn 2, xã Sa Thầy",
        "lat": "14.4170",
        "long": "107.7960",
        "first_name": "Hòa",
        "last_name": "Trần Thị",
        "phone": "0905123456",
    },
    {
        "service_code": "moi-truong",
        "description": "Rác thải đổ bừa bãi ở bờ suối cạnh cầu tràn thôn 4.",
        "address_string": "Cầu tràn thôn 4, xã Sa Thầy",
        "media_url": "https://example.org/anh/cau-tran-thon-4.jpg",
    },
    {
        "service_code": "thu-tuc-hanh-chinh",
        "description": "Đề nghị bố trí thêm giờ tiếp nhận hồ sơ chiều thứ Bảy tại bộ phận một cửa.",
        "address_string": "Bộ phận một cửa UBND xã Sa Thầy",
        "attributes": {"kind": "recommendation"},
    },
]


def build_demo(*, seed: int, out: Any) -> list[str]:
    from django.contrib.auth import get_user_model

    from langnghe.handling.services import item_transition
    from langnghe.orgs.models import Organisation

    from . import selectors
    from .services import RequestInput, integration_create, service_request_create

    org = Organisation.objects.filter(slug=RECEIVING_SLUG).first()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["admin", "xuly", "truongdonvi"])
    }
    if org is None or "admin" not in users:
        return []
    integration, key = integration_create(
        actor=users["admin"],
        name=DEMO_NAME,
        receiving_org=org,
        raw_key=DEMO_KEY,
        contact="demo@langnghe.local",
    )
    fallback = selectors.services().first()
    if fallback is None:
        return []
    created = []
    for spec in REQUESTS:
        data = dict(spec)
        attributes = data.pop("attributes", {})
        if selectors.service_by_code(data["service_code"]) is None:
            data["service_code"] = fallback.code
        created.append(
            service_request_create(
                integration=integration, data=RequestInput(**data, attributes=attributes)
            )
        )
    # The first one is answered and published through the spine's workflow.
    handler, head = users.get("xuly"), users.get("truongdonvi")
    answered = 0
    item = created[0].item
    if handler is not None and head is not None:
        from langnghe.core.errors import ApplicationError

        try:
            item_transition(item=item, name="start", actor=handler)
            item_transition(
                item=item,
                name="draft_answer",
                actor=handler,
                answer="Xã đã thay bóng đèn đường trước nhà văn hóa thôn 2. Cảm ơn bạn đã báo.",
                public_summary="Đèn đường trước nhà văn hóa thôn 2 bị hỏng.",
                public_answer="Đã thay bóng đèn đường trước nhà văn hóa thôn 2.",
            )
            item_transition(item=item, name="approve_answer", actor=head)
            answered = 1
        except ApplicationError:  # routing sent it elsewhere: the demo stays open
            answered = 0
    return [
        f"Open311: hệ thống kết nối “{integration.name}”, api_key={key} — "
        f"{len(created)} yêu cầu ({answered} đã trả lời) / "
        f"Open311 integration, api_key={key}: {len(created)} requests ({answered} answered); "
        "try /open311/v2/services.json and /open311/v2/requests.json?api_key=" + key,
    ]
