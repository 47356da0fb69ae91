-- Wide view of the long mart for the pages that need one row per territory (map,
-- profile, compare, priorities): every territory, one column per catalogue indicator.
-- GP and context columns are those the long mart was unpivoted from; the columns of
-- every other profession are pivoted back from indicateur_valeur (no column list here:
-- a profession added to the catalogue appears without any change to this file).
CREATE TABLE indicateurs AS
WITH professions AS (
    PIVOT (
        SELECT v.niveau, v.code, v.indicateur, v.valeur
        FROM indicateur_valeur AS v
        JOIN indicateur AS i ON i.indicateur = v.indicateur
        WHERE i.profession NOT IN ('generalistes', 'contexte')
    )
    ON indicateur USING max(valeur) GROUP BY niveau, code
)
SELECT g.*, p.* EXCLUDE (niveau, code)
FROM int_indicateurs_generalistes AS g
LEFT JOIN professions AS p ON p.niveau = g.niveau AND p.code = g.code;
