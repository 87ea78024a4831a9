"""Decision grids (\"multiverse\"): run every defensible specification, attribute the spread."""
