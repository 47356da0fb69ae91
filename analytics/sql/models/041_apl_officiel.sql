-- Official APL per 2026 commune: communes merged since the vintage are aggregated as
-- DREES prescribes (workbook note, row 7). A commune whose standardised population is 0
-- (a few uninhabited ones) keeps its published APL: the plain mean stands in when the
-- weights sum to 0.
CREATE TABLE apl_officiel AS
SELECT code, annee,
    coalesce(sum(apl * pop_standardisee) / nullif(sum(pop_standardisee), 0), avg(apl)) AS apl,
    coalesce(sum(apl_moins_65 * pop_standardisee) / nullif(sum(pop_standardisee), 0),
             avg(apl_moins_65)) AS apl_moins_65,
    sum(pop_standardisee) AS pop_standardisee,
    sum(pop_totale) AS pop_totale,
    count(*) AS unites
FROM int_apl_unites
GROUP BY code, annee;
