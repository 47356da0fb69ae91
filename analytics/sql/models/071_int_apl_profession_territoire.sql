-- APL of each other profession per territory, level and year: mean weighted by the
-- profession's own standardised population (DREES workbook note, row 7); people in the
-- lowest national fifth counted in total population.
CREATE TABLE int_apl_profession_territoire AS
WITH unites AS (
    SELECT a.niveau, a.territoire AS code, f.profession, f.annee, f.apl,
           f.pop_standardisee, f.pop_totale
    FROM apl_profession_fin AS f JOIN appartenance AS a ON a.commune = f.code
    UNION ALL
    SELECT 'arrondissement_municipal', f.unite, f.profession, f.annee, f.apl,
           f.pop_standardisee, f.pop_totale
    FROM apl_profession_fin AS f JOIN arrondissement_municipal AS am ON am.code = f.unite
)
SELECT u.niveau, u.code, u.profession, u.annee,
    -- the plain mean stands in only when the weights sum to 0 (uninhabited communes)
    coalesce(sum(u.apl * u.pop_standardisee) / nullif(sum(u.pop_standardisee), 0), avg(u.apl))
        AS apl,
    sum(u.pop_standardisee) AS pop_standardisee,
    sum(u.pop_totale) AS pop_couverte,
    sum(CASE WHEN u.apl <= s.seuil_quintile_bas THEN u.pop_totale ELSE 0 END)
        AS pop_quintile_bas
FROM unites AS u
JOIN apl_profession_seuil AS s ON s.profession = u.profession AND s.annee = u.annee
GROUP BY u.niveau, u.code, u.profession, u.annee;
