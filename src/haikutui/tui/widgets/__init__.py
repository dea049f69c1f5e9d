"""One module per widget, so each stays small and testable."""
