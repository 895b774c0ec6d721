from django.urls import path

from counter import views as cash_up
from parts.views import returns, stock
from repairs.views import intake, money, ticket

app_name = "repairs"
urlpatterns = [
    path("", ticket.ticket_list, name="ticket_list"),
    path("<int:pk>/", ticket.ticket_detail, name="ticket_detail"),
    path("<int:pk>/history/", ticket.ticket_history, name="ticket_history"),
    path("<int:pk>/warranty/", ticket.ticket_override, name="ticket_override"),
    path("<int:pk>/action/", ticket.ticket_action, name="ticket_action"),
    path("<int:pk>/print/<slug:kind>/", ticket.ticket_print, name="ticket_print"),
    path("<int:pk>/refund/", money.ticket_refund, name="ticket_refund"),
    path("cash-up/", cash_up.cash_up, name="cash_up"),
    path("cash-up/count/", cash_up.cash_up_submit, name="cash_up_submit"),
    path("cash-up/<int:pk>/confirm/", cash_up.cash_up_confirm, name="cash_up_confirm"),
    path("new/<int:customer_pk>/", intake.ticket_open, name="ticket_open"),
    path("new/<int:customer_pk>/preview/", intake.ticket_preview, name="ticket_preview"),
    path("devices/<int:pk>/", intake.device_detail, name="device_detail"),
    path("devices/<int:pk>/history/", intake.device_history, name="device_history"),
    path("policy/", intake.policy, name="policy"),
    path("workbench/", ticket.technician_queue, name="technician_queue"),
    path("pickup/", ticket.pickup, name="pickup"),
    path("status/", ticket.status_lookup, name="status_lookup"),
    path("parts/", stock.stock_list, name="stock_list"),
    path("parts/receive/", stock.stock_receive, name="stock_receive"),
    path("parts/adjust/", stock.stock_adjust, name="stock_adjust"),
    path("parts/reorder/", stock.reorder_list, name="reorder_list"),
    path("parts/reorder.csv", stock.reorder_csv, name="reorder_csv"),
    path("parts/defective/", returns.defective_stock, name="defective_stock"),
    path("parts/returns/", returns.return_batch_list, name="return_batch_list"),
    path("parts/returns/new/", returns.return_batch_create, name="return_batch_create"),
    path("parts/returns/<int:pk>/", returns.return_batch_detail, name="return_batch_detail"),
    path("parts/returns/<int:pk>/print/", returns.return_batch_print, name="return_batch_print"),
    path("parts/returns/<int:pk>/pack/", returns.return_batch_pack, name="return_batch_pack"),
    path("parts/returns/<int:pk>/ship/", returns.return_batch_ship, name="return_batch_ship"),
    path(
        "parts/returns/<int:pk>/receive/", returns.return_batch_receive, name="return_batch_receive"
    ),
]
