SELECT source, count(*) AS lignes, sum(population) AS population,
       string_agg(DISTINCT code, ', ' ORDER BY code) AS codes
FROM non_rattache GROUP BY source ORDER BY source
