// Capture sources.
