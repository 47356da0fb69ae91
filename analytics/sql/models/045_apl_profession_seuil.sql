-- No official under-served threshold exists for these professions (DREES publishes none;
-- 2.5 is for GPs only). The app shows instead the lowest national fifth: the APL under
-- which 20 % of the covered population lives (units ordered by APL, people counted in
-- total population, as the workbooks' note prescribes for quantiles).
CREATE TABLE apl_profession_seuil AS
WITH cumul AS (
    SELECT profession, annee, apl,
        sum(pop_totale) OVER (PARTITION BY profession, annee ORDER BY apl, unite
                              ROWS UNBOUNDED PRECEDING) AS cumul,
        sum(pop_totale) OVER (PARTITION BY profession, annee) AS total
    FROM apl_profession_fin
)
SELECT profession, annee, min(apl) FILTER (cumul >= 0.2 * total) AS seuil_quintile_bas,
       0.2::DOUBLE AS quantile
FROM cumul
GROUP BY profession, annee;
