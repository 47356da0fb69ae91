-- Nearest territories of the same level (distance between population-weighted centres).
-- Great-circle km by the haversine formula with the mean Earth radius 6371.0088 km: the
-- formula and constant of analytics/geodesy.py (EARTH_RADIUS_KM, haversine_km), which
-- tests/test_traveltime.py checks against this query.
WITH c AS (SELECT * FROM centre_territoire WHERE niveau = $niveau AND code = $code)
SELECT i.niveau, i.code, i.nom, i.population, i.apl_2023, i.part_pop_apl_sous_2_5_2023,
       round(2 * 6371.0088 * asin(sqrt(
           pow(sin(radians(o.lat - c.lat) / 2), 2)
           + cos(radians(c.lat)) * cos(radians(o.lat)) * pow(sin(radians(o.lon - c.lon) / 2), 2)
       )), 1) AS km
FROM centre_territoire AS o
JOIN c ON o.niveau = c.niveau AND o.code <> c.code
JOIN indicateurs AS i ON i.niveau = o.niveau AND i.code = o.code
ORDER BY km
LIMIT $limite
