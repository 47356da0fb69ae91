"""The priorities page's weighting: preset box, one slider per component, their total.

Streamlit forgets a widget's value when its page is left (the widget is not drawn on the
other page), but keeps plain ``session_state`` keys. The weights therefore live in one
plain key, :data:`STORE`, written by the widgets' callbacks; the widgets are re-seeded
from it on every visit. A link carrying another weighting (``preset=…`` or ``poids=…``)
replaces it; a link carrying none (the menu) keeps it.
"""

from __future__ import annotations

import streamlit as st

from analytics.formatting import fmt_number
from analytics.ranking import (
    MAX_WEIGHT,
    PERSONNALISE,
    WEIGHT_STEP,
    full_weights,
    preset_of,
    weight_shares,
    weights_param,
)
from analytics.score import COMPONENTS, DEFAULT_PRESET, PRESETS

#: The weights in force, kept across pages (a plain key: Streamlit never drops it).
STORE = "_poids"
#: The weighting of the URL last applied or written: a link carrying another one wins.
URL_SEEN = "_poids_url"
PRESET_KEY = "preset"


def slider_key(component_key: str) -> str:
    return f"poids_{component_key}"


def _apply(weights: dict[str, float]) -> None:
    """Make ``weights`` the current ones: the store and every slider."""
    full = full_weights(weights)
    st.session_state[STORE] = full
    for key, value in full.items():
        st.session_state[slider_key(key)] = int(round(value))


def _on_preset() -> None:
    name = st.session_state[PRESET_KEY]
    if name in PRESETS:
        _apply(PRESETS[name])


def _on_weight() -> None:
    weights = {c.key: float(st.session_state[slider_key(c.key)]) for c in COMPONENTS}
    st.session_state[STORE] = weights
    st.session_state[PRESET_KEY] = preset_of(weights)


def url_weighting(preset: str | None, weights: dict[str, float]) -> tuple[str | None, str | None]:
    """What the URL carries for ``weights``: the preset's name when they are a preset's,
    else ``poids=…`` (so a hand-tuned ranking is reproduced from its link)."""
    name = preset if preset in PRESETS else preset_of(weights)
    if name in PRESETS and preset_of(weights) == name:
        return name, None
    return None, weights_param(weights)


def weight_panel(
    url_preset: str | None, url_weights: dict[str, float] | None
) -> tuple[str | None, dict[str, float]]:
    """Preset box, sliders and their total; returns ``(preset, weights)``, ``preset``
    None when the weights are hand-tuned (the URL must then carry the weights)."""
    ss = st.session_state
    if url_weights is not None:
        wanted = full_weights(url_weights)
    elif url_preset is not None:
        wanted = full_weights(PRESETS[url_preset])
    else:
        wanted = None
    url_key = url_weighting(url_preset, wanted) if wanted is not None else None
    if STORE not in ss or (url_key is not None and url_key != ss.get(URL_SEEN)):
        _apply(wanted or PRESETS[DEFAULT_PRESET])
        ss.pop(PRESET_KEY, None)
    # Widgets left behind on another page lost their values: seed them again.
    for c in COMPONENTS:
        if slider_key(c.key) not in ss:
            ss[slider_key(c.key)] = int(round(ss[STORE][c.key]))
    if PRESET_KEY not in ss:
        ss[PRESET_KEY] = preset_of(ss[STORE])

    st.selectbox(
        "Pondération",
        [*PRESETS, PERSONNALISE],
        key=PRESET_KEY,
        on_change=_on_preset,
        help="« Personnalisé » dès qu'un poids ne correspond plus à une pondération nommée.",
    )
    custom = ss[PRESET_KEY] == PERSONNALISE
    with st.expander("Ajuster les poids des composantes", expanded=custom):
        cols = st.columns(3)
        for i, comp in enumerate(COMPONENTS):
            cols[i % 3].slider(
                comp.label,
                0,
                MAX_WEIGHT,
                step=WEIGHT_STEP,
                key=slider_key(comp.key),
                help=comp.definition,
                on_change=_on_weight,
            )
    weights = dict(ss[STORE])
    if not any(weights.values()):
        st.error("Donnez un poids positif à au moins une composante.")
        st.stop()
    _weights_summary(weights)
    ss[URL_SEEN] = url_weighting(ss[PRESET_KEY], weights)
    return ss[URL_SEEN][0], weights


def _weights_summary(weights: dict[str, float]) -> None:
    """The weights in force and their share of the total, a warning when ≠ 100."""
    total = sum(weights.values())
    shares = weight_shares(weights)
    parts = "; ".join(
        f"{c.label} {fmt_number(shares[c.key], 0 if shares[c.key] % 1 == 0 else 1)} %"
        for c in COMPONENTS
        if weights[c.key] > 0
    )
    if round(total) != 100:
        st.warning(
            f"Les poids totalisent {fmt_number(total)} et non 100 : seules leurs proportions "
            f"comptent, chaque composante pèse sa part du total. Parts appliquées : {parts}.",
            icon=":material/balance:",
        )
    else:
        st.caption(f"Poids appliqués (total 100) : {parts}.")
