-- GP indicators per territory (every level), from current communes: the wide source of
-- the long mart indicateur_valeur.
CREATE TABLE int_indicateurs_generalistes AS
WITH faits AS (
    SELECT a.niveau, a.territoire AS code, c.code AS commune, c.population, c.superficie_km2,
           c.departement, c.zone,
           r.medecins_generalistes, r.medecins_total,
           -- BPE 2017 covers metropolitan France without Paris: elsewhere unknown, not 0
           CASE WHEN c.zone = 'metro' AND c.departement <> '75'
                THEN coalesce(b.omnipraticiens_2017, 0) END AS omnipraticiens_2017,
           x.part_75_plus, x.minutes_urgences, x.msp
    FROM appartenance AS a
    JOIN commune AS c ON c.code = a.commune
    LEFT JOIN rpps_commune AS r ON r.code = c.code
    LEFT JOIN bpe2017_commune AS b ON b.code = c.code
    LEFT JOIN contexte_commune AS x ON x.code = c.code
),
agg AS (
    SELECT niveau, code,
        count(*) AS nb_communes,
        sum(population) AS population,
        sum(superficie_km2) AS superficie_km2,
        sum(coalesce(medecins_generalistes, 0)) AS medecins_generalistes,
        sum(coalesce(medecins_total, 0)) AS medecins_total,
        count_if(coalesce(medecins_generalistes, 0) > 0) AS communes_avec_generaliste,
        sum(omnipraticiens_2017) AS omnipraticiens_liberaux_2017,
        sum(CASE WHEN omnipraticiens_2017 IS NOT NULL THEN population END)
            AS population_couverte_bpe,
        sum(part_75_plus * population)
            / nullif(sum(CASE WHEN part_75_plus IS NOT NULL THEN population END), 0)
            AS part_75_plus,
        sum(minutes_urgences * population)
            / nullif(sum(CASE WHEN minutes_urgences IS NOT NULL THEN population END), 0)
            AS minutes_urgences,
        count_if(msp) AS communes_avec_msp,
        -- département context, weighted by its doctors when the territory spans several
        sum(CASE WHEN msp IS NOT NULL THEN 1 ELSE 0 END) AS communes_contexte
    FROM faits
    GROUP BY niveau, code
),
dep_ctx AS (
    SELECT a.niveau, a.territoire AS code,
        sum(d.part_medecins_55_plus * c.population)
            / nullif(sum(CASE WHEN d.part_medecins_55_plus IS NOT NULL THEN c.population END), 0)
            AS part_medecins_55_plus,
        sum(d.tcam_effectif_pct * c.population)
            / nullif(sum(CASE WHEN d.tcam_effectif_pct IS NOT NULL THEN c.population END), 0)
            AS tcam_effectif_medecins_pct
    FROM appartenance AS a
    JOIN commune AS c ON c.code = a.commune
    LEFT JOIN departement_medecins AS d ON d.departement = c.departement
    GROUP BY ALL
),
-- Change since 2015 on a constant perimeter: the communes that have both years (the
-- historical series lacks Paris, Lyon and Marseille), each year with its own weights.
evolution AS (
    SELECT a.niveau, a.territoire AS code,
        sum(n.apl * n.pop_standardisee) / nullif(sum(n.pop_standardisee), 0)
          - sum(o.apl * o.pop_standardisee) / nullif(sum(o.pop_standardisee), 0)
          AS evolution_apl_2015_2023,
        sum(n.pop_totale) AS pop_evolution_2015_2023
    FROM appartenance AS a
    JOIN apl_officiel AS n ON n.code = a.commune AND n.annee = 2023
    JOIN apl_fin AS o ON o.code = a.commune AND o.annee = 2015
    GROUP BY ALL
),
apl_wide AS (
    SELECT niveau, code,
        max(apl) FILTER (annee = 2015) AS apl_2015,
        max(apl) FILTER (annee = 2016) AS apl_2016,
        max(apl) FILTER (annee = 2017) AS apl_2017,
        max(apl) FILTER (annee = 2018) AS apl_2018,
        max(apl) FILTER (annee = 2019) AS apl_2019,
        max(apl) FILTER (annee = 2021) AS apl_2021,
        max(apl) FILTER (annee = 2022) AS apl_2022,
        max(apl) FILTER (annee = 2023) AS apl_2023,
        max(apl_moins_65) FILTER (annee = 2023) AS apl_moins_65_2023,
        max(pop_standardisee) FILTER (annee = 2023) AS pop_standardisee_2023,
        max(pop_couverte) FILTER (annee = 2023) AS pop_couverte_apl_2023,
        max(pop_apl_sous_2_5) FILTER (annee = 2023) AS pop_apl_sous_2_5_2023,
        max(pop_apl_2_5_4) FILTER (annee = 2023) AS pop_apl_2_5_4_2023,
        max(pop_apl_4_plus) FILTER (annee = 2023) AS pop_apl_4_plus_2023,
        max(pop_apl_sous_2_5) FILTER (annee = 2022) AS pop_apl_sous_2_5_2022,
        max(pop_couverte) FILTER (annee = 2022) AS pop_couverte_apl_2022
    FROM apl_territoire
    GROUP BY niveau, code
)
SELECT
    t.niveau, t.code, t.nom, t.departement, t.region, t.epci,
    coalesce(g.nb_communes, 0) AS nb_communes,
    t.population,
    t.superficie_km2,
    t.population / nullif(t.superficie_km2, 0) AS densite,
    g.medecins_generalistes,
    10000 * g.medecins_generalistes / nullif(t.population, 0) AS generalistes_pour_10000,
    g.medecins_total,
    10000 * g.medecins_total / nullif(t.population, 0) AS medecins_pour_10000,
    g.communes_avec_generaliste,
    g.omnipraticiens_liberaux_2017,
    10000 * g.omnipraticiens_liberaux_2017 / nullif(g.population_couverte_bpe, 0)
        AS omnipraticiens_liberaux_2017_pour_10000,
    w.apl_2015, w.apl_2016, w.apl_2017, w.apl_2018, w.apl_2019, w.apl_2021, w.apl_2022,
    w.apl_2023,
    e.evolution_apl_2015_2023,
    e.pop_evolution_2015_2023,
    w.apl_2023 - w.apl_2022 AS evolution_apl_2022_2023,
    w.apl_moins_65_2023,
    -- share of accessible supply that depends on GPs over 65
    1 - w.apl_moins_65_2023 / nullif(w.apl_2023, 0) AS part_offre_medecins_plus_65_2023,
    w.pop_standardisee_2023,
    w.pop_couverte_apl_2023,
    w.pop_apl_sous_2_5_2023,
    w.pop_apl_sous_2_5_2023 / nullif(w.pop_couverte_apl_2023, 0) AS part_pop_apl_sous_2_5_2023,
    w.pop_apl_2_5_4_2023,
    w.pop_apl_2_5_4_2023 / nullif(w.pop_couverte_apl_2023, 0) AS part_pop_apl_2_5_4_2023,
    w.pop_apl_4_plus_2023,
    w.pop_apl_4_plus_2023 / nullif(w.pop_couverte_apl_2023, 0) AS part_pop_apl_4_plus_2023,
    w.pop_apl_sous_2_5_2022,
    w.pop_apl_sous_2_5_2022 / nullif(w.pop_couverte_apl_2022, 0) AS part_pop_apl_sous_2_5_2022,
    g.part_75_plus,
    g.minutes_urgences,
    g.communes_avec_msp,
    d.part_medecins_55_plus,
    d.tcam_effectif_medecins_pct
FROM territoire AS t
LEFT JOIN agg AS g ON g.niveau = t.niveau AND g.code = t.code
LEFT JOIN apl_wide AS w ON w.niveau = t.niveau AND w.code = t.code
LEFT JOIN dep_ctx AS d ON d.niveau = t.niveau AND d.code = t.code
LEFT JOIN evolution AS e ON e.niveau = t.niveau AND e.code = t.code;
