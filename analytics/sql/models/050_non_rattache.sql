-- Rows of each source whose commune code has no match in the 2026 list.
-- Nothing is dropped silently: the build reports these rows and their population.
CREATE TABLE non_rattache AS
SELECT 'apl_drees' AS source, s.code, s.nom, 'APL ' || s.annee AS detail,
       s.pop_totale AS population
FROM stg_apl AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL
UNION ALL
SELECT 'apl_historique', s.code, NULL, 'APL ' || s.annee, NULL
FROM stg_apl_historique AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL AND s.apl IS NOT NULL
UNION ALL
SELECT 'rpps_communes', s.code, s.nom, s.nb_medecins_generalistes || ' généralistes',
       s.population_geoapi
FROM stg_rpps AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL
UNION ALL
SELECT 'rpps_specialites', s.code, NULL, s.specialite_rpps, NULL
FROM stg_rpps_specialites AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL
UNION ALL
SELECT 'bpe2017', s.code, NULL, s.nb_medecins_omnipraticiens || ' omnipraticiens',
       s.population
FROM stg_bpe2017 AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL
UNION ALL
SELECT 'ars_paca_qpv', s.code, s.nom_qpv, s.code_qpv, NULL
FROM stg_paca_qpv AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL
UNION ALL
SELECT 'apl_historique', s.code, NULL, 'contexte', NULL
FROM stg_contexte_commune AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL
UNION ALL
-- Historical values without a 2022 weight cannot be aggregated: report them.
SELECT 'apl_historique', s.code, NULL, 'APL ' || s.annee || ' sans pondération 2022', NULL
FROM stg_apl_historique AS s
JOIN passage_commune AS p ON p.code_source = s.code
LEFT JOIN apl_officiel AS w ON w.code = p.code_2026 AND w.annee = 2022
WHERE s.apl IS NOT NULL AND s.annee < 2022 AND w.code IS NULL
UNION ALL
SELECT s.source, s.code, s.nom, 'APL ' || s.annee, s.pop_totale
FROM stg_apl_profession AS s LEFT JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.code_source IS NULL;
