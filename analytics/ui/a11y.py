"""French document, visible focus, readable map tooltips, « copier le lien ».

What Streamlit 1.67 allows and does not:

- ``index.html`` is served with ``<html lang="en">`` and there is no setting for the
  document language nor for the framework's own strings (no i18n in Streamlit). A small
  script (``st.html(..., unsafe_allow_javascript=True)``, run in the page itself) sets
  ``lang="fr"`` and rewrites the few English strings Streamlit puts on a page
  (:data:`FRAMEWORK_STRINGS`) as they appear. The first HTML response still says
  ``lang="en"`` until the script has run (a crawler reading the raw HTML sees English);
  strings inside Streamlit's own menus that are drawn in a portal are translated too,
  but the browser tab's « Running… » status and error pages before the app loads are not.
- Widgets' own placeholders are set in French where Streamlit takes a parameter
  (``placeholder=`` of a text input or a select box).
"""

from __future__ import annotations

import json

import streamlit as st

#: Streamlit's English interface strings → French (exact text of an element).
FRAMEWORK_STRINGS: dict[str, str] = {
    "Skip to main content": "Aller au contenu principal",
    "Choose an option": "Choisissez une option",
    "Choose options": "Choisissez des options",
    "No results": "Aucun résultat",
    "Press Enter to apply": "Entrée pour valider",
    "Press Enter to submit form": "Entrée pour envoyer",
    "Clear all": "Tout effacer",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Deploy": "Déployer",
    "Rerun": "Relancer",
    "Settings": "Réglages",
    "Print": "Imprimer",
    "About": "À propos",
    "Clear cache": "Vider le cache",
    "Record a screencast": "Enregistrer l'écran",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "View fullscreen": "Plein écran",
    "Exit fullscreen": "Quitter le plein écran",
}

#: Visible keyboard focus on links and buttons (WCAG 2.4.7), readable map tooltips kept
#: in view (deck.gl draws its tooltip inside the map container, which clips it).
STYLE = """
<style>
a:focus-visible, button:focus-visible, [role="link"]:focus-visible,
[data-testid="stPageLink-NavLink"]:focus-visible {
  outline: 3px solid #1a56db !important;
  outline-offset: 2px !important;
  border-radius: 2px;
}
[data-testid="stDeckGlJsonChart"], [data-testid="stDeckGlJsonChart"] > div {
  overflow: visible !important;
}
.deck-tooltip {
  max-width: 280px;
  white-space: normal !important;
  overflow-wrap: anywhere;
  z-index: 1000 !important;
}
</style>
"""


def _script() -> str:
    strings = json.dumps(FRAMEWORK_STRINGS, ensure_ascii=False)
    return f"""
<script>
(function () {{
  const root = document.documentElement;
  root.lang = "fr";
  if (window.__desertsFr) return;
  window.__desertsFr = true;
  const fr = {strings};
  const translate = (node) => {{
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let text;
    while ((text = walker.nextNode())) {{
      const value = text.nodeValue.trim();
      if (value && fr[value]) text.nodeValue = text.nodeValue.replace(value, fr[value]);
    }}
    node.querySelectorAll && node.querySelectorAll("[placeholder],[aria-label],[title]")
      .forEach((el) => {{
        for (const attr of ["placeholder", "aria-label", "title"]) {{
          const v = el.getAttribute(attr);
          if (v && fr[v]) el.setAttribute(attr, fr[v]);
        }}
      }});
  }};
  translate(document.body);
  new MutationObserver((mutations) => {{
    if (root.lang !== "fr") root.lang = "fr";
    for (const m of mutations) {{
      m.addedNodes.forEach((n) => {{
        if (n.nodeType === 1) translate(n);
        else if (n.nodeType === 3 && fr[n.nodeValue.trim()]) translate(n.parentNode);
      }});
      if (m.type === "characterData" && m.target.parentNode) translate(m.target.parentNode);
    }}
  }}).observe(document.body, {{ childList: true, subtree: true, characterData: true }});
}})();
</script>
"""


def french_document() -> None:
    """``lang="fr"``, French framework strings, visible focus, tooltip style: on every
    page (called by :func:`analytics.ui.page_setup`)."""
    st.html(STYLE + _script(), unsafe_allow_javascript=True)


def copy_link_button(label: str = "Copier le lien") -> None:
    """A button that copies the current page's address (its permalink: the state is in
    the URL) to the clipboard, and says so."""
    st.html(
        f"""
<button type="button" class="deserts-copier-lien" aria-live="polite"
  style="font:inherit;padding:0.3rem 0.8rem;border:1px solid #8a8d93;border-radius:0.5rem;
  background:#ffffff;color:#1f2328;cursor:pointer"
  onclick="(async (b) => {{
    const url = window.location.href;
    try {{ await navigator.clipboard.writeText(url); b.textContent = 'Lien copié'; }}
    catch (e) {{ window.prompt('Copiez ce lien :', url); }}
    setTimeout(() => {{ b.textContent = '{label}'; }}, 2500);
  }})(this)">{label}</button>
""",
        unsafe_allow_javascript=True,
    )
