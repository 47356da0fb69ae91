-- APL per territory, level and year: mean weighted by standardised population (DREES),
-- people counted under thresholds with total population.
CREATE TABLE apl_territoire AS
WITH unites AS (
    SELECT a.niveau, a.territoire AS code, f.*
    FROM apl_fin AS f JOIN appartenance AS a ON a.commune = f.code
    UNION ALL
    SELECT 'arrondissement_municipal', f.unite, f.*
    FROM apl_fin AS f JOIN arrondissement_municipal AS am ON am.code = f.unite
)
SELECT niveau, code, annee,
    sum(apl * pop_standardisee) / nullif(sum(pop_standardisee), 0) AS apl,
    sum(apl_moins_65 * pop_standardisee)
        / nullif(sum(CASE WHEN apl_moins_65 IS NOT NULL THEN pop_standardisee END), 0)
        AS apl_moins_65,
    sum(pop_standardisee) AS pop_standardisee,
    sum(pop_totale) AS pop_couverte,
    sum(CASE WHEN apl < 2.5 THEN pop_totale ELSE 0 END) AS pop_apl_sous_2_5,
    sum(CASE WHEN apl >= 2.5 AND apl < 4 THEN pop_totale ELSE 0 END) AS pop_apl_2_5_4,
    sum(CASE WHEN apl >= 4 THEN pop_totale ELSE 0 END) AS pop_apl_4_plus,
    count(*) AS unites
FROM unites
GROUP BY niveau, code, annee;
