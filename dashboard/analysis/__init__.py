"""The figures: filters, metrics, the director's week, review, hotspots, change, coverage, targets, routing."""
