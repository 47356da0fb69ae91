-- 2015-2021 come from the historical series (2 decimals, 2025 codes). No standardised
-- population is published with it here, so those years are weighted by the 2022
-- vintage's standardised population (population 2020), the closest available.
-- Communes merged since the series' geography: weighted by each former commune's
-- standardised population of the 2022 vintage when all have one, else a plain mean.
CREATE TABLE int_apl_historique AS
SELECT h.code AS unite, h.code, h.annee, h.apl, NULL::DOUBLE AS apl_moins_65,
       w.pop_standardisee, w.pop_totale, 'DREES, série historique (2 décimales)' AS origine
FROM (
    SELECT p.code_2026 AS code, s.annee,
           coalesce(
               CASE WHEN count(w.pop_standardisee) = count(*)
                    THEN sum(s.apl * w.pop_standardisee) / nullif(sum(w.pop_standardisee), 0)
               END,
               avg(s.apl)
           ) AS apl
    FROM stg_apl_historique AS s
    JOIN passage_commune AS p ON p.code_source = s.code
    LEFT JOIN stg_apl AS w ON w.code = s.code AND w.annee = 2022
    WHERE s.apl IS NOT NULL AND s.annee < 2022
    GROUP BY ALL
) AS h
JOIN apl_officiel AS w ON w.code = h.code AND w.annee = 2022;
