-- Every code a file may use (current code, former code of a merged commune, delegated or
-- associated commune, Paris/Lyon/Marseille arrondissement) and its 2026 commune.
SELECT p.code_source, p.code_2026, p.nature
FROM passage_commune AS p
ORDER BY p.code_source
