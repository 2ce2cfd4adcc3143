"""The dashboard's pages, one module each (registered once in ui.urlstate.PAGES)."""
