"""Code terms: candidates from the change → spoken forms → biased decoding → snapping."""
