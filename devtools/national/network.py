"""Regions, service points, staff, price lists and departments: few rows, written through the
ORM (so every setting keeps its model default), returned as plain plans for the simulation."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from devtools.national import vocab
from devtools.national.sizes import Sizes, apportion, zipf_weights
from parts.models import Part
from repairs.models import RepairType, TicketSequence, WarrantyPolicy
from servicedesk.models import Department, Region, Role, ServicePoint, StaffProfile

#: User names are ``<point code in lower case>.<slug>``, then ``.<slug>2``, ``.<slug>3`` … for
#: further staff of the same role at busy points; ``<region code>.regional`` per region.
ROLE_SLUGS = {
    Role.FRONT_DESK: "frontdesk",
    Role.TECHNICIAN: "tech",
    Role.HOTLINE: "hotline",
    Role.CALLBACK_CLERK: "callback",
    Role.SUPERVISOR: "supervisor",
    Role.SERVICE_MANAGER: "manager",
}
ROLE_TITLES = {
    Role.FRONT_DESK: "前台",
    Role.TECHNICIAN: "工程师",
    Role.HOTLINE: "热线",
    Role.CALLBACK_CLERK: "回访",
    Role.SUPERVISOR: "组长",
    Role.SERVICE_MANAGER: "站长",
}
POLICY_TEXT = (
    "本品牌手机享受国家三包及全国联保服务：自购机之日起7日内出现性能故障，可选择退货、换货或免费维修；"
    "30日内可选择换货或免费维修；一年内免费维修。进水、摔坏等人为损坏及私自拆修不在保修范围内，"
    "维修须凭发票或保修卡。"
)
BATCH = 2000


@dataclass
class PointPlan:
    id: int
    code: str
    name: str
    address: str
    phone: str
    rank: int
    share: float
    tickets: int
    calls: int
    sample_rate: Decimal
    refused_fee_cents: int
    has_queue: bool
    staff: dict[str, list[int]] = field(default_factory=dict)
    repair_types: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    parts: dict[tuple[str, str], tuple[int, str, int]] = field(default_factory=dict)
    departments: list[int] = field(default_factory=list)


@dataclass
class Network:
    points: list[PointPlan]
    network_departments: list[int]
    policy_id: int
    users: int
    regions: int


def person_name(rng: random.Random) -> str:
    given = rng.choice(vocab.GIVEN)
    if rng.random() < 0.6:
        given += rng.choice(vocab.GIVEN)
    return rng.choice(vocab.SURNAMES) + given


def point_codes(sizes: Sizes) -> list[tuple[str, int]]:
    """(point code, index in its region) of every point, region by region."""
    regions = vocab.REGIONS[: sizes.regions]
    per_region = apportion(sizes.points, [r[3] for r in regions])
    return [
        (f"{region[0]}{n:03d}", n)
        for region, count in zip(regions, per_region, strict=True)
        for n in range(1, count + 1)
    ]


def staff_counts(tickets: int, calls: int) -> dict[str, int]:
    """Busy points have more hands: roughly one desk per 8,000 tickets over the two years."""
    return {
        Role.FRONT_DESK: min(6, 1 + tickets // 8000),
        Role.TECHNICIAN: min(10, 1 + tickets // 5000),
        Role.HOTLINE: min(5, 1 + calls // 6000),
        Role.CALLBACK_CLERK: min(5, 1 + tickets // 10000),
        Role.SUPERVISOR: 1 + (tickets > 20000),
        Role.SERVICE_MANAGER: 1,
    }


def build_network(
    *, sizes: Sizes, rng: random.Random, today: dt.date, password: str, joined: dt.datetime
) -> Network:
    regions_data = vocab.REGIONS[: sizes.regions]
    regions = Region.objects.bulk_create(
        [
            Region(code=code, name=f"{province}区域客服中心")
            for code, province, _c, _s in regions_data
        ]
    )
    region_by_code = {r.code: r for r in regions}
    codes = point_codes(sizes)
    region_sizes = {code: 0 for code, *_ in regions_data}
    for code, _n in codes:
        region_sizes[code[:2]] += 1
    # The first points of every region are its busiest (the provincial capital's flagship);
    # regions interleave so that the national ranking spreads over the country.
    region_index = {code: i for i, (code, *_rest) in enumerate(regions_data)}
    order = sorted(
        range(len(codes)),
        key=lambda i: (
            (codes[i][1] - 1) / region_sizes[codes[i][0][:2]],
            region_index[codes[i][0][:2]],
        ),
    )
    weights = zipf_weights(len(codes))
    rank_of = {index: rank for rank, index in enumerate(order)}
    shares = [weights[rank_of[i]] for i in range(len(codes))]
    tickets = apportion(sizes.tickets, shares)
    calls = apportion(sizes.calls, shares)

    province = {code: (prov, city) for code, prov, city, _s in regions_data}
    points = []
    for i, (code, n) in enumerate(codes):
        prov, city = province[code[:2]]
        district = vocab.DISTRICTS[(n - 1) % len(vocab.DISTRICTS)]
        suffix = f"{(n - 1) // len(vocab.DISTRICTS) + 1}号" if n > len(vocab.DISTRICTS) else ""
        points.append(
            ServicePoint(
                region=region_by_code[code[:2]],
                code=code,
                name=f"{city}{district}{suffix}服务网点",
                address=(
                    f"{prov}{city}{district}{rng.choice(vocab.STREETS)}{rng.randrange(1, 300)}号"
                ),
                phone=f"400-{rng.randrange(100, 1000)}-{rng.randrange(1000, 10000)}",
                opening_hours="周一至周日 09:00–18:00",
                has_queue_machine=tickets[i] > 3000 or rng.random() < 0.2,
                # rules#callbacks asks for at least 30%; most points call every customer back.
                callback_sample_rate=rng.choices(
                    [Decimal("1.00"), Decimal("0.80"), Decimal("0.50"), Decimal("0.30")],
                    [80, 8, 6, 6],
                )[0],
                refused_quote_fee=Decimal("30.00") if rng.random() < 0.1 else Decimal("0"),
            )
        )
    points = ServicePoint.objects.bulk_create(points, batch_size=BATCH)
    TicketSequence.objects.bulk_create(
        [TicketSequence(point=p, last_value=tickets[i]) for i, p in enumerate(points)],
        batch_size=BATCH,
    )
    plans = [
        PointPlan(
            id=p.pk,
            code=p.code,
            name=p.name,
            address=p.address,
            phone=p.phone,
            rank=rank_of[i] + 1,
            share=shares[i],
            tickets=tickets[i],
            calls=calls[i],
            sample_rate=p.callback_sample_rate,
            refused_fee_cents=int(p.refused_quote_fee * 100),
            has_queue=p.has_queue_machine,
        )
        for i, p in enumerate(points)
    ]

    users = _staff(plans, points, regions, rng, today, make_password(password), joined)
    _price_lists(plans)
    network_departments = []
    for name in ("品牌质量部", "技术支持部"):
        department, _created = Department.objects.get_or_create(point=None, name=name)
        network_departments.append(department.pk)
    departments = Department.objects.bulk_create(
        [
            Department(point_id=plan.id, name=name)
            for plan in plans
            for name in ("客户服务部", "维修技术部")
        ],
        batch_size=BATCH,
    )
    for index, plan in enumerate(plans):
        plan.departments = [d.pk for d in departments[index * 2 : index * 2 + 2]]
    policy = WarrantyPolicy.objects.filter(is_default=True).first()
    if policy is None:
        policy = WarrantyPolicy.objects.create(
            name="品牌保修政策（三包）", brand="示例品牌", policy_text=POLICY_TEXT, is_default=True
        )
    return Network(plans, network_departments, policy.pk, users, len(regions))


def _staff(plans, points, regions, rng, today, password_hash, joined) -> int:
    User = get_user_model()
    users, profiles = [], []
    for plan, point in zip(plans, points, strict=True):
        number = 0
        for role, count in staff_counts(plan.tickets, plan.calls).items():
            slug = ROLE_SLUGS[role]
            for k in range(1, count + 1):
                number += 1
                username = f"{plan.code.lower()}.{slug}" + (str(k) if k > 1 else "")
                users.append(
                    User(
                        username=username,
                        password=password_hash,
                        is_active=True,
                        date_joined=joined,
                    )
                )
                certified = role in (Role.FRONT_DESK, Role.TECHNICIAN)
                # A few further staff have a certificate about to expire (the supervisor's
                # warning); the first of each role is always valid for a long time.
                days = (
                    rng.randrange(3, 30)
                    if k > 1 and rng.random() < 0.05
                    else rng.randrange(90, 720)
                )
                profiles.append(
                    StaffProfile(
                        role=role,
                        point=point,
                        staff_number=f"{plan.code}{number:03d}",
                        display_name=person_name(rng),
                        phone="",
                        certificate_number=f"CERT-{plan.code}-{number:03d}" if certified else "",
                        certificate_expires=today + dt.timedelta(days=days) if certified else None,
                    )
                )
    for region in regions:
        users.append(
            User(
                username=f"{region.code.lower()}.regional",
                password=password_hash,
                is_active=True,
                date_joined=joined,
            )
        )
        profiles.append(
            StaffProfile(
                role=Role.REGIONAL_CENTER,
                region=region,
                staff_number=f"{region.code}-RC01",
                display_name=f"{region.name}专员",
            )
        )
    users = User.objects.bulk_create(users, batch_size=BATCH)
    for user, profile in zip(users, profiles, strict=True):
        profile.user = user
    StaffProfile.objects.bulk_create(profiles, batch_size=BATCH)
    by_point = {plan.id: plan for plan in plans}
    for profile in profiles:
        if profile.point_id is not None:
            by_point[profile.point_id].staff.setdefault(profile.role, []).append(profile.user.pk)
    return len(users)


def _price_lists(plans) -> None:
    by_id = {plan.id: plan for plan in plans}
    repair_types = RepairType.objects.bulk_create(
        [
            RepairType(point_id=plan.id, code=code, name=name, labor_fee=Decimal(fee) / 100)
            for plan in plans
            for code, name, fee in vocab.REPAIR_TYPES
        ],
        batch_size=BATCH,
    )
    for rt in repair_types:
        by_id[rt.point_id].repair_types[rt.code] = (rt.pk, rt.name, int(rt.labor_fee * 100))
    parts = []
    for plan in plans:
        for m_index, (model, _launch, _tacs) in enumerate(vocab.MODELS):
            for kind, name, price in vocab.PART_KINDS:
                cents = round(price * (1 + 0.08 * m_index) / 100) * 100
                parts.append(
                    Part(
                        point_id=plan.id,
                        code=f"P-{kind}-{model.replace(' ', '')}",
                        name=f"{model} {name}",
                        model_name=model,
                        price=Decimal(cents) / 100,
                    )
                )
    for part in Part.objects.bulk_create(parts, batch_size=BATCH):
        kind = part.code.split("-")[1]
        by_id[part.point_id].parts[(part.model_name, kind)] = (
            part.pk,
            part.name,
            int(part.price * 100),
        )
