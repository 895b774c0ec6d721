"""Each role's home page is its work list (工作台): what waits for the person, oldest first, each
item a link to its ticket, complaint, slip or callback, and each count a link to the filtered
list. Every card costs one query (its rows and their total come together through a window
count), so the page's query count does not grow with the data."""

from reporting.worklists.home import next_calling_window, worklist

__all__ = ["next_calling_window", "worklist"]
