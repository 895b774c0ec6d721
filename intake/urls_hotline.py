"""Hotline pages: call log, hold and transfer, message slips."""

urlpatterns = []
