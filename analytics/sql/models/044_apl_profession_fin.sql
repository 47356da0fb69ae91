-- APL of the other professions (dentists, nurses, midwives… one row per profession in
-- the catalogue) at their finest published unit, attached to the 2026 commune. Unit:
-- FTE per 100 000 standardised inhabitants; weight: the profession's own standardised
-- population (midwives: standardised women).
CREATE TABLE apl_profession_fin AS
SELECT s.profession, s.code AS unite, p.code_2026 AS code, s.annee, s.apl,
       s.pop_standardisee, s.pop_totale
FROM stg_apl_profession AS s
JOIN passage_commune AS p ON p.code_source = s.code
WHERE s.apl IS NOT NULL;
