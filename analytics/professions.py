"""The profession catalogue: every health profession whose DREES APL the app reads.

One entry per profession says where its workbook is (a source key of
:mod:`analytics.sources`), how to read it (sheet names, header and unit rows, column
headers) and how to aggregate it (the weight is the profession's own standardised
population; people are counted in total population). The parser, the SQL models and the
indicator catalogue are all driven by this tuple: adding a profession is one entry here
plus its source (see the README, « Ajouter un indicateur »).

Source of the layout: DREES, *L'Accessibilité potentielle localisée (APL)*, dataset
``530_l-accessibilite-potentielle-localisee-apl`` — workbooks « APL aux
chirurgiens-dentistes / infirmières / sages-femmes » (sheets ``APL 2022`` and
``APL 2023``: title and notes on rows 1–8, header on row 9, units on row 10).
"""

from __future__ import annotations

from dataclasses import dataclass

# Lowest national fifth: DREES publishes no under-served threshold for these professions
# (the 2.5 consultations threshold is for GPs only), so the app shows the people living
# in communes among the 20 % of the population with the lowest APL of that profession.
QUANTILE_BAS = 0.2


@dataclass(frozen=True)
class Profession:
    key: str  # short identifier used in indicator keys: apl_<key>_<year>
    label: str  # plural, lower case: « chirurgiens-dentistes »
    source: str  # source key of the workbook
    apl_header: str  # exact header of the APL column
    weight_header: str  # header prefix of the standardised population (the weight)
    total_header: str = "Population totale"  # header prefix of the total population
    unit_prefix: str = "En ETP pour 100 000"  # the unit row under the APL column
    unit: str = "ETP/100 000 hab. std."
    unit_long: str = "équivalents temps plein (ETP) pour 100 000 habitants standardisés"
    weight_label: str = "population standardisée"
    years: tuple[int, ...] = (2022, 2023)
    sheet_pattern: str = "APL {year}"
    header_row: int = 9
    code_header: str = "Code commune INSEE"
    # No official under-served threshold exists for these professions (DREES); None says so.
    threshold: float | None = None
    threshold_text: str | None = None  # wording of an official threshold when one exists
    decimals: int = 1
    # Expected weighted national mean 2023, a sanity band around the DREES national figures
    # (about 61 dentists, 156 nurses, 22 midwives per 100 000; DREES APL workbooks 2023).
    national_band: tuple[float, float] | None = None

    @property
    def unit_row(self) -> int:
        return self.header_row + 1

    def sheet(self, year: int) -> str:
        return self.sheet_pattern.format(year=year)

    def indicator(self, year: int) -> str:
        return f"apl_{self.key}_{year}"

    @property
    def headline(self) -> tuple[str, ...]:
        """The indicators a profile, a comparison and the PDF show for this profession."""
        last, first = self.years[-1], self.years[0]
        return (
            self.indicator(last),
            self.indicator(first),
            f"evolution_apl_{self.key}_{first}_{last}",
            f"part_pop_quintile_bas_{self.key}_{last}",
            f"pop_quintile_bas_{self.key}_{last}",
        )


PROFESSIONS: tuple[Profession, ...] = (
    Profession(
        key="dentistes",
        label="chirurgiens-dentistes",
        source="apl_dentistes",
        apl_header="APL aux chirurgiens-dentistes",
        weight_header="Population standardisée",
        national_band=(50.0, 75.0),
    ),
    Profession(
        key="infirmieres",
        label="infirmières",
        source="apl_infirmieres",
        apl_header="APL aux infirmières",
        weight_header="Population standardisée",
        national_band=(130.0, 180.0),
    ),
    Profession(
        key="sages_femmes",
        label="sages-femmes",
        source="apl_sages_femmes",
        apl_header="APL aux sages-femmes",
        weight_header="Population féminine standardisée",
        unit="ETP/100 000 femmes std.",
        unit_long="équivalents temps plein (ETP) pour 100 000 habitantes standardisées",
        weight_label="population féminine standardisée",
        national_band=(15.0, 30.0),
    ),
)

PROFESSIONS_BY_KEY: dict[str, Profession] = {p.key: p for p in PROFESSIONS}
