"""Entry point: only builds the navigation and runs the chosen page."""

from urllib.parse import unquote, urlsplit

import streamlit as st

from dashboard import i18n
from dashboard.render import urlstate
from dashboard.text import inert

lang = i18n.pick_lang(st.query_params.get("lang"))
st.set_page_config(page_title="khetmap", page_icon="🗺️", layout="wide")
pages = [
    st.Page(
        page.file,
        title=i18n.t(page.title_key, lang),
        url_path=page.path or None,
        default=not page.path,
    )
    for page in urlstate.PAGES.values()
]
chosen = st.navigation(pages, position="hidden")
# Streamlit opens the default page for an unknown path without a word: say so.
asked = unquote(urlsplit(st.context.url or "").path).strip("/")
if chosen.url_path == "" and asked and asked not in {page.path for page in urlstate.PAGES.values()}:
    st.warning(inert(i18n.t("page_not_found", lang, path="/" + asked[:60])), icon="⚠️")
chosen.run()
