-- The method of each other profession's APL as DREES states it in its workbook's
-- « Paramètres » sheet (distance decay bands, activity caps, age weights): midwives'
-- bands are wider (10, 20, 30 minutes) than GPs', dentists' and nurses' (10, 15, 20).
CREATE TABLE apl_profession_parametres AS SELECT * FROM stg_apl_profession_parametres;
