-- Territories of one level with what the need score and the recommendation need.
SELECT i.*, d.km_generaliste,
       CASE WHEN a.indicateur = 'part_patients_ald_sans_medecin_traitant'
            THEN a.valeur / 100 END AS part_ald_sans_medecin_traitant,
       m.consultations_manquantes, m.etp_manquants, m.commune_pole, m.nom_pole, m.etp_pole,
       m.part_deficit_pole,
       m.communes_sous_dotees, m.recommandation, m.raison
FROM indicateurs AS i
LEFT JOIN distance_territoire AS d ON d.niveau = i.niveau AND d.code = i.code
LEFT JOIN ald_sans_mt AS a
       ON i.niveau = 'departement' AND a.departement = i.code
      AND a.indicateur = 'part_patients_ald_sans_medecin_traitant'
LEFT JOIN modalite AS m ON m.niveau = i.niveau AND m.territoire = i.code
WHERE i.niveau = $niveau
ORDER BY i.code
