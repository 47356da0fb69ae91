-- Indicator rows of the communes of a group ($codes: 2026 commune codes), to be aggregated.
SELECT i.*
FROM indicateurs AS i
WHERE i.niveau = 'commune' AND list_contains($codes, i.code)
ORDER BY i.code
