-- Territories a user can search for (communes, Paris/Lyon/Marseille arrondissements,
-- EPCI, départements, régions).
SELECT t.niveau, t.code, t.nom, t.departement, d.nom AS departement_nom, t.codes_postaux,
       t.population
FROM territoire AS t
LEFT JOIN departement AS d ON d.code = t.departement
WHERE t.niveau IN ('commune', 'arrondissement_municipal', 'epci', 'departement', 'region')
