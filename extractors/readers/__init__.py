"""One reader per format, all emitting the layout model (schemas.layout)."""
