"""selectors for engagement: split by area (interactions, events); import from the submodules."""
