"""Per-article and corpus-wide stages: pure functions over ``Doc`` records."""
