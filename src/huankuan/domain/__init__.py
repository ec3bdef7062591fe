"""The domain core: plain Python, no frameworks (see DESIGN.md §3)."""
