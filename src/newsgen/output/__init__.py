"""Writing the output folder, whole or not at all, and guarding where it goes."""
