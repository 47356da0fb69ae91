-- Demand points of the what-if simulation: communes with an official APL 2023, at their
-- travel point (town hall) with the travel model's uncertainty flag.
SELECT c.code, c.nom, c.departement, t.lat, t.lon, a.pop_totale AS population,
       a.pop_standardisee, a.apl AS apl_avant, t.incertitude, t.motif_incertitude
FROM commune AS c
JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023
JOIN temps_trajet_commune AS t ON t.code = c.code
WHERE t.lat IS NOT NULL AND t.lon IS NOT NULL
ORDER BY c.code
