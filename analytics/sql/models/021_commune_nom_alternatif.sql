-- Names a file may use for a commune that is no longer one (delegated or associated
-- communes, municipal arrondissements), with the 2026 commune they belong to (COG 2026).
CREATE TABLE commune_nom_alternatif AS
SELECT s.nom, s.departement, p.code_2026 AS code,
       CASE WHEN s.type = 'arrondissement-municipal' THEN 'arrondissement municipal'
            ELSE 'commune déléguée ou associée' END AS nature
FROM stg_communes AS s
JOIN passage_commune AS p ON p.code_source = s.code
WHERE s.type IN ('commune-deleguee', 'commune-associee', 'arrondissement-municipal');
