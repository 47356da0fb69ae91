-- Départements and overseas collectivities (COG 2026), for labels.
CREATE TABLE departement AS
SELECT code, nom, region, zone, chefLieu AS chef_lieu FROM stg_departements;
