"""Demo data: 2 regions, 3 service points, one user per role per point, some customers.

Then each app that has a ``demo`` module adds its own demo rows per point through
``load_demo_data(*, point, staff, today)`` (``staff`` maps role to user). Idempotent: running it
again updates the same rows. Passwords are listed in the README.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from intake.models import Customer
from intake.phones import normalize_phone
from servicedesk.models import POINT_ROLES, Region, Role, ServicePoint, StaffProfile

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - documented demo password, demo data only

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo.json"
ROLE_SLUGS = {
    Role.FRONT_DESK: ("frontdesk", "前台"),
    Role.TECHNICIAN: ("tech", "工程师"),
    Role.HOTLINE: ("hotline", "热线"),
    Role.CALLBACK_CLERK: ("callback", "回访"),
    Role.SUPERVISOR: ("supervisor", "组长"),
    Role.SERVICE_MANAGER: ("manager", "站长"),
}
SURNAMES = "王李张刘陈杨黄赵吴周"


class Command(BaseCommand):
    help = "Load demo regions, points, one user per role per point, and some customers."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        self.demo = demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        today = timezone.localdate()
        regions = {}
        for row in demo["regions"]:
            regions[row["code"]], _ = Region.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"]}
            )
        for p_index, row in enumerate(demo["points"]):
            code = row["code"]
            point, _ = ServicePoint.objects.update_or_create(
                code=code,
                defaults={
                    "region": regions[row["region"]],
                    "name": row["name"],
                    "address": row["address"],
                    "phone": row["phone"],
                    "opening_hours": demo["opening_hours"],
                    "has_queue_machine": row["has_queue_machine"],
                },
            )
            for r_index, role in enumerate(sorted(POINT_ROLES)):
                slug, title = ROLE_SLUGS[role]
                username = f"{code.lower()}.{slug}"
                user = self._user(User, username)
                StaffProfile.objects.update_or_create(
                    user=user,
                    defaults={
                        "role": role,
                        "point": point,
                        "region": None,
                        "staff_number": f"{code}{r_index + 1:03d}",
                        "display_name": f"{SURNAMES[(p_index * 3 + r_index) % 10]}{title}",
                        "certificate_number": f"CERT-{code}-{r_index + 1:03d}",
                        "certificate_expires": today
                        + dt.timedelta(
                            days=20 if role == Role.TECHNICIAN and code == "TJ01" else 365
                        ),
                    },
                )
            for customer in demo["customers"]:
                Customer.objects.update_or_create(
                    point=point,
                    phone=normalize_phone(customer["phone"]),
                    defaults={
                        "name": customer["name"],
                        "customer_type": customer["customer_type"],
                        "is_vip": customer["is_vip"],
                        "company": customer.get("company", ""),
                    },
                )
        for code in regions:
            user = self._user(User, f"{code.lower()}.regional")
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "role": Role.REGIONAL_CENTER,
                    "point": None,
                    "region": regions[code],
                    "staff_number": f"{code}-RC01",
                    "display_name": f"{regions[code].name}专员",
                },
            )
        self._load_app_demo_data(today)
        admin = self._user(User, "admin", superuser=True)
        StaffProfile.objects.update_or_create(
            user=admin,
            defaults={"role": Role.ADMIN, "staff_number": "ADMIN01", "display_name": "系统管理员"},
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Password for every demo user: {DEMO_PASSWORD}")
        )

    def _load_app_demo_data(self, today):
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            for point in ServicePoint.objects.filter(
                code__in=[p["code"] for p in self.demo["points"]]
            ):
                staff = {
                    profile.role: profile.user
                    for profile in StaffProfile.objects.filter(point=point).select_related("user")
                }
                module.load_demo_data(point=point, staff=staff, today=today)

    def _user(self, User, username, superuser=False):
        user, created = User.objects.get_or_create(username=username)
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.is_staff = superuser
        user.is_superuser = superuser
        user.save()
        return user
