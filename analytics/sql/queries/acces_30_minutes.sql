-- People more than 30 estimated road minutes from a commune where a GP practises (RPPS
-- 2026), for one territory and for France (table built with the stored travel-time model).
SELECT niveau, code, population, population_au_dela_30_minutes, part_au_dela_30_minutes,
       communes_au_dela_30_minutes
FROM acces_30_minutes
WHERE (niveau = $niveau AND code = $code) OR niveau = 'france'
ORDER BY niveau = 'france'
