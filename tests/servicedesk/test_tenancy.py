"""DOMAIN 1: a service point is a tenant; the regional center sees its region, read-only."""

import pytest
from django.http import Http404

from intake.models import Customer
from servicedesk.models import Role
from servicedesk.tenancy import get_scoped_or_404, scope_for, scoped
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role",
    [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK, Role.SUPERVISOR],
)
def test_point_staff_see_only_their_points_customers(role, point, other_point):
    mine = CustomerFactory(point=point, name="同名顾客", phone="+8613800000001")
    CustomerFactory(point=other_point, name="同名顾客", phone="+8613800000001")
    me = make_staff(role, point=point)
    assert list(scoped(Customer, me.user)) == [mine]
    assert get_scoped_or_404(Customer, me.user, pk=mine.pk) == mine


def test_another_points_customer_is_not_found(point, other_point):
    theirs = CustomerFactory(point=other_point)
    me = make_staff(Role.SUPERVISOR, point=point)
    with pytest.raises(Http404):
        get_scoped_or_404(Customer, me.user, pk=theirs.pk)


def test_regional_center_sees_its_region_read_only(point, other_point):
    sibling = ServicePointFactory(region=point.region)
    a = CustomerFactory(point=point)
    b = CustomerFactory(point=sibling)
    CustomerFactory(point=other_point)
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    assert set(scoped(Customer, regional.user)) == {a, b}
    assert scope_for(regional.user).read_only


def test_service_manager_sees_points_they_also_manage(point, other_point):
    manager = make_staff(Role.SERVICE_MANAGER, point=point)
    manager.managed_points.add(other_point)
    CustomerFactory(point=point)
    CustomerFactory(point=other_point)
    assert scoped(Customer, manager.user).count() == 2


def test_administrator_sees_everything(point, other_point):
    CustomerFactory(point=point)
    CustomerFactory(point=other_point)
    admin = make_staff(Role.ADMIN)
    assert scoped(Customer, admin.user).count() == 2


def test_user_without_profile_sees_nothing(point):
    CustomerFactory(point=point)
    assert scoped(Customer, UserFactory()).count() == 0


def test_inactive_user_sees_nothing(point):
    CustomerFactory(point=point)
    me = make_staff(Role.SUPERVISOR, point=point)
    me.user.is_active = False
    me.user.save()
    assert scoped(Customer, me.user).count() == 0


def test_queryset_for_user_is_the_same_mechanism(point, other_point):
    CustomerFactory(point=point)
    CustomerFactory(point=other_point)
    me = make_staff(Role.FRONT_DESK, point=point)
    assert Customer.objects.for_user(me.user).count() == 1
