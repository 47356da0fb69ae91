-- GP APL of the official DREES workbook at its finest published unit (commune of the
-- vintage's code list, or municipal arrondissement), attached to its 2026 commune.
CREATE TABLE int_apl_unites AS
SELECT s.code AS unite, p.code_2026 AS code, s.annee, s.apl, s.apl_moins_65,
       s.pop_standardisee, s.pop_totale, 'DREES, classeur APL' AS origine
FROM stg_apl AS s
JOIN passage_commune AS p ON p.code_source = s.code
WHERE s.apl IS NOT NULL;
