-- APL 2015-2023 of several territories: $territoires is a list of 'niveau:code' keys.
SELECT a.niveau, a.code, t.nom, a.annee, a.apl, a.pop_couverte, a.pop_apl_sous_2_5,
       a.pop_apl_2_5_4, a.pop_apl_4_plus
FROM apl_territoire AS a
JOIN territoire AS t ON t.niveau = a.niveau AND t.code = a.code
WHERE list_contains($territoires, a.niveau || ':' || a.code)
ORDER BY a.niveau, a.code, a.annee
