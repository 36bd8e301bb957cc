"""The blueprints, one per area; each view parses the request, calls ``documents``/``register``, renders."""
