-- Communes with GPs or a maison de santé, as points for the optional map layers.
SELECT c.code, c.nom, c.departement, c.lon, c.lat,
       coalesce(i.medecins_generalistes, 0) AS medecins_generalistes,
       coalesce(i.communes_avec_msp, 0) AS msp
FROM commune AS c
JOIN indicateurs AS i ON i.niveau = 'commune' AND i.code = c.code
WHERE c.lon IS NOT NULL AND c.lat IS NOT NULL
  AND (coalesce(i.medecins_generalistes, 0) > 0 OR coalesce(i.communes_avec_msp, 0) > 0)
ORDER BY c.code
