"""The Streamlit layer: the shell around every page, caches, widgets, the URL's state, the pages."""
