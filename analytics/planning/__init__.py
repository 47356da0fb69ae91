"""Plan the response: fixed centres (sites and FTE), maximal covering, médicobus circuit."""
