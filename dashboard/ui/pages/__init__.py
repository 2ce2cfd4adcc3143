"""The dashboard's pages, one module each (registered once in render.urlstate.PAGES)."""
