"""The contacts pages, by area: organisations, people, and duplicates and merges. Imports,
personal data and the shared list helpers have their own modules."""
