"""Public pages: follow a file with its reference and tracking code, verify a permit."""
