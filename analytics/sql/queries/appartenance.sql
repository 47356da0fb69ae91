-- The EPCI, département and région a territory belongs to (for links on its profile).
WITH t AS (SELECT * FROM territoire WHERE niveau = $niveau AND code = $code)
SELECT p.niveau, p.code, p.nom
FROM territoire AS p, t
WHERE (p.niveau = 'epci' AND p.code = t.epci AND t.niveau <> 'epci')
   OR (p.niveau = 'departement' AND p.code = t.departement AND t.niveau <> 'departement')
   OR (p.niveau = 'region' AND p.code = t.region AND t.niveau <> 'region')
ORDER BY CASE p.niveau WHEN 'epci' THEN 1 WHEN 'departement' THEN 2 ELSE 3 END
