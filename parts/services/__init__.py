"""Services of the spare parts: the stock (``stock``) and the return batches (``returns``)."""
