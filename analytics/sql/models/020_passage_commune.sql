-- Passage table: any code a source may use (former codes of merged communes,
-- delegated/associated communes, municipal arrondissements) -> current 2026 commune.
-- A current code always wins; then arrondissement, former code, delegated commune.
CREATE TABLE passage_commune AS
WITH candidates AS (
    SELECT code AS code_source, code AS code_2026, 'commune actuelle' AS nature, 1 AS priorite
    FROM stg_communes WHERE type = 'commune-actuelle'
    UNION ALL
    SELECT code, commune_parent, 'arrondissement municipal', 2
    FROM stg_communes WHERE type = 'arrondissement-municipal'
    UNION ALL
    SELECT a.ancien_code, coalesce(d.chef_lieu, a.code), 'ancien code', 3
    FROM stg_anciens_codes AS a
    LEFT JOIN stg_communes AS d
        ON d.code = a.code AND d.type IN ('commune-deleguee', 'commune-associee')
    WHERE a.type IN ('commune-actuelle', 'commune-deleguee', 'commune-associee')
    UNION ALL
    SELECT code, chef_lieu, 'commune déléguée ou associée', 4
    FROM stg_communes WHERE type IN ('commune-deleguee', 'commune-associee')
),
ranked AS (
    SELECT *,
        row_number() OVER (PARTITION BY code_source ORDER BY priorite, code_2026) AS rang,
        count(DISTINCT code_2026) OVER (PARTITION BY code_source, priorite) AS n_cibles
    FROM candidates
    WHERE code_2026 IN (SELECT code FROM stg_communes WHERE type = 'commune-actuelle')
)
SELECT code_source, code_2026, nature, n_cibles > 1 AS ambigu
FROM ranked WHERE rang = 1;
