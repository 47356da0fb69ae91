-- Current communes (COG 2026) as the user's file is matched against them: code, name,
-- parents, population and postcodes (space-separated, as published by La Poste via
-- the Etalab découpage administratif).
SELECT c.code, c.nom, c.departement, c.epci, c.region, c.population, c.codes_postaux
FROM commune AS c
ORDER BY c.code
