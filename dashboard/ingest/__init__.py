"""Raw files and feeds into the store: sources, normalise, spatial join, load, sync, fetch."""
