"""Entry point: only builds the navigation and runs the chosen page."""

import streamlit as st

from dashboard import i18n, urlstate

lang = "en" if st.query_params.get("lang") == "en" else "th"
st.set_page_config(page_title="khetmap", page_icon="🗺️", layout="wide")
pages = [
    st.Page(
        urlstate.page_file(name),
        title=i18n.t(f"page_{name}", lang),
        url_path=path or None,
        default=not path,
    )
    for name, path in urlstate.PAGES.items()
]
st.navigation(pages, position="hidden").run()
