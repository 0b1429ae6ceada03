"""`manage.py demo`: a province, the communes of the former Sa Thầy district before and after the
2025 restructuring, their cadres, the demo accounts (DESIGN.md §5), routing rules and a few hundred
items moved along their workflows through the real services.

Idempotent: on a database that already has organisations it loads the reference data and stops.
Deterministic: a fixed seed chooses names, texts, dates and outcomes (receipt codes and secrets
still come from the `secrets` module, as they must).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from langnghe.orgs.models import (
    AdminUnit,
    Organisation,
    PartyStatus,
    Person,
    Position,
    Role,
    RoleGrant,
    Succession,
)
from langnghe.search.text import fold

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo.yaml"
DEMO_PASSWORD = "langnghe-demo"  # noqa: S105 - the published demo password (DESIGN.md §5)
DEFAULT_ITEMS = 300
DEFAULT_SEED = 2025
SWITCH = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
NQ_1677 = "Nghị quyết 1677/NQ-UBTVQH15 ngày 16/6/2025"
LAW_72 = "Luật Tổ chức chính quyền địa phương 72/2025/QH15"
EMAIL_DOMAIN = "langnghe.local"
HISTORY_DAYS = 320  # items are spread over the last ~10 months
LEGACY_ITEMS = 8  # received by the old communes in May–June 2025, some still open at the merger
# Historical demo items must not e-mail anyone: tasks enqueued while loading are discarded.
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

K = Organisation.Kind
L = Organisation.Level

# (key, organisation key, title, position role, account key or None)
COMMUNE_POSTS: list[tuple[str, str, str, str, str | None]] = [
    ("bi_thu", "dang_uy", "Bí thư Đảng ủy xã", "head", "lanhdao"),
    ("pbt", "dang_uy", "Phó Bí thư Thường trực Đảng ủy xã", "deputy", None),
    ("chu_tich", "ubnd", "Chủ tịch UBND xã", "head", None),
    ("pct1", "ubnd", "Phó Chủ tịch UBND xã", "deputy", "truongdonvi"),
    ("pct2", "ubnd", "Phó Chủ tịch UBND xã", "deputy", None),
    ("pct_hdnd", "hdnd", "Phó Chủ tịch HĐND xã", "deputy", None),
    ("cn_ubkt", "ubkt", "Chủ nhiệm Ủy ban Kiểm tra Đảng ủy xã", "head", None),
    ("pcn_ubkt", "ubkt", "Phó Chủ nhiệm Ủy ban Kiểm tra Đảng ủy xã", "deputy", None),
    ("uv_ubkt", "ubkt", "Ủy viên Ủy ban Kiểm tra Đảng ủy xã", "member", "kiemtra"),
    ("ct_mttq", "mttq", "Chủ tịch Ủy ban MTTQ Việt Nam xã", "head", "ctmttq"),
    ("pct_mttq", "mttq", "Phó Chủ tịch Ủy ban MTTQ Việt Nam xã", "deputy", "mattran"),
    ("mttq_cb", "mttq", "Cán bộ Văn phòng Ủy ban MTTQ xã", "staff", "mttq"),
    ("cvp", "van_phong", "Chánh Văn phòng HĐND và UBND xã", "head", None),
    ("vp_tk", "van_phong", "Công chức Văn phòng - Thống kê", "staff", "xuly"),
    ("tp_ht", "van_phong", "Công chức Tư pháp - Hộ tịch, trực tiếp công dân", "staff", "tiepnhan"),
    ("dc_xd", "ubnd", "Công chức Địa chính - Xây dựng", "staff", None),
    ("tc_kt", "ubnd", "Công chức Tài chính - Kế toán", "staff", None),
    ("vh_xh", "ubnd", "Công chức Văn hóa - Xã hội", "staff", None),
    ("vpdu", "dang_uy", "Chuyên viên Văn phòng Đảng ủy xã", "staff", "vpdu"),
    ("ct_hnd", "hnd", "Chủ tịch Hội Nông dân xã", "head", None),
    ("ct_pn", "phu_nu", "Chủ tịch Hội Liên hiệp Phụ nữ xã", "head", None),
    ("bt_doan", "doan", "Bí thư Đoàn xã", "head", None),
    ("ct_ccb", "ccb", "Chủ tịch Hội Cựu chiến binh xã", "head", None),
]
# Second posts held concurrently, as is usual in a commune.
CONCURRENT_POSTS = [
    ("bi_thu", "hdnd", "Chủ tịch HĐND xã", "head"),
    ("chu_tich", "dang_uy", "Phó Bí thư Đảng ủy xã", "deputy"),
]
# What each account may do, on which of its commune's organisations (DESIGN.md §2).
ACCOUNT_GRANTS: dict[str, list[tuple[str, str]]] = {
    "lanhdao": [("dang_uy", Role.LEADER), ("ubnd", Role.LEADER)],
    "tiepnhan": [("ubnd", Role.RECEPTIONIST), ("dang_uy", Role.RECEPTIONIST)],
    "xuly": [("ubnd", Role.HANDLER)],
    "truongdonvi": [("ubnd", Role.UNIT_HEAD)],
    "kiemtra": [("ubkt", Role.INSPECTOR)],
    "mattran": [("mttq", Role.FRONT_LIAISON)],
    "ctmttq": [("mttq", Role.UNIT_HEAD), ("mttq", Role.FRONT_LIAISON)],
    "mttq": [("mttq", Role.RECEPTIONIST), ("mttq", Role.HANDLER)],
    "vpdu": [("dang_uy", Role.HANDLER)],
}
# The published accounts other than admin (DESIGN.md §5) work in xã Sa Thầy; the other communes
# get "<commune>.<key>" accounts for the same jobs.
DEMO_COMMUNE = "sathay"
DEMO_ACCOUNTS = ["lanhdao", "tiepnhan", "xuly", "truongdonvi", "kiemtra", "mattran"]
FEMALE_POSTS = {"ct_pn"}
GOVERNMENT_ORGS = {"ubnd", "van_phong", "hdnd"}

KIND_WEIGHTS = {
    "feedback": 33,
    "recommendation": 22,
    "suggestion": 13,
    "complaint": 14,
    "denunciation": 18,
}
CHANNEL_WEIGHTS = {
    "online": 40,
    "citizen_reception": 14,
    "suggestion_box": 8,
    "letter": 7,
    "phone": 5,
    "voter_meeting": 6,
    "dialogue_conference": 4,
    "front_meeting": 5,
    "mass_org_meeting": 3,
    "cell_meeting": 3,
    "party_meeting": 3,
    "staff_conference": 2,
}
# Transitions that write or send an Answer row (whose timestamps are back-dated too).
ANSWER_STEPS = {
    "draft_answer",
    "approve_answer",
    "send_decision",
    "send_conclusion",
    "not_accept",
    "terminate",
    "forward",
}
# Outcomes that leave an item open: rarer for old items, as most of a unit's backlog gets done.
OPEN_OUTCOMES = {
    "in_progress",
    "received",
    "info_requested",
    "drafted",
    "verifying",
    "accepted",
    "dialogue",
    "decided",
    "suspended",
    "concluded",
    "management_info",
}
OLD_AGE_DAYS = 45
ETHNIC_SHARE = {"sathay": 0.3, "sabinh": 0.4, "yaly": 0.45, "rokoi": 0.7, "morai": 0.7}


@dataclass
class Commune:
    key: str
    name: str
    unit: AdminUnit
    remote: bool
    villages: int
    weight: int
    old: list[str]
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    cell_heads: list[Person] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"xã {self.name}"


@dataclass
class Staff:
    worker: Any  # handler / inspector: start, verify, draft
    approver: Any  # unit head / leader: approve, route, close


class Builder:
    def __init__(self, *, seed: int, out: Any, progress: bool) -> None:
        self.rng = random.Random(seed)
        self.out = out
        self.progress = progress
        self.data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
        self.today = timezone.localdate()
        self.started = timezone.now()
        self.used_names: set[str] = set()
        self.used_slugs: set[str] = set()
        self.staff: dict[int, Staff] = {}  # handling organisation id → who works and approves
        self.reception: dict[int, Any] = {}  # receiving organisation id → receptionist
        self.users: dict[str, Any] = {}
        self.communes: list[Commune] = []
        self.province: dict[str, Organisation] = {}
        self.legacy_staff: Any = None
        self.counts: Counter[str] = Counter()
        self.last_stamp: dict[int, dt.datetime] = {}
        # One hash for the one published password: a slow hasher (PBKDF2) runs once, not per account.
        self.password_hash = make_password(DEMO_PASSWORD)

    # -- small helpers -----------------------------------------------------------------------------

    def _org(
        self,
        name: str,
        short: str,
        slug: str,
        kind: str,
        level: str,
        parent: Organisation | None,
        **extra: Any,
    ) -> Organisation:
        assert slug not in self.used_slugs, slug
        self.used_slugs.add(slug)
        return Organisation.objects.create(
            name=name, short_name=short, slug=slug, kind=kind, level=level, parent=parent, **extra
        )

    def _name(self, *, female: bool | None = None, local: bool = False) -> str:
        n = self.data["names"]
        female = self.rng.random() < 0.4 if female is None else female
        for _attempt in range(50):
            if local:
                given = self.rng.choice(n["local_given_female" if female else "local_given_male"])
                if self.rng.random() < 0.5:
                    name = f"{'Y' if female else 'A'} {given}"
                else:
                    name = f"{self.rng.choice(n['jrai_family'])} {given}"
            else:
                middle = self.rng.choice(n["kinh_middle_female" if female else "kinh_middle_male"])
                given = self.rng.choice(n["kinh_given_female" if female else "kinh_given_male"])
                name = f"{self.rng.choice(n['kinh_family'])} {middle} {given}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        return name

    def _citizen_name(self, commune: Commune) -> str:
        # Citizens may share names; only cadres are kept distinct, so that none is mistaken.
        n = self.data["names"]
        female = self.rng.random() < 0.45
        if self.rng.random() < ETHNIC_SHARE[commune.key]:
            given = self.rng.choice(n["local_given_female" if female else "local_given_male"])
            return f"{'Y' if female else 'A'} {given}"
        middle = self.rng.choice(n["kinh_middle_female" if female else "kinh_middle_male"])
        given = self.rng.choice(n["kinh_given_female" if female else "kinh_given_male"])
        return f"{self.rng.choice(n['kinh_family'])} {middle} {given}"

    def _user(self, username: str, *, person: Person | None = None, **extra: Any) -> Any:
        user_model = get_user_model()
        user, _created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@{EMAIL_DOMAIN}", **extra}
        )
        user.password = self.password_hash
        user.save()
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
            if person.full_name:
                parts = person.full_name.split()
                user.last_name, user.first_name = " ".join(parts[:-1]), parts[-1]
                user.save(update_fields=["first_name", "last_name"])
        self.users[username] = user
        return user

    def _grant(self, user: Any, org: Organisation, role: str) -> None:
        RoleGrant.objects.get_or_create(user=user, organisation=org, role=role)

    def _person(
        self,
        name: str,
        org: Organisation | None,
        title: str,
        role: str,
        *,
        party: bool = True,
        valid_from: dt.date | None = SWITCH,
    ) -> Person:
        person = Person.objects.create(
            full_name=name,
            is_party_member=party,
            party_status=PartyStatus.FULL if party else "",
        )
        if org is not None:
            Position.objects.create(
                person=person, organisation=org, title=title, role=role, valid_from=valid_from
            )
        return person

    def _weekday(self, day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    def _after(self, day: dt.date | None, low: int, high: int) -> dt.date | None:
        """A working day `low`..`high` days after `day`, or None if that is still in the future
        (or if `day` itself never came: the item's story stops there)."""
        if day is None:
            return None
        later = self._weekday(day + dt.timedelta(days=self.rng.randint(low, high)))
        return later if later <= self.today else None

    def _at(self, day: dt.date) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time(self.rng.randint(7, 16), self.rng.randint(0, 59)))
        return timezone.make_aware(naive)

    def _fill(self, text: str, values: dict[str, str]) -> str:
        return text.format(**values)

    # -- the structure -----------------------------------------------------------------------------

    def build_province(self) -> None:
        u51 = AdminUnit.objects.get(code="51", scheme="post-2025")
        p = self.province
        p["tinh_uy"] = self._org(
            "Tỉnh ủy Quảng Ngãi",
            "Tỉnh ủy",
            "tinh-uy",
            K.PARTY_COMMITTEE,
            L.PROVINCE,
            None,
            admin_unit=u51,
        )
        p["ubkt"] = self._org(
            "Ủy ban Kiểm tra Tỉnh ủy Quảng Ngãi",
            "UBKT Tỉnh ủy",
            "ubkt-tinh-uy",
            K.INSPECTION_COMMISSION,
            L.PROVINCE,
            p["tinh_uy"],
            admin_unit=u51,
        )
        p["ubnd"] = self._org(
            "Ủy ban nhân dân tỉnh Quảng Ngãi",
            "UBND tỉnh",
            "ubnd-tinh",
            K.PEOPLES_COMMITTEE,
            L.PROVINCE,
            None,
            admin_unit=u51,
        )
        p["hdnd"] = self._org(
            "Hội đồng nhân dân tỉnh Quảng Ngãi",
            "HĐND tỉnh",
            "hdnd-tinh",
            K.PEOPLES_COUNCIL,
            L.PROVINCE,
            None,
            admin_unit=u51,
            accepts_items=False,
        )
        p["mttq"] = self._org(
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ngãi",
            "Ủy ban MTTQ tỉnh",
            "mttq-tinh",
            K.FATHERLAND_FRONT,
            L.PROVINCE,
            None,
            admin_unit=u51,
        )

        admin_person = self._person("Đặng Minh Quân", None, "", "staff", party=False)
        admin = self._user("admin", person=admin_person, is_staff=True, is_superuser=True)
        for key in ("tinh_uy", "ubnd", "hdnd", "mttq"):  # the roots: their grants cover everything
            self._grant(admin, p[key], Role.ADMIN)
        self.admin = admin

        worker = self._user(
            "tinh.xuly",
            person=self._person(
                self._name(), p["ubnd"], "Chuyên viên Ban Tiếp công dân tỉnh", "staff"
            ),
        )
        approver = self._user(
            "tinh.lanhdao",
            person=self._person(self._name(), p["ubnd"], "Trưởng Ban Tiếp công dân tỉnh", "staff"),
        )
        self._grant(worker, p["ubnd"], Role.HANDLER)
        self._grant(worker, p["tinh_uy"], Role.HANDLER)
        self._grant(approver, p["ubnd"], Role.UNIT_HEAD)
        self._grant(approver, p["tinh_uy"], Role.LEADER)
        for key in ("tinh_uy", "ubkt", "ubnd"):
            self.staff[p[key].pk] = Staff(worker, approver)

    def build_communes(self) -> None:
        p = self.province
        for row in self.data["communes"]:
            unit = AdminUnit.objects.get(name=row["unit"], scheme="post-2025")
            c = Commune(
                key=row["key"],
                name=row["name"],
                unit=unit,
                remote=row["remote"],
                villages=row["villages"],
                weight=row["weight"],
                old=row["old"],
            )
            s = c.key
            common = {"valid_from": SWITCH, "admin_unit": unit, "remote_area": c.remote}
            o = c.orgs
            o["dang_uy"] = self._org(
                f"Đảng ủy xã {c.name}",
                f"ĐU xã {c.name}",
                f"dang-uy-xa-{s}",
                K.PARTY_COMMITTEE,
                L.COMMUNE,
                p["tinh_uy"],
                **common,
            )
            o["ubkt"] = self._org(
                f"Ủy ban Kiểm tra Đảng ủy xã {c.name}",
                f"UBKT ĐU xã {c.name}",
                f"ubkt-xa-{s}",
                K.INSPECTION_COMMISSION,
                L.COMMUNE,
                o["dang_uy"],
                **common,
            )
            o["ubnd"] = self._org(
                f"Ủy ban nhân dân xã {c.name}",
                f"UBND xã {c.name}",
                f"ubnd-xa-{s}",
                K.PEOPLES_COMMITTEE,
                L.COMMUNE,
                p["ubnd"],
                **common,
            )
            o["van_phong"] = self._org(
                f"Văn phòng HĐND và UBND xã {c.name}",
                f"VP HĐND-UBND xã {c.name}",
                f"van-phong-xa-{s}",
                K.AGENCY,
                L.COMMUNE,
                o["ubnd"],
                accepts_items=False,
                **common,
            )
            o["hdnd"] = self._org(
                f"Hội đồng nhân dân xã {c.name}",
                f"HĐND xã {c.name}",
                f"hdnd-xa-{s}",
                K.PEOPLES_COUNCIL,
                L.COMMUNE,
                p["hdnd"],
                accepts_items=False,
                **common,
            )
            o["mttq"] = self._org(
                f"Ủy ban Mặt trận Tổ quốc Việt Nam xã {c.name}",
                f"UBMTTQ xã {c.name}",
                f"mttq-xa-{s}",
                K.FATHERLAND_FRONT,
                L.COMMUNE,
                p["mttq"],
                **common,
            )
            for key, name, slug in (
                ("hnd", "Hội Nông dân", "hoi-nong-dan"),
                ("phu_nu", "Hội Liên hiệp Phụ nữ", "hoi-phu-nu"),
                ("doan", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "doan-thanh-nien"),
                ("ccb", "Hội Cựu chiến binh", "hoi-cuu-chien-binh"),
            ):
                o[key] = self._org(
                    f"{name} xã {c.name}",
                    f"{name} xã {c.name}",
                    f"{slug}-xa-{s}",
                    K.MASS_ORG,
                    L.COMMUNE,
                    o["mttq"],
                    accepts_items=False,
                    **common,
                )
            cells = [
                self._org(
                    f"Chi bộ thôn {i}, xã {c.name}",
                    f"Chi bộ thôn {i}",
                    f"chi-bo-thon-{i}-xa-{s}",
                    K.PARTY_CELL,
                    L.VILLAGE,
                    o["dang_uy"],
                    accepts_items=False,
                    **common,
                )
                for i in range(1, c.villages + 1)
            ]
            # The commune's cadres belong to the two office cells (KD-10: reviewed there).
            for key, label, cell_slug in (
                ("cb_dang", "Chi bộ Cơ quan Đảng - Mặt trận - đoàn thể", "chi-bo-co-quan-dang"),
                ("cb_cq", "Chi bộ Cơ quan chính quyền", "chi-bo-co-quan-chinh-quyen"),
            ):
                o[key] = self._org(
                    f"{label} xã {c.name}",
                    label,
                    f"{cell_slug}-xa-{s}",
                    K.PARTY_CELL,
                    L.COMMUNE,
                    o["dang_uy"],
                    accepts_items=False,
                    **common,
                )
            self._people(c, cells)
            self.communes.append(c)

    def _people(self, c: Commune, cells: list[Organisation]) -> None:
        local_share = ETHNIC_SHARE[c.key]
        for key, org_key, title, role, account in COMMUNE_POSTS:
            if account == "mattran" and c.key != DEMO_COMMUNE:
                account = None  # the Front liaison account is a demo of that role only
            name = self._name(
                female=True if key in FEMALE_POSTS else None, local=self.rng.random() < local_share
            )
            person = self._person(
                name,
                c.orgs[org_key],
                f"{title} {c.name}",
                role,
                party=key not in {"mttq_cb", "tc_kt"},
            )
            if person.is_party_member:
                cell_key = "cb_cq" if org_key in GOVERNMENT_ORGS else "cb_dang"
                person.party_cell = c.orgs[cell_key]
                # One young cadre per commune is still on probation (KT-8 limits their forms).
                if key == "vh_xh":
                    person.party_status = PartyStatus.PROBATIONARY
                person.save(update_fields=["party_cell", "party_status"])
            c.people[key] = person
            if account is not None:
                username = (
                    account
                    if c.key == DEMO_COMMUNE and account in DEMO_ACCOUNTS
                    else f"{c.key}.{account}"
                )
                user = self._user(username, person=person)
                c.users[account] = user
                for target, grant_role in ACCOUNT_GRANTS[account]:
                    self._grant(user, c.orgs[target], grant_role)
        for key, org_key, title, role in CONCURRENT_POSTS:
            Position.objects.create(
                person=c.people[key],
                organisation=c.orgs[org_key],
                title=f"{title} {c.name}",
                role=role,
                valid_from=SWITCH,
            )
        for i, cell in enumerate(cells, start=1):
            head = self._person(
                self._name(local=self.rng.random() < local_share),
                cell,
                f"Bí thư Chi bộ thôn {i}",
                "head",
            )
            c.cell_heads.append(head)
        u = c.users
        self.staff[c.orgs["ubnd"].pk] = Staff(u["xuly"], u["truongdonvi"])
        self.staff[c.orgs["dang_uy"].pk] = Staff(u["vpdu"], u["lanhdao"])
        self.staff[c.orgs["ubkt"].pk] = Staff(u["kiemtra"], u["lanhdao"])
        self.staff[c.orgs["mttq"].pk] = Staff(u["mttq"], u["ctmttq"])
        for key in ("ubnd", "dang_uy"):
            self.reception[c.orgs[key].pk] = u["tiepnhan"]
        self.reception[c.orgs["mttq"].pk] = u["mttq"]

    def build_legacy(self) -> None:
        """The 2023 district structure, ended on 30/6/2025, with its successions (RULES.md §9)."""
        p = self.province
        u616 = AdminUnit.objects.get(code="616", scheme="pre-2025")
        ended = {"valid_to": LAST_OLD_DAY}
        huyen_uy = self._org(
            "Huyện ủy Sa Thầy",
            "Huyện ủy Sa Thầy",
            "huyen-uy-sa-thay",
            K.PARTY_COMMITTEE,
            L.DISTRICT_LEGACY,
            p["tinh_uy"],
            admin_unit=u616,
            **ended,
        )
        ubnd_huyen = self._org(
            "Ủy ban nhân dân huyện Sa Thầy",
            "UBND huyện Sa Thầy",
            "ubnd-huyen-sa-thay",
            K.PEOPLES_COMMITTEE,
            L.DISTRICT_LEGACY,
            p["ubnd"],
            admin_unit=u616,
            **ended,
        )
        mttq_huyen = self._org(
            "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Sa Thầy",
            "UBMTTQ huyện Sa Thầy",
            "mttq-huyen-sa-thay",
            K.FATHERLAND_FRONT,
            L.DISTRICT_LEGACY,
            p["mttq"],
            admin_unit=u616,
            **ended,
        )
        self.legacy_ubnd: list[tuple[Organisation, AdminUnit, Commune]] = []
        for c in self.communes:
            for old_name in c.old:
                unit = AdminUnit.objects.get(name=old_name, scheme="pre-2025")
                label = old_name[0].lower() + old_name[1:]  # "xã Sa Sơn", "thị trấn Sa Thầy"
                slug = "-".join(fold(label).split())
                party = self._org(
                    f"Đảng ủy {label}",
                    f"ĐU {label}",
                    f"dang-uy-{slug}-cu",
                    K.PARTY_COMMITTEE,
                    L.COMMUNE,
                    huyen_uy,
                    admin_unit=unit,
                    **ended,
                )
                ubnd = self._org(
                    f"Ủy ban nhân dân {label}",
                    f"UBND {label}",
                    f"ubnd-{slug}-cu",
                    K.PEOPLES_COMMITTEE,
                    L.COMMUNE,
                    ubnd_huyen,
                    admin_unit=unit,
                    **ended,
                )
                kind = Succession.Kind.MERGE if len(c.old) > 1 else Succession.Kind.RENAME
                basis = (
                    NQ_1677
                    if kind == Succession.Kind.MERGE
                    else f"{NQ_1677} (giữ nguyên, trực thuộc tỉnh)"
                )
                for old, new in ((party, c.orgs["dang_uy"]), (ubnd, c.orgs["ubnd"])):
                    Succession.objects.create(
                        kind=kind,
                        predecessor=old,
                        successor=new,
                        effective_date=SWITCH,
                        legal_basis=basis,
                    )
                self.legacy_ubnd.append((ubnd, unit, c))
        # The district level ended (RS-1): a dissolved body's cases go to its former managing body
        # (RS-9), here the province's.
        for old, new in (
            (huyen_uy, p["tinh_uy"]),
            (ubnd_huyen, p["ubnd"]),
            (mttq_huyen, p["mttq"]),
        ):
            Succession.objects.create(
                kind=Succession.Kind.DISSOLVE,
                predecessor=old,
                successor=new,
                effective_date=SWITCH,
                legal_basis=LAW_72,
            )
        person = self._person(
            self._name(),
            ubnd_huyen,
            "Chuyên viên Ban Tiếp công dân huyện (đến 30/6/2025)",
            "staff",
            valid_from=None,
        )
        Position.objects.filter(person=person).update(valid_to=LAST_OLD_DAY)
        user = self._user("huyen.xuly", person=person)
        self._grant(user, ubnd_huyen, Role.HANDLER)
        self._grant(user, ubnd_huyen, Role.UNIT_HEAD)
        self.legacy_staff = Staff(user, user)
        for ubnd, _unit, _c in self.legacy_ubnd:
            self.staff[ubnd.pk] = self.legacy_staff

    def build_rules(self) -> None:
        from langnghe.handling.config_services import routing_rule_save
        from langnghe.intake.models import Topic

        topics = {t.code: t for t in Topic.objects.all()}
        for c in self.communes:
            rules = [
                (f"Xã {c.name}: mặc định", None, "ubnd", 0),
                (f"Xã {c.name}: cán bộ, đảng viên", "can-bo-dang-vien", "dang_uy", 10),
                (f"Xã {c.name}: đất đai", "dat-dai", "ubnd", 10),
                (f"Xã {c.name}: xây dựng", "xay-dung", "ubnd", 10),
            ]
            for name, topic, target, priority in rules:
                routing_rule_save(
                    rule_data={
                        "name": name,
                        "topic": topics.get(topic) if topic else None,
                        "admin_unit": c.unit,
                        "kind": "",
                        "target": c.orgs[target],
                        "priority": priority,
                        "active": True,
                    },
                    actor=self.admin,
                )
                self.counts["rules"] += 1

    # -- items -----------------------------------------------------------------------------------

    def _stamp(self, item: Any, when: dt.datetime, *, answers: bool = False) -> None:
        """Date what the last service call wrote to the day it stands for (the services stamp
        'now'; the demo's history happened earlier)."""
        from langnghe.handling.models import Answer, ItemEvent
        from langnghe.intake.models import Item

        last = self.last_stamp.get(item.pk)
        if last is not None and when <= last:  # two acts on one day keep their order
            when = last + dt.timedelta(minutes=self.rng.randint(20, 120))
        self.last_stamp[item.pk] = when
        ItemEvent.objects.filter(item_id=item.pk, at__gte=self.started).update(at=when)
        if answers:
            for name in ("drafted_at", "approved_at", "sent_at"):
                Answer.objects.filter(item_id=item.pk, **{f"{name}__gte": self.started}).update(
                    **{name: when}
                )
        stale = {
            name: when
            for name in ("closed_at", "published_at")
            if getattr(item, name, None) is not None and getattr(item, name) >= self.started
        }
        if stale:
            Item.objects.filter(pk=item.pk).update(**stale)

    def _step(
        self, item: Any, name: str, day: dt.date | None, actor: Any = None, **kwargs: Any
    ) -> Any:
        from langnghe.handling.services import item_transition

        if day is None:
            return None
        item = item_transition(item=item, name=name, actor=actor, act_date=day, **kwargs)
        self._stamp(item, self._at(day), answers=name in ANSWER_STEPS)
        return item

    def _rate(self, item: Any, secret: str, day: dt.date | None) -> None:
        from langnghe.handling.services import item_rate

        if day is None or self.rng.random() > 0.45:
            return
        rating = self.rng.choices([5, 4, 3, 2, 1], weights=[35, 30, 15, 12, 8])[0]
        comments = self.data["replies"]["rating_comments"]
        comment = (
            comments[0 if rating >= 4 else 2 if rating == 3 else 3]
            if self.rng.random() < 0.6
            else ""
        )
        item_rate(item=item, citizen_secret=secret, rating=rating, comment=comment)
        self._stamp(item, self._at(day))
        self.counts["rated"] += 1

    def _outcome(self, weights: dict[str, float], day: dt.date) -> str:
        if (self.today - day).days > OLD_AGE_DAYS:
            weights = {k: w * 0.25 if k in OPEN_OUTCOMES else w for k, w in weights.items()}
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _petition(self, item: Any, secret: str, tpl: dict[str, Any], day: dt.date) -> None:
        staff = self.staff.get(item.handling_org_id)
        if staff is None:
            return
        r = self.data["replies"]
        outcome = self._outcome(
            {
                "answered": 55,
                "unpublished": 6,
                "in_progress": 12,
                "received": 5,
                "info_requested": 5,
                "drafted": 6,
                "forwarded": 4,
                "not_accepted": 4,
                "reopened": 1.5,
            },
            day,
        )
        if outcome == "received":
            return
        if outcome == "not_accepted":
            self._step(
                item,
                "not_accept",
                self._after(day, 1, 5),
                staff.approver,
                reason=self.rng.choice(r["not_accept"]),
            )
            return
        if outcome == "forwarded":
            self._step(
                item,
                "forward",
                self._after(day, 1, 5),
                staff.approver,
                reason=r["forward"],
                target_body=self.rng.choice(self.data["forward_targets"]),
            )
            return
        d1 = self._after(day, 0, 3)
        item = self._step(item, "start", d1, staff.worker)
        if item is None or outcome == "in_progress":
            return
        if outcome == "info_requested":
            d2 = self._after(d1, 1, 5)
            item = self._step(item, "request_info", d2, staff.worker, message=r["info_request"])
            if item is not None and self.rng.random() < 0.5:
                self._step(
                    item,
                    "citizen_reply",
                    self._after(d2, 1, 4),
                    citizen_secret=secret,
                    message=r["citizen_reply"],
                )
            return
        late = self.rng.random() < 0.15
        d2 = self._after(d1, 10, 22) if late else self._after(d1, 2, 8)
        item = self._step(
            item,
            "draft_answer",
            d2,
            staff.worker,
            answer=tpl["answer"],
            public_summary=item.title,
            public_answer=tpl["answer"],
        )
        if item is None or outcome == "drafted":
            return
        d3 = self._after(d2, 1, 3)
        item = self._step(
            item, "approve_answer", d3, staff.approver, publish=outcome != "unpublished"
        )
        if item is None:
            return
        if outcome == "reopened":
            self._step(
                item,
                "reopen",
                self._after(d3, 3, 10),
                citizen_secret=secret,
                message=r["reopen"],
            )
            return
        self._rate(item, secret, self._after(d3, 1, 10))

    def _complaint(self, item: Any, secret: str, tpl: dict[str, Any], day: dt.date) -> None:
        staff = self.staff.get(item.handling_org_id)
        if staff is None:
            return
        r = self.data["replies"]
        outcome = self._outcome(
            {
                "sent": 45,
                "verifying": 16,
                "accepted": 8,
                "dialogue": 6,
                "decided": 4,
                "not_accepted": 8,
                "received": 6,
                "terminated": 5,
            },
            day,
        )
        if outcome == "received":
            return
        if outcome == "not_accepted":
            self._step(
                item,
                "not_accept",
                self._after(day, 2, 8),
                staff.approver,
                reason=self.rng.choice(r["not_accept_complaint"]),
            )
            return
        d = self._after(day, 2, 8)
        item = self._step(item, "accept", d, staff.worker)
        if item is None or outcome == "accepted":
            return
        if outcome == "terminated":
            self._step(
                item, "terminate", self._after(d, 3, 15), staff.approver, reason=r["terminate"]
            )
            return
        d = self._after(d, 1, 4)
        item = self._step(item, "start_verification", d, staff.worker)
        if item is None or outcome == "verifying":
            return
        if outcome == "dialogue" or self.rng.random() < 0.5:
            d = self._after(d, 7, 15)
            item = self._step(item, "hold_dialogue", d, staff.worker, message=r["dialogue"])
            if item is None or outcome == "dialogue":
                return
        d = self._after(d, 4, 12)
        item = self._step(
            item,
            "draft_answer",
            d,
            staff.worker,
            answer=tpl["answer"],
            public_summary=item.title,
            public_answer=tpl["answer"],
        )
        if item is None:
            return
        d = self._after(d, 1, 3)
        item = self._step(item, "approve_answer", d, staff.approver)
        if item is None or outcome == "decided":
            return
        d = self._after(d, 1, 2)
        item = self._step(item, "send_decision", d, staff.worker)
        if item is not None:
            self._rate(item, secret, self._after(d, 2, 12))

    def _denunciation(self, item: Any, secret: str, tpl: dict[str, Any], day: dt.date) -> None:
        staff = self.staff.get(item.handling_org_id)
        if staff is None:
            return
        r = self.data["replies"]
        if item.anonymous:  # TC-4: not handled as a denunciation; concrete evidence is checked
            outcome = self._outcome(
                {"received": 10, "not_processed": 45, "management_info": 45}, day
            )
            if outcome == "not_processed":
                self._step(
                    item,
                    "not_process",
                    self._after(day, 1, 6),
                    staff.approver,
                    reason=r["not_process"],
                )
            elif outcome == "management_info":
                d = self._after(day, 1, 6)
                item = self._step(
                    item, "use_as_management_info", d, staff.approver, reason=r["management_info"]
                )
                if item is not None and self.rng.random() < 0.6:
                    self._step(
                        item,
                        "close_management_info",
                        self._after(d, 5, 20),
                        staff.approver,
                        answer=r["management_closed"],
                    )
            return
        outcome = self._outcome(
            {
                "sent": 40,
                "verifying": 24,
                "accepted": 7,
                "received": 7,
                "withdrawn": 5,
                "forwarded": 5,
                "suspended": 5,
                "concluded": 4,
            },
            day,
        )
        if outcome == "received":
            return
        if outcome == "forwarded":
            self._step(
                item,
                "forward",
                self._after(day, 2, 6),
                staff.approver,
                reason=r["forward"],
                target_body=self.rng.choice(self.data["forward_targets"]),
            )
            return
        d = self._after(day, 2, 7)
        item = self._step(item, "accept", d, staff.worker)
        if item is None or outcome == "accepted":
            return
        if outcome == "withdrawn":
            self._step(
                item, "withdraw", self._after(d, 3, 12), staff.approver, reason=r["withdraw"]
            )
            return
        d = self._after(d, 1, 4)
        item = self._step(item, "notify_parties", d, staff.worker)
        if item is None or outcome == "verifying":
            return
        if outcome == "suspended":
            self._step(item, "suspend", self._after(d, 5, 12), staff.approver, reason=r["suspend"])
            return
        d = self._after(d, 12, 25)
        item = self._step(
            item,
            "draft_answer",
            d,
            staff.worker,
            answer=tpl["answer"],
            public_summary=item.title,
            public_answer=tpl.get("public_answer", ""),
            finding=tpl.get("finding", "partly_true"),
        )
        if item is None:
            return
        d = self._after(d, 1, 3)
        item = self._step(item, "approve_answer", d, staff.approver)
        if item is None or outcome == "concluded":
            return
        d = self._after(d, 1, 4)
        item = self._step(item, "send_conclusion", d, staff.worker)
        if item is not None:
            self._rate(item, secret, self._after(d, 2, 12))

    def _identity(self, c: Commune, address: str, group_size: int) -> dict[str, Any]:
        identity: dict[str, Any] = {
            "name": self._citizen_name(c),
            "address": address,
            "phone": "0"
            + self.rng.choice(["90", "91", "96", "97", "98", "33", "35", "38", "86"])
            + "".join(str(self.rng.randint(0, 9)) for _ in range(7)),
        }
        if self.rng.random() < 0.25:
            identity["email"] = f"nguoidan{self.rng.randint(100, 9999)}@example.vn"
        if group_size >= 5:
            most = 2 if group_size <= 10 else 5
            identity["representatives"] = [
                self._citizen_name(c) for _ in range(self.rng.randint(1, most))
            ]
        return identity

    def _channel_detail(
        self, channel: str, c: Commune, day: dt.date, village: int
    ) -> dict[str, str]:
        meetings = {
            "voter_meeting": "Tiếp xúc cử tri trước kỳ họp HĐND xã",
            "dialogue_conference": "Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
            "front_meeting": "Gặp gỡ Ủy ban MTTQ xã",
            "mass_org_meeting": "Sinh hoạt chi hội Nông dân",
            "cell_meeting": f"Sinh hoạt chi bộ thôn {village}",
            "party_meeting": "Gặp Thường trực Đảng ủy xã",
            "staff_conference": "Hội nghị cán bộ, công chức xã",
            "citizen_reception": "Tiếp công dân định kỳ",
        }
        if channel in meetings:
            return {
                "meeting_name": meetings[channel],
                "meeting_date": day.isoformat(),
                "meeting_place": f"Trụ sở {c.label}"
                if channel != "cell_meeting"
                else f"Nhà văn hóa thôn {village}",
            }
        if channel == "suggestion_box":
            return {
                "box_name": f"Hòm thư góp ý nhà văn hóa thôn {village}",
                "box_opened_on": day.isoformat(),
            }
        if channel == "letter":
            return {"letter_date": (day - dt.timedelta(days=self.rng.randint(2, 6))).isoformat()}
        if channel == "phone":
            return {
                "call_time": f"{self.rng.randint(7, 16):02d}:{self.rng.randint(0, 59):02d}",
                "phone_line": "Đường dây nóng của xã",
            }
        return {}

    def _submission_for(
        self, c: Commune, tpl: dict[str, Any], received: dt.datetime
    ) -> tuple[Any, Any]:
        from langnghe.intake.models import Kind
        from langnghe.intake.services import Part, Submission
        from langnghe.orgs.gazetteer import convert_address

        day = timezone.localdate(received)
        village = self.rng.randint(1, c.villages)
        concerned_person = concerned_org = None
        who = ""
        concerns = tpl.get("concerns")
        if concerns == "office":
            concerned_org = c.orgs["van_phong"]
        elif concerns == "staff":
            concerned_person = c.people["dc_xd"]
        elif concerns == "chair":
            concerned_person = c.people["chu_tich"]
        elif concerns == "party_member":
            concerned_person = self.rng.choice(c.cell_heads)
        if concerned_person is not None:
            who = concerned_person.full_name
        values = {
            "thon": f"thôn {village}",
            "Thon": f"Thôn {village}",
            "xa": c.label,
            "n": str(self.rng.randint(2, 15)),
            "nguoi": who,
            "ngay": (day - dt.timedelta(days=self.rng.randint(3, 12))).strftime("%d/%m/%Y"),
        }
        kind = tpl["kind"]
        parts = [Part(kind=kind, body=self._fill(tpl["body"], values))]
        if kind in (Kind.FEEDBACK, Kind.RECOMMENDATION) and self.rng.random() < 0.04:
            extra = self.rng.choice([p for p in self.data["second_parts"] if p["kind"] != kind])
            parts.append(Part(kind=extra["kind"], body=extra["body"]))

        channel = self.rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        if kind == Kind.DENUNCIATION and channel in (
            "voter_meeting",
            "dialogue_conference",
            "staff_conference",
        ):
            channel = "letter"  # a denunciation is not raised in a public meeting
        if channel in ("party_meeting", "cell_meeting") or (
            channel == "online" and tpl["topic"] == "can-bo-dang-vien" and self.rng.random() < 0.5
        ):
            receiving = c.orgs["dang_uy"]
        elif channel in ("front_meeting", "mass_org_meeting"):
            receiving = c.orgs["mttq"]
        else:
            receiving = c.orgs["ubnd"]
        actor = None if channel == "online" else self.reception[receiving.pk]

        if kind == Kind.DENUNCIATION:
            anonymous = self.rng.random() < (0.5 if channel == "suggestion_box" else 0.25)
        else:
            anonymous = self.rng.random() < (0.5 if channel == "suggestion_box" else 0.07)
        group_size = 1
        if not anonymous and kind != Kind.DENUNCIATION and self.rng.random() < 0.07:
            group_size = self.rng.choice([5, 6, 8, 12, 20, 35])
        # Some people still write the old commune's name (DESIGN.md §4: converted by the gazetteer).
        if self.rng.random() < 0.15:
            old = self.rng.choice(c.old)
            location = f"Thôn {village}, {old[0].lower() + old[1:]}, huyện Sa Thầy, tỉnh Kon Tum"
            unit = convert_address(location, on=day) or c.unit
            self.counts["old_addresses"] += 1
        else:
            location = f"Thôn {village}, {c.label}, tỉnh Quảng Ngãi"
            unit = c.unit
        topic = self.topics[tpl["topic"]]
        indicator_ids = [self.indicators[code] for code in tpl.get("indicators") or []]
        submission = Submission(
            parts=parts,
            channel=channel,
            receiving_org=receiving,
            title=self._fill(tpl["title"], values),
            topic=topic,
            admin_unit=unit,
            location_text=location,
            concerned_org=concerned_org,
            concerned_person=concerned_person,
            indicator_ids=indicator_ids,
            anonymous=anonymous,
            identity={} if anonymous else self._identity(c, location, group_size),
            wants_notifications=not anonymous and self.rng.random() < 0.4,
            group_size=group_size,
            channel_detail=self._channel_detail(channel, c, day, village),
            party_matter=bool(tpl.get("party_matter")),
            received_at=received,
        )
        return submission, actor

    def _received_at(self) -> dt.datetime:
        days_ago = 0 if self.rng.random() < 0.03 else int(self.rng.triangular(1, HISTORY_DAYS, 25))
        day = self.today - dt.timedelta(days=days_ago)
        while day.weekday() >= 5:  # offices receive on working days; step back to the Friday
            day -= dt.timedelta(days=1)
        when = self._at(day)
        return min(when, timezone.now() - dt.timedelta(minutes=5))

    def _advance(self, item: Any, secret: str, tpl: dict[str, Any], day: dt.date) -> None:
        from langnghe.intake.models import Kind

        if item.kind == Kind.COMPLAINT:
            self._complaint(item, secret, tpl, day)
        elif item.kind == Kind.DENUNCIATION:
            self._denunciation(item, secret, tpl, day)
        else:
            self._petition(item, secret, tpl, day)

    def build_items(self, total: int) -> None:
        from langnghe.handling.services import item_route
        from langnghe.intake.services import item_submit

        by_kind: dict[str, list[dict[str, Any]]] = {}
        for tpl in self.data["templates"]:
            by_kind.setdefault(tpl["kind"], []).append(tpl)
        weights = [c.weight for c in self.communes]
        created = 0
        with tqdm(
            total=total,
            desc="Ý kiến mẫu",
            unit="ý kiến",
            disable=not self.progress,
            file=sys.stderr,
        ) as bar:
            while created < total:
                c = self.rng.choices(self.communes, weights=weights)[0]
                kind = self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
                tpl = self.rng.choice(by_kind[kind])
                received = self._received_at()
                submission, actor = self._submission_for(c, tpl, received)
                result = item_submit(submission=submission, actor=actor)
                for item in result.items:
                    self._stamp(item, received)
                day = timezone.localdate(received)
                for item in result.items:
                    if tpl.get("route_to") == "front" and item.kind == tpl["kind"]:
                        router = self.reception[item.receiving_org_id]
                        item = item_route(
                            item=item,
                            actor=router,
                            unit=c.orgs["mttq"],
                            reason="Chuyển Ủy ban MTTQ xã giám sát và trả lời.",
                        )
                        self._stamp(item, self._at(day))
                    self._advance(item, result.secret, tpl, day)
                created += len(result.items)
                bar.update(len(result.items))

    def build_legacy_items(self) -> None:
        """Items the old communes received before the merger; the open ones move with it (RS-9)."""
        from langnghe.intake.models import Channel, Kind
        from langnghe.intake.services import Part, Submission, item_submit

        templates = [
            t for t in self.data["templates"] if t["kind"] in (Kind.FEEDBACK, Kind.RECOMMENDATION)
        ]
        self.legacy_open: list[tuple[Any, str, dict[str, Any], Commune]] = []
        for n in range(LEGACY_ITEMS):
            ubnd, unit, c = self.rng.choice(self.legacy_ubnd)
            tpl = self.rng.choice(templates)
            day = self._weekday(dt.date(2025, 5, 19) + dt.timedelta(days=self.rng.randint(0, 35)))
            village = self.rng.randint(1, 4)
            label = unit.name[0].lower() + unit.name[1:]
            values = {
                "thon": f"thôn {village}",
                "Thon": f"Thôn {village}",
                "xa": label,
                "n": str(self.rng.randint(2, 15)),
                "nguoi": "",
                "ngay": day.strftime("%d/%m/%Y"),
            }
            location = f"Thôn {village}, {label}, huyện Sa Thầy, tỉnh Kon Tum"
            received = self._at(day)
            result = item_submit(
                submission=Submission(
                    parts=[Part(kind=tpl["kind"], body=self._fill(tpl["body"], values))],
                    channel=Channel.ONLINE,
                    receiving_org=ubnd,
                    title=self._fill(tpl["title"], values),
                    topic=self.topics[tpl["topic"]],
                    admin_unit=unit,
                    location_text=location,
                    identity=self._identity(c, location, 1),
                    received_at=received,
                )
            )
            item, secret = result.items[0], result.secret
            self._stamp(item, received)
            staff = self.legacy_staff
            if n < 3:  # answered before the merger
                d1 = self._weekday(day + dt.timedelta(days=1))
                item = self._step(item, "start", d1, staff.worker)
                d2 = self._weekday(d1 + dt.timedelta(days=4))
                item = self._step(
                    item,
                    "draft_answer",
                    d2,
                    staff.worker,
                    answer=tpl["answer"],
                    public_summary=item.title,
                    public_answer=tpl["answer"],
                )
                self._step(
                    item, "approve_answer", self._weekday(d2 + dt.timedelta(days=2)), staff.approver
                )
            else:
                if n % 2:
                    item = self._step(
                        item, "start", self._weekday(day + dt.timedelta(days=2)), staff.worker
                    )
                self.legacy_open.append((item, secret, tpl, c))

    def apply_successions(self) -> None:
        from langnghe.handling.models import ItemEvent
        from langnghe.orgs.services import succession_apply

        for succession in Succession.objects.order_by("pk"):
            result = succession_apply(succession=succession, actor=self.admin)
            self.counts["moved_by_succession"] += len(result.moved)
        ItemEvent.objects.filter(type=ItemEvent.Type.SUCCESSION, at__gte=self.started).update(
            at=timezone.make_aware(dt.datetime.combine(SWITCH, dt.time(7, 30)))
        )
        # The new communes carry on: some of the inherited cases are answered in July–August 2025.
        for i, (item, _secret, tpl, _c) in enumerate(self.legacy_open):
            if i >= 3:
                break
            item.refresh_from_db()
            staff = self.staff[item.handling_org_id]
            day = self._weekday(SWITCH + dt.timedelta(days=self.rng.randint(3, 20)))
            if item.status == "received":
                item = self._step(item, "start", day, staff.worker)
            d2 = self._weekday(day + dt.timedelta(days=5))
            item = self._step(
                item,
                "draft_answer",
                d2,
                staff.worker,
                answer=tpl["answer"],
                public_summary=item.title,
                public_answer=tpl["answer"],
            )
            self._step(
                item, "approve_answer", self._weekday(d2 + dt.timedelta(days=2)), staff.approver
            )
        # The district's reception account ended with the district.
        self.legacy_staff.worker.is_active = False
        self.legacy_staff.worker.save(update_fields=["is_active"])

    def reindex_published(self) -> None:
        """The public search document is dated by publication; publications were back-dated."""
        from langnghe.handling.services import index_item
        from langnghe.intake.models import Item

        for item in Item.objects.filter(is_published=True).select_related("receiving_org"):
            index_item(item)

    def run(self, items: int) -> None:
        from langnghe.intake.models import DegradationIndicator, Topic

        self.topics = {t.code: t for t in Topic.objects.all()}
        self.indicators = dict(DegradationIndicator.objects.values_list("code", "pk"))
        self.build_province()
        self.build_communes()
        self.build_legacy()
        self.build_rules()
        self.build_legacy_items()
        self.apply_successions()
        self.build_items(items)
        self.reindex_published()


# Each capability built on the spine adds its own demo story, through its own services, once the
# organisations, people and items exist. build_demo(seed=, out=) returns lines for the summary.
CAPABILITY_DEMOS = [
    "langnghe.disclosure.demo",
    "langnghe.meetings.demo",
    "langnghe.reception.demo",
    "langnghe.boxes.demo",
    "langnghe.open311.demo",
    # The accountability story, in its order: signals → review → inspection → discipline.
    "langnghe.accountability.opinion.demo",
    "langnghe.accountability.reviews.demo",
    "langnghe.accountability.inspections.demo",
    "langnghe.accountability.discipline.demo",
    "langnghe.accountability.supervision.demo",
    "langnghe.stats.demo",
    "langnghe.reports.demo",
    # Last: chains the audit trail the demo wrote, so `manage.py audit_verify` passes at once.
    "langnghe.accounts.demo",
]


class Command(BaseCommand):
    help = "Load the demo data (organisations, cadres, demo accounts, routing rules, items) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--items",
            type=int,
            default=DEFAULT_ITEMS,
            help=f"how many items to create (default {DEFAULT_ITEMS})",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        started = time.monotonic()
        call_command("load_reference_data", verbosity=max(verbosity - 1, 0))
        if Organisation.objects.exists():
            self.stdout.write(
                "Cơ sở dữ liệu đã có tổ chức: không nạp dữ liệu mẫu. / "
                "The database already has organisations: demo data not loaded."
            )
            return
        items = max(0, options["items"])
        builder = Builder(seed=options["seed"], out=self.stdout, progress=verbosity > 0)
        extra: list[str] = []
        with override_settings(TASKS=DUMMY_TASKS), transaction.atomic():
            builder.run(items)
            for module in CAPABILITY_DEMOS:
                extra += import_module(module).build_demo(seed=options["seed"], out=self.stdout)
        if verbosity:
            self._summary(builder, time.monotonic() - started)
            if extra:
                self.stdout.write("\n".join(["", *extra]))

    def _summary(self, builder: Builder, seconds: float) -> None:
        from langnghe.intake.models import Item

        today = timezone.localdate()
        items = Item.objects.all()
        kinds = Counter(items.values_list("kind", flat=True))
        statuses = Counter(items.values_list("status", flat=True))
        lines = [
            "",
            f"Dữ liệu mẫu / demo data ({seconds:.1f} s):",
            f"  tổ chức / organisations: {Organisation.objects.count()}"
            f" (kế thừa / successions: {Succession.objects.count()})",
            f"  cán bộ / people: {Person.objects.count()}, chức vụ / positions: {Position.objects.count()}",
            f"  tài khoản / accounts: {get_user_model().objects.count()},"
            f" phân quyền / grants: {RoleGrant.objects.count()}",
            f"  quy tắc chuyển / routing rules: {builder.counts['rules']}",
            f"  ý kiến / items: {items.count()} — đang xử lý / open {items.filter(is_open=True).count()},"
            f" quá hạn / overdue {items.filter(is_open=True, due_on__lt=today).count()},"
            f" công khai / published {items.filter(is_published=True).count()},"
            f" giấu tên / anonymous {items.filter(anonymous=True).count()},"
            f" đánh giá / rated {items.filter(rating__isnull=False).count()}",
            "  theo loại / by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
            "  theo trạng thái / by status: "
            + ", ".join(f"{k} {n}" for k, n in sorted(statuses.items())),
            f"  chuyển theo sáp nhập / moved by succession (RS-9): {builder.counts['moved_by_succession']};"
            f" địa chỉ cũ đã quy đổi / old addresses converted: {builder.counts['old_addresses']}",
            "",
            f"Tài khoản thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD}):",
            "  admin        quản trị, superuser (Django admin) — admin on the province's root organisations",
            "  lanhdao      lãnh đạo — Đảng ủy xã Sa Thầy, UBND xã Sa Thầy",
            "  tiepnhan     tiếp nhận — UBND xã Sa Thầy, Đảng ủy xã Sa Thầy",
            "  xuly         xử lý — UBND xã Sa Thầy",
            "  truongdonvi  thủ trưởng đơn vị — UBND xã Sa Thầy",
            "  kiemtra      kiểm tra — UBKT Đảng ủy xã Sa Thầy",
            "  mattran      Mặt trận — Ủy ban MTTQ xã Sa Thầy",
            "  (also: sathay.vpdu, sathay.mttq, sathay.ctmttq, <xã>.lanhdao/.tiepnhan/.xuly/.truongdonvi/"
            ".kiemtra/.vpdu/.mttq/.ctmttq for sabinh, yaly, rokoi, morai; tinh.xuly, tinh.lanhdao)",
        ]
        self.stdout.write("\n".join(lines))
