-- Inputs of the need score for every level (but France): the build writes them as the
-- relation besoin_entrees, which the recommendation and the priorities page both read.
SELECT i.*, d.km_generaliste,
       CASE WHEN a.indicateur = 'part_patients_ald_sans_medecin_traitant'
            THEN a.valeur / 100 END AS part_ald_sans_medecin_traitant
FROM indicateurs AS i
LEFT JOIN distance_territoire AS d ON d.niveau = i.niveau AND d.code = i.code
LEFT JOIN ald_sans_mt AS a
       ON i.niveau = 'departement' AND a.departement = i.code
      AND a.indicateur = 'part_patients_ald_sans_medecin_traitant'
WHERE i.niveau <> 'france'
ORDER BY i.niveau, i.code
