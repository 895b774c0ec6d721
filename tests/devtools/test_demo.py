"""The demo data loads, can be loaded twice, and gives one user per role per point."""

import pytest
from django.core.management import call_command

from intake.models import Customer
from servicedesk.models import POINT_ROLES, Region, Role, ServicePoint, StaffProfile

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicates():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Region.objects.count() == 2
    assert ServicePoint.objects.count() == 3
    for point in ServicePoint.objects.all():
        roles = set(StaffProfile.objects.filter(point=point).values_list("role", flat=True))
        assert roles == set(POINT_ROLES)
        assert Customer.objects.filter(point=point).exists()
    assert StaffProfile.objects.filter(role=Role.REGIONAL_CENTER).count() == 2
