"""The Streamlit layer: the shell around every page, caches, widgets, the pages."""
