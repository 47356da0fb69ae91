"""The compare page's table: six territories readable side by side without scrolling."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def compare_table(table: pd.DataFrame) -> None:
    """Indicators in rows, one narrow column per territory (2 to 6), the indicator's
    name pinned on the left so that it stays in view when the table scrolls."""
    fixed = {"Indicateur", "Unité"}
    config: dict[str, object] = {
        "Indicateur": st.column_config.TextColumn(width="medium", pinned=True),
        "Unité": st.column_config.TextColumn(width="small"),
    }
    for column in table.columns:
        if column not in fixed:
            # The full name stays in the header's tooltip when the column is narrow.
            config[column] = st.column_config.TextColumn(width="small", help=str(column))
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
