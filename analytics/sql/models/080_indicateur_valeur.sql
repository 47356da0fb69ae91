-- The long indicator mart: one row per (level, territory, indicator) with a value, at
-- every level (commune, arrondissement_municipal, epci, departement, region, france).
-- ``indicateur`` is a key of the catalogue relation ``indicateur`` (written by the
-- build from analytics/indicators.py); ``serie`` and ``annee`` group a key's vintages.
-- GP indicators come from the wide intermediate; every profession of the catalogue
-- adds its rows here without any change to this file.
CREATE TABLE indicateur_valeur AS
WITH generalistes AS (
    SELECT niveau, code, indicateur, valeur
    FROM (
        UNPIVOT int_indicateurs_generalistes
        ON COLUMNS(* EXCLUDE (niveau, code, nom, departement, region, epci))
        INTO NAME indicateur VALUE valeur
    )
),
professions AS (
    SELECT niveau, code, profession, annee, apl, pop_standardisee, pop_couverte,
           pop_quintile_bas,
           apl - lag(apl) OVER (PARTITION BY niveau, code, profession ORDER BY annee)
               AS evolution,
           lag(annee) OVER (PARTITION BY niveau, code, profession ORDER BY annee)
               AS annee_precedente
    FROM int_apl_profession_territoire
),
professions_long AS (
    SELECT niveau, code, 'apl_' || profession || '_' || annee AS indicateur, apl AS valeur
    FROM professions
    UNION ALL
    SELECT niveau, code, 'pop_standardisee_' || profession || '_' || annee, pop_standardisee
    FROM professions
    UNION ALL
    SELECT niveau, code, 'pop_couverte_apl_' || profession || '_' || annee, pop_couverte
    FROM professions
    UNION ALL
    SELECT niveau, code, 'pop_quintile_bas_' || profession || '_' || annee, pop_quintile_bas
    FROM professions
    UNION ALL
    SELECT niveau, code, 'part_pop_quintile_bas_' || profession || '_' || annee,
           pop_quintile_bas / nullif(pop_couverte, 0)
    FROM professions
    UNION ALL
    SELECT niveau, code,
           'evolution_apl_' || profession || '_' || annee_precedente || '_' || annee, evolution
    FROM professions WHERE annee_precedente IS NOT NULL
)
SELECT v.niveau, v.code, v.indicateur, i.serie, i.annee, v.valeur::DOUBLE AS valeur
FROM (SELECT * FROM generalistes UNION ALL SELECT * FROM professions_long) AS v
JOIN indicateur AS i ON i.indicateur = v.indicateur
WHERE v.valeur IS NOT NULL;
