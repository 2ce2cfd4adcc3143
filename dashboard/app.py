"""Entry point: only builds the navigation and runs the chosen page."""

import streamlit as st

from dashboard import i18n

lang = "en" if st.query_params.get("lang") == "en" else "th"
st.set_page_config(page_title="khetmap", page_icon="🗺️", layout="wide")
pages = [
    st.Page("views/city.py", title=i18n.t("page_city", lang), default=True),
    st.Page("views/district.py", title=i18n.t("page_district", lang), url_path="district"),
    st.Page("views/tickets.py", title=i18n.t("page_tickets", lang), url_path="tickets"),
    st.Page("views/review.py", title=i18n.t("page_review", lang), url_path="review"),
    st.Page("views/about.py", title=i18n.t("page_about", lang), url_path="about"),
]
st.navigation(pages, position="hidden").run()
