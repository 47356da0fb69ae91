-- Names and populations of territories of one level, for the zone picker and the titles.
SELECT t.code, t.nom, t.departement, t.population
FROM territoire AS t
WHERE t.niveau = $niveau AND list_contains($codes, t.code)
ORDER BY t.code
