-- Current communes (COG 2026) with EPCI, centroid and area.
CREATE TABLE commune AS
SELECT
    c.code,
    c.nom,
    c.departement,
    c.region,
    c.zone,
    m.epci,
    c.population::DOUBLE AS population,
    g.area_km2 AS superficie_km2,
    g.lat,
    g.lon,
    c.codes_postaux
FROM stg_communes AS c
LEFT JOIN stg_epci_membres AS m ON m.code = c.code
LEFT JOIN stg_centroides AS g ON g.code = c.code
WHERE c.type = 'commune-actuelle';
