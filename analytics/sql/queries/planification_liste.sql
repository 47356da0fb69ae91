-- Territories of one level for the planner's zone picker (name, département for labels).
SELECT t.code, t.nom, t.departement, t.population
FROM territoire AS t
WHERE t.niveau = $niveau
ORDER BY t.nom, t.code
