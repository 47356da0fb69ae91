-- Communes of a territory with their APL 2023, population and GPs.
SELECT i.code, i.nom, i.population, i.apl_2023, i.apl_2015, i.evolution_apl_2015_2023,
       i.medecins_generalistes, d.km_vol_oiseau AS km_generaliste
FROM appartenance AS a
JOIN indicateurs AS i ON i.niveau = 'commune' AND i.code = a.commune
LEFT JOIN distance_generaliste AS d ON d.code = a.commune
WHERE a.niveau = $niveau AND a.territoire = $code
ORDER BY i.apl_2023 ASC NULLS LAST, i.population DESC
