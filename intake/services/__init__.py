"""Front-desk and hotline services (state changes). One module per area:

- ``slips``: message slips (留言条), shared by the desk, the hotline and callbacks;
- ``desk``: reception board, customers, devices, opening a repair record;
- ``hotline``: the call log, hold and transfer, routing of call kinds.
"""
