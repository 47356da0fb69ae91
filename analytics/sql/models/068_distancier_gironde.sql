CREATE TABLE distancier_gironde AS SELECT * FROM stg_distancier;
