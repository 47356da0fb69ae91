-- Communes of a territory with their APL 2023, population, GPs and the estimated road
-- time to the nearest commune with a GP (flagged where the travel model is least sure).
SELECT i.code, i.nom, i.population, i.apl_2023, i.apl_2015, i.evolution_apl_2015_2023,
       i.medecins_generalistes, d.km_vol_oiseau AS km_generaliste,
       d.minutes_route_estimees AS minutes_generaliste, t.incertitude AS temps_incertain
FROM appartenance AS a
JOIN indicateurs AS i ON i.niveau = 'commune' AND i.code = a.commune
LEFT JOIN distance_generaliste AS d ON d.code = a.commune
LEFT JOIN temps_trajet_commune AS t ON t.code = a.commune
WHERE a.niveau = $niveau AND a.territoire = $code
ORDER BY i.apl_2023 ASC NULLS LAST, i.population DESC
