"""Entry point: only builds the navigation and runs the chosen page."""

from urllib.parse import unquote, urlsplit

import streamlit as st

from dashboard import i18n
from dashboard.text import inert
from dashboard.ui import urlstate

lang = i18n.pick_lang(st.query_params.get("lang"))
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
chosen = st.navigation(pages, position="hidden")
# Streamlit opens the default page for an unknown path without a word: say so.
asked = unquote(urlsplit(st.context.url or "").path).strip("/")
if chosen.url_path == "" and asked and asked not in urlstate.PAGES.values():
    st.warning(inert(i18n.t("page_not_found", lang, path="/" + asked[:60])), icon="⚠️")
chosen.run()
