"""Plan the response: fixed centres (sites and FTE) and maximal covering, on the APL."""
