"""Claims: check-worthy sentences and matching the same claim across outlets."""
