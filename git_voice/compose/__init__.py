"""Transcript → message: subject and body (summary), conventions, wrapping, templates."""
