CREATE TABLE departement_medecins AS
SELECT departement, nom_departement, pct_medecins_55ans_plus_2025 AS part_medecins_55_plus,
       effectif_medecins_2025 AS effectif_medecins,
       tcam_effectif_2012_2025_pct AS tcam_effectif_pct,
       variation_annuelle_moyenne_2012_2025 AS variation_annuelle
FROM stg_medecins_55;
