-- Every commune with an official APL 2023, as the planner needs it: the point the travel-time
-- model uses (town hall, the points the DREES distancier links; else centroid), populations
-- of the APL 2023, GPs practising in the commune (RPPS 2026).
SELECT c.code, c.nom, c.epci, c.departement, c.region,
       coalesce(t.lat, c.lat) AS lat, coalesce(t.lon, c.lon) AS lon,
       a.pop_totale AS population, a.pop_standardisee, a.apl,
       coalesce(g.medecins_generalistes, 0) AS medecins_generalistes
FROM commune AS c
JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023
LEFT JOIN temps_trajet_commune AS t ON t.code = c.code
LEFT JOIN rpps_commune AS g ON g.code = c.code
WHERE coalesce(t.lat, c.lat) IS NOT NULL
ORDER BY c.code
