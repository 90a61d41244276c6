"""Template tags for GOV.UK Frontend markup, shared by every app's templates."""
