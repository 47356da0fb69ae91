-- APL at its finest published unit (commune of the vintage's code list, or municipal
-- arrondissement), attached to its 2026 commune. Counting people under a threshold uses
-- these units, as published; averages are weighted by standardised population.
CREATE TABLE apl_fin AS
SELECT s.code AS unite, p.code_2026 AS code, s.annee, s.apl, s.apl_moins_65,
       s.pop_standardisee, s.pop_totale, 'DREES, classeur APL' AS origine
FROM stg_apl AS s
JOIN passage_commune AS p ON p.code_source = s.code
WHERE s.apl IS NOT NULL;

-- Official APL per 2026 commune: communes merged since the vintage are aggregated as
-- DREES prescribes (workbook note, row 7).
CREATE TABLE apl_officiel AS
-- A commune whose standardised population is 0 (a few uninhabited ones) keeps its
-- published APL: the plain mean stands in when the weights sum to 0.
SELECT code, annee,
    coalesce(sum(apl * pop_standardisee) / nullif(sum(pop_standardisee), 0), avg(apl)) AS apl,
    coalesce(sum(apl_moins_65 * pop_standardisee) / nullif(sum(pop_standardisee), 0),
             avg(apl_moins_65)) AS apl_moins_65,
    sum(pop_standardisee) AS pop_standardisee,
    sum(pop_totale) AS pop_totale,
    count(*) AS unites
FROM apl_fin
GROUP BY code, annee;

-- 2015-2021 come from the historical series (2 decimals, 2025 codes). No standardised
-- population is published with it here, so those years are weighted by the 2022
-- vintage's standardised population (population 2020), the closest available.
INSERT INTO apl_fin
SELECT h.code, h.code, h.annee, h.apl, NULL, w.pop_standardisee, w.pop_totale,
       'DREES, série historique (2 décimales)'
FROM (
    -- Communes merged since the series' geography: weighted by each former commune's
    -- standardised population of the 2022 vintage when all have one, else a plain mean.
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

-- Historical values without a 2022 weight cannot be aggregated: report them.
INSERT INTO non_rattache
SELECT 'apl_historique', s.code, NULL, 'APL ' || s.annee || ' sans pondération 2022', NULL
FROM stg_apl_historique AS s
JOIN passage_commune AS p ON p.code_source = s.code
LEFT JOIN apl_officiel AS w ON w.code = p.code_2026 AND w.annee = 2022
WHERE s.apl IS NOT NULL AND s.annee < 2022 AND w.code IS NULL;
