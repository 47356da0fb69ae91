-- Demand points of the what-if simulation: communes with an official APL 2023.
SELECT c.code, c.nom, c.departement, c.lat, c.lon, a.pop_totale AS population,
       a.pop_standardisee, a.apl AS apl_avant
FROM commune AS c
JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023
WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL
ORDER BY c.code
