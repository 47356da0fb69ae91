-- Member communes of one or several territories of one level (the planning zone).
SELECT DISTINCT a.commune AS code
FROM appartenance AS a
WHERE a.niveau = $niveau AND list_contains($codes, a.territoire)
ORDER BY code
