"""Front-desk pages: reception board, customers and devices, opening a repair record."""

urlpatterns = []
