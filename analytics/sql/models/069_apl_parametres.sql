CREATE TABLE apl_parametres AS SELECT * FROM stg_apl_parametres;
