"""Planning the response: fixed health centres and médicobus circuits (pure analytics)."""
