-- The territory, its département, région and France (for side-by-side figures).
WITH t AS (SELECT * FROM indicateurs WHERE niveau = $niveau AND code = $code)
SELECT 'territoire' AS role, i.* FROM indicateurs AS i, t
WHERE i.niveau = t.niveau AND i.code = t.code
UNION ALL
SELECT 'departement', i.* FROM indicateurs AS i, t
WHERE i.niveau = 'departement' AND i.code = t.departement AND t.niveau <> 'departement'
UNION ALL
SELECT 'region', i.* FROM indicateurs AS i, t
WHERE i.niveau = 'region' AND i.code = t.region AND t.niveau NOT IN ('region', 'france')
UNION ALL
SELECT 'france', i.* FROM indicateurs AS i, t
WHERE i.niveau = 'france' AND t.niveau <> 'france'
