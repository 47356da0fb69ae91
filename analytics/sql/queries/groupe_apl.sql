-- APL of each commune of a group and year, with the weights needed to aggregate it:
-- standardised population (mean) and total population under each threshold (counts).
SELECT a.code, a.annee, a.apl, a.apl_moins_65, a.pop_standardisee, a.pop_couverte,
       a.pop_apl_sous_2_5, a.pop_apl_2_5_4, a.pop_apl_4_plus
FROM apl_territoire AS a
WHERE a.niveau = 'commune' AND list_contains($codes, a.code)
ORDER BY a.code, a.annee
