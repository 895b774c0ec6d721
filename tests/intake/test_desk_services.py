"""DOMAIN 2 intake and DOMAIN 3 warranty through the front-desk services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.models import Visit, VisitStatus
from intake.services import desk
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_serving_a_visit_records_the_wait_and_quick_matters_come_first(point, desk_user):
    from intake.selectors import reception_board

    now = timezone.now()
    repair = desk.visit_register(
        point=point, actor=desk_user, purpose="repair", now=now - dt.timedelta(minutes=10)
    )
    pickup = desk.visit_register(
        point=point, actor=desk_user, purpose="pickup", now=now - dt.timedelta(minutes=2)
    )
    assert list(reception_board(user=desk_user)["waiting"]) == [pickup, repair]
    served = desk.visit_start_service(visit=repair, actor=desk_user, now=now)
    assert served.status == VisitStatus.SERVING and served.wait_seconds == 600
    with pytest.raises(ValidationError):
        desk.visit_start_service(visit=repair, actor=desk_user, now=now)
    assert Visit.objects.get(pk=repair.pk).served_by == desk_user


def test_customer_phone_is_validated_and_normalised(point, desk_user):
    customer = desk.customer_create(
        point=point, actor=desk_user, name="张三", phone="138 1234 5678"
    )
    assert customer.phone == "+8613812345678"
    with pytest.raises(ValidationError) as exc:
        desk.customer_create(point=point, actor=desk_user, name="李四", phone="138123")
    assert "phone" in exc.value.message_dict
    # One record per customer and phone at a point: the same number finds the same customer.
    again, created = desk.customer_get_or_create(
        point=point, actor=desk_user, name="张三", phone="13812345678"
    )
    assert again == customer and not created
    landline = desk.customer_create(point=point, actor=desk_user, name="公司", phone="010-65001234")
    assert landline.phone == "+861065001234"


def test_special_attention_starts_the_day_after_resolution(point):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    customer = CustomerFactory(point=point, special_attention_since=tomorrow)
    assert not customer.is_key_customer and "重点关注" not in customer.key_flags
    customer.special_attention_since = timezone.localdate()
    assert customer.is_key_customer
