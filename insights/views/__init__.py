"""views for insights: split by area (insights, summaries); import from the submodules."""
