"""Repair pages: ``ticket`` (the repair record, its actions, prints, the workshop queue, pickup and
the public status page) and ``intake`` (opening a record, a device's history, the price list)."""
