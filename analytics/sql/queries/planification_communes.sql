-- Every commune with an official APL 2023, as the planner needs it: town-hall point (the
-- points the DREES distancier links; centroid where the referential has none), populations
-- of the APL 2023, GPs practising in the commune (RPPS 2026).
SELECT c.code, c.nom, c.epci, c.departement, c.region,
       coalesce(r.mairie_lat, c.lat) AS lat, coalesce(r.mairie_lon, c.lon) AS lon,
       a.pop_totale AS population, a.pop_standardisee, a.apl,
       coalesce(g.medecins_generalistes, 0) AS medecins_generalistes
FROM commune AS c
JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023
LEFT JOIN stg_referentiel_coordonnees AS r
       ON r.code_commune = c.code AND r.type = 'commune-actuelle'
LEFT JOIN rpps_commune AS g ON g.code = c.code
WHERE coalesce(r.mairie_lat, c.lat) IS NOT NULL
ORDER BY c.code
