-- Territories of one level with what the need score and the recommendation need (the
-- score's inputs are the relation the build scored the recommendation with).
SELECT b.*,
       m.consultations_manquantes, m.etp_manquants, m.commune_pole, m.nom_pole, m.etp_pole,
       m.part_deficit_pole,
       m.communes_sous_dotees, m.recommandation, m.raison
FROM besoin_entrees AS b
LEFT JOIN modalite AS m ON m.niveau = b.niveau AND m.territoire = b.code
WHERE b.niveau = $niveau
ORDER BY b.code
