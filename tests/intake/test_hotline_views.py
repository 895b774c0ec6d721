"""The hotline pages through the test client, logged in as real roles (DOMAIN 4)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from intake.models import MessageSlip, Visit
from servicedesk.models import Department, Role
from tests.factories import CustomerFactory
from tests.opening import open_ticket
from tests.urlwalk import local_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(staff_of):
    return staff_of(Role.HOTLINE)


@pytest.fixture
def hotline_client(client, operator):
    client.force_login(operator.user)
    return client


def call_form(client, **changes):
    screen = client.get(reverse("intake:call_screen"))
    form = screen.context["form"]
    data = {
        "token": form.initial["token"],
        "opened": form.initial["opened"],
        "hold_log": "",
        "customer": "",
        "contact_phone": "13800001234",
        "contact_name": "孙先生",
        "caller_kind": "customer",
        "purpose": "inquiry",
        "rings_to_answer": "2",
        "summary": "问营业时间",
        "outcome": "已告知",
    }
    return data | changes


def test_the_call_screen_shows_the_scripts_with_point_and_staff_number(
    hotline_client, point, operator
):
    page = hotline_client.get(reverse("intake:call_screen")).content.decode()
    assert point.name in page and operator.staff_number in page
    assert 'data-check-seconds="30"' in page
    assert "js/hotline.js" in page
    assert "让客户先挂机" in page


def test_logging_an_inquiry_takes_one_post(hotline_client, point):
    response = hotline_client.post(reverse("intake:call_screen"), call_form(hotline_client))
    call = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "intake:call_detail", args=[call.pk]
    )
    assert call.channel == "hotline" and call.rings_to_answer == 2
    detail = hotline_client.get(response.url).content.decode()
    assert "问营业时间" in detail


def test_bad_call_input_shows_chinese_field_errors_and_saves_nothing(hotline_client):
    data = call_form(hotline_client, summary="", rings_to_answer="", contact_phone="12")
    response = hotline_client.post(reverse("intake:call_screen"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"summary", "rings_to_answer", "contact_phone"} <= set(errors)
    assert "请" in str(errors["rings_to_answer"])
    assert not Visit.objects.exists()


def test_a_repair_status_call_shows_the_customers_open_tickets(hotline_client, point, staff_of):
    customer = CustomerFactory(point=point, phone="+8613911112222")
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user, customer)
    response = hotline_client.get(
        reverse("intake:caller_lookup"), {"contact_phone": "139 1111 2222"}
    )
    page = response.content.decode()
    assert ticket.number in page and 'data-open-tickets="1"' in page
    assert f'data-pick-customer="{customer.pk}"' in page


def test_caller_lookup_does_not_show_other_points_customers(hotline_client, other_point):
    CustomerFactory(point=other_point, phone="+8613911113333")
    page = hotline_client.get(reverse("intake:caller_lookup"), {"contact_phone": "13911113333"})
    assert "data-pick-customer" not in page.content.decode()


def test_a_complaint_call_hands_over_to_the_complaint_with_the_call_attached(hotline_client, point):
    customer = CustomerFactory(point=point)
    data = call_form(
        hotline_client, purpose="complaint", customer=customer.pk, summary="修了三次还坏"
    )
    response = hotline_client.post(reverse("intake:call_screen"), data)
    call = Visit.objects.get()
    assert response.url == f"{reverse('complaints:new')}?visit={call.pk}"
    form_page = hotline_client.get(response.url)
    assert form_page.context["form"].initial["summary"] == "修了三次还坏"
    created = hotline_client.post(
        reverse("complaints:new"),
        {
            "visit": call.pk,
            "customer": customer.pk,
            "channel": "hotline",
            "source": "call",
            "severity": "normal",
            "summary": "修了三次还坏",
            "promised_reply_at": local_input(),
        },
    )
    complaint = Complaint.objects.get()
    assert created.status_code == 302 and complaint.visit == call and complaint.customer == customer
    # Coming back to the hand-off shows the complaint instead of opening a second one.
    again = hotline_client.get(f"{reverse('complaints:new')}?visit={call.pk}")
    assert again.status_code == 302 and Complaint.objects.count() == 1


def test_suggestion_shows_on_the_departments_list(hotline_client, point, staff_of):
    department = Department.objects.create(point=point, name="客服部")
    data = call_form(
        hotline_client, purpose="suggestion", department=department.pk, summary="希望周日营业"
    )
    hotline_client.post(reverse("intake:call_screen"), data)
    page = hotline_client.get(reverse("intake:department_detail", args=[department.pk]))
    assert "希望周日营业" in page.content.decode()
    listing = hotline_client.get(reverse("intake:department_list"))
    assert [d.recent for d in listing.context["departments"] if d.pk == department.pk] == [1]


def test_praise_shows_on_the_staff_members_page_and_statistics(
    hotline_client, client, point, staff_of
):
    technician = staff_of(Role.TECHNICIAN)
    data = call_form(
        hotline_client, purpose="praise", praised_staff=technician.user.pk, summary="李师傅很耐心"
    )
    hotline_client.post(reverse("intake:call_screen"), data)
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(reverse("reporting:staff_detail", args=[technician.pk])).content.decode()
    assert "李师傅很耐心" in page and "data-praise-count>1<" in page
    stats = client.get(reverse("reporting:staff_stats"))
    assert "李师傅很耐心" not in stats.content.decode()
    figures = dict(stats.context["lines"])[technician]
    assert figures.praise == 1


def test_supervisor_sees_the_three_ring_share_per_day_and_operator(
    client, point, operator, staff_of
):
    now = timezone.now()
    for rings in (1, 3, 4, 5):
        Visit.objects.create(
            point=point,
            channel="hotline",
            purpose="inquiry",
            arrived_at=now,
            rings_to_answer=rings,
            created_by=operator.user,
        )
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(reverse("intake:answering")).content.decode()
    assert f'data-day="{timezone.localdate().isoformat()}"' in page
    assert f'data-operator="{operator.staff_number}"' in page
    assert "50.0%" in page


def test_an_operator_sees_the_answering_figures_of_their_own_calls_only(
    hotline_client, point, operator, staff_of
):
    colleague = staff_of(Role.HOTLINE)
    now = timezone.now()
    for rings, who in ((1, operator), (5, operator), (4, colleague), (5, colleague)):
        Visit.objects.create(
            point=point,
            channel="hotline",
            purpose="inquiry",
            arrived_at=now,
            rings_to_answer=rings,
            created_by=who.user,
        )
    log = hotline_client.get(reverse("intake:call_log")).content.decode()
    assert reverse("intake:answering") in log
    response = hotline_client.get(reverse("intake:answering"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-operator="{operator.staff_number}"' in page
    assert f'data-operator="{colleague.staff_number}"' not in page
    assert response.context["stats"]["total"]["calls"] == 2
    assert "50.0%" in page


def test_a_technician_does_not_see_the_answering_figures(client, staff_of):
    client.force_login(staff_of(Role.TECHNICIAN).user)
    assert client.get(reverse("intake:answering")).status_code == 403


def test_a_bad_date_range_on_the_answering_page_is_not_an_error(client, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.get(reverse("intake:answering"), {"start": "2026-13-45", "end": "x"})
    assert response.status_code == 200


# --- message slip from a call: details, then the read-back ---------------------------------


def _slip_data(to, **changes):
    due = timezone.localtime() + dt.timedelta(hours=3)
    return {
        "caller_name": "孙先生",
        "phone": "13800001234",
        "company": "",
        "message": "想问换屏价格",
        "best_time_to_call": "下午",
        "addressee": to.pk,
        "callback_due_at": due.strftime("%Y-%m-%dT%H:%M"),
    } | changes


@pytest.fixture
def call(point, operator):
    return Visit.objects.create(
        point=point,
        channel="hotline",
        purpose="technical",
        rings_to_answer=1,
        created_by=operator.user,
    )


def test_a_slip_from_a_call_is_read_back_before_it_is_saved(hotline_client, call, staff_of):
    engineer = staff_of(Role.TECHNICIAN)
    url = reverse("intake:visit_slip", args=[call.pk])
    review = hotline_client.post(url, _slip_data(engineer.user, step="check"))
    page = review.content.decode()
    assert "data-readback" in page and "想问换屏价格" in page and engineer.display_name in page
    assert not MessageSlip.objects.exists()
    unconfirmed = hotline_client.post(url, _slip_data(engineer.user, step="save"))
    assert "read_back_confirmed" in unconfirmed.context["form"].errors
    assert not MessageSlip.objects.exists()
    saved = hotline_client.post(
        url, _slip_data(engineer.user, step="save", read_back_confirmed="on")
    )
    assert saved.url == reverse("intake:call_detail", args=[call.pk])
    slip = MessageSlip.objects.get()
    assert slip.visit == call and slip.addressee == engineer.user and slip.read_back_confirmed


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": ""}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"callback_due_at": "2020-01-01T10:00"}, "callback_due_at"),
        ({"addressee": "999999"}, "addressee"),
        ({"message": ""}, "message"),
    ],
)
def test_bad_slip_input_gives_a_field_error_and_saves_nothing(
    hotline_client, call, staff_of, changes, field
):
    engineer = staff_of(Role.TECHNICIAN)
    url = reverse("intake:visit_slip", args=[call.pk])
    response = hotline_client.post(url, _slip_data(engineer.user, step="check", **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "data-readback" not in response.content.decode()
    assert not MessageSlip.objects.exists()


def test_an_addressee_of_another_point_is_unknown(hotline_client, call, other_point):
    from tests.factories import make_staff

    stranger = make_staff(Role.TECHNICIAN, point=other_point).user
    url = reverse("intake:visit_slip", args=[call.pk])
    response = hotline_client.post(url, _slip_data(stranger, step="save", read_back_confirmed="on"))
    assert "addressee" in response.context["form"].errors
    assert not MessageSlip.objects.exists()


def test_the_slip_form_starts_from_the_calls_number_as_a_person_reads_it(hotline_client, call):
    call.contact_name = "王先生"
    call.contact_phone = "+8613812345678"
    call.save(update_fields=["contact_name", "contact_phone"])
    form = hotline_client.get(reverse("intake:visit_slip", args=[call.pk])).context["form"]
    assert form.initial["phone"] == "138 1234 5678"
    assert form.initial["caller_name"] == "王先生"


def test_changing_the_details_after_the_read_back_keeps_them(hotline_client, call, staff_of):
    engineer = staff_of(Role.TECHNICIAN)
    url = reverse("intake:visit_slip", args=[call.pk])
    response = hotline_client.post(url, _slip_data(engineer.user, step="edit"))
    assert "想问换屏价格" in response.content.decode() and not response.context["form"].errors


def test_only_the_hotline_is_marked_as_the_current_page(hotline_client):
    page = hotline_client.get(reverse("intake:call_screen")).content.decode()
    assert page.count('aria-current="page"') == 1
    assert f'aria-current="page" href="{reverse("intake:call_screen")}"' in page
