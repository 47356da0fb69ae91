-- Every territory of every level, with its name and parents.
CREATE TABLE territoire AS
SELECT 'commune' AS niveau, c.code, c.nom, c.departement, c.region, c.epci,
       c.population, c.superficie_km2, c.lat, c.lon, c.codes_postaux
FROM commune AS c
UNION ALL
SELECT 'arrondissement_municipal', a.code, a.nom, a.departement, a.region, c.epci,
       a.population, NULL, NULL, NULL, NULL
FROM arrondissement_municipal AS a LEFT JOIN commune AS c ON c.code = a.commune
UNION ALL
SELECT 'epci', e.code, e.nom,
       -- the département holding most of the EPCI's population, for labels
       arg_max(c.departement, c.population), arg_max(c.region, c.population), e.code,
       sum(c.population), sum(c.superficie_km2), NULL, NULL, NULL
FROM stg_epci AS e JOIN commune AS c ON c.epci = e.code
GROUP BY e.code, e.nom
UNION ALL
SELECT 'departement', d.code, d.nom, d.code, d.region, NULL,
       sum(c.population), sum(c.superficie_km2), NULL, NULL, NULL
FROM stg_departements AS d JOIN commune AS c ON c.departement = d.code
GROUP BY d.code, d.nom, d.region
UNION ALL
SELECT 'region', r.code, r.nom, NULL, r.code, NULL,
       sum(c.population), sum(c.superficie_km2), NULL, NULL, NULL
FROM stg_regions AS r JOIN commune AS c ON c.region = r.code
GROUP BY r.code, r.nom
UNION ALL
-- France as INSEE counts it: metropolitan France and the five DROM (Mayotte included);
-- the overseas collectivities (975, 977, 978, 984, 986–989) keep their own rows but are
-- not part of the France total.
SELECT 'france', 'FR', 'France', NULL, NULL, NULL,
       sum(population), sum(superficie_km2), NULL, NULL, NULL
FROM commune WHERE departement < '975' OR departement = '976';
