"""Unit tests for proctor_client; they run against tests/fake_server.py, not a real server."""
