"""The weekly digest: when it goes out, and what it says as plain values."""
