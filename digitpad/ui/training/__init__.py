"""The train panel and what a Train click runs in its job."""
