"""Live locations: where online users are, and the questions near them."""
