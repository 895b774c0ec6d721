"""factory_boy factories shared by every test module."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from intake.models import Customer
from servicedesk.models import Region, Role, ServicePoint, StaffProfile

PASSWORD = "test-pass-123"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"区域{n}")


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"测试网点{n}")
    address = "测试路1号"
    phone = "010-12345678"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff profile with its user. Pass ``role`` and ``point`` (or ``region``)."""

    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    role = Role.FRONT_DESK
    point = factory.SubFactory(ServicePointFactory)
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    certificate_number = factory.Sequence(lambda n: f"CERT{n:05d}")
    certificate_expires = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=365)
    )


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    point = factory.SubFactory(ServicePointFactory)
    name = factory.Sequence(lambda n: f"顾客{n}")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")


def make_staff(role: str, point: ServicePoint | None = None, region: Region | None = None, **kw):
    """A staff member of ``role``: regional staff get a region, admins nothing, others a point."""
    if role == Role.REGIONAL_CENTER:
        return StaffFactory(role=role, point=None, region=region or RegionFactory(), **kw)
    if role == Role.ADMIN:
        return StaffFactory(role=role, point=None, region=None, **kw)
    return StaffFactory(role=role, point=point or ServicePointFactory(), **kw)


def in_stock(part, on_hand=50, **fields):
    """``part`` with ``on_hand`` of it in its point's stock (a diagnosis listing it then repairs
    at once instead of waiting for parts)."""
    from parts.models import PartStock

    PartStock.objects.update_or_create(
        part=part, defaults={"point_id": part.point_id, "on_hand": on_hand, **fields}
    )
    return part
