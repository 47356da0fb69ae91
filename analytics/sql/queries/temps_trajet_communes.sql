-- Per-commune travel point, regional slowness factor, terrain and uncertainty flag.
SELECT code, lat, lon, point, facteur, terrain, incertitude, motif_incertitude
FROM temps_trajet_commune
ORDER BY code
