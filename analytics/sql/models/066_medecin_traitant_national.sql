CREATE TABLE medecin_traitant_national AS SELECT * FROM stg_medecin_traitant_national;
