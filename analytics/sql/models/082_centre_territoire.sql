-- Population-weighted centre of each territory (for neighbours and map zoom).
CREATE TABLE centre_territoire AS
SELECT a.niveau, a.territoire AS code,
       sum(c.lat * c.population) / nullif(sum(c.population), 0) AS lat,
       sum(c.lon * c.population) / nullif(sum(c.population), 0) AS lon,
       min(c.lat) AS lat_min, max(c.lat) AS lat_max, min(c.lon) AS lon_min, max(c.lon) AS lon_max
FROM appartenance AS a JOIN commune AS c ON c.code = a.commune
WHERE c.lat IS NOT NULL
GROUP BY a.niveau, a.territoire;
