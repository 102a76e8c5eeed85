"""Readers that turn external data sets into PlaceRecord streams."""
